"""Erasing a staff address on the real databases (issue 13, point 3).

A lead who has left the city: their closed processes lose them as lead, their account and
tokens go, and their address and name are nowhere in the SQLite file (with its WAL) or the
PostgreSQL tables, while ``audit verify`` passes and ``history`` shows their steps as taken
by someone erased. The trail keeps every person by reference (``workflow.actors``), so no
hash changes. While they still lead an open process, are a coordinator or have an active
account, the erasure is refused with what to do first.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from beteiligung.config.bootstrap import build_composer
from beteiligung.states.case import Person
from beteiligung.states.errors import BadInput
from beteiligung.workflow import accounts, privacy_requests, process, sessions
from beteiligung.workflow.actors import ERASED
from beteiligung.workflow.reminders import queue_digest, sweep

COORDINATOR = "koordination@hannover-stadt.de"  # of the ``settings`` fixture
FORMER = Person("Paula Vorgänger", "Paula.Vorgaenger@hannover-stadt.de")
ADDRESS = FORMER.email.lower()


def _privacy_helpers():
    """``_database_text`` of ``test_privacy`` (loaded by path: importlib import mode)."""
    name = "_beteiligung_tests_integration_test_privacy"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).with_name("test_privacy.py"))
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _former_leads_a_closed_process(env, clock, journey, settings=None) -> int:
    """Paula leads a process from start to close, with an account and two tokens; with
    ``settings``, a late first phase escalates to the deputy and the coordinators first."""
    accounts.add_user(env, COORDINATOR, FORMER.email, FORMER.name, "ein langes Passwort 1")
    assert sessions.sign_in(env, FORMER.email, "ein langes Passwort 1", 8) is not None
    sessions.create_api_token(env, COORDINATOR, FORMER.email, "Skript", 30)
    pid = journey.new_process(env, actor=FORMER.email, lead=FORMER).id
    if settings is not None:
        clock.advance(days=120)
        assert sweep(env, build_composer(settings), clock()).queued
        assert queue_digest(env, build_composer(settings), clock()).message is not None
    journey.advance_to(env, pid, "closed", clock, actor=FORMER.email)
    return pid


def test_a_former_lead_is_erased_from_every_byte_and_the_trail_still_verifies(
        env, engine, db_url, clock, journey, settings):
    pid = _former_leads_a_closed_process(env, clock, journey, settings)
    with engine.connect() as conn:   # her reminders, and the coordinators' digest naming her
        mails = conn.execute(text(
            "SELECT o.recipients, o.cc, b.body_text FROM outbox o "
            "JOIN outbox_bodies b ON b.outbox_id = o.id")).all()
    to_others = [body for to, cc, body in mails if ADDRESS not in (to + cc).lower()]
    assert to_others and all(FORMER.name in body for body in to_others)
    database_text = _privacy_helpers()._database_text
    before = database_text(engine, db_url)
    assert ADDRESS.encode() in before and FORMER.name.encode() in before  # the grep works
    with engine.connect() as conn:  # the chain itself names no one
        actors = conn.execute(text("SELECT DISTINCT actor FROM audit_events")).scalars().all()
        payloads = " ".join(conn.execute(text("SELECT payload FROM audit_events")).scalars())
    assert all(a.startswith("ref:") or a == "beteiligung@system" for a in actors)
    assert ADDRESS not in payloads.lower() and FORMER.name not in payloads

    with pytest.raises(BadInput, match="disable it first") as refused:
        privacy_requests.erase(env, COORDINATOR, FORMER.email, "Ausgeschieden 30.11.")
    assert "zuerst mit 'user disable" in refused.value.text("de")
    accounts.disable_user(env, COORDINATOR, FORMER.email)
    steps = len(process.history(env, pid))

    done = privacy_requests.erase(env, COORDINATOR, FORMER.email, "Ausgeschieden 30.11.")

    assert (done.staff, done.processes, done.tokens, done.nothing_left) == (
        True, (pid,), 2, False)
    after = database_text(engine, db_url)
    assert ADDRESS.encode() not in after.lower()
    assert FORMER.name.encode() not in after
    with engine.connect() as conn:
        bodies = conn.execute(text("SELECT body_text FROM outbox_bodies")).scalars().all()
    assert len(bodies) == len(mails) and set(bodies) == {""}   # the digest's too
    checked, breaks = process.verify_audit(env)
    assert breaks == [] and checked > steps
    shown = process.history(env, pid)
    assert len(shown) == steps + 1 and shown[-1].action == "personal_data_erased"
    assert shown[-1].payload["roles"] == ["lead", "concept"]
    assert shown[0].actor == ERASED  # she created it
    lead = shown[0].payload["lead"]
    assert lead["name"]["erased"] is True and lead["email"]["erased"] is True
    case = process.get_process(env, pid)
    assert case.lead is None and case.deputy is not None
    assert all(v.lead is None for v in case.concept_versions)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM user_tokens")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM users")).scalar_one() == 0

    again = privacy_requests.erase(env, COORDINATOR, FORMER.email, "Ausgeschieden 30.11.")
    assert again.nothing_left and len(again.erased_before) == 1
    # an Auskunft now finds only that the address was erased
    left = privacy_requests.disclose(env, COORDINATOR, FORMER.email).document
    assert len(left["erasures"]) == 1
    assert not any(left[k] for k in ("processes", "account", "tokens", "audit_events"))


def test_a_staff_address_is_refused_while_it_leads_an_open_process_or_coordinates(
        env, clock, journey):
    pid = journey.new_process(env, actor=FORMER.email, lead=FORMER).id
    with pytest.raises(BadInput, match=f"hand over {pid} „Lindener Marktplatz“ first"):
        privacy_requests.erase(env, COORDINATOR, FORMER.email, "Antrag")
    with pytest.raises(BadInput, match="is a coordinator") as refused:
        privacy_requests.erase(env, COORDINATOR, COORDINATOR.upper(), "Antrag")
    assert "aus 'coordinators' in den Einstellungen" in refused.value.text("de")
    process.edit_process(env, COORDINATOR, pid, {"lead": journey.LEAD})
    done = privacy_requests.erase(env, COORDINATOR, FORMER.email, "Antrag")
    # handed over: only her steps remain, shown as an erased person's
    assert done.staff and done.processes == (pid,)
    shown = process.history(env, pid)
    assert [e.actor for e in shown][:1] == [ERASED]
    assert shown[-2].actor == COORDINATOR   # the hand-over is the coordinator's
    assert process.get_process(env, pid).lead == journey.LEAD
    checked, breaks = process.verify_audit(env)
    assert breaks == []


def test_replay_erases_a_former_lead_again_after_an_older_backup_is_restored(
        env, engine, db_url, clock, journey, tmp_path):
    pid = _former_leads_a_closed_process(env, clock, journey)
    accounts.disable_user(env, COORDINATOR, FORMER.email)
    helpers = _privacy_helpers()
    restore = helpers._backup(engine, db_url, tmp_path)
    clock.advance(days=1)
    privacy_requests.erase(env, COORDINATOR, FORMER.email, "Ausgeschieden 30.11.")

    restore()
    assert ADDRESS.encode() in helpers._database_text(engine, db_url).lower()  # back again
    clock.advance(days=1)
    done = privacy_requests.replay(env, COORDINATOR)

    assert done.logged == 1 and done.values > 0 and done.processes == (pid,)
    stored = helpers._database_text(engine, db_url)
    assert ADDRESS.encode() not in stored.lower() and FORMER.name.encode() not in stored
    assert process.verify_audit(env)[1] == []
    last = process.history(env, pid)[-1]
    assert (last.action, last.payload.get("replayed"), last.payload.get("roles")) == (
        "personal_data_erased", True, ["lead", "concept"])
    assert process.get_process(env, pid).lead is None
    again = privacy_requests.replay(env, COORDINATOR)
    assert (again.values, again.processes) == (0, ())
