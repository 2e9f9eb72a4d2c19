"""Forged appends are found (issue 12, point 3), on SQLite and PostgreSQL.

The forger has the application's rights only: INSERT into ``audit_events`` and UPDATE of
``processes``. They know the public recipe and can even compute the state hash; what they do
not have is the signing key, which lives outside the database (``config.audit_keys``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from beteiligung.config.audit_keys import AuditSettings
from beteiligung.config.bootstrap import build_env
from beteiligung.storage.audit_state import current_state
from beteiligung.storage.schema import audit_cases, audit_events, deadlines, processes
from beteiligung.workflow import audit_check, process
from beteiligung.workflow.audit import chain, format_at
from beteiligung.workflow.audit_check import entry_hash
from beteiligung.workflow.ports import NewEvent
from beteiligung.workflow.signing import AuditKeys

T0, T1 = f"t0={'00' * 32}", f"t1={'11' * 32}"


def _report(env, keys: AuditKeys | None):
    with env.uow() as uow:
        return audit_check.verify_store(uow.processes, keys)


def _keys(env) -> AuditKeys:
    return env.uow().keys()


def _append_forged(engine, pid: int, at, *, copy_mac: bool) -> None:
    """A correctly chained, correctly state-bound event and the head moved onto it."""
    with engine.begin() as conn:
        row = conn.execute(select(processes.c.audit_seq, processes.c.audit_head)
                           .where(processes.c.id == pid)).one()
        last = conn.execute(select(audit_events).where(
            audit_events.c.process_id == pid, audit_events.c.seq == row.audit_seq)).one()
        state = current_state(conn, pid)
        event = chain(pid, row.audit_seq + 1, NewEvent(at, "mallory@example.org",
                                                       "process_edited", last.to_phase,
                                                       last.to_phase), row.audit_head, state)
        conn.execute(insert(audit_events).values(
            process_id=pid, seq=event.seq, at=event.at, actor=event.actor,
            action=event.action, from_phase=event.from_phase, to_phase=event.to_phase,
            reason="", payload="{}", prev_hash=event.prev_hash, hash=event.hash, state=state,
            key_id=last.key_id if copy_mac else None, mac=last.mac if copy_mac else None))
        conn.execute(update(processes).where(processes.c.id == pid)
                     .values(audit_seq=event.seq, audit_head=event.hash))


@pytest.fixture
def pid(env, kit, clock) -> int:
    pid = kit.new_process(env)
    clock.advance(minutes=1)
    process.edit_process(env, kit.LEAD.email, pid, {"subject": "Mehr Grün"})
    return pid


def test_every_event_is_signed_with_the_newest_key(env, engine, pid):
    with engine.connect() as conn:
        signed = conn.execute(select(audit_events.c.key_id, audit_events.c.mac)).all()
    assert signed and {k for k, _ in signed} == {"t1"} and all(len(m) == 64 for _, m in signed)
    report = _report(env, _keys(env))
    assert report.ok and report.unchecked == 0 and report.unsigned == []


@pytest.mark.parametrize("copy_mac, code", [(False, "unsigned"), (True, "bad_mac")])
def test_a_forged_append_with_the_applications_rights_is_found(env, engine, clock, pid,
                                                               copy_mac, code):
    _append_forged(engine, pid, clock() + timedelta(hours=1), copy_mac=copy_mac)
    # what the coordinators' page and the demo call: it checks the signatures with the keys
    # that exist, so a copied signature is found there too
    broken = process.verify_audit(env)[1]
    assert [(b.process_id, b.seq, b.code) for b in broken] == [(pid, 3, code)]


def test_a_forged_registry_entry_is_found(env, engine, clock, pid):
    """A whole process added with a registry entry of its own: unsigned after signed ones."""
    with engine.begin() as conn:
        last = conn.execute(select(audit_cases).order_by(audit_cases.c.seq.desc())).first()
        at = clock() + timedelta(hours=1)
        conn.execute(insert(audit_cases).values(
            seq=last.seq + 1, process_id=99, at=at, prev_hash=last.hash,
            hash=entry_hash(last.seq + 1, 99, at, last.hash)))
    breaks = process.verify_audit(env)[1]
    assert [(b.process_id, b.seq, b.code) for b in breaks][0] == (0, 2, "unsigned")


def test_old_keys_still_verify_after_rotation(settings, clock, engine, kit):
    old = build_env(replace(settings, audit=AuditSettings(keys=T0)), clock=clock, engine=engine)
    first = kit.new_process(old)
    new = build_env(replace(settings, audit=AuditSettings(keys=f"{T0},{T1}")), clock=clock,
                    engine=engine)
    clock.advance(minutes=1)
    process.edit_process(new, kit.LEAD.email, first, {"subject": "Nach dem Schlüsselwechsel"})
    with engine.connect() as conn:
        ids = conn.execute(select(audit_events.c.key_id).order_by(audit_events.c.seq)).scalars()
        assert list(ids) == ["t0", "t1"]
    assert _report(new, _keys(new)).ok
    without_old = _report(new, AuditKeys("t1", {"t1": bytes.fromhex("11" * 32)}))
    assert [(b.seq, b.code) for b in without_old.breaks] == [(1, "unknown_key"),
                                                              (1, "unknown_key")]


def test_without_a_key_the_signatures_are_unchecked_not_broken(env, pid):
    report = _report(env, None)
    assert report.ok and report.unchecked == 3  # two events and one registry entry


def test_the_state_hash_is_the_documented_one(env, engine, pid):
    """``storage.audit_state``'s recipe, recomputed here from the rows."""
    with engine.connect() as conn:
        row = conn.execute(select(processes).where(processes.c.id == pid)).one()
        last = conn.execute(select(audit_events.c.state).where(
            audit_events.c.process_id == pid, audit_events.c.seq == 2)).scalar_one()
        rows = conn.execute(select(deadlines).where(deadlines.c.process_id == pid)
                            .order_by(deadlines.c.id)).all()
    names = ("title", "department", "directorate", "phase", "phase_entered_at", "paused_phase",
             "paused_phase_entered_at", "last_hold_at", "dialogue_round", "cancel_reason",
             "lead_email", "deputy_email", "definition_version", "created_at")
    plain = {n: (format_at(v) if hasattr(v, "astimezone") else v)
             for n, v in row._mapping.items() if n in names}
    plain["document"] = row.document  # the stored text, as a string
    cols = ("id", "kind", "ref", "title", "due_at", "status", "managed", "reason",
            "created_at", "closed_at")
    dls = [{c: (format_at(getattr(d, c)) if hasattr(getattr(d, c), "astimezone")
                else getattr(d, c)) for c in cols} for d in rows]
    body = json.dumps({"process": plain, "deadlines": dls}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(body.encode()).hexdigest() == last

