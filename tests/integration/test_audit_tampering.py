"""Tampering with ``audit_events`` behind the application's back is found by ``verify_audit``.

Three processes get a trail each; the middle one is tampered with by SQL that bypasses the
repository. The database refuses UPDATE and DELETE on the table (migration 0004, see
``test_audit_append_only.py``), so the attacker here is one who owns the table: each change
runs with the append-only triggers disabled (``unguarded``), as the owner could do, and the
triggers are back afterwards. Inserting needs no such power: the forgeries are plain INSERTs.
The verification must name the tampered process, the first broken event and the kind of
problem, and must leave the other two processes unbroken.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

import pytest
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.engine import Engine

from beteiligung.config.audit_keys import parse
from beteiligung.storage.schema import audit_events, processes
from beteiligung.workflow import content, process
from beteiligung.workflow.audit import GENESIS, canonical, event_hash
from beteiligung.workflow.ports import NewEvent

KEYS = parse(f"t1 {'11' * 32}", "the tests' signing key")  # tests/conftest.py's TEST_KEYS
EDITED = "the event was edited"
LINK = "link to the previous event does not match"
GAP = "events removed or inserted"
TRUNCATED = "events were removed from the end"

Owner = Callable[[], AbstractContextManager[Connection]]


@pytest.fixture
def owner(engine, unguarded) -> Owner:
    """A transaction as the table's owner, with the append-only triggers out of the way."""
    return lambda: unguarded(engine)


@pytest.fixture
def trails(env, clock, kit) -> dict[str, int]:
    """Three processes; 'target' has five events, the others two and three."""
    first = kit.new_process(env, "Spielplatz Nordstadt")
    clock.advance(minutes=1)
    process.advance(env, kit.LEAD.email, first, "set_up_begleitgruppe")
    target = kit.new_process(env)
    for title in ("Lindener Marktplatz, 1. Entwurf", "Lindener Marktplatz, 2. Entwurf"):
        clock.advance(minutes=1)
        process.edit_process(env, kit.DEPUTY.email, target, {"title": title})
    clock.advance(minutes=1)
    process.advance(env, kit.LEAD.email, target, "set_up_begleitgruppe")
    clock.advance(minutes=1)
    content.set_begleitgruppe_requester(env, kit.LEAD.email, target, "politics")
    last = kit.new_process(env, "Radweg Podbielskistraße")
    clock.advance(minutes=1)
    process.edit_process(env, kit.LEAD.email, last, {"subject": "Breitere Radwege"})
    clock.advance(minutes=1)
    process.edit_process(env, kit.LEAD.email, last, {"subject": "Breitere, sichere Radwege"})
    counts = {pid: len(process.history(env, pid)) for pid in (first, target, last)}
    assert counts == {first: 2, target: 5, last: 3}
    assert process.verify_audit(env) == (10, [])
    return {"first": first, "target": target, "last": last}


def _event(engine: Engine, pid: int, seq: int):
    with engine.connect() as conn:
        return conn.execute(select(audit_events).where(
            audit_events.c.process_id == pid, audit_events.c.seq == seq)).one()


def _change(owner: Owner, pid: int, seq: int, /, **values) -> None:
    with owner() as conn:
        done = conn.execute(update(audit_events).where(
            audit_events.c.process_id == pid, audit_events.c.seq == seq).values(**values))
        assert done.rowcount == 1


def _remove(owner: Owner, pid: int, *seqs: int) -> None:
    with owner() as conn:
        done = conn.execute(delete(audit_events).where(
            audit_events.c.process_id == pid, audit_events.c.seq.in_(seqs)))
        assert done.rowcount == len(seqs)


def _shift_from(owner: Owner, pid: int, seq: int) -> None:
    """Move events ``seq`` and later one number up (in two steps: (process, seq) is unique)."""
    where = (audit_events.c.process_id == pid, audit_events.c.seq >= seq)
    with owner() as conn:
        conn.execute(update(audit_events).where(*where).values(seq=audit_events.c.seq + 1000))
        conn.execute(update(audit_events).where(audit_events.c.process_id == pid,
                                                audit_events.c.seq >= seq + 1000)
                     .values(seq=audit_events.c.seq - 999))


