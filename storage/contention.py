"""Recognising a database that is busy with another writer (the cause of ``Busy``).

Import rule: SQLAlchemy only.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

BUSY = ("the process is being changed by someone else right now: nothing was saved; retry in "
        "a moment")


def is_contention(exc: DBAPIError) -> bool:
    """SQLite's lock or stale snapshot, PostgreSQL's serialization failure or lock wait."""
    text = str(exc.orig).lower()
    return any(s in text for s in ("database is locked", "could not serialize",
                                   "deadlock detected", "lock not available"))
