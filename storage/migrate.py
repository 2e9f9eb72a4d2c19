"""Bringing a database to the current schema with Alembic, and checking that it is there.

``HEAD`` names the newest revision; a test keeps it equal to Alembic's own head, so start-up
can compare without importing Alembic (which costs time on every command).
Import rule: SQLAlchemy and ``states`` (errors); Alembic only inside ``upgrade``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError

from ..states.errors import StorageError

HEAD = "0013"
MIGRATIONS = Path(__file__).parent / "migrations"


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or ``None`` for an empty database."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DatabaseError as exc:  # also a file that is no SQLite database
        message = str(exc.orig).lower()
        if "alembic_version" in message and ("no such table" in message
                                             or "does not exist" in message):
            return None
        problem = str(exc.orig).strip().splitlines()[0]
        raise StorageError(texts={
            "de": f"die Datenbank lässt sich nicht öffnen ({problem}): "
                  "BETEILIGUNG_DATABASE_URL prüfen",
            "en": f"cannot open the database ({problem}): check BETEILIGUNG_DATABASE_URL"}
                           ) from None


def upgrade(engine: Engine, keys: Callable[[], Any] | None = None,
            now: datetime | None = None) -> tuple[str | None, str]:
    """Run every pending migration; return the revisions before and after. ``keys`` gives
    the audit signing keys to a migration that re-seals trails (0011), ``now`` its time."""
    from alembic import command
    from alembic.config import Config

    before = current_revision(engine)
    _refuse_unknown(before)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes |= {"connection": conn, "audit_keys": keys, "now": now}
        command.upgrade(config, "head")
    return before, current_revision(engine) or ""


# Every revision this version ships, from the file names (``0001_initial.py``), so that a
# database written by a newer version is recognised without importing Alembic.
KNOWN = frozenset(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*.py"))


def _refuse_unknown(revision: str | None) -> None:
    if revision is not None and revision not in KNOWN:
        raise StorageError(f"the database is at schema revision {revision!r}, which this "
                           f"version of beteiligung does not know (newest known: {HEAD}): "
                           "it was written by a newer version; upgrade beteiligung")


def ensure_current(engine: Engine, *, auto: bool,
                   keys: Callable[[], Any] | None = None) -> None:
    """Migrate an embedded database itself; ask for ``db upgrade`` anywhere else."""
    revision = current_revision(engine)
    if revision == HEAD:
        return
    _refuse_unknown(revision)
    if auto:
        upgrade(engine, keys)
        return
    raise StorageError(f"the database schema is at {revision or 'nothing'}, not {HEAD}: "
                       "run 'beteiligung db upgrade'")
