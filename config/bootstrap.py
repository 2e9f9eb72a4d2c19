"""Bootstrap: build the engine, the lifecycle and the clock, and hand them to the use cases.

Import rule: the one module that imports every layer's implementations.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ..states.deadlines import DeadlineRules
from ..states.definition import load_definition
from ..states.departments import Register
from ..states.errors import StorageError
from ..states.lifecycle import Lifecycle
from ..states.reminders import Policy
from ..states.retention import Retention
from ..workflow.core import Env
from ..workflow.ports import Clock
from .settings import Settings


def system_clock() -> datetime:
    """The wall clock, in UTC: the only place that reads it."""
    return datetime.now(UTC)


def build_engine(settings: Settings):
    """The database engine; the embedded SQLite file is created and migrated on first use,
    a configured one must exist (``beteiligung db upgrade`` creates and migrates it)."""
    from ..storage.engine import make_engine
    from ..storage.migrate import ensure_current

    path = settings.sqlite_path
    if path is not None:
        if settings.embedded:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.exists():
            raise StorageError(f"no database at {path}: check BETEILIGUNG_DATABASE_URL, or "
                               "create it with 'beteiligung db upgrade'")
    engine = make_engine(settings.database_url)
    ensure_current(engine, auto=settings.embedded, keys=key_ring(settings).existing)
    return engine


def upgrade_database(settings: Settings) -> tuple[str | None, str]:
    """Create (SQLite: with its folder) and migrate the configured database."""
    from ..storage.engine import make_engine
    from ..storage.migrate import upgrade

    path = settings.sqlite_path
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        return upgrade(engine, key_ring(settings).existing)
    finally:
        engine.dispose()


def build_env(settings: Settings, clock: Clock = system_clock, engine=None,
              os_user: str = "") -> Env:
    """Everything the use cases need, wired; ``os_user`` is who runs a command-line run on the
    operating system (recorded in its audit events beside the declared actor)."""
    from ..notifications.calendar import WorkingCalendar
    from ..storage.sql import SqlUnitOfWork
    from .passwords import Argon2PasswordHasher

    lifecycle = Lifecycle(load_definition(settings.definition))
    engine = engine if engine is not None else build_engine(settings)
    reminders = settings.reminders
    ring = key_ring(settings)
    signer = ring.signing
    return Env(uow=lambda: SqlUnitOfWork(engine, signer), clock=clock, lifecycle=lifecycle,
               coordinators=settings.coordinators, districts=settings.districts,
               departments=Register(settings.departments),
               deadline_rules=DeadlineRules(reminders.answer_days,
                                            reminders.concept_comment_days,
                                            reminders.evaluation_days),
               policy=Policy(reminders.days_before, reminders.on_the_day,
                             reminders.overdue_every, reminders.escalate_after, reminders.hour),
               working_day=WorkingCalendar(reminders.subdivision).is_working_day,
               language=settings.language, passwords=Argon2PasswordHasher(), os_user=os_user,
               audit_keys=ring.existing, erasure_log=erasure_log(settings),
               retention=load_retention(settings), answer_mail=_lazy_composer(settings))


def _lazy_composer(settings: Settings):
    """``build_composer``, called when the first e-mail is to be written (loading and
    checking the templates is not for every command)."""
    built: list = []

    def composer():
        if not built:
            built.append(build_composer(settings))
        return built[0]

    return composer


def load_retention(settings: Settings) -> Retention:
    """The retention file of the settings, checked (``states.retention``): a wrong one
    stops every command at start-up, naming its line."""
    from ..states.retention import parse
    from ..states.textfile import read_text

    path = settings.retention
    return parse(read_text(path, "retention file"), f"retention file {path}")


def erasure_log(settings: Settings):
    """The erasure log (``storage.erasure_log``): ``[privacy] erasure_log``, else
    ``erasure-log.jsonl`` beside the SQLite database or in the user's data directory."""
    from platformdirs import user_data_dir

    from ..storage.erasure_log import FileErasureLog

    if settings.privacy.erasure_log:
        return FileErasureLog(Path(settings.privacy.erasure_log).expanduser())
    path = settings.sqlite_path
    base = path.parent if path is not None else Path(user_data_dir("beteiligung",
                                                                   appauthor=False))
    return FileErasureLog(base / "erasure-log.jsonl")


def key_ring(settings: Settings):
    """The audit trail's signing keys (``config.audit_keys``), read when first needed."""
    from .audit_keys import KeyRing, key_path

    return KeyRing(settings.audit, key_path(settings.audit, settings.sqlite_path))


def build_composer(settings: Settings):
    """The reminder composer; a broken override template is reported here, at start-up."""
    from ..notifications.compose import TemplateComposer
    from ..notifications.templates import Templates

    folder = settings.reminders.templates
    templates = Templates(Path(folder) if folder else None)
    return TemplateComposer(templates, settings.mail.base_url, settings.language,
                            sender=settings.mail.sender)


def build_sender(settings: Settings):
    """The mail sender the settings ask for; the ``file`` backend writes into
    ``[mail] folder``, else into a ``mail`` folder beside the SQLite database (or in the user's
    data directory when the database is PostgreSQL)."""
    from platformdirs import user_data_dir

    from ..notifications.dispatch import make_sender

    path = settings.sqlite_path
    base = path.parent if path is not None else Path(user_data_dir("beteiligung",
                                                                   appauthor=False))
    return make_sender(settings.mail, base / "mail")
