"""Removing a process whole when its retention period has passed, and its tombstone.

``remove`` writes the tombstone first (``process_tombstones``, append-only), then deletes, in
one transaction, everything that names the process: its personal values, its e-mails and their
bodies, its deadlines, its audit events (the database lets those go only once the tombstone is
there: migration 0012) and its row. The case registry keeps its entry; ``audit verify`` counts
the process as removed, not vanished, by its tombstone.
The tombstone is signed with the unit's keys, as its events are.
Import rule: ``states``, ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import BindParameter, Connection, Integer, bindparam, delete, insert, select

from ..states.errors import NotFound
from ..workflow.audit_check import bury
from ..workflow.ports import ChainHead, ProcessSummary, Tombstone
from ..workflow.signing import AuditKeys
from .audit_state import current_state
from .schema import (
    audit_events,
    deadlines,
    outbox,
    outbox_bodies,
    personal_data,
    process_tombstones,
    processes,
)

_p, _t = processes.c, process_tombstones.c
_HEAD = (select(_p.audit_seq, _p.audit_head, _p.phase, _p.phase_entered_at)
         .where(_p.id == bindparam("pid")))
_CLOSED = (select(_p.id, _p.title, _p.department, _p.phase, _p.phase_entered_at,
                  _p.lead_email, _p.updated_at)
           .where(_p.phase.in_(bindparam("phases", expanding=True)),
                  _p.phase_entered_at <= bindparam("by"))
           .order_by(_p.phase_entered_at, _p.id))
_BURY = insert(process_tombstones)
_ALL = select(process_tombstones).order_by(_t.process_id)
_ONE = _ALL.where(_t.process_id == bindparam("pid"))
_pid: BindParameter[int] = bindparam("pid", type_=Integer)
# children first: the foreign keys of deadlines and audit events name the process row
_DELETES = (
    delete(personal_data).where(personal_data.c.process_id == _pid),
    delete(outbox_bodies).where(outbox_bodies.c.outbox_id.in_(
        select(outbox.c.id).where(outbox.c.process_id == _pid).scalar_subquery())),
    delete(outbox).where(outbox.c.process_id == _pid),
    delete(deadlines).where(deadlines.c.process_id == _pid),
    delete(audit_events).where(audit_events.c.process_id == _pid),
    delete(processes).where(_p.id == _pid),
)


def head(conn: Connection, process_id: int) -> ChainHead | None:
    """Where one process's chain should end, with its stored state's hash."""
    row = conn.execute(_HEAD, {"pid": process_id}).one_or_none()
    if row is None:
        return None
    return ChainHead(process_id, row.audit_seq, row.audit_head, row.phase,
                     current_state(conn, process_id))


def closed_before(conn: Connection, phases: list[str], closed_by: datetime
                  ) -> list[ProcessSummary]:
    """The processes in one of ``phases`` since ``closed_by`` or earlier, oldest first (the
    index on phase and phase_entered_at: a range scan per phase)."""
    return [ProcessSummary(*row) for row in conn.execute(_CLOSED, {"phases": phases,
                                                                   "by": closed_by})]


def remove(conn: Connection, process_id: int, at: datetime, kept_days: int,
           keys: AuditKeys | None) -> Tombstone:
    """Write the tombstone of the process as it ends now, signed with ``keys``, then delete
    the process and everything that names it."""
    found = conn.execute(_HEAD, {"pid": process_id}).one_or_none()
    if found is None:
        raise NotFound(f"no process with id {process_id}")
    end = ChainHead(process_id, found.audit_seq, found.audit_head, found.phase)
    tombstone = bury(end, found.phase_entered_at, at, kept_days, keys)
    conn.execute(_BURY, {"process_id": tombstone.process_id, "phase": tombstone.phase,
                         "closed_at": tombstone.closed_at, "final_seq": tombstone.final_seq,
                         "final_hash": tombstone.final_hash,
                         "removed_at": tombstone.removed_at,
                         "kept_days": tombstone.kept_days, "hash": tombstone.hash,
                         "key_id": tombstone.key_id, "mac": tombstone.mac})
    for statement in _DELETES:
        conn.execute(statement, {"pid": process_id})
    return tombstone


def tombstones(conn: Connection) -> Iterator[Tombstone]:
    """Every tombstone, by process id (read whole: few rows, and no cursor left open)."""
    return iter([_tombstone(row) for row in conn.execute(_ALL).all()])


def tombstone(conn: Connection, process_id: int) -> Tombstone | None:
    """The tombstone of one process, if it was removed."""
    row = conn.execute(_ONE, {"pid": process_id}).one_or_none()
    return None if row is None else _tombstone(row)


def _tombstone(row) -> Tombstone:
    return Tombstone(row.process_id, row.phase, row.closed_at, row.final_seq, row.final_hash,
                     row.removed_at, row.kept_days, row.hash, row.key_id, row.mac)
