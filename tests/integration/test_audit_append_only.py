"""``audit_events`` is append-only in the database itself (migration 0004), on SQLite and
PostgreSQL: UPDATE, DELETE and (PostgreSQL) TRUNCATE are refused whoever sends them, INSERT, the
engine's only write, still works, and the downgrade takes the triggers away again.

The PostgreSQL tests run in a schema of their own per session (``tests/conftest.py``): the
trigger function must be created in, and bound to, the schema that holds the table.
"""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from beteiligung.states.case import Member
from beteiligung.storage.migrate import HEAD, MIGRATIONS, upgrade
from beteiligung.workflow import content, process

STATEMENTS = [
    ("UPDATE audit_events SET actor = 'mallory@example.org' WHERE seq = 2", "UPDATE"),
    ("UPDATE audit_events SET seq = seq + 1000", "UPDATE"),
    ("UPDATE audit_events SET payload = '{}' WHERE action = 'process_created'", "UPDATE"),
    ("DELETE FROM audit_events WHERE seq = 3", "DELETE"),
    ("DELETE FROM audit_events", "DELETE"),
]
ALL_ROWS = "SELECT * FROM audit_events ORDER BY id"


@pytest.fixture
def walked(env, clock, kit) -> int:
    """A process with five events: created, edited, advanced, a refusal, a change."""
    pid = kit.new_process(env)
    clock.advance(minutes=5)
    process.edit_process(env, kit.LEAD.email, pid, {"subject": "Mehr Grün am Marktplatz"})
    clock.advance(minutes=5)
    process.advance(env, kit.LEAD.email, pid, "set_up_begleitgruppe")
    clock.advance(minutes=5)
    with pytest.raises(Exception, match="draft_concept"):
        process.advance(env, kit.LEAD.email, pid, "draft_concept")
    clock.advance(minutes=5)
    content.set_begleitgruppe_requester(env, kit.DEPUTY.email, pid, "residents")
    assert process.verify_audit(env) == (5, [])
    return pid


def _refused(engine, sql: str, operation: str) -> None:
    with pytest.raises(IntegrityError, match=f"append-only: {operation} refused"):
        with engine.begin() as conn:
            conn.execute(text(sql))


@pytest.mark.parametrize("sql, operation", STATEMENTS)
def test_update_and_delete_are_refused_by_the_database(env, engine, kit, walked, sql,
                                                       operation):
    before = kit.rows(engine, ALL_ROWS)
    assert len(before) == 5

    _refused(engine, sql, operation)

    assert kit.rows(engine, ALL_ROWS) == before
    assert process.verify_audit(env) == (5, [])


def test_emptying_the_table_is_refused(env, engine, kit, walked):
    """PostgreSQL: TRUNCATE, also when it comes as a cascade from ``processes``. SQLite has no
    TRUNCATE; its fast path for an unqualified DELETE is off where there are triggers."""
    before = kit.rows(engine, ALL_ROWS)
    if kit.dialect(str(engine.url)) == "postgresql":
        _refused(engine, "TRUNCATE audit_events", "TRUNCATE")
        _refused(engine, "TRUNCATE processes, audit_events RESTART IDENTITY CASCADE",
                 "TRUNCATE")
        _refused(engine, "TRUNCATE processes CASCADE", "TRUNCATE")
    else:
        _refused(engine, "DELETE FROM audit_events WHERE 1", "DELETE")
    assert kit.rows(engine, ALL_ROWS) == before
    assert kit.rows(engine, "SELECT count(*) FROM processes") == [(1,)]


