"""The SQL side of the public list: every process, streamed by id (``workflow.public``'s port).

The rows are fetched in batches (``yield_per``; a server-side cursor on PostgreSQL) and each
batch is decoded when the caller reaches it, with one query to the privacy store for the
whole batch, so an export of many processes holds one batch of rows and cases in memory, not
the whole table.
Import rule: ``states``, ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, select

from ..states.case import Case
from .schema import processes
from .sql import COLUMNS, decode_many

BATCH = 500
_c = processes.c
_ALL = select(*(_c[name] for name in COLUMNS), _c.document).order_by(_c.id)


class SqlPublicProcesses:
    """``workflow.public.PublicProcesses`` on one connection (inside a unit of work, so the
    whole export reads one snapshot); optionally only one ``phase`` or ``department``, and a
    window of ``limit`` processes after ``offset`` (the pages of the Vorhabenliste), in SQL."""

    def __init__(self, connection: Connection, batch: int = BATCH, *, phase: str | None = None,
                 department: str | None = None, offset: int = 0,
                 limit: int | None = None) -> None:
        self.conn = connection
        self.batch = batch
        query = _ALL
        if phase is not None:
            query = query.where(_c.phase == phase)
        if department is not None:
            query = query.where(_c.department == department)
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        self.query = query

    def cases(self) -> Iterator[Case]:
        result = self.conn.execution_options(yield_per=self.batch).execute(self.query)
        try:
            for rows in result.partitions():
                yield from decode_many(self.conn, rows)
        finally:
            result.close()
