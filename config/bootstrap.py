"""Bootstrap: build the engine, the lifecycle and the clock, and hand them to the use cases.

Import rule: the one module that imports every layer's implementations.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ..states.definition import load_definition
from ..states.lifecycle import Lifecycle
from ..workflow.core import Env
from ..workflow.ports import Clock
from .settings import Settings


def system_clock() -> datetime:
    """The wall clock, in UTC: the only place that reads it."""
    return datetime.now(UTC)


def ensure_data_dir(settings: Settings) -> None:
    """Create the folder of an embedded SQLite file."""
    if settings.embedded and settings.database_url.startswith("sqlite:///"):
        path = settings.database_url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


def build_engine(settings: Settings):
    """The database engine; the embedded SQLite file is created and migrated on first use."""
    from ..storage.engine import make_engine
    from ..storage.migrate import ensure_current

    ensure_data_dir(settings)
    engine = make_engine(settings.database_url)
    ensure_current(engine, auto=settings.embedded)
    return engine


def build_env(settings: Settings, clock: Clock = system_clock, engine=None) -> Env:
    """Everything the use cases need, wired."""
    from ..storage.sql import SqlUnitOfWork

    lifecycle = Lifecycle(load_definition(settings.definition))
    engine = engine if engine is not None else build_engine(settings)
    return Env(uow=lambda: SqlUnitOfWork(engine), clock=clock, lifecycle=lifecycle,
               coordinators=settings.coordinators, districts=settings.districts)