def test_the_engine_still_appends(env, engine, clock, kit, walked):
    """INSERT is the engine's normal work: every use case keeps appending to the chain."""
    content.add_member(env, kit.LEAD.email, walked, Member("Dr. Petra Nowak", "Stadtplanung"))
    clock.advance(minutes=1)
    process.advance(env, kit.LEAD.email, walked, "draft_concept")
    other = kit.new_process(env, "Spielplatz Nordstadt")

    trail = process.history(env, walked)
    assert [e.action for e in trail] == [
        "process_created", "process_edited", "transition", "transition_refused",
        "begleitgruppe_requester_set", "begleitgruppe_member_added", "transition"]
    assert [e.seq for e in trail] == list(range(1, 8))
    assert trail[-1].to_phase == "concept"
    assert [e.action for e in process.history(env, other)] == ["process_created"]
    assert process.verify_audit(env) == (8, [])


def test_a_table_owner_can_lift_the_guard_only_for_one_transaction(env, engine, kit, walked,
                                                                    unguarded):
    """What the tamper tests rely on: with the triggers disabled (PostgreSQL) or dropped
    (SQLite) by the owner, a change goes through, the chain shows it, and the guard is back."""
    with unguarded(engine) as conn:
        done = conn.execute(text("UPDATE audit_events SET actor = 'mallory@example.org' "
                                 "WHERE seq = 2"))
        assert done.rowcount == 1

    checked, breaks = process.verify_audit(env)
    assert checked == 5
    assert [(b.process_id, b.seq) for b in breaks] == [(walked, 2)]
    assert "edited" in breaks[0].problem
    _refused(engine, "UPDATE audit_events SET actor = 'eve@example.org' WHERE seq = 2",
             "UPDATE")
    _refused(engine, "DELETE FROM audit_events WHERE seq = 2", "DELETE")
    assert kit.rows(engine, "SELECT actor FROM audit_events WHERE seq = 2") == [
        ("mallory@example.org",)]


def _alembic(engine, action, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        action(config, revision)


def _guards(engine) -> list[tuple[str, str]]:
    """The append-only triggers there are, with the schema of their function (PostgreSQL)."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            return [(row.name, "") for row in conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_events' ORDER BY name"))]
        return [tuple(row) for row in conn.execute(text(
            "SELECT t.tgname, n.nspname FROM pg_trigger t "
            "JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE t.tgrelid = to_regclass('audit_events') AND NOT t.tgisinternal "
            "ORDER BY t.tgname"))]


def test_migration_0004_installs_the_guard_and_its_downgrade_removes_it(empty_engine, engine,
                                                                       kit):
    """Up to 0003 the table is unguarded; 0004 guards it in this database (this schema, on
    PostgreSQL) only; downgrading removes the guard there and leaves the others alone."""
    _alembic(empty_engine, command.upgrade, "0003")
    assert _guards(empty_engine) == []
    upgrade(empty_engine)
    with empty_engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar() \
            if conn.dialect.name == "postgresql" else ""
    # from 0012 on a row trigger refuses the deletes of events without a tombstone
    expected = ([("audit_events_append_only", schema), ("audit_events_delete_buried", schema)]
                if schema else
                [("audit_events_no_delete", ""), ("audit_events_no_update", "")])
    assert _guards(empty_engine) == expected
    session_guards = _guards(engine)
    assert len(session_guards) == len(expected)
    if schema:
        assert session_guards[0][1] not in ("", schema, "public")

    _alembic(empty_engine, command.downgrade, "0003")
    assert _guards(empty_engine) == []
    assert _guards(engine) == session_guards
    _alembic(empty_engine, command.upgrade, HEAD)
    assert _guards(empty_engine) == expected


def test_the_guard_holds_whatever_the_search_path(engine, kit, walked):
    """PostgreSQL: the trigger is bound to the function in the table's schema, so a session
    with another search path that names the table with its schema is refused too. (SQLite
    has one schema per file: the same through the qualified name ``main.audit_events``.)"""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            schema = conn.execute(text("SELECT current_schema()")).scalar()
            conn.execute(text("SET LOCAL search_path TO public"))
            table = f'"{schema}".audit_events'
        else:
            table = "main.audit_events"
        with pytest.raises(IntegrityError, match="append-only: DELETE refused"):
            conn.execute(text(f"DELETE FROM {table} WHERE seq = 1"))
        conn.rollback()
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 5
