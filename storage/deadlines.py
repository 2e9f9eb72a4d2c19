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


class SqlDeadlineRepository:
    """Deadlines on one SQLAlchemy connection (inside the unit of work's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection

    def for_process(self, process_id: int) -> list[Deadline]:
        return [_deadline(r) for r in self.conn.execute(_FOR_PROCESS, {"pid": process_id})]

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
        deadline.id = int(self.conn.execute(_ADD, values).inserted_primary_key[0])
        deadline.version = 1
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
        return True

    def due(self, now: datetime, limit: int) -> list[int]:
        """Ids of deadlines whose next reminder is due by ``now`` (closed ones have none)."""
        return [r.id for r in self.conn.execute(_DUE, {"now": now, "limit": limit})]

    def overdue(self, now: datetime) -> list[Deadline]:
        """Deadlines still open past their due time, the oldest first (for the digest)."""
        return [_deadline(r) for r in self.conn.execute(_OVERDUE, {"now": now})]
