"""``workflow.audit_check`` on hand-made chains: the recipe-2 upgrade path and signatures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beteiligung.workflow.audit import GENESIS, chain
from beteiligung.workflow.audit_check import check
from beteiligung.workflow.ports import ChainHead, NewEvent
from beteiligung.workflow.signing import AuditKeys

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
OLD = AuditKeys("a", {"a": b"a" * 32})
NEW = AuditKeys("b", {"a": b"a" * 32, "b": b"b" * 32})


def _trail(*steps):
    """Events of process 1; each step is (state or None, keys or None)."""
    events, prev = [], GENESIS
    for n, (state, keys) in enumerate(steps, start=1):
        event = chain(1, n, NewEvent(AT + timedelta(minutes=n), "a@h.de", "process_edited",
                                     "initiated", "initiated"), prev, state, keys)
        events.append(event)
        prev = event.hash
    return events


def _check(events, state=None, keys=NEW):
    head = ChainHead(1, events[-1].seq, events[-1].hash, "initiated", state)
    return check([head], events, keys=keys)


def test_an_old_trail_is_noted_not_broken_and_binds_from_its_next_event():
    old = _trail((None, None), (None, None))
    report = _check(old)
    assert report.ok and report.unbound == [1] and report.unsigned == [1]
    bound = _trail((None, None), (None, None), ("s" * 64, NEW))
    report = _check(bound, state="s" * 64)
    assert report.ok and report.unbound == [] and report.unsigned == []


def test_an_event_without_state_after_bound_ones_is_a_break():
    events = _trail(("s" * 64, NEW), (None, NEW))
    assert [(b.seq, b.code) for b in _check(events).breaks] == [(2, "state_dropped")]


def test_the_head_state_must_match_the_last_events():
    events = _trail(("s" * 64, NEW))
    assert [b.code for b in _check(events, state="t" * 64).breaks] == ["state"]


def test_rotation_keeps_old_signatures_valid_and_an_unknown_key_breaks():
    events = _trail(("s" * 64, OLD), ("s" * 64, NEW))
    assert _check(events, "s" * 64).ok
    only_new = AuditKeys("b", {"b": b"b" * 32})
    assert [(b.seq, b.code) for b in _check(events, "s" * 64, only_new).breaks] == [
        (1, "unknown_key")]
    report = _check(events, "s" * 64, keys=None)
    assert report.ok and report.unchecked == 2
