"""Retention at frozen times on the real databases: each kind goes exactly when its period has
passed (not a microsecond before), a dry run counts and changes nothing, and the trail still
verifies (issue 13)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from beteiligung.states.case import Member
from beteiligung.states.retention import Retention
from beteiligung.workflow import content, participation, process
from beteiligung.workflow.ports import OutgoingMessage, Token
from beteiligung.workflow.retention import apply_retention

RETENTION = Retention(outbox_bodies=30, sessions=1, resident_contact=183)
JUST = timedelta(microseconds=1)
RESIDENT = "mira.sonnenschein@example.org"


def _nothing(run) -> bool:
    return set(run.removed.values()) == {0}


def test_outbox_bodies_go_on_their_day_and_the_row_stays(env, engine, clock):
    sent_at = clock()
    with env.uow() as uow:
        uow.outbox.enqueue(OutgoingMessage("k1", "reminder", ["a@example.org"], [], "Frist",
                                           "Text der Erinnerung", "<p>Text</p>",
                                           content=b"Subject: Frist\r\n\r\nText"), sent_at)
        [entry] = uow.outbox.claim(sent_at, 60, 10)
        uow.outbox.mark_sent(entry.id, sent_at)
        uow.commit()
    due = sent_at + timedelta(days=30)
    assert _nothing(apply_retention(env, RETENTION, due - JUST))
    dry = apply_retention(env, RETENTION, due, dry_run=True)
    assert dry.removed["outbox_bodies"] == 1 and dry.dry_run
    done = apply_retention(env, RETENTION, due)
    assert done.removed == {"outbox_bodies": 1, "sessions": 0, "resident_contact": 0,
                            "closed_processes": 0}
    with engine.connect() as conn:
        body = conn.execute(text("SELECT body_text, body_html, ics, content FROM "
                                 "outbox_bodies")).one()
        row = conn.execute(text("SELECT status, subject FROM outbox")).one()
    assert tuple(body) == ("", "", None, None) and tuple(row) == ("sent", "Frist")
    assert _nothing(apply_retention(env, RETENTION, due + timedelta(days=1)))


def test_sessions_go_a_day_after_they_ended_api_tokens_stay(env, engine, clock):
    now = clock()
    with env.uow() as uow:
        for number, (kind, expires) in enumerate((("session", now), ("session", now + JUST),
                                                  ("api", now))):
            uow.tokens.add(Token(0, kind, f"{number:064x}", "anna@example.org", "Browser",
                                 now - timedelta(hours=8), expires))
        uow.commit()
    assert _nothing(apply_retention(env, RETENTION, now + timedelta(days=1) - JUST))
    assert apply_retention(env, RETENTION, now + timedelta(days=1)).removed["sessions"] == 1
    assert apply_retention(env, RETENTION, now + timedelta(days=1) + JUST
                           ).removed["sessions"] == 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT kind FROM user_tokens")).scalars().all() == ["api"]


def test_resident_contact_goes_183_days_after_the_close_and_the_text_stays(
        env, engine, clock, journey):
    pid = journey.new_process(env).id
    journey.advance_to(env, pid, "pre_reporting", clock)
    number = participation.submit_suggestion(env, pid, "Den Bolzplatz erhalten", RESIDENT,
                                             "client", max_chars=2000).number
    open_pid = journey.new_process(env).id
    journey.advance_to(env, open_pid, "pre_reporting", clock)
    participation.submit_suggestion(env, open_pid, "Mehr Schatten", RESIDENT, "client",
                                    max_chars=2000)
    case = journey.advance_to(env, pid, "closed", clock)
    closed_at = case.phase_entered_at
    due = closed_at + timedelta(days=183)

    assert _nothing(apply_retention(env, RETENTION, due - JUST))
    done = apply_retention(env, RETENTION, due)
    assert done.removed["resident_contact"] >= 1 and done.processes == (pid,)
    suggestion = journey.current(env, pid).suggestion(number)
    assert (suggestion.text, suggestion.author, suggestion.erased) == (
        "Den Bolzplatz erhalten", "", ["author"])
    members = journey.current(env, pid).begleitgruppe.members
    assert members and all((m.name, m.erased) == ("", ["name"]) for m in members)
    assert done.removed["resident_contact"] == 1 + len(members)
    assert journey.current(env, open_pid).suggestions[0].author == RESIDENT
    assert process.history(env, pid)[-1].action == "personal_data_expired"
    assert process.verify_audit(env)[1] == []
    assert _nothing(apply_retention(env, RETENTION, due + timedelta(days=400)))


def test_a_members_contact_address_goes_with_its_name(env, engine, clock, journey):
    pid = journey.new_process(env).id
    content.add_member(env, journey.LEAD.email, pid,
                       Member("Erika Mustermann", "BI Kanal", "external",
                              "erika@bi-kanal.example.org"))
    closed_at = journey.advance_to(env, pid, "closed", clock).phase_entered_at
    done = apply_retention(env, RETENTION, closed_at + timedelta(days=183))
    [member] = [m for m in journey.current(env, pid).begleitgruppe.members
                if m.organisation == "BI Kanal"]
    assert (member.name, member.email, sorted(member.erased)) == ("", "", ["email", "name"])
    assert done.removed["resident_contact"] >= 2
    with engine.connect() as conn:
        held = conn.execute(text("SELECT COUNT(*) FROM personal_data WHERE value = :v"),
                            {"v": "erika@bi-kanal.example.org"}).scalar_one()
    assert held == 0 and process.verify_audit(env)[1] == []
