"""``audit stuck`` on SQLite and PostgreSQL: processes made through the use cases, the clock
moved on, and the findings read back through the SQL reader (``cli.oversight.collect``, what
the command calls). Also: the sweep's own events do not make a process active, the districts
come out of the documents on both databases, and the queries are ranges on their indexes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text, update

from beteiligung.cli.oversight import collect
from beteiligung.config.bootstrap import build_composer
from beteiligung.config.settings import HERE
from beteiligung.states.deadlines import Deadline
from beteiligung.states.errors import BadInput
from beteiligung.storage import oversight as sql
from beteiligung.storage.schema import processes
from beteiligung.workflow import content, deadlines, process
from beteiligung.workflow.concept_file import parse_concept
from beteiligung.workflow.oversight import NOT_TASKS, Limits, day_start
from beteiligung.workflow.ports import OutgoingMessage
from beteiligung.workflow.reminders import SYSTEM, sweep

BERLIN = ZoneInfo("Europe/Berlin")
CONCEPT = (HERE / "example_concept.toml").read_text(encoding="utf-8")


def today(clock) -> date:
    return clock().astimezone(BERLIN).date()


def found(findings) -> list[tuple]:
    return [(f.process_id, f.code, f.severity, f.days) for f in findings]


def other_process(env, kit, *, deputy: bool = True) -> int:
    """A process of the Stadtplanung in Mitte, without a deputy unless asked."""
    return process.create_process(env, kit.LEAD.email, process.ProcessInput(
        "Spielplatz am Klagesmarkt", "", "Stadtplanung (61)", "Dezernat VI", ("Mitte",),
        "administration", kit.LEAD, kit.DEPUTY if deputy else None)).id


def test_dwell_missed_deadline_and_missing_deputy_from_the_tables(env, clock, kit):
    first = kit.new_process(env)                       # initiated, Linden-Limmer, dept 67
    second = other_process(env, kit, deputy=False)
    third = kit.in_begleitgruppe(env)
    custom = deadlines.add_deadline(env, kit.LEAD.email, third, "Stellungnahme an den "
                                    "Bezirksrat", datetime(2026, 3, 20, 23, 59, tzinfo=BERLIN))
    clock.advance(days=74)                             # 2026-05-15: 'initiated' allows 60

    findings = collect(env, Limits(), today(clock))
    assert found(findings) == [(third, "deadline_missed", "critical", 56),
                               (first, "dwell_exceeded", "warning", 74),
                               (second, "dwell_exceeded", "warning", 74),
                               (third, "dwell_exceeded", "warning", 74),
                               (second, "deputy_email_missing", "info", 74)]
    missed = findings[0]
    assert missed.deadline_ids == (custom,) and missed.params["deadline"].startswith(
        "Stellungnahme")
    dwell = findings[1]
    assert (dwell.title, dwell.department, dwell.directorate, dwell.districts) == (
        "Neugestaltung des Lindener Marktplatzes", "Umwelt und Stadtgrün (67)", "Dezernat V",
        ("Linden-Limmer",))
    assert (dwell.lead_email, dwell.deputy_email, dwell.limit_days) == (
        kit.LEAD.email, kit.DEPUTY.email, 60)
    assert dwell.params == {"trigger": "set_up_begleitgruppe"}
    assert findings[4].districts == ("Mitte",) and findings[4].deputy_email == ""

    only = collect(env, Limits(), today(clock), department="Stadtplanung (61)")
    assert {f.process_id for f in only} == {second}
    only = collect(env, Limits(), today(clock), district="Linden-Limmer")
    assert {f.process_id for f in only} == {first, third}
    with pytest.raises(BadInput, match="did you mean 'Stadtplanung \\(61\\)'"):
        collect(env, Limits(), today(clock), department="Stadtplanung")
    # the day before the limit ran out, only what was late then
    earlier = collect(env, Limits(), date(2026, 5, 1))
    assert {f.code for f in earlier} == {"deadline_missed", "deputy_email_missing"}


def test_pausing_and_resuming_keeps_the_phase_too_long_and_is_itself_found(env, clock, kit):
    pid = kit.new_process(env)
    clock.advance(days=70)                             # 'initiated' allows 60 days
    assert found(collect(env, Limits(), today(clock))) == [(pid, "dwell_exceeded", "warning",
                                                            70)]
    for _ in range(2):                                 # hold and resume, twice in a week
        process.advance(env, kit.LEAD.email, pid, "hold", "kurz pausiert")
        clock.advance(days=3)
        process.advance(env, kit.LEAD.email, pid, "resume")
        clock.advance(hours=1)
    findings = collect(env, Limits(), today(clock))
    # the 6 days on hold do not count, the 70 before them do
    assert found(findings) == [(pid, "dwell_exceeded", "warning", 70),
                               (pid, "holds_repeated", "warning", 6)]
    assert findings[1].params == {"count": 2}
    assert process.history(env, pid)[-4].at == findings[1].since
    # a month later the pauses are out of the window; the phase is still too long
    clock.advance(days=31)
    assert found(collect(env, Limits(), today(clock))) == [(pid, "dwell_exceeded", "warning",
                                                            101)]


def test_the_sweeps_events_do_not_make_a_process_active(env, clock, kit, settings):
    pid = kit.new_process(env)
    clock.advance(days=100)
    sweep(env, build_composer(settings), clock())       # marks the phase deadline missed
    assert process.history(env, pid)[-1].actor == SYSTEM
    idle = [f for f in collect(env, Limits(), today(clock)) if f.code == "idle"]
    assert found(idle) == [(pid, "idle", "warning", 100)]
    assert idle[0].since == process.history(env, pid)[0].at

    clock.advance(days=1)                                # a person acts, without a change
    deadlines.add_deadline(env, kit.DEPUTY.email, pid, "Rückmeldung", clock() + timedelta(9))
    assert [f.code for f in collect(env, Limits(), today(clock))] == ["dwell_exceeded"]


def test_unanswered_suggestions_on_a_published_concept(env, clock, kit):
    pid = kit.in_begleitgruppe(env)
    process.advance(env, kit.LEAD.email, pid, "draft_concept")
    content.load_concept(env, kit.LEAD.email, pid, parse_concept(CONCEPT))
    content.publish_concept(env, kit.LEAD.email, pid, "")
    content.add_suggestion(env, kit.LEAD.email, pid, "concept", "Bitte Bänke aufstellen.")
    content.add_suggestion(env, kit.LEAD.email, pid, "concept", "Mehr Bäume.")
    content.answer_suggestion(env, kit.LEAD.email, pid, 2, "accepted")
    clock.advance(days=32)          # answer due at the end of day 30; the comment period ended
    [finding] = collect(env, Limits(), today(clock))
    assert (finding.code, finding.severity, finding.days) == ("suggestions_unanswered",
                                                              "warning", 2)
    assert finding.params == {"count": 1, "numbers": "1", "first": "1"}
    assert finding.phase == "concept"


def test_hold_failed_mail_interim_and_unknown_phases(env, clock, kit, engine):
    held = kit.new_process(env)
    process.advance(env, kit.LEAD.email, held, "hold", "Haushaltssperre")
    mailed = kit.new_process(env)
    interim = kit.new_process(env)
    renamed = kit.new_process(env)
    paused = kit.new_process(env)
    process.advance(env, kit.LEAD.email, paused, "hold", "Personalwechsel")
    cancelled = other_process(env, kit, deputy=False)
    process.advance(env, kit.LEAD.email, cancelled, "cancel", "Vom Rat zurückgezogen")
    with env.uow() as uow:
        uow.outbox.enqueue(OutgoingMessage("k:1", "reminder", [kit.LEAD.email], [], "Erinnerung",
                                           "Text", "<p>Text</p>", process_id=mailed), clock())
        uow.outbox.enqueue(OutgoingMessage("k:2", "reminder", [kit.LEAD.email], [], "Erinnerung",
                                           "Text", "<p>Text</p>", process_id=cancelled),
                           clock())
        for entry in uow.outbox.claim(clock(), 300, 10):
            uow.outbox.mark_failed(entry.id, "550 5.1.1 mailbox unavailable")
        due = clock() + timedelta(days=5)
        uow.deadlines.add(Deadline(None, interim, "interim_comments", "round 1",
                                   "Kommentierungsfrist (Runde 1)", due, clock()))
        uow.commit()
    with engine.begin() as conn:
        conn.execute(update(processes).where(processes.c.id == renamed)
                     .values(phase="moderation"))
        conn.execute(update(processes).where(processes.c.id == paused)
                     .values(paused_phase="moderation"))
    clock.advance(days=40)

    assert found(collect(env, Limits(), today(clock))) == [
        (renamed, "phase_unknown", "critical", 40), (paused, "phase_unknown", "critical", 40),
        (mailed, "reminder_failed", "warning", 40), (interim, "interim_stalled", "warning", 35)]
    limits = Limits(hold_days=30, interim_days=10)
    findings = collect(env, limits, today(clock))
    assert found(findings)[:3] == [(renamed, "phase_unknown", "critical", 40),
                                   (paused, "phase_unknown", "critical", 40),
                                   (interim, "interim_stalled", "critical", 35)]
    assert (held, "on_hold_long", "warning", 40) in found(findings)
    assert (paused, "on_hold_long", "warning", 40) in found(findings)
    assert cancelled not in {f.process_id for f in findings}


def _plan(conn, statement, params: dict) -> str:
    compiled = statement.params(**params).compile(
        conn, compile_kwargs={"literal_binds": True, "render_postcompile": True})
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        return " ".join(str(row[-1]) for row in rows)
    conn.execute(text("SET LOCAL enable_seqscan = off"))   # tiny tables: ask what it can use
    return " ".join(row[0] for row in conn.execute(text(f"EXPLAIN {compiled}")))


@pytest.mark.parametrize(("statement", "params", "index"), [
    (sql._DUE_BEFORE, {"ignore": list(NOT_TASKS)}, "ix_deadlines_open_status_due"),
    (sql._MISSED, {"ignore": list(NOT_TASKS)}, "ix_deadlines_open_status_due"),
    (sql._ENTERED, {"phase": "dialogue"}, "ix_processes_phase_entered"),
    (sql._UNCHANGED, {"phase": "dialogue"}, "ix_processes_phase_entered"),
    (sql._BETWEEN, {"low": "closed", "high": "concept"}, "ix_processes_phase_entered"),
    (sql._NO_LEAD, {"skip": ["closed", "cancelled"]}, "ix_processes_lead_email"),
])
def test_each_query_is_a_range_on_its_index(engine, statement, params, index):
    moment = day_start(date(2026, 3, 2))
    with engine.connect() as conn:
        plan = _plan(conn, statement, params | {"before": moment, "cut": moment,
                                                "since": moment})
    assert index in plan, plan


def test_recent_holds_start_from_the_few_processes_paused_lately(engine):
    moment = day_start(date(2026, 3, 2))
    with engine.connect() as conn:
        plan = _plan(conn, sql._RECENT_HOLDS, {"pause": "on_hold", "since": moment})
    if engine.dialect.name == "sqlite":
        assert "SEARCH processes USING COVERING INDEX ix_processes_last_hold_at" in plan, plan
        assert "SEARCH audit_events USING INDEX sqlite_autoindex_audit_events_1 (process_id=?)" \
            in plan, plan
    else:
        assert "ix_processes_last_hold_at" in plan and "uq_audit_events_process_seq" in plan, \
            plan


def test_the_dwell_limit_is_the_last_allowed_day_on_both_databases(env, kit):
    pid = kit.new_process(env)                         # 2026-03-02, 10:00 in Hannover
    assert collect(env, Limits(), date(2026, 5, 1)) == []          # day 60 of 60
    assert found(collect(env, Limits(), date(2026, 5, 2))) == [
        (pid, "dwell_exceeded", "warning", 61)]


def test_districts_behind_a_long_subject_are_read_from_the_whole_document(env, clock, kit):
    short = kit.new_process(env)
    long_ = process.create_process(env, kit.LEAD.email, process.ProcessInput(
        "Stadtteilentwicklung Nord", "Viele Worte „zitiert“ \"districts\": [] " * 60,
        "Stadtplanung (61)", "", ("Nord", "Mitte"), "administration", kit.LEAD,
        kit.DEPUTY)).id
    clock.advance(days=61)
    findings = {f.process_id: f.districts for f in collect(env, Limits(), today(clock))}
    assert findings == {short: ("Linden-Limmer",), long_: ("Nord", "Mitte")}
    with env.uow() as uow:
        heads = dict(uow.conn.execute(sql._HEADS, {"ids": [short, long_], "n": sql.HEAD}).all())
    assert sql._districts_in(heads[short]) == ("Linden-Limmer",)
    assert sql._districts_in(heads[long_]) is None          # not in the head: read whole
