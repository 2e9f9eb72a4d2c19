"""Appending to the audit trail at commit: chain, bind the state, sign; and the case registry.

The repository queues each event of a unit of work; ``flush``, called by the unit of work just
before it commits, chains them, gives each the hash of its case's state as stored at that
moment (``storage.audit_state``: every row write of the unit is done by then, whatever order
the use case wrote the deadlines and the events in), signs them with the current key, inserts
them and moves the process row's head, ``UPDATE ... WHERE audit_seq = :seen``. The registry
entry of a new process is appended in the same transaction as the process.
Import rule: ``states``, ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, insert, inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from ..states.errors import Busy
from ..workflow.audit import GENESIS, canonical, chain
from ..workflow.audit_check import register
from ..workflow.ports import AuditEvent, CaseEntry, NewEvent
from ..workflow.signing import AuditKeys
from .audit_state import current_state
from .contention import BUSY
from .schema import audit_cases, audit_events, processes

_c = processes.c
_HEAD = update(processes).where(_c.id == bindparam("pid"), _c.audit_seq == bindparam("seen"))
_APPEND = insert(audit_events)
_REGISTER = insert(audit_cases)
_LAST_CASE = select(audit_cases.c.seq, audit_cases.c.hash).order_by(
    audit_cases.c.seq.desc()).limit(1)
_CASES = select(audit_cases).order_by(audit_cases.c.seq)
# one key for pg_advisory_xact_lock: process creations take their registry place in turn
_REGISTRY_LOCK = 0x6265746569  # "betei"
PG_TRIGGERS = ("audit_events_append_only", "audit_events_delete_buried",
               "audit_cases_append_only", "process_tombstones_append_only",
               "process_tombstones_match_the_process")
SQLITE_TRIGGERS = ("audit_events_no_update", "audit_events_no_delete",
                   "audit_cases_no_update", "audit_cases_no_delete",
                   "process_tombstones_no_update", "process_tombstones_no_delete",
                   "process_tombstones_match_the_process")
APPEND_ONLY = ("audit_events", "audit_cases", "process_tombstones")


@dataclass
class Pending:
    """The events a unit of work queued for one process, and the head it saw."""

    seq: int
    head: str
    events: list[NewEvent] = field(default_factory=list)


def append(conn: Connection, pending: dict[int, Pending], keys: AuditKeys | None,
           write, known=lambda pid: (None, None)) -> int | None:
    """Chain, bind, sign and insert the queued events; move each head. ``write`` executes a
    statement the way the repository does (its errors mapped). Returns the id of a process
    whose head another writer moved meanwhile (the caller's ``Conflict``), else ``None``.
    ``known(pid)`` gives the process row and the deadlines as this transaction wrote or read
    them (each ``None`` when not known: then they are read)."""
    for pid, queued in pending.items():
        if not queued.events:
            continue
        state = current_state(conn, pid, *known(pid))
        seq, head = queued.seq, queued.head
        for event in queued.events:
            stored = chain(pid, seq + 1, event, head, state, keys)
            write(_APPEND, row(stored))
            seq, head = stored.seq, stored.hash
        result = write(_HEAD, {"audit_seq": seq, "audit_head": head, "pid": pid,
                               "seen": queued.seq})
        if result.rowcount != 1:
            return pid
        queued.seq, queued.head, queued.events = seq, head, []
    return None


def row(event: AuditEvent) -> dict:
    """The column values of a stored event."""
    return {"process_id": event.process_id, "seq": event.seq, "at": event.at,
            "actor": event.actor, "action": event.action, "from_phase": event.from_phase,
            "to_phase": event.to_phase, "reason": event.reason,
            "payload": canonical(event.payload), "prev_hash": event.prev_hash,
            "hash": event.hash, "state": event.state, "key_id": event.key_id, "mac": event.mac}


def register_case(conn: Connection, process_id: int, at, keys: AuditKeys | None) -> CaseEntry:
    """Append the registry entry of a new process after the registry's last entry.

    SQLite writes one transaction at a time anyway. On PostgreSQL creations take their place
    in turn (a transaction-level advisory lock), and the last entry is read through a fresh
    connection: this transaction's REPEATABLE READ snapshot may be older than the creation
    it waited for. Should two still meet, the loser is ``Busy`` and starts over.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _REGISTRY_LOCK})
        with conn.engine.connect() as fresh:
            last = fresh.execution_options(isolation_level="AUTOCOMMIT").execute(
                _LAST_CASE).one_or_none()
    else:
        last = conn.execute(_LAST_CASE).one_or_none()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    entry = register(seq + 1, process_id, at, prev, keys)
    try:
        with conn.begin_nested():
            conn.execute(_REGISTER, {"seq": entry.seq, "process_id": process_id, "at": at,
                                     "prev_hash": entry.prev_hash, "hash": entry.hash,
                                     "key_id": entry.key_id, "mac": entry.mac})
    except IntegrityError:
        raise Busy(BUSY) from None
    return entry


def cases(conn: Connection) -> Iterator[CaseEntry]:
    """The registry in order: read whole (one row per process), so that a check that stops
    at a break leaves no cursor open (the connection may be streaming, ``all_events``)."""
    rows = conn.execute(_CASES).all()
    return iter([CaseEntry(r.seq, r.process_id, r.at, r.prev_hash, r.hash, r.key_id, r.mac)
                 for r in rows])


def safeguards(conn: Connection) -> list[str]:
    """What is missing of the append-only tables and their triggers."""
    tables = set(inspect(conn).get_table_names())
    missing = [f"the table {name}" for name in APPEND_ONLY if name not in tables]
    if conn.dialect.name == "postgresql":
        query = text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D' "
                     "AND tgrelid IN (to_regclass('audit_events'), to_regclass('audit_cases'), "
                     "to_regclass('process_tombstones'))")
        present = {r[0] for r in conn.execute(query)}
        expected: tuple[str, ...] = PG_TRIGGERS
    else:
        query = text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present, expected = {r[0] for r in conn.execute(query)}, SQLITE_TRIGGERS
    return missing + [f"the trigger {name}" for name in expected if name not in present]

