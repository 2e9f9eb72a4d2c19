"""The trail binds the case's current state (issue 12, point 1), on SQLite and PostgreSQL.

Each event carries the hash of its case's stored state after it (``storage.audit_state``);
``verify_audit`` recomputes the hash of what is stored now and compares it with the head. So
rewriting the document, the title, the lead's address or a deadline's status by SQL — which
the append-only triggers do not stop, they guard ``audit_events`` only — is found. What the
reminder sweep writes on its own (a reminder's step, the next reminder time) is left out of
the state on purpose and must not break anything.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from beteiligung.config.bootstrap import build_composer
from beteiligung.states.errors import TransitionRefused
from beteiligung.storage.schema import audit_events, deadlines, processes
from beteiligung.workflow import deadlines as lead_deadlines
from beteiligung.workflow import process
from beteiligung.workflow.reminders import sweep

BERLIN = ZoneInfo("Europe/Berlin")
STATE = "the stored case is not the state its last event recorded"


def _set(engine, pid: int, **values) -> None:
    with engine.begin() as conn:
        conn.execute(update(processes).where(processes.c.id == pid).values(**values))


def _document(engine, pid: int) -> dict:
    with engine.connect() as conn:
        return json.loads(conn.execute(select(processes.c.document)
                                       .where(processes.c.id == pid)).scalar_one())


@pytest.fixture
def two(env, clock, kit) -> tuple[int, int]:
    first = kit.new_process(env, "Spielplatz Nordstadt")
    clock.advance(minutes=1)
    target = kit.new_process(env)
    clock.advance(minutes=1)
    process.advance(env, kit.LEAD.email, target, "set_up_begleitgruppe")
    assert process.verify_audit(env)[1] == []
    return first, target


def _only(env, pid: int):
    _, breaks = process.verify_audit(env)
    assert [b.process_id for b in breaks] == [pid], breaks
    return breaks[0]


def test_every_event_carries_the_state_hash(env, engine, two):
    with engine.connect() as conn:
        states = conn.execute(select(audit_events.c.state)).scalars().all()
    assert states and all(s and len(s) == 64 for s in states)


@pytest.mark.parametrize("edit", [
    lambda doc: doc | {"subject": "Etwas ganz anderes"},
    lambda doc: doc | {"decision": {"text": "Der Rat hat anders beschlossen"}},
    lambda doc: doc | {"suggestions": [{"number": 1, "text": "nachträglich"}]},
], ids=["subject", "decision", "suggestion"])
def test_rewritten_document_is_found(env, engine, two, edit):
    target = two[1]
    _set(engine, target, document=json.dumps(edit(_document(engine, target))))
    broken = _only(env, target)
    assert STATE in broken.problem and broken.code == "state"
    with engine.connect() as conn:
        last = conn.execute(select(processes.c.audit_seq)
                            .where(processes.c.id == target)).scalar_one()
    assert broken.seq == last


@pytest.mark.parametrize("column, value", [
    ("title", "Ein anderer Titel"),
    ("lead_email", "mallory@example.org"),
    ("deputy_email", "mallory@example.org"),
    ("department", "Ein anderer Fachbereich"),
])
def test_rewritten_columns_are_found(env, engine, two, column, value):
    _set(engine, two[0], **{column: value})
    assert STATE in _only(env, two[0]).problem


def test_a_missed_deadline_set_to_met_is_found(env, engine, settings, kit):
    pid = kit.new_process(env)
    report = sweep(env, build_composer(settings), datetime(2026, 5, 20, 10, tzinfo=BERLIN))
    assert report.missed
    assert process.verify_audit(env)[1] == []   # the sweep's own writes keep the state bound
    with engine.begin() as conn:
        conn.execute(update(deadlines).where(deadlines.c.process_id == pid)
                     .values(status="met"))
    assert STATE in _only(env, pid).problem


def test_reminder_bookkeeping_is_not_state(env, engine, settings, kit):
    """A reminder step queued (no event) and its next time moved do not break the state."""
    kit.new_process(env)
    report = sweep(env, build_composer(settings), datetime(2026, 4, 17, 8, tzinfo=BERLIN))
    assert report.queued and not report.missed
    with engine.begin() as conn:
        conn.execute(update(deadlines).values(next_remind_at=None))
    assert process.verify_audit(env)[1] == []


def test_lead_deadline_commands_bind_their_state(env, clock, engine, two, kit):
    """Adding, moving and waiving a deadline write the deadline and then the event: the
    state each event binds is the one after the whole change."""
    target = two[1]
    due = datetime(2026, 6, 1, 12, tzinfo=BERLIN)
    did = lead_deadlines.add_deadline(env, kit.LEAD.email, target, "Plan abstimmen", due)
    lead_deadlines.move_deadline(env, kit.LEAD.email, target, did,
                                 datetime(2026, 6, 8, 12, tzinfo=BERLIN), "Urlaub")
    lead_deadlines.waive_deadline(env, kit.LEAD.email, target, did, "erledigt")
    assert process.verify_audit(env)[1] == []
    with engine.begin() as conn:
        conn.execute(update(deadlines).where(deadlines.c.id == did).values(status="open"))
    assert STATE in _only(env, target).problem


def test_a_refused_step_binds_the_state_too(env, engine, two, kit):
    """A refused step (a ``record`` without a change) binds the state as it is."""
    with pytest.raises(TransitionRefused):
        process.advance(env, kit.LEAD.email, two[1], "draft_concept")
    assert process.verify_audit(env)[1] == []
    _set(engine, two[1], title="Anders")
    assert STATE in _only(env, two[1]).problem
