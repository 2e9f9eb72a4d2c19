"""Building SQLAlchemy engines for SQLite (the embedded default) and PostgreSQL (psycopg 3).

SQLite gets WAL, ``synchronous=NORMAL``, foreign keys and a busy timeout on every connection,
and its transactions are begun explicitly so that reads and the write that follows them share
one snapshot (pysqlite would otherwise begin only at the first write). PostgreSQL runs at
REPEATABLE READ for the same reason.
Import rule: SQLAlchemy and ``states`` (for its errors) only.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from ..states.errors import BadInput


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs; refuse other databases."""
    try:
        parsed = make_url(url)
    except Exception:
        raise BadInput(f"BETEILIGUNG_DATABASE_URL: {url!r} is not a database URL "
                       "(like sqlite:////path/file.db or postgresql://host/db)") from None
    if parsed.get_backend_name() == "postgresql":
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if parsed.get_backend_name() == "sqlite":
        return url
    raise BadInput(f"BETEILIGUNG_DATABASE_URL: {parsed.get_backend_name()!r} is not supported; "
                   "use sqlite or postgresql")


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings this project relies on."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # REPEATABLE READ: every statement of a unit of work sees one snapshot, as on SQLite (the
    # audit verification reads heads and events in two statements); a write over a row that
    # changed since is a serialization failure, which the unit of work reports as a Conflict.
    return create_engine(url, pool_pre_ping=True, isolation_level="REPEATABLE READ")


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # secure_delete: a row rewritten or deleted leaves zeros, not its old bytes, in the
    # file, so that an erased address is gone from the file itself (``docs/privacy.md``;
    # Debian's SQLite has it on already, other builds do not)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                   "busy_timeout=5000", "secure_delete=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN")
