"""Least privilege on PostgreSQL (issue 12, point 4): the owner migrates, the runtime role runs
everything and cannot touch the audit trail's protection.

The statements are the ones ``beteiligung db roles`` prints (``storage.roles``), run in a
schema of this test's own with two roles of unique names (roles are cluster-wide), dropped
afterwards. PostgreSQL only.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError

from beteiligung.config.bootstrap import build_composer, build_env
from beteiligung.storage.engine import make_engine
from beteiligung.storage.migrate import upgrade
from beteiligung.storage.roles import grants, setup
from beteiligung.workflow import accounts, privacy_requests, process
from beteiligung.workflow.reminders import sweep
from beteiligung.workflow.retention import apply_retention

COORDINATOR = "koordination@hannover-stadt.de"  # of the ``settings`` fixture

PG_URL = os.environ.get("BETEILIGUNG_TEST_POSTGRES_URL", "")  # as tests/conftest.py


def _url(role: str, schema: str) -> str:
    url = make_url(PG_URL).set(username=role, password=None)
    rendered = url.render_as_string(hide_password=False)
    sep = "&" if "?" in rendered else "?"
    return f"{rendered}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def roles():
    """An owner and a runtime role, a schema owned by the owner, migrated by the owner and
    granted as ``db roles`` says; everything dropped afterwards."""
    suffix = uuid.uuid4().hex[:8]
    owner, runtime, schema = f"bt_owner_{suffix}", f"bt_app_{suffix}", f"bt_roles_{suffix}"
    database = make_url(PG_URL).database
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as conn:
            for statement in setup(owner, runtime, schema, database):
                conn.execute(text(statement.split("--")[0]))
        owner_engine = make_engine(_url(owner, schema))
        upgrade(owner_engine)
        with owner_engine.begin() as conn:
            for statement in grants(runtime, schema):
                conn.execute(text(statement))
        owner_engine.dispose()
        yield owner, runtime, schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            for role in (runtime, owner):
                conn.execute(text(f"DROP OWNED BY {role}"))
                conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


@contextmanager
def _as_runtime(roles, settings, clock) -> Iterator:
    """The use cases' wiring connected as the runtime role."""
    _, runtime, schema = roles
    engine = make_engine(_url(runtime, schema))
    try:
        yield engine, build_env(replace(settings, database_url=_url(runtime, schema)),
                                clock=clock, engine=engine)
    finally:
        engine.dispose()


def test_every_command_works_as_the_runtime_role(roles, settings, clock, kit):
    with _as_runtime(roles, settings, clock) as (_, env):
        pid = kit.new_process(env)
        process.advance(env, kit.LEAD.email, pid, "set_up_begleitgruppe")
        process.edit_process(env, kit.LEAD.email, pid, {"subject": "Mehr Grün"})
        report = sweep(env, build_composer(settings),
                       datetime(2026, 5, 20, 10, tzinfo=ZoneInfo("Europe/Berlin")))
        assert report.queued
        assert process.verify_audit(env) == (len(process.history(env, pid)), [])
        # retention removes a closed process whole, as this role, ten years after it closed
        gone = kit.new_process(env)
        closed = process.advance(env, "koordination@hannover-stadt.de", gone, "cancel",
                                 reason="Zurückgezogen")
        done = apply_retention(env, env.retention, closed.phase_entered_at
                               + timedelta(days=env.retention.closed_processes))
        assert done.buried == (gone,) and process.verify_audit(env)[1] == []
        # and a staff address that has gone is erased, account and all
        gone_staff = "alt@hannover-stadt.de"
        accounts.add_user(env, COORDINATOR, gone_staff, "Alt", "ein langes Passwort")
        accounts.disable_user(env, COORDINATOR, gone_staff)
        erased = privacy_requests.erase(env, COORDINATOR, gone_staff, "Ausgeschieden")
        assert erased.staff and process.verify_audit(env)[1] == []


def test_the_runtime_role_deletes_no_event_of_a_process_without_its_tombstone(
        roles, settings, kit, clock):
    with _as_runtime(roles, settings, clock) as (engine, env):
        pid = kit.new_process(env)
        with pytest.raises(DBAPIError) as refused, engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_events"))
        assert "append-only: DELETE refused" in str(refused.value)
        # nor can it write a tombstone that does not fit the process as it is
        with pytest.raises(DBAPIError) as unfit, engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO process_tombstones (process_id, phase, closed_at, final_seq, "
                "final_hash, removed_at, kept_days, hash) SELECT id, phase, phase_entered_at, "
                "audit_seq, audit_head, phase_entered_at, 0, 'x' FROM processes"))
        assert "a tombstone must name its process" in str(unfit.value)
        assert len(process.history(env, pid)) == 1


@pytest.mark.parametrize("statement", [
    "ALTER TABLE audit_events DISABLE TRIGGER USER",
    "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
    "DROP TRIGGER audit_events_append_only ON audit_events",
    "DROP TRIGGER audit_cases_append_only ON audit_cases",
    "DROP TABLE audit_events CASCADE",
    "DROP TABLE audit_cases",
    "UPDATE audit_events SET actor = 'x'",
    "DELETE FROM audit_cases",
    "TRUNCATE audit_events CASCADE",
    "DROP TRIGGER audit_events_delete_buried ON audit_events",
    "DROP TRIGGER process_tombstones_append_only ON process_tombstones",
    "UPDATE process_tombstones SET kept_days = 0",
    "DELETE FROM process_tombstones",
    "TRUNCATE process_tombstones",
    "CREATE TABLE sneaky (id int)",
    "DROP FUNCTION audit_events_refuse_change() CASCADE",
])
def test_the_runtime_role_cannot_touch_the_protection(roles, statement):
    _, runtime, schema = roles
    engine = make_engine(_url(runtime, schema))
    try:
        with pytest.raises(DBAPIError) as refused, engine.begin() as conn:
            conn.execute(text(statement))
        assert "permission denied" in str(refused.value) or "must be owner" in str(refused.value)
    finally:
        engine.dispose()
