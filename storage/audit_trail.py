"""One process's audit trail and recorded chain head, for ``audit export`` (SQLAlchemy Core).

Implements ``workflow.trail.TrailReader`` on the connection of a unit of work, so the head and
the events are read in one transaction (one snapshot on both databases).
Import rule: ``states``, ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, bindparam, select

from ..workflow.ports import AuditEvent, ChainHead
from .schema import processes
from .sql import MAX_ID, SqlProcessRepository

_c = processes.c
_HEAD = select(_c.id, _c.audit_seq, _c.audit_head, _c.phase).where(_c.id == bindparam("pid"))


class SqlTrailReader:
    """``workflow.trail.TrailReader`` on one SQLAlchemy connection."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection

    def head(self, process_id: int) -> ChainHead | None:
        if not 1 <= process_id <= MAX_ID:  # beyond the column's range: no such process
            return None
        row = self.conn.execute(_HEAD, {"pid": process_id}).one_or_none()
        return None if row is None else ChainHead(row.id, row.audit_seq, row.audit_head,
                                                  row.phase)

    def events(self, process_id: int) -> Iterator[AuditEvent]:
        # the repository's own query and row mapping, so export and history cannot differ
        return iter(SqlProcessRepository(self.conn).events(process_id))
