"""The reminder sweep on SQLite and PostgreSQL: each step queued once, on time, escalating."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from beteiligung.config.bootstrap import build_composer
from beteiligung.storage.schema import deadlines, outbox, outbox_bodies
from beteiligung.workflow import process
from beteiligung.workflow.reminders import queue_digest, sweep

BERLIN = ZoneInfo("Europe/Berlin")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def _outbox(engine):
    """The queued rows with their bodies."""
    with engine.connect() as conn:
        return list(conn.execute(
            select(outbox, outbox_bodies).join(outbox_bodies,
                                               outbox_bodies.c.outbox_id == outbox.c.id)
            .order_by(outbox.c.id)))


def test_each_step_is_queued_once_and_catch_up_takes_only_the_latest(env, engine, settings,
                                                                     kit):
    # created Monday 2026-03-02: 'initiated' may last 60 days, due Friday 2026-05-01 (a
    # holiday), so the steps fall on 17.04., 28.04., 30.04. (on the day, moved back) and
    # 08.05., 15.05. ... (overdue, escalating from 7 days)
    pid = kit.new_process(env)
    composer = build_composer(settings)
    assert sweep(env, composer, at(2026, 4, 17, 7, 59)).queued == []
    first = sweep(env, composer, at(2026, 4, 17, 8, 0))
    assert [m.dedup_key.split(":")[-1] for m in first.queued] == ["0"]
    assert sweep(env, composer, at(2026, 4, 17, 9, 0)).queued == []   # idempotent
    (row,) = _outbox(engine)
    assert (row.kind, row.status, row.process_id, row.step) == ("reminder", "queued", pid, 0)
    assert kit.LEAD.email in row.recipients and row.cc == "[]"
    assert "Neugestaltung des Lindener Marktplatzes" in row.subject
    assert row.ics and "BEGIN:VEVENT" in row.ics

    # down from 18.04. to 20.05.: one run queues only the newest step (14 days overdue)
    late = sweep(env, composer, at(2026, 5, 20, 10, 0))
    assert [(m.kind, m.step) for m in late.queued] == [("escalation", 4)]
    assert late.missed and len(_outbox(engine)) == 2
    escalation = _outbox(engine)[-1]
    assert kit.DEPUTY.email in escalation.cc and "koordination@hannover-stadt.de" in escalation.cc
    with engine.connect() as conn:
        deadline = conn.execute(select(deadlines).where(deadlines.c.process_id == pid)).one()
    assert (deadline.status, deadline.last_step) == ("missed", 4)
    assert deadline.next_remind_at.astimezone(BERLIN) == at(2026, 5, 22, 8, 0)
    actions = [e.action for e in process.history(env, pid)]
    assert actions[-1] == "deadline_missed"
    assert process.verify_audit(env)[1] == []


def test_leaving_the_phase_stops_its_reminders(env, engine, settings, kit):
    pid = kit.new_process(env)
    process.advance(env, kit.LEAD.email, pid, "set_up_begleitgruppe")
    report = sweep(env, build_composer(settings), at(2026, 4, 17, 8, 0))
    with engine.connect() as conn:
        rows = {r.kind + ":" + r.ref.split("@")[0]: r for r in conn.execute(
            select(deadlines).where(deadlines.c.process_id == pid))}
    left, entered = rows["phase:initiated"], rows["phase:begleitgruppe"]
    assert (left.status, left.next_remind_at, left.last_step) == ("met", None, -1)
    # only the deadline of the phase it is in now reminds (entered the same day: same dates)
    assert [m.deadline_id for m in report.queued] == [entered.id]
    assert "Einrichtung der Projektbegleitgruppe" in report.queued[0].subject


def test_dry_run_writes_nothing(env, engine, settings, kit):
    kit.new_process(env)
    report = sweep(env, build_composer(settings), at(2026, 4, 17, 8, 0), dry_run=True)
    assert len(report.queued) == 1
    assert _outbox(engine) == []
    with engine.connect() as conn:
        assert conn.execute(select(deadlines.c.last_step)).scalar_one() == -1


def test_two_sweeps_at_once_queue_each_step_once(env, engine, settings, kit):
    pids = [kit.new_process(env, f"Prozess {i}") for i in range(6)]
    composer = build_composer(settings)
    now = at(2026, 5, 20, 10, 0)
    barrier = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            sweep(env, composer, now)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sweep(env, composer, now)  # whatever a busy database made both skip: none lost
    rows = _outbox(engine)
    assert sorted(r.process_id for r in rows) == sorted(pids)
    assert len({r.dedup_key for r in rows}) == len(rows) == 6
    with engine.connect() as conn:
        missed = conn.execute(select(func.count()).select_from(deadlines)
                              .where(deadlines.c.status == "missed")).scalar_one()
    assert missed == 6
    assert process.verify_audit(env)[1] == []


def test_the_sweep_queues_the_finished_e_mail(env, engine, settings, kit):
    """The outbox keeps each reminder as the e-mail that will go out, rendered once when it is
    queued: Message-ID from its key, dated when it was queued, addressed like the row."""
    import email
    import email.policy
    from email.utils import parsedate_to_datetime

    from beteiligung.notifications.compose import TemplateComposer
    from beteiligung.notifications.templates import Templates

    kit.new_process(env)
    now = at(2026, 4, 17, 8, 0)
    [queued] = sweep(env, build_composer(settings), now).queued
    (row,) = _outbox(engine)
    mail = email.message_from_bytes(row.content, policy=email.policy.default)
    domain = settings.mail.sender.rpartition("@")[2].rstrip(">")
    assert mail["Message-ID"] == (f"<beteiligung.{queued.dedup_key.replace(':', '.')}"
                                  f"@{domain}>")
    assert parsedate_to_datetime(mail["Date"]) == now
    assert mail["Subject"] == row.subject and mail["From"] == settings.mail.sender
    assert kit.LEAD.email in mail["To"]
    text = mail.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert text == row.body_text
    assert [a.get_filename() for a in mail.iter_attachments()] == ["frist.ics"]
    # without a From address the composer leaves the building to delivery
    bare = TemplateComposer(Templates(), settings.mail.base_url)
    assert len(sweep(env, bare, at(2026, 4, 28, 8, 0)).queued) == 1
    assert _outbox(engine)[-1].content is None and _outbox(engine)[-1].body_text


def test_two_digests_at_once_queue_one_and_the_loser_says_it_was_taken(env, engine, settings,
                                                                       kit):
    kit.new_process(env)
    composer = build_composer(settings)
    now = at(2026, 5, 20, 10, 0)  # 'initiated' overdue since 01.05.
    sweep(env, composer, now)
    barrier = threading.Barrier(2, timeout=30)
    runs, errors = [], []

    def digest() -> None:
        try:
            barrier.wait()
            runs.append(queue_digest(env, composer, now))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=digest) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []  # not "being changed by someone else"
    assert sorted(run.message is not None for run in runs) == [False, True]
    assert [run.taken for run in runs if run.message is None] == [True]
    assert sum(1 for row in _outbox(engine) if row.kind == "digest") == 1
    later = queue_digest(env, composer, at(2026, 5, 20, 11, 0))  # the same week: taken
    assert later.message is None and later.taken