def _forge(engine: Engine, pid: int, seq: int, prev_hash: str, *, valid: bool) -> None:
    """Insert an event that looks like the application's: with a recipe hash if ``valid``."""
    at = _event(engine, pid, 1).at + timedelta(days=1)
    forged = NewEvent(at, "mallory@example.org", "process_edited", "begleitgruppe",
                      "begleitgruppe", "", {"title": {"from": "a", "to": "b"}})
    state = _event(engine, pid, 1).state  # a state hash, as the program's events carry one
    digest = event_hash(pid, seq, forged, prev_hash, state) if valid else "f" * 64
    # signed with the program's key, as if it had leaked: what the chain alone finds
    # (test_audit_signing.py is about forgers without the key)
    key_id, mac = KEYS.sign(digest)
    with engine.begin() as conn:
        conn.execute(insert(audit_events).values(
            process_id=pid, seq=seq, at=forged.at, actor=forged.actor, action=forged.action,
            from_phase=forged.from_phase, to_phase=forged.to_phase, reason=forged.reason,
            payload=canonical(forged.payload), prev_hash=prev_hash, hash=digest, state=state,
            key_id=key_id, mac=mac))


def _only_break(env, pid: int, total: int):
    checked, breaks = process.verify_audit(env)
    assert checked == total
    assert [b.process_id for b in breaks] == [pid], breaks
    return breaks[0]


@pytest.mark.parametrize("column, value", [
    ("payload", canonical({"title": {"from": "Lindener Marktplatz", "to": "Gefälscht"}})),
    ("actor", "mallory@example.org"),
    ("action", "process_created"),
    ("reason", "nachträglich eingefügt"),
    ("to_phase", "closed"),
    ("from_phase", None),
])
def test_edited_field_breaks_at_that_event(env, engine, owner, trails, column, value):
    target = trails["target"]
    assert getattr(_event(engine, target, 3), column) != value
    _change(owner, target, 3, **{column: value})

    broken = _only_break(env, target, 10)
    assert broken.seq == 3 and EDITED in broken.problem, broken


def test_edited_time_breaks_at_that_event(env, engine, owner, trails):
    target = trails["target"]
    at = _event(engine, target, 2).at
    _change(owner, target, 2, at=at + timedelta(microseconds=1))

    broken = _only_break(env, target, 10)
    assert broken.seq == 2 and EDITED in broken.problem


def test_edited_first_event_breaks_at_one(env, engine, owner, trails):
    target = trails["target"]
    _change(owner, target, 1, payload=canonical({"title": "Anderer Titel"}))

    broken = _only_break(env, target, 10)
    assert broken.seq == 1 and EDITED in broken.problem


def test_edited_and_rehashed_event_breaks_the_next_link(env, engine, owner, trails):
    """A forger who recomputes the edited event's hash cannot sign it: the event itself is
    found (without the key, the next one's link would be)."""
    target = trails["target"]
    row = _event(engine, target, 3)
    payload = {"title": {"from": "x", "to": "Gefälscht"}}
    forged = NewEvent(row.at, row.actor, row.action, row.from_phase, row.to_phase, row.reason,
                      payload)
    _change(owner, target, 3, payload=canonical(payload),
            hash=event_hash(target, 3, forged, row.prev_hash, row.state))

    broken = _only_break(env, target, 10)
    assert (broken.seq, broken.code) == (3, "bad_mac")


def test_removed_middle_event_is_found(env, engine, owner, trails):
    target = trails["target"]
    _remove(owner, target, 3)

    broken = _only_break(env, target, 9)
    assert broken.seq == 4
    assert "expected event 3, found 4" in broken.problem and GAP in broken.problem


def test_removed_first_event_is_found(env, engine, owner, trails):
    target = trails["target"]
    _remove(owner, target, 1)

    broken = _only_break(env, target, 9)
    assert broken.seq == 2 and "expected event 1, found 2" in broken.problem


def test_removed_middle_event_with_renumbered_rest_is_found(env, engine, owner, trails):
    """Closing the gap by renumbering does not help: the link of the next event breaks."""
    target = trails["target"]
    _remove(owner, target, 3)
    for seq in (4, 5):
        _change(owner, target, seq, seq=seq - 1)

    broken = _only_break(env, target, 9)
    assert broken.seq == 3 and LINK in broken.problem


@pytest.mark.parametrize("removed, first_missing", [((5,), 5), ((4, 5), 4),
                                                    ((1, 2, 3, 4, 5), 1)])
