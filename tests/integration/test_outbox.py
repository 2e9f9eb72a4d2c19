"""The SQL outbox on SQLite and PostgreSQL: queueing once per key, exclusive claims under a
lease, the marks, and requeueing a failed message."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from beteiligung.states.errors import Busy
from beteiligung.storage.sql import SqlUnitOfWork
from beteiligung.workflow.ports import OutgoingMessage

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def message(key: str, **changes) -> OutgoingMessage:
    values = dict(dedup_key=key, kind="reminder", to=["anna.lehmann@hannover-stadt.de"],
                  cc=["jonas.weber@hannover-stadt.de", "koordination@hannover-stadt.de"],
                  subject=f"Erinnerung {key}", text="Text „ä“", html="<p>Text</p>",
                  ics="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", process_id=7, deadline_id=42,
                  step=1)
    values.update(changes)
    return OutgoingMessage(**values)


def enqueue(engine, *messages: OutgoingMessage, now: datetime = T0) -> list[bool]:
    with SqlUnitOfWork(engine) as uow:
        queued = [uow.outbox.enqueue(m, now) for m in messages]
        uow.commit()
    return queued


def claim(engine, now: datetime, limit: int = 10, lease: int = 300) -> list:
    with SqlUnitOfWork(engine) as uow:
        entries = uow.outbox.claim(now, lease, limit)
        uow.commit()
    return entries


def listed(engine, status: str | None = None, limit: int = 100) -> list:
    with SqlUnitOfWork(engine) as uow:
        return uow.outbox.list(status, limit)


def count(engine, status: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM outbox WHERE status = :s"),
                            {"s": status}).scalar_one()


def by_id(engine) -> dict:
    return {e.id: e for e in listed(engine)}


def test_queueing_one_key_twice_keeps_one_row_as_first_written(engine, kit):
    first = message("deadline-42:1")
    assert enqueue(engine, first) == [True]
    assert enqueue(engine, message("deadline-42:1", subject="anders"),
                   now=T0 + timedelta(hours=1)) == [False]
    assert kit.rows(engine, "SELECT count(*) FROM outbox")[0][0] == 1
    [entry] = listed(engine)
    assert entry.message == first
    assert (entry.status, entry.attempts, entry.last_error) == ("queued", 0, "")
    assert entry.next_attempt_at == T0 and entry.created_at == T0
    assert entry.leased_until is None and entry.sent_at is None


def test_a_message_without_deadline_or_calendar_round_trips(engine):
    digest = message("digest:2026-10", kind="digest", cc=[], ics=None, process_id=None,
                     deadline_id=None, step=None)
    enqueue(engine, digest)
    assert listed(engine)[0].message == digest


def test_queueing_is_part_of_the_transaction(engine):
    with SqlUnitOfWork(engine) as uow:
        assert uow.outbox.enqueue(message("a"), T0)
        # no commit: the change that decided to send was not made, so nothing is queued
    assert listed(engine) == []


def test_claim_leases_due_messages_oldest_first_and_bounded(engine):
    enqueue(engine, message("a"), message("b"), message("c"))
    enqueue(engine, message("later"), now=T0 + timedelta(hours=1))
    now = T0 + timedelta(minutes=1)
    first = claim(engine, now, limit=2, lease=7200)
    assert [e.message.dedup_key for e in first] == ["a", "b"]
    assert all(e.status == "sending" and e.attempts == 1 for e in first)
    assert all(e.leased_until == now + timedelta(hours=2) for e in first)
    assert [e.message.dedup_key for e in claim(engine, now, lease=7200)] == ["c"]
    assert claim(engine, now) == []
    assert [e.message.dedup_key for e in claim(engine, T0 + timedelta(hours=1))] == ["later"]
    assert {e.status for e in listed(engine)} == {"sending"}


def test_a_lapsed_lease_is_claimed_again(engine):
    enqueue(engine, message("a"))
    [entry] = claim(engine, T0, lease=300)
    assert claim(engine, T0 + timedelta(seconds=299)) == []
    assert claim(engine, T0 + timedelta(seconds=300)) == []  # the lease runs until then
    [again] = claim(engine, T0 + timedelta(seconds=301), lease=60)
    assert again.id == entry.id and again.attempts == 2
    assert again.leased_until == T0 + timedelta(seconds=361)


def test_the_marks(engine):
    enqueue(engine, *(message(k) for k in ("sent", "retry", "failed", "skipped")))
    ids = {e.message.dedup_key: e.id for e in claim(engine, T0)}
    later = T0 + timedelta(minutes=1)
    with SqlUnitOfWork(engine) as uow:
        uow.outbox.mark_sent(ids["sent"], later, "some recipients refused: x@y.de")
        uow.outbox.mark_retry(ids["retry"], later + timedelta(minutes=1), "451 try later")
        uow.outbox.mark_failed(ids["failed"], "550 no such user")
        uow.outbox.mark_skipped(ids["skipped"], "stale: deadline closed")
        uow.commit()
    stored = by_id(engine)
    assert {k: stored[i].status for k, i in ids.items()} == {
        "sent": "sent", "retry": "queued", "failed": "failed", "skipped": "skipped"}
    assert stored[ids["sent"]].sent_at == later
    assert stored[ids["sent"]].last_error == "some recipients refused: x@y.de"
    assert stored[ids["retry"]].next_attempt_at == later + timedelta(minutes=1)
    assert stored[ids["failed"]].last_error == "550 no such user"
    assert all(e.leased_until is None for e in stored.values())
    assert claim(engine, later + timedelta(seconds=59)) == []
    [retried] = claim(engine, later + timedelta(minutes=1))
    assert retried.id == ids["retry"] and retried.attempts == 2
    with SqlUnitOfWork(engine) as uow:
        uow.outbox.mark_sent(retried.id, later + timedelta(minutes=1))
        uow.commit()
    assert claim(engine, T0 + timedelta(days=30)) == []  # sent, failed, skipped stay put


def test_a_late_mark_never_takes_back_a_sent_message(engine):
    enqueue(engine, message("a"), message("b"))
    a, b = claim(engine, T0)
    with SqlUnitOfWork(engine) as uow:
        uow.outbox.mark_sent(a.id, T0)
        # a deliverer whose lease had lapsed reports its own failure afterwards
        uow.outbox.mark_retry(a.id, T0 + timedelta(minutes=1), "451")
        uow.outbox.mark_failed(a.id, "550")
        uow.outbox.mark_skipped(a.id, "stale")
        # and the other way round: one queued b for retry, the other did send it
        uow.outbox.mark_retry(b.id, T0 + timedelta(minutes=1), "451")
        uow.outbox.mark_sent(b.id, T0 + timedelta(seconds=5))
        uow.outbox.mark_sent(b.id, T0 + timedelta(seconds=9))  # the first send time stays
        uow.commit()
    stored = by_id(engine)
    assert (stored[a.id].status, stored[a.id].last_error) == ("sent", "")
    assert (stored[b.id].status, stored[b.id].sent_at) == ("sent", T0 + timedelta(seconds=5))
    assert claim(engine, T0 + timedelta(days=1)) == []


def test_requeue_takes_only_a_failed_message(engine):
    enqueue(engine, message("failed"), message("sent"), message("queued"))
    failed, sent = claim(engine, T0, limit=2)
    with SqlUnitOfWork(engine) as uow:
        uow.outbox.mark_failed(failed.id, "gave up after 8 attempts: 451")
        uow.outbox.mark_sent(sent.id, T0)
        uow.commit()
    later = T0 + timedelta(days=2)
    with SqlUnitOfWork(engine) as uow:
        assert uow.outbox.requeue(failed.id, later) is True
        assert uow.outbox.requeue(failed.id, later) is False  # queued now
        assert uow.outbox.requeue(sent.id, later) is False
        assert uow.outbox.requeue(999, later) is False
        uow.commit()
    entry = by_id(engine)[failed.id]
    assert (entry.status, entry.attempts, entry.next_attempt_at) == ("queued", 0, later)
    assert entry.last_error == "gave up after 8 attempts: 451"  # the history stays visible
    assert [e.id for e in claim(engine, later)][0] == failed.id


def test_list_is_newest_first_by_status_and_bounded(engine):
    enqueue(engine, *(message(str(i)) for i in range(5)))
    first, second = claim(engine, T0, limit=2)
    with SqlUnitOfWork(engine) as uow:
        uow.outbox.mark_failed(second.id, "550")
        uow.commit()
    assert [e.message.dedup_key for e in listed(engine)] == ["4", "3", "2", "1", "0"]
    assert [e.message.dedup_key for e in listed(engine, limit=2)] == ["4", "3"]
    assert [e.id for e in listed(engine, "failed")] == [second.id]
    assert [e.id for e in listed(engine, "sending")] == [first.id]
    assert [e.message.dedup_key for e in listed(engine, "queued")] == ["4", "3", "2"]


def _claim_all(engine, got: list[int], start: threading.Barrier) -> None:
    start.wait()
    while True:
        try:
            entries = claim(engine, T0, limit=7)
        except Busy:  # PostgreSQL: another claim committed under our snapshot; claim again
            continue
        if not entries:
            return
        got += [e.id for e in entries]
        time.sleep(0.005)  # a sender would be busy now: the others get their turn


def test_concurrent_claims_never_share_a_message(engine):
    enqueue(engine, *(message(f"m{i}") for i in range(300)))
    results: list[list[int]] = [[] for _ in range(4)]
    start = threading.Barrier(4)
    workers = [threading.Thread(target=_claim_all, args=(engine, r, start)) for r in results]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    every = [i for r in results for i in r]
    assert len(every) == len(set(every)) == 300
    assert sum(1 for r in results if r) >= 2  # they really did claim side by side
    assert count(engine, "sending") == 300


def test_a_claim_in_progress_is_skipped_on_postgres_and_waited_for_on_sqlite(engine, kit,
                                                                             db_url):
    enqueue(engine, *(message(f"m{i}") for i in range(10)))
    holder = SqlUnitOfWork(engine).__enter__()
    try:
        held = holder.outbox.claim(T0, 300, 5)  # not committed yet: its rows are locked
        other: list = []
        thread = threading.Thread(target=lambda: other.extend(claim(engine, T0, limit=5)))
        thread.start()
        thread.join(1.0)
        if kit.dialect(db_url) == "postgresql":
            assert not thread.is_alive()  # SKIP LOCKED: it took the next rows at once
        else:
            assert thread.is_alive()  # one writer at a time: it waits for the holder
        holder.commit()
    finally:
        holder.__exit__(None, None, None)
    thread.join(10)
    assert not thread.is_alive()
    assert [e.id for e in held] == [1, 2, 3, 4, 5]
    assert [e.id for e in other] == [6, 7, 8, 9, 10]
    assert claim(engine, T0) == []
