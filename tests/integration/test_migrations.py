"""Migrations: an empty database is brought to the schema that ``storage/schema.py`` declares,
``storage.migrate.HEAD`` stays Alembic's head, and start-up refuses a database that is not
there yet (or migrates it, for the embedded SQLite)."""

from __future__ import annotations

import warnings

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, inspect, text
from sqlalchemy.exc import SAWarning

from beteiligung.config.audit_keys import AuditSettings
from beteiligung.config.bootstrap import build_env
from beteiligung.config.settings import Settings
from beteiligung.states.errors import StorageError
from beteiligung.storage.engine import make_engine
from beteiligung.storage.migrate import (
    HEAD,
    MIGRATIONS,
    current_revision,
    ensure_current,
    upgrade,
)
from beteiligung.storage.schema import Base
from beteiligung.workflow import process

TABLES = {"alembic_version", "processes", "audit_events", "audit_cases", "deadlines", "outbox",
          "outbox_bodies", "users", "user_tokens", "personal_data", "privacy_log",
          "process_tombstones"}


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _differences(engine, metadata: MetaData) -> list:
    # SQLite's reflection skips the expression index on lower(actor) (revision 0012), with a
    # warning; the comparison leaves such indexes out on both sides
    with warnings.catch_warnings(), engine.connect() as conn:
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based",
                                SAWarning)
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified "
                                "expression-based index", UserWarning)
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "compare_server_default": True})
        return compare_metadata(context, metadata)


def test_upgrade_on_an_empty_database_creates_the_schema_at_head(empty_engine):
    assert _tables(empty_engine) == set()
    assert current_revision(empty_engine) is None

    assert upgrade(empty_engine) == (None, HEAD)

    assert _tables(empty_engine) == TABLES
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() \
            == [HEAD]
    assert current_revision(empty_engine) == HEAD


def test_head_is_alembics_only_head(engine):
    script = ScriptDirectory.from_config(_config())
    assert script.get_heads() == [HEAD]
    assert script.get_current_head() == HEAD
    assert current_revision(engine) == HEAD


def test_migrated_schema_matches_the_declared_tables(empty_engine):
    upgrade(empty_engine)
    assert _differences(empty_engine, Base.metadata) == []


def test_schema_comparison_sees_a_difference_when_there_is_one(empty_engine):
    """The control for the test above: the comparison is not blind on this database."""
    upgrade(empty_engine)
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["processes"].append_column(Column("priority", Integer, nullable=False))

    differences = _differences(empty_engine, changed)
    assert [(d[0], d[2], d[3].name) for d in differences] == [
        ("add_column", "processes", "priority")]


def test_ensure_current_without_auto_refuses_an_empty_database(empty_engine):
    with pytest.raises(StorageError, match="run 'beteiligung db upgrade'"):
        ensure_current(empty_engine, auto=False)
    assert _tables(empty_engine) == set()


def test_ensure_current_with_auto_migrates_an_empty_database(empty_engine):
    ensure_current(empty_engine, auto=True)
    assert current_revision(empty_engine) == HEAD
    assert _tables(empty_engine) == TABLES
    ensure_current(empty_engine, auto=False)


def test_ensure_current_passes_on_a_migrated_database(engine):
    ensure_current(engine, auto=False)
    ensure_current(engine, auto=True)
    assert current_revision(engine) == HEAD


@pytest.mark.parametrize("auto", [False, True])
def test_a_database_from_a_newer_program_is_a_storage_error(empty_engine, auto):
    """A revision this program does not know (written by a newer version): refused with a
    ``StorageError`` naming it, never an Alembic traceback."""
    upgrade(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))

    with pytest.raises(StorageError, match="9999"):
        ensure_current(empty_engine, auto=auto)
    assert current_revision(empty_engine) == "9999"


def test_an_unreachable_database_is_a_storage_error(db_url, tmp_path, kit):
    url = (f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'x.db'}"
           if kit.dialect(db_url) == "sqlite" else "postgresql://postgres@127.0.0.1:1/test")
    engine = make_engine(url)
    try:
        with pytest.raises(StorageError, match="cannot open the database"):
            ensure_current(engine, auto=False)
    finally:
        engine.dispose()


def test_upgrade_is_idempotent_and_keeps_the_data(empty_db_url, empty_engine, clock, kit):
    upgrade(empty_engine)
    settings = Settings(empty_db_url, frozenset(), ("Linden-Limmer",))
    env = build_env(settings, clock=clock, engine=empty_engine)
    pid = kit.new_process(env)
    process.advance(env, kit.LEAD.email, pid, "set_up_begleitgruppe")
    before = process.history(env, pid)

    assert upgrade(empty_engine) == (HEAD, HEAD)
    assert upgrade(empty_engine) == (HEAD, HEAD)

    assert _tables(empty_engine) == TABLES
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    assert process.history(env, pid) == before
    assert process.verify_audit(env) == (2, [])


def test_downgrade_to_nothing_and_up_again(empty_engine):
    upgrade(empty_engine)
    config = _config()
    with empty_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert _tables(empty_engine) == {"alembic_version"}
    assert current_revision(empty_engine) is None

    assert upgrade(empty_engine) == (None, HEAD)
    assert _differences(empty_engine, Base.metadata) == []


