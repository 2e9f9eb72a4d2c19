"""The SQL repository of deadlines (``workflow.ports.DeadlineRepository``).

Updates are optimistic on ``version``: the sweep and a lead's command may touch the same row,
and whoever comes second learns it (``False`` for the sweep, ``Conflict`` for a command).
Import rule: ``states``, ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from ..states.deadlines import Deadline
from ..states.errors import Conflict
from .ids import inserted, stored_id
from .schema import deadlines

_c = deadlines.c
_FIELDS = ("process_id", "kind", "ref", "title", "due_at", "created_at", "status", "managed",
           "reason", "last_step", "next_remind_at", "closed_at", "version")
_SELECT = select(_c.id, *(_c[name] for name in _FIELDS))
_FOR_PROCESS = _SELECT.where(_c.process_id == bindparam("pid")).order_by(_c.id)
_GET = _SELECT.where(_c.id == bindparam("did"))
_GET_MANY = _SELECT.where(_c.id.in_(bindparam("ids", expanding=True)))
_DUE = (select(_c.id).where(_c.next_remind_at <= bindparam("now"))
        .order_by(_c.next_remind_at, _c.id).limit(bindparam("limit")))
_OVERDUE = (_SELECT.where(_c.closed_at.is_(None), _c.due_at < bindparam("now"))
            .order_by(_c.due_at, _c.id))
_ADD = insert(deadlines)
_UPDATE = update(deadlines).where(_c.id == bindparam("did"), _c.version == bindparam("seen"))


def _deadline(row) -> Deadline:
    return Deadline(row.id, *(getattr(row, name) for name in _FIELDS))


def _snapshot(deadline: Deadline) -> dict:
    return {"id": deadline.id} | {name: getattr(deadline, name) for name in _FIELDS}


class SqlDeadlineRepository:
    """Deadlines on one SQLAlchemy connection (inside the unit of work's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection
        # every deadline of a process as this unit read it whole (``for_process``) and then
        # wrote it: the state its audit events bind, without reading it back (``known``)
        self._snapshots: dict[int, dict[int, dict]] = {}
        self._added: dict[int, dict[int, dict]] = {}

    def for_process(self, process_id: int) -> list[Deadline]:
        found = [_deadline(r) for r in self.conn.execute(_FOR_PROCESS, {"pid": process_id})]
        self._snapshots[process_id] = {stored_id(d.id): _snapshot(d) for d in found}
        return found

    def known(self, process_id: int, new: bool = False) -> list[dict] | None:
        """The process's deadlines as stored in this unit, by id; ``None`` unless read whole
        or the process is ``new`` (created in this unit: it has only what this unit added)."""
        rows = self._snapshots.get(process_id)
        if rows is None and new:
            rows = self._added.get(process_id, {})
        return None if rows is None else [rows[i] for i in sorted(rows)]

    def discard(self) -> None:
        """Forget the snapshots: the transaction was rolled back."""
        self._snapshots, self._added = {}, {}

    def _wrote(self, deadline: Deadline) -> None:
        rows = self._snapshots.get(deadline.process_id)
        if rows is not None:
            rows[stored_id(deadline.id)] = _snapshot(deadline)

    def get(self, deadline_id: int) -> Deadline | None:
        if not 1 <= deadline_id <= 2**31 - 1:   # beyond the column: none, not a driver error
            return None
        row = self.conn.execute(_GET, {"did": deadline_id}).one_or_none()
        return _deadline(row) if row else None

    def get_many(self, deadline_ids: list[int]) -> dict[int, Deadline]:
        """The deadlines of these ids that exist, by id: one query."""
        if not deadline_ids:
            return {}
        rows = self.conn.execute(_GET_MANY, {"ids": sorted(set(deadline_ids))})
        return {row.id: _deadline(row) for row in rows}

    def add(self, deadline: Deadline) -> int:
        values = {name: getattr(deadline, name) for name in _FIELDS} | {"version": 1}
        deadline.id = inserted(self.conn.execute(_ADD, values))
        deadline.version = 1
        self._wrote(deadline)
        self._added.setdefault(deadline.process_id, {})[deadline.id] = _snapshot(deadline)
        return deadline.id

    def update(self, deadline: Deadline, *, strict: bool = True) -> bool:
        """Write ``deadline`` if nobody changed it since it was read."""
        values = {name: getattr(deadline, name) for name in _FIELDS if name != "version"}
        result = self.conn.execute(_UPDATE, values | {"did": deadline.id,
                                                      "seen": deadline.version,
                                                      "version": deadline.version + 1})
        if result.rowcount != 1:
            if strict:
                raise Conflict(f"deadline {deadline.id} was changed by someone else at the "
                               "same time: nothing was saved; look at it again and retry")
            return False
        deadline.version += 1
        self._wrote(deadline)
        if deadline.id in self._added.get(deadline.process_id, {}):
            self._added[deadline.process_id][deadline.id] = _snapshot(deadline)
        return True

    def due(self, now: datetime, limit: int) -> list[int]:
        """Ids of deadlines whose next reminder is due by ``now`` (closed ones have none)."""
        return [r.id for r in self.conn.execute(_DUE, {"now": now, "limit": limit})]

    def overdue(self, now: datetime) -> list[Deadline]:
        """Deadlines still open past their due time, the oldest first (for the digest)."""
        return [_deadline(r) for r in self.conn.execute(_OVERDUE, {"now": now})]
