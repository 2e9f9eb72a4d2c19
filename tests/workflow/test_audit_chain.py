"""The audit chain: the hash recipe, and ``verify`` finding edited, inserted and removed events
and naming the first broken sequence number of each process."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from beteiligung.workflow import audit, content
from beteiligung.workflow.ports import ChainHead, NewEvent
from beteiligung.workflow.process import advance, verify_audit
from beteiligung.workflow.trail import verify as verify_chains

LEAD = "anna.lehmann@hannover-stadt.de"


@pytest.fixture
def trails(env, store, journey):
    """Two processes; the first has six events, the second two."""
    first = journey.new_process(env).id
    advance(env, LEAD, first, "set_up_begleitgruppe")
    content.set_begleitgruppe_requester(env, LEAD, first, "residents")
    content.add_project_department(env, LEAD, first, "FB 66")
    content.add_project_department(env, LEAD, first, "FB 67")
    advance(env, LEAD, first, "hold", reason="Pause")
    second = journey.new_process(env).id
    advance(env, LEAD, second, "set_up_begleitgruppe")
    assert [len(store.events[first]), len(store.events[second])] == [6, 2]
    return first, second


def _verify(store):
    return verify_chains(store.chain_heads(), store.all_events())


def _forge(store, pid: int, seq: int, prev_hash: str, action: str = "forged"):
    """An event as someone who knows the public recipe would make it."""
    at = store.events[pid][0].at + timedelta(minutes=1)
    return audit.chain(pid, seq, NewEvent(at, "mallory@example.org", action), prev_hash)


def test_intact_trails_verify(env, store, trails):
    assert _verify(store) == (8, [])
    assert verify_audit(env) == (8, [])


def test_hash_recipe_is_the_documented_one():
    at = datetime(2026, 3, 2, 9, 0, 0, 123, tzinfo=UTC)
    event = NewEvent(at, "anna@h.de", "process_created", None, "initiated", "",
                     {"title": "Plätze", "n": 1})
    body = {"process_id": 3, "seq": 1, "at": "2026-03-02T09:00:00.000123Z",
            "actor": "anna@h.de", "action": "process_created", "from_phase": None,
            "to_phase": "initiated", "reason": "", "payload": {"n": 1, "title": "Plätze"},
            "prev_hash": "0" * 64}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    stored = audit.chain(3, 1, event, audit.GENESIS)
    assert stored.hash == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert stored.prev_hash == audit.GENESIS == "0" * 64
    berlin = at.astimezone(ZoneInfo("Europe/Berlin"))
    assert audit.format_at(berlin) == "2026-03-02T09:00:00.000123Z"
    assert audit.chain(3, 1, replace(event, at=berlin), audit.GENESIS).hash == stored.hash


def test_every_field_is_covered_by_the_hash():
    at = datetime(2026, 3, 2, tzinfo=UTC)
    event = NewEvent(at, "a@h.de", "x", "p", "q", "r", {"k": 1})
    base = audit.event_hash(1, 1, event, audit.GENESIS)
    variants = [replace(event, at=at + timedelta(microseconds=1)), replace(event, actor="b"),
                replace(event, action="y"), replace(event, from_phase=None),
                replace(event, to_phase="z"), replace(event, reason=""),
                replace(event, payload={"k": 2})]
    hashes = {audit.event_hash(1, 1, v, audit.GENESIS) for v in variants}
    hashes |= {audit.event_hash(2, 1, event, audit.GENESIS),
               audit.event_hash(1, 2, event, audit.GENESIS),
               audit.event_hash(1, 1, event, "f" * 64)}
    assert base not in hashes and len(hashes) == 10


def test_edited_event_is_found(store, trails):
    first, _ = trails
    trail = store.events[first]
    trail[2] = replace(trail[2], payload={"requested_by": {"from": None, "to": "politics"}})
    checked, breaks = _verify(store)
    assert checked == 8
    assert [(b.process_id, b.seq) for b in breaks] == [(first, 3)]
    assert "the event was edited" in breaks[0].problem


def test_edited_and_rehashed_event_breaks_the_next_link(store, trails):
    first, _ = trails
    trail = store.events[first]
    forged = audit.chain(first, 3, replace(trail[2], actor="mallory@example.org"),
                         trail[2].prev_hash)
    trail[2] = forged
    (broken,) = _verify(store)[1]
    assert (broken.process_id, broken.seq) == (first, 4)
    assert "link to the previous event does not match" in broken.problem


def test_inserted_event_is_found(store, trails):
    first, _ = trails
    trail = store.events[first]
    trail.insert(3, _forge(store, first, 4, trail[2].hash))  # well chained after event 3
    (broken,) = _verify(store)[1]
    assert (broken.process_id, broken.seq) == (first, 4)
    assert "expected event 5, found 4" in broken.problem


def test_inserted_and_renumbered_event_is_found(store, trails):
    first, _ = trails
    trail = store.events[first]
    renumbered = [replace(e, seq=e.seq + 1) for e in trail[3:]]
    store.events[first] = [*trail[:3], _forge(store, first, 4, trail[2].hash), *renumbered]
    (broken,) = _verify(store)[1]
    assert (broken.process_id, broken.seq) == (first, 5)
    assert "link to the previous event does not match" in broken.problem


def test_removed_middle_event_is_found(store, trails):
    first, _ = trails
    del store.events[first][2]
    (broken,) = _verify(store)[1]
    assert (broken.process_id, broken.seq) == (first, 4)
    assert "expected event 3, found 4" in broken.problem


def test_removed_and_renumbered_middle_event_is_found(store, trails):
    first, _ = trails
    trail = store.events[first]
    store.events[first] = [*trail[:2], *(replace(e, seq=e.seq - 1) for e in trail[3:])]
    (broken,) = _verify(store)[1]
    assert (broken.process_id, broken.seq) == (first, 3)


def test_removed_first_event_is_found(store, trails):
    first, _ = trails
    del store.events[first][0]
    (broken,) = _verify(store)[1]
    assert (broken.process_id, broken.seq) == (first, 2)
    assert "expected event 1, found 2" in broken.problem


def test_removed_last_event_is_found(store, trails):
    first, second = trails
    store.events[second].pop()
    checked, breaks = _verify(store)
    assert checked == 7
    assert [(b.process_id, b.seq) for b in breaks] == [(second, 2)]
    assert "trail ends at event 1, expected 2" in breaks[0].problem


def test_removed_whole_trail_is_found(store, trails):
    _, second = trails
    store.events[second] = []
    (broken,) = _verify(store)[1]
    assert (broken.process_id, broken.seq) == (second, 1)


def test_only_the_first_break_of_each_process_is_named(store, trails):
    first, second = trails
    trail = store.events[first]
    trail[1] = replace(trail[1], reason="edited")
    trail[4] = replace(trail[4], reason="edited too")
    store.events[second][0] = replace(store.events[second][0], actor="x@y.de")
    checked, breaks = _verify(store)
    assert checked == 8
    assert [(b.process_id, b.seq) for b in breaks] == [(first, 2), (second, 1)]


def test_verify_takes_plain_iterables():
    events = [audit.chain(1, 1, NewEvent(datetime(2026, 1, 1, tzinfo=UTC), "a@h.de", "x"),
                          audit.GENESIS)]
    assert verify_chains(iter([ChainHead(1, 1, events[0].hash)]), iter(events)) == (1, [])


def test_appended_forged_event_is_named_at_its_own_seq(store, trails):
    """An event appended after the recorded head is an insertion, not a removal: the break
    should name the appended event (seq 3), not a seq that does not exist."""
    _, second = trails
    trail = store.events[second]
    trail.append(_forge(store, second, 3, trail[-1].hash))
    (broken,) = _verify(store)[1]
    assert "removed" not in broken.problem
    assert (broken.process_id, broken.seq) == (second, 3)


def test_rehashed_last_event_is_named_at_its_own_seq(store, trails):
    """Editing the last event and recomputing its hash leaves only the recorded head to catch
    it; the break should name that event (seq 2) and not claim events were removed."""
    _, second = trails
    trail = store.events[second]
    trail[-1] = audit.chain(second, 2, replace(trail[-1], actor="mallory@example.org"),
                            trail[-1].prev_hash)
    (broken,) = _verify(store)[1]
    assert "removed" not in broken.problem
    assert (broken.process_id, broken.seq) == (second, 2)