def test_a_message_queued_before_0003_survives_the_upgrade_and_is_delivered(empty_engine,
                                                                            tmp_path):
    """0003 adds the rendered e-mail to the outbox; a row queued before has none, keeps its
    parts, and delivery builds it from them."""
    import email
    import email.policy
    from datetime import UTC, datetime

    from beteiligung.notifications.dispatch import to_envelope
    from beteiligung.storage.sql import SqlUnitOfWork

    config = _config()
    with empty_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    queued = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)
    with empty_engine.begin() as conn:
        conn.execute(text(  # a row as 0002 wrote it, its body in the row
            "INSERT INTO outbox (dedup_key, kind, recipients, cc, subject, body_text, "
            "body_html, ics, status, attempts, next_attempt_at, last_error, created_at) "
            "VALUES ('k', 'reminder', '[\"lead@x.de\"]', '[]', 'Erinnerung', 'Text ü', "
            "'<p>Text ü</p>', NULL, 'queued', 0, :at, '', :at)"), {"at": queued})
    assert upgrade(empty_engine) == ("0002", HEAD)
    with SqlUnitOfWork(empty_engine) as uow:
        [entry] = uow.outbox.claim(queued, 60, 10)
        uow.commit()
    assert entry.message.content is None and entry.message.text == "Text ü"
    out = to_envelope(entry, "b@hannover-stadt.de", "hannover-stadt.de", queued)
    mail = email.message_from_bytes(out.content, policy=email.policy.default)
    assert out.recipients == ("lead@x.de",)
    assert out.message_id == mail["Message-ID"] == (
        f"<beteiligung.outbox.{entry.id}@hannover-stadt.de>")
    assert mail.get_body(preferencelist=("plain",)).get_content().strip() == "Text ü"


def test_0009_registers_old_processes_and_edits_no_event(empty_engine, clock, kit):
    """A trail from before 0009: the migration registers its process and leaves its events
    as they are (up to 0012; 0013 then keeps the actor by reference); ``verify`` notes the
    trail as unsigned (not a break), and the next change signs it."""
    from beteiligung.states.case import Case
    from beteiligung.storage.sql import SqlProcessRepository
    from beteiligung.workflow.audit import GENESIS, chain
    from beteiligung.workflow.audit_check import verify_store
    from beteiligung.workflow.ports import NewEvent

    config = _config()
    with empty_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0008")
    now = clock()
    case = Case(None, "Alter Prozess", "Vor 0009", "Umwelt", "Dezernat V", ["Mitte"],
                "district_council_motion", kit.LEAD, None, now, "1", "initiated", now)
    event = chain(1, 1, NewEvent(now, kit.LEAD.email, "process_created", None, "initiated"),
                  GENESIS)
    with empty_engine.begin() as conn:  # the rows as the program before 0009 wrote them
        conn.execute(Base.metadata.tables["processes"].insert().values(
            id=1, created_at=now, updated_at=now, version=1, audit_seq=1,
            audit_head=event.hash, document=SqlProcessRepository._document(case),
            **SqlProcessRepository._columns(case)))
        conn.execute(text(
            "INSERT INTO audit_events (process_id, seq, at, actor, action, from_phase, "
            "to_phase, reason, payload, prev_hash, hash) VALUES (1, 1, :at, :actor, "
            "'process_created', NULL, 'initiated', '', '{}', :prev, :hash)"),
            {"at": now, "actor": kit.LEAD.email, "prev": GENESIS, "hash": event.hash})
        before = conn.execute(text("SELECT * FROM audit_events")).all()
    with empty_engine.begin() as conn:   # up to 0012: 0013 keeps the actor by reference
        config.attributes["connection"] = conn
        command.upgrade(config, "0012")
    with empty_engine.connect() as conn:
        assert [tuple(r)[:12] for r in conn.execute(text("SELECT * FROM audit_events"))] == \
            [tuple(r) for r in before]
        assert conn.execute(text("SELECT seq, process_id, mac FROM audit_cases")).all() == \
            [(1, 1, None)]
    assert upgrade(empty_engine) == ("0012", HEAD)
    url = str(empty_engine.url.render_as_string(hide_password=False))
    env = build_env(Settings(database_url=url, coordinators=frozenset(), districts=("Mitte",),
                             audit=AuditSettings(keys=f"k1={'11' * 32}")), clock=clock,
                    engine=empty_engine)
    with env.uow() as uow:
        report = verify_store(uow.processes, env.uow().keys())
    # 0013 re-sealed the trail (its actor by reference, no keys given) and appended
    # personal_data_moved, which binds the state; the trail is not signed yet
    assert report.ok and (report.unbound, report.unsigned) == ([], [1])
    clock.advance(minutes=1)
    process.edit_process(env, kit.LEAD.email, 1, {"subject": "Nach 0009"})
    with env.uow() as uow:
        report = verify_store(uow.processes, env.uow().keys())
    assert report.ok and (report.unbound, report.unsigned) == ([], [])
