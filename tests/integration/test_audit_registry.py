"""A vanished, added or reordered case is found (issue 12, point 2), on SQLite and PostgreSQL.

Every process is registered in ``audit_cases`` in the transaction that creates it, a chain of
its own. A process removed together with its whole trail leaves its registry entry behind; a
process slipped in by SQL has none; events whose process row is gone are orphans. Removing
the registry entry too breaks the registry's chain, except at its very end: that, like a
rollback of the whole database, is what anchors find (``test_audit_anchor.py``).
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, select, text, update

from beteiligung.storage.schema import audit_cases, audit_events, deadlines, processes
from beteiligung.workflow import process
from beteiligung.workflow.audit import GENESIS, chain
from beteiligung.workflow.ports import NewEvent


@pytest.fixture
def three(env, clock, kit) -> list[int]:
    ids = []
    for title in ("Spielplatz Nordstadt", "Lindener Marktplatz", "Radweg Podbielskistraße"):
        ids.append(kit.new_process(env, title))
        clock.advance(minutes=1)
    process.advance(env, kit.LEAD.email, ids[1], "set_up_begleitgruppe")
    assert process.verify_audit(env) == (4, [])
    return ids


def _codes(env) -> list[tuple[int, str]]:
    return [(b.process_id, b.code) for b in process.verify_audit(env)[1]]


def _remove_case(conn, pid: int, *, registry: bool = False) -> None:
    conn.execute(delete(audit_events).where(audit_events.c.process_id == pid))
    conn.execute(delete(deadlines).where(deadlines.c.process_id == pid))
    conn.execute(delete(processes).where(processes.c.id == pid))
    if registry:
        conn.execute(delete(audit_cases).where(audit_cases.c.process_id == pid))


def test_every_creation_is_registered_in_order(env, engine, three):
    with engine.connect() as conn:
        rows = conn.execute(select(audit_cases).order_by(audit_cases.c.seq)).all()
    assert [(r.seq, r.process_id) for r in rows] == [(1, three[0]), (2, three[1]),
                                                    (3, three[2])]
    assert rows[0].prev_hash == GENESIS and rows[1].prev_hash == rows[0].hash
    assert all(r.mac and r.key_id == "t1" for r in rows)


@pytest.mark.parametrize("which", [0, 1, 2])
def test_a_process_removed_with_its_whole_trail_is_found(env, engine, unguarded, three,
                                                         which):
    with unguarded(engine) as conn:
        _remove_case(conn, three[which])
    assert _codes(env) == [(three[which], "vanished")]


def test_a_middle_process_removed_with_its_registry_entry_breaks_the_registry(
        env, engine, unguarded, three):
    with unguarded(engine) as conn:
        _remove_case(conn, three[1], registry=True)
    broken = process.verify_audit(env)[1]
    assert [(b.process_id, b.seq, b.code) for b in broken] == [(0, 3, "gap")]


def test_reordered_registry_entries_are_found(env, engine, unguarded, three):
    with unguarded(engine) as conn:
        conn.execute(update(audit_cases).where(audit_cases.c.seq == 1).values(seq=100))
        conn.execute(update(audit_cases).where(audit_cases.c.seq == 2).values(seq=1))
        conn.execute(update(audit_cases).where(audit_cases.c.seq == 100).values(seq=2))
    assert [(b.process_id, b.seq) for b in process.verify_audit(env)[1]] == [(0, 1)]


def test_a_process_added_by_sql_is_found(env, engine, clock, three):
    """Someone who knows the recipe adds a whole process with a valid chain, with the
    application's rights only (INSERTs): it has no registry entry."""
    with engine.connect() as conn:
        row = conn.execute(select(processes).where(processes.c.id == three[0])).one()
    values = dict(row._mapping) | {"id": 99, "title": "Untergeschoben"}
    event = chain(99, 1, NewEvent(clock() + timedelta(hours=1), "mallory@example.org",
                                  "process_created", None, row.phase), GENESIS)
    values |= {"audit_seq": 1, "audit_head": event.hash}
    with engine.begin() as conn:
        conn.execute(insert(processes).values(**values))
        conn.execute(insert(audit_events).values(
            process_id=99, seq=1, at=event.at, actor=event.actor, action=event.action,
            from_phase=None, to_phase=row.phase, reason="", payload="{}",
            prev_hash=GENESIS, hash=event.hash))
    assert _codes(env) == [(99, "unregistered")]


def test_orphaned_events_are_found(env, engine, db_url, three):
    """The process row is removed, its events stay (foreign keys off on SQLite; on
    PostgreSQL an owner who turns the referential triggers off)."""
    pid = three[2]
    if db_url.startswith("sqlite"):
        raw = sqlite3.connect(db_url.removeprefix("sqlite:///"))  # foreign_keys off by default
        raw.execute("DELETE FROM deadlines WHERE process_id = ?", (pid,))
        raw.execute("DELETE FROM processes WHERE id = ?", (pid,))
        raw.commit()
        raw.close()
    else:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(delete(deadlines).where(deadlines.c.process_id == pid))
            conn.execute(delete(processes).where(processes.c.id == pid))
    assert _codes(env) == [(pid, "orphaned")]


def test_processes_created_at_the_same_time_all_get_a_registry_place(env, kit):
    """Creations in parallel: each takes the registry's next place in turn (on PostgreSQL
    one waits for the other and, seeing an old snapshot, starts over; on SQLite the
    database serialises them), none is refused."""
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def create(n: int) -> None:
        start.wait()
        for i in range(6):
            try:
                kit.new_process(env, f"Parallel {n}-{i}")
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    checked, breaks = process.verify_audit(env)
    assert (checked, breaks) == (18, [])