def test_removed_last_events_are_found(env, engine, owner, trails, removed, first_missing):
    target = trails["target"]
    _remove(owner, target, *removed)

    broken = _only_break(env, target, 10 - len(removed))
    assert broken.seq == first_missing
    assert f"trail ends at event {first_missing - 1}, expected 5" in broken.problem
    assert TRUNCATED in broken.problem


def test_forged_event_appended_with_wrong_link_is_found(env, engine, trails):
    target = trails["target"]
    _forge(engine, target, 6, "0" * 63 + "1", valid=True)

    broken = _only_break(env, target, 11)
    assert broken.seq == 6 and LINK in broken.problem


def test_forged_event_appended_with_a_valid_link_is_found_at_its_seq(env, engine, trails):
    """An appended event chained correctly with the public recipe is beyond the head that
    ``processes`` records: the first broken event is the forged one (6), and the problem is
    an addition, not a removal."""
    target = trails["target"]
    _forge(engine, target, 6, _event(engine, target, 5).hash, valid=True)

    broken = _only_break(env, target, 11)
    assert broken.seq == 6, broken
    assert "removed" not in broken.problem, broken.problem


def test_last_event_replaced_by_a_valid_forgery_is_found_at_its_seq(env, engine, owner, trails):
    """The last event swapped for one chained correctly with the public recipe: every link
    holds, only the head that ``processes`` records differs. The first broken event is 5, and
    nothing was removed."""
    target = trails["target"]
    prev = _event(engine, target, 4).hash
    _remove(owner, target, 5)
    _forge(engine, target, 5, prev, valid=True)

    broken = _only_break(env, target, 10)
    assert broken.seq == 5, broken
    assert "removed" not in broken.problem, broken.problem


def test_forged_event_inserted_with_valid_link_breaks_the_next_link(env, engine, owner, trails):
    """Shift events 3.. up and put a self-consistent forgery at 3: event 4 (the old 3) no
    longer links to its predecessor."""
    target = trails["target"]
    _shift_from(owner, target, 3)
    _forge(engine, target, 3, _event(engine, target, 2).hash, valid=True)

    broken = _only_break(env, target, 11)
    assert broken.seq == 4 and LINK in broken.problem


def test_forged_event_inserted_with_wrong_link_breaks_at_it(env, engine, owner, trails):
    target = trails["target"]
    _shift_from(owner, target, 3)
    _forge(engine, target, 3, GENESIS, valid=True)

    broken = _only_break(env, target, 11)
    assert broken.seq == 3 and LINK in broken.problem


def test_forged_event_with_a_duplicate_number_is_refused_by_the_database(env, engine, trails):
    """(process, seq) is unique: a second event 3 cannot even be stored."""
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        _forge(engine, trails["target"], 3, _event(engine, trails["target"], 2).hash,
               valid=True)
    assert process.verify_audit(env) == (10, [])


def test_two_tampered_processes_report_one_break_each(env, engine, owner, trails):
    _change(owner, trails["last"], 2, actor="mallory@example.org")
    _remove(owner, trails["first"], 2)

    checked, breaks = process.verify_audit(env)
    assert checked == 9
    assert [(b.process_id, b.seq) for b in breaks] == [(trails["first"], 2),
                                                       (trails["last"], 2)]
    assert TRUNCATED in breaks[0].problem and EDITED in breaks[1].problem


def test_stored_hashes_follow_the_published_recipe(env, engine, trails):
    """A third party with only the rows can recompute every hash and link (the rows as
    stored: the actor by reference, not the address ``history`` shows)."""
    for pid in trails.values():
        prev = GENESIS
        with env.uow() as uow:
            rows = uow.processes.events(pid)
        for seq, row in enumerate(rows, start=1):
            assert (row.seq, row.prev_hash) == (seq, prev)
            assert row.hash == event_hash(pid, seq, row, prev, row.state)
            prev = row.hash


def test_edited_phase_of_the_process_row_is_found(env, engine, trails):
    """The row's phase must be where the trail leads: setting a process to 'closed' by hand
    (without the steps and their events) is reported at the last event."""
    target = trails["target"]
    with engine.begin() as conn:
        seq = conn.execute(select(processes.c.audit_seq).where(processes.c.id == target))
        last = seq.scalar_one()
        conn.execute(update(processes).where(processes.c.id == target).values(phase="closed"))
    broken = _only_break(env, target, 10)
    assert broken.seq == last and "the process row was edited" in broken.problem
