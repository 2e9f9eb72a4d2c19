"""Helpers for the integration tests: processes made through the use cases, units of work that
let a test step in between a load and a save, and raw access to the tables.

Test modules cannot import a conftest (``--import-mode=importlib``), so the helpers reach them
as the ``kit`` fixture. Everything runs on the real databases of ``tests/conftest.py``
(``db_url``, ``env``, ``engine``); nothing is faked but the clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine, make_url, text

from beteiligung.states.case import Member, Person
from beteiligung.storage.engine import make_engine
from beteiligung.storage.sql import SqlUnitOfWork
from beteiligung.workflow import content, process
from beteiligung.workflow.core import Env

LEAD = Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")
DEPUTY = Person("Jonas Weber", "jonas.weber@hannover-stadt.de")


class HookedUnitOfWork(SqlUnitOfWork):
    """A real unit of work that calls ``after_get(process_id)`` right after each load, and
    ``after_heads()`` right after the chain heads were read (``verify_audit``).

    This is how a test puts another connection's change, or a barrier, between the moment a
    use case has read something and the moment it goes on.
    """

    def __init__(self, engine: Engine, after_get: Callable[[int], None] | None = None,
                 after_heads: Callable[[], None] | None = None, keys=None) -> None:
        super().__init__(engine, keys)
        self.after_get = after_get
        self.after_heads = after_heads

    def __enter__(self) -> HookedUnitOfWork:
        super().__enter__()
        repo = self.processes
        load, heads = repo.get, repo.chain_heads

        def get(process_id: int):
            case = load(process_id)
            if self.after_get:
                self.after_get(process_id)
            return case

        def chain_heads():
            read = list(heads())
            if self.after_heads:
                self.after_heads()
            return iter(read)

        repo.get, repo.chain_heads = get, chain_heads
        return self


def hooked(env: Env, engine: Engine, after_get: Callable[[int], None] | None = None,
           after_heads: Callable[[], None] | None = None) -> Env:
    """``env`` whose units of work call the hooks (see ``HookedUnitOfWork``)."""
    keys = env.uow().keys  # the env's signing keys (a unit of work connects only on enter)
    return replace(env, uow=lambda: HookedUnitOfWork(engine, after_get, after_heads, keys))


def once(action: Callable[[], None]) -> Callable[[int], None]:
    """An ``after_get`` hook that runs ``action`` the first time only."""
    done: list[bool] = []

    def hook(_process_id: int) -> None:
        if not done:
            done.append(True)
            action()

    return hook


def new_process(env: Env, title: str = "Neugestaltung des Lindener Marktplatzes") -> int:
    """A process in 'initiated' with lead, deputy and department (ready to advance); tests
    make several of one title, so a second one is confirmed."""
    case = process.create_process(env, LEAD.email, process.ProcessInput(
        title, "Umgestaltung von Platz und Grün", "Umwelt und Stadtgrün (67)", "Dezernat V",
        ("Linden-Limmer",), "district_council_motion", LEAD, DEPUTY), confirm_duplicate=True)
    return case.id


def in_begleitgruppe(env: Env, *, internal: bool = True) -> int:
    """A process in 'begleitgruppe' with a requester, one external and maybe one internal."""
    pid = new_process(env)
    process.advance(env, LEAD.email, pid, "set_up_begleitgruppe")
    content.set_begleitgruppe_requester(env, LEAD.email, pid, "politics")
    content.add_member(env, LEAD.email, pid,
                       Member("Klaus Becker", "Marktbeschicker e.V.", "external"))
    if internal:
        content.add_member(env, LEAD.email, pid, Member("Dr. Petra Nowak", "Stadtplanung (61)"))
    return pid


def rows(engine: Engine, sql: str, **params) -> list:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def dialect(db_url: str) -> str:
    return make_url(db_url).get_backend_name()


@pytest.fixture
def empty_db_url(db_url: str, tmp_path) -> Iterator[str]:
    """An empty database (no tables at all) of the same kind as ``db_url``.

    SQLite: a new file. PostgreSQL: a schema of this test's own, dropped afterwards.
    """
    if dialect(db_url) == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    schema = f"t_empty_{uuid.uuid4().hex[:12]}"
    admin = make_engine(db_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(db_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def empty_engine(empty_db_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def kit() -> SimpleNamespace:
    """The helpers of this module, for the test modules."""
    return SimpleNamespace(
        LEAD=LEAD, DEPUTY=DEPUTY, hooked=hooked, once=once, new_process=new_process,
        in_begleitgruppe=in_begleitgruppe, rows=rows, dialect=dialect)
