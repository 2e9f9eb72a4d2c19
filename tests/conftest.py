"""Shared fixtures: a controllable clock, and real databases (SQLite always; PostgreSQL when
``BETEILIGUNG_TEST_POSTGRES_URL`` names a server).

``db_url`` is parametrised over the databases that are selected. PostgreSQL tests run in a
schema of their own per test session, so parallel runs on one server do not meet; an
unreachable server is a failure, never a skip.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

import pytest
from sqlalchemy import Connection, Engine, text

from beteiligung.config.audit_keys import AuditSettings
from beteiligung.config.bootstrap import build_env
from beteiligung.config.settings import PrivacySettings, Settings
from beteiligung.storage.engine import make_engine
from beteiligung.storage.migrate import upgrade

PG_URL = os.environ.get("BETEILIGUNG_TEST_POSTGRES_URL", "")
DATABASES = ["sqlite"] + (["postgres"] if PG_URL else [])
# The browser tests (tests/browser) need Debian's Chromium. Where it is not installed they are
# not collected, as PostgreSQL's are not without a URL, so the README's test command works on
# a machine with only Python; CI (and BETEILIGUNG_TEST_BROWSER=1) collects them always, and a
# missing browser then fails the run.
CHROMIUM = Path("/usr/bin/chromium")
BROWSER = bool(CHROMIUM.exists() or os.environ.get("CI")
               or os.environ.get("BETEILIGUNG_TEST_BROWSER"))
collect_ignore_glob = ([] if BROWSER else ["browser/*"]) + (
    [] if PG_URL else ["integration/test_pg_roles.py"])  # PostgreSQL's own roles
DISTRICTS = ("Mitte", "Linden-Limmer", "Nord")
COORDINATOR = "koordination@hannover-stadt.de"
# The tests' audit signing keys (``BETEILIGUNG_AUDIT_KEYS`` form): the last one signs.
TEST_KEYS = f"t0={'00' * 32},t1={'11' * 32}"


def pytest_configure(config):
    if os.environ.get("CI") and not PG_URL:
        raise pytest.UsageError("on CI the PostgreSQL tests must run: set "
                                "BETEILIGUNG_TEST_POSTGRES_URL (bash .ci/run does)")


def pytest_report_header(config):
    lines = [f"databases: sqlite, postgres ({PG_URL})" if PG_URL else
             "databases: sqlite only (set BETEILIGUNG_TEST_POSTGRES_URL to add PostgreSQL)"]
    if not BROWSER:
        lines.append(f"browser tests: not collected ({CHROMIUM} is missing: apt-get install "
                     "chromium, or set BETEILIGUNG_TEST_BROWSER=1 to make that a failure)")
    return lines


JOURNEY_MODULE = "_beteiligung_tests_workflow_journey"


@pytest.fixture(scope="session")
def journey() -> ModuleType:
    """``tests/workflow/journey.py`` (``new_process``, ``fill_phase``, ``advance_to``, ...):
    loaded by path once, as ``--import-mode=importlib`` does not import test helpers by name."""
    if JOURNEY_MODULE not in sys.modules:
        path = Path(__file__).parent / "workflow" / "journey.py"
        spec = importlib.util.spec_from_file_location(JOURNEY_MODULE, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[JOURNEY_MODULE] = module
        spec.loader.exec_module(module)
    return sys.modules[JOURNEY_MODULE]


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def pg_schema_url():
    """A fresh, migrated schema on the PostgreSQL test server for this test session."""
    if not PG_URL:
        yield None
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=DATABASES)
def db_url(request, tmp_path: Path, pg_schema_url) -> str:
    """A migrated, empty database: a new SQLite file, or the session's PostgreSQL schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url
    engine = make_engine(pg_schema_url)
    with audit_unguarded(engine) as conn:
        conn.execute(text("TRUNCATE outbox, deadlines, audit_events, audit_cases, processes, "
                          "users, user_tokens, personal_data, privacy_log, process_tombstones "
                          "RESTART IDENTITY CASCADE"))
    engine.dispose()
    return pg_schema_url


AUDIT_TABLES = ("audit_events", "audit_cases", "process_tombstones")


@contextmanager
def audit_unguarded(engine: Engine) -> Iterator[Connection]:
    """One transaction in which ``audit_events``, ``audit_cases`` and ``process_tombstones``
    may be changed, as the tables' owner could: the append-only triggers (migrations 0004,
    0009 and 0012) are disabled
    (PostgreSQL) or dropped (SQLite),
    and are back in force when the transaction commits.

    This is how the fixtures empty the table, and how the tamper tests play an attacker who
    edits rows behind the application's back.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            for table in AUDIT_TABLES:
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            yield conn
            for table in AUDIT_TABLES:
                conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
            return
        triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = "
                                     "'trigger' AND tbl_name IN ('audit_events', "
                                     "'audit_cases', 'process_tombstones')")).all()
        for name, _ in triggers:
            conn.execute(text(f'DROP TRIGGER "{name}"'))
        yield conn
        for _, sql in triggers:
            conn.execute(text(sql))


@pytest.fixture
def unguarded() -> Callable[[Engine], AbstractContextManager[Connection]]:
    """``audit_unguarded`` for the test modules (they cannot import a conftest)."""
    return audit_unguarded


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    # fixed audit signing keys: no key file is made (for PostgreSQL it would go into the
    # user's data directory), and the test's own erasure log, for the same reason
    return Settings(database_url=db_url, coordinators=frozenset({COORDINATOR}),
                    districts=DISTRICTS,
                    audit=AuditSettings(key_file="", keys=TEST_KEYS),
                    privacy=PrivacySettings(str(tmp_path / "erasure-log.jsonl")))


@pytest.fixture
def engine(settings: Settings):
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def env(settings: Settings, clock: FakeClock, engine):
    """The use cases' wiring on a real database with the test's clock."""
    return build_env(settings, clock=clock, engine=engine)
