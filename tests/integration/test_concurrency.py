"""Optimistic locking on real connections: a change made on stale data never wins.

Two units of work (two connections) load the same process; the first to write commits, the
other gets ``Conflict`` and leaves nothing behind: no half-written row, no audit event, an
intact chain. The same holds for many threads at once, and for guards: a guard evaluated on
data that another connection has changed meanwhile cannot let its step through.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from beteiligung.states.case import Member
from beteiligung.states.errors import BadInput, Conflict, TransitionRefused
from beteiligung.states.guards import GuardContext
from beteiligung.workflow import content, process
from beteiligung.workflow.ports import NewEvent

THREADS = 8


def _advance(env, case, actor, now):
    """What ``process.advance`` does between load and save: fire, then describe the step."""
    source = case.phase
    trigger = "set_up_begleitgruppe" if source == "initiated" else "hold"
    env.lifecycle.fire(case, trigger, GuardContext(now, "Haushaltssperre"))
    return NewEvent(now, actor, "transition", source, case.phase, "", {"trigger": trigger}), False


def _edit(env, case, actor, now):
    """A data edit: a new title, kept in the document and the columns."""
    before, case.title = case.title, f"Titel von {actor}"
    payload = {"title": {"from": before, "to": case.title}}
    return NewEvent(now, actor, "process_edited", case.phase, case.phase, "", payload), True


CHANGES = {"advance": _advance, "edit": _edit}


def event_for(kind: str) -> str:
    return {"advance": "transition", "edit": "process_edited"}[kind]


def _state(kit, engine, pid):
    row = kit.rows(engine, "SELECT title, phase, version, audit_seq, audit_head FROM processes "
                   "WHERE id = :pid", pid=pid)[0]
    # the actor as the privacy store names it (the trail keeps a reference)
    events = kit.rows(engine, "SELECT e.seq, COALESCE(p.value, e.actor) AS actor, e.action, "
                      "e.hash FROM audit_events e LEFT JOIN personal_data p "
                      "ON e.actor LIKE 'ref:' || p.ref || ':%' "
                      "WHERE e.process_id = :pid ORDER BY e.seq", pid=pid)
    return row, events


def _assert_intact(env, expected_events):
    checked, breaks = process.verify_audit(env)
    assert breaks == []
    assert checked == expected_events


@pytest.mark.parametrize("first", sorted(CHANGES))
@pytest.mark.parametrize("second", sorted(CHANGES))
def test_second_unit_of_work_on_stale_data_conflicts_and_leaves_nothing(
        env, engine, clock, kit, first, second):
    pid = kit.new_process(env)
    clock.advance(hours=1)
    winner, loser = kit.LEAD.email, kit.DEPUTY.email

    with pytest.raises(Conflict), env.uow() as a:
        stale = a.processes.get(pid)
        with env.uow() as b:
            fresh = b.processes.get(pid)
            assert (fresh.version, stale.version) == (1, 1)
            event, document = CHANGES[first](env, fresh, winner, clock())
            b.processes.save(fresh, event, document=document)
            b.commit()
        event, document = CHANGES[second](env, stale, loser, clock())
        a.processes.save(stale, event, document=document)
        a.commit()

    row, events = _state(kit, engine, pid)
    assert (row.title, row.phase) == (fresh.title, fresh.phase)
    assert (row.version, row.audit_seq) == (2, 2)
    assert [(e.seq, e.actor, e.action) for e in events] == [
        (1, winner, "process_created"), (2, winner, event_for(first))]
    assert row.audit_head == events[-1].hash
    with env.uow() as uow:
        assert uow.processes.get(pid) == replace(fresh, version=2)
    _assert_intact(env, 2)


def test_save_on_stale_data_raises_conflict_itself(env, engine, clock, kit):
    """The port's contract: ``save`` raises ``Conflict`` (not a driver error) on stale data.

    A caller inside the unit of work (a retry loop, a job that records the failure) can only
    catch what the port promises.
    """
    pid = kit.new_process(env)
    raised: list[BaseException] = []
    with pytest.raises(Conflict), env.uow() as a:
        stale = a.processes.get(pid)
        process.edit_process(env, kit.DEPUTY.email, pid, {"title": "Vorher gespeichert"})
        event, _ = _edit(env, stale, kit.LEAD.email, clock())
        try:
            a.processes.save(stale, event)
        except BaseException as exc:
            raised.append(exc)
            raise
    assert len(raised) == 1
    assert isinstance(raised[0], Conflict), f"save raised {type(raised[0]).__name__}: " \
                                            f"{str(raised[0]).splitlines()[0]}"


def test_refusal_recorded_on_stale_data_conflicts(env, engine, clock, kit):
    """A refused step is audited with ``record``; on stale data that record conflicts too."""
    pid = kit.new_process(env)
    process.advance(env, kit.LEAD.email, pid, "set_up_begleitgruppe")
    editing = kit.once(lambda: process.edit_process(env, kit.DEPUTY.email, pid,
                                                    {"title": "Neuer Titel"}))
    stale_env = kit.hooked(env, engine, editing)

    with pytest.raises(Conflict):
        process.advance(stale_env, kit.LEAD.email, pid, "draft_concept")

    row, events = _state(kit, engine, pid)
    assert (row.title, row.phase, row.version, row.audit_seq) == (
        "Neuer Titel", "begleitgruppe", 3, 3)
    assert [e.action for e in events] == ["process_created", "transition", "process_edited"]
    assert row.audit_head == events[-1].hash
    _assert_intact(env, 3)


def test_save_after_a_concurrent_refusal_is_retried_and_wins(env, engine, clock, kit):
    """A refusal changes nothing of the process (only its chain), so an edit that loaded
    before it is not a conflict: the unit of work runs again on fresh data and saves."""
    pid = kit.new_process(env)
    process.advance(env, kit.LEAD.email, pid, "set_up_begleitgruppe")

    def refuse() -> None:
        with pytest.raises(TransitionRefused):
            process.advance(env, kit.DEPUTY.email, pid, "draft_concept")

    stale_env = kit.hooked(env, engine, kit.once(refuse))
    process.edit_process(stale_env, kit.LEAD.email, pid, {"title": "Nicht verloren"})

    row, events = _state(kit, engine, pid)
    assert row.title == "Nicht verloren"
    assert (row.version, row.audit_seq) == (3, 4)
    assert [(e.actor, e.action) for e in events][-2:] == [
        (kit.DEPUTY.email, "transition_refused"), (kit.LEAD.email, "process_edited")]
    assert row.audit_head == events[-1].hash
    _assert_intact(env, 4)


def test_changes_to_different_processes_at_once_both_succeed(env, engine, kit):
    """Another process written between this unit's read and write is no conflict."""
    first, second = kit.new_process(env), kit.new_process(env, "Spielplatz Nord")
    other = kit.once(lambda: process.edit_process(env, kit.DEPUTY.email, second,
                                                  {"title": "Spielplatz Nordhafen"}))
    stale_env = kit.hooked(env, engine, other)
    process.edit_process(stale_env, kit.LEAD.email, first, {"title": "Marktplatz"})
    process.advance(kit.hooked(env, engine, kit.once(lambda: process.advance(
        env, kit.LEAD.email, second, "set_up_begleitgruppe"))), kit.LEAD.email, first,
        "set_up_begleitgruppe")
    titles = dict(kit.rows(engine, "SELECT id, title FROM processes"))
    assert titles == {first: "Marktplatz", second: "Spielplatz Nordhafen"}
    phases = dict(kit.rows(engine, "SELECT id, phase FROM processes"))
    assert phases == {first: "begleitgruppe", second: "begleitgruppe"}
    _assert_intact(env, 6)


def test_guard_on_stale_members_cannot_let_the_step_through(env, engine, kit):
    """A loads the group with its internal member; B removes that member; A's step loses."""
    pid = kit.in_begleitgruppe(env)
    removing = kit.once(lambda: content.remove_member(env, kit.DEPUTY.email, pid,
                                                      "Dr. Petra Nowak"))
    with pytest.raises(Conflict):
        process.advance(kit.hooked(env, engine, removing), kit.LEAD.email, pid, "draft_concept")

    case, _ = process.show_process(env, pid)
    assert case.phase == "begleitgruppe"
    assert [m.name for m in case.begleitgruppe.members] == ["Klaus Becker"]
    assert process.history(env, pid)[-1].action == "begleitgruppe_member_removed"
    with pytest.raises(TransitionRefused) as refused:
        process.advance(env, kit.LEAD.email, pid, "draft_concept")
    assert [u.code for u in refused.value.unmet] == ["begleitgruppe_no_internal"]
    _assert_intact(env, len(process.history(env, pid)))


def test_edit_checked_against_a_stale_phase_cannot_undo_the_new_phase(env, engine, kit):
    """A removes the only internal member (allowed in 'begleitgruppe'); B meanwhile moves the
    process to 'concept', which requires that member: A's edit must not win."""
    pid = kit.in_begleitgruppe(env)
    advancing = kit.once(lambda: process.advance(env, kit.DEPUTY.email, pid, "draft_concept"))
    with pytest.raises(Conflict):
        content.remove_member(kit.hooked(env, engine, advancing), kit.LEAD.email, pid,
                              "Dr. Petra Nowak")

    case, _ = process.show_process(env, pid)
    assert case.phase == "concept"
    assert "Dr. Petra Nowak" in [m.name for m in case.begleitgruppe.members]
    with pytest.raises(BadInput, match="would undo what phase 'concept' requires"):
        content.remove_member(env, kit.LEAD.email, pid, "Dr. Petra Nowak")
    _assert_intact(env, len(process.history(env, pid)))


def _first_load_waits(barrier: threading.Barrier):
    """A hook that holds each thread's first load at the barrier (a retried unit of work,
    after a busy database, loads again and must not wait for the others a second time)."""
    seen = threading.local()

    def hook(_pid: int) -> None:
        if not getattr(seen, "done", False):
            seen.done = True
            barrier.wait()

    return hook


def _run_threads(calls):
    """Run every call in its own thread at once; return each one's result or exception."""
    def guarded(call):
        try:
            return call()
        except Exception as exc:  # collected and judged by the test
            return exc

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(guarded, call) for call in calls]
        return [f.result(timeout=120) for f in futures]


def _outcomes(results) -> Counter:
    kinds = Counter()
    for result in results:
        if isinstance(result, Exception) and not isinstance(result, Conflict):
            raise AssertionError(f"a call failed with neither success nor Conflict: "
                                 f"{type(result).__name__}: {result}") from result
        kinds["conflict" if isinstance(result, Conflict) else "ok"] += 1
    return kinds


def test_threads_advancing_the_same_loaded_process_one_wins(env, engine, kit):
    """Every thread has loaded the process before any writes: exactly one step is taken."""
    pid = kit.new_process(env)
    barrier = threading.Barrier(THREADS, timeout=60)
    racing = kit.hooked(env, engine, _first_load_waits(barrier))
    calls = [lambda: process.advance(racing, kit.LEAD.email, pid, "set_up_begleitgruppe")
             for _ in range(THREADS)]

    outcomes = _outcomes(_run_threads(calls))

    assert outcomes == Counter(ok=1, conflict=THREADS - 1)
    row, events = _state(kit, engine, pid)
    assert (row.phase, row.version, row.audit_seq) == ("begleitgruppe", 2, 2)
    assert [e.action for e in events] == ["process_created", "transition"]
    _assert_intact(env, 2)


def test_threads_editing_the_same_loaded_process_one_wins(env, engine, kit):
    pid = kit.new_process(env)
    barrier = threading.Barrier(THREADS, timeout=60)
    racing = kit.hooked(env, engine, _first_load_waits(barrier))
    calls = [lambda i=i: process.edit_process(racing, kit.LEAD.email, pid, {"title": f"T{i}"})
             for i in range(THREADS)]

    results = _run_threads(calls)

    assert _outcomes(results) == Counter(ok=1, conflict=THREADS - 1)
    (winner,) = [r for r in results if not isinstance(r, Exception)]
    row, events = _state(kit, engine, pid)
    assert (row.title, row.version, row.audit_seq) == (winner.title, 2, 2)
    _assert_intact(env, 2)


def test_threads_editing_freely_keep_versions_and_chain_in_step(env, engine, clock, kit):
    """Unsynchronised edits: each call wins or conflicts; every win is one version and one
    event, in the order the versions were taken, and the last win is what is stored."""
    pid = kit.new_process(env)
    rounds = 5
    titles = [f"Titel {i}-{j}" for i in range(THREADS) for j in range(rounds)]

    def worker(i: int) -> list:
        results = []
        for j in range(rounds):
            try:
                results.append(process.edit_process(env, kit.LEAD.email, pid,
                                                    {"title": f"Titel {i}-{j}"}))
            except Conflict as exc:
                results.append(exc)
        return results

    results = [r for batch in _run_threads([lambda i=i: worker(i) for i in range(THREADS)])
               for r in batch]

    outcomes = _outcomes(results)
    assert outcomes["ok"] + outcomes["conflict"] == len(titles)
    assert outcomes["ok"] >= 1
    won = {r.title: r.version for r in results if not isinstance(r, Exception)}
    row, events = _state(kit, engine, pid)
    assert row.version == 1 + outcomes["ok"] == row.audit_seq == len(events)
    assert sorted(won.values()) == list(range(2, 2 + outcomes["ok"]))
    trail = process.history(env, pid)[1:]
    assert [e.payload["title"]["to"] for e in trail] == sorted(won, key=won.get)
    assert row.title == trail[-1].payload["title"]["to"]
    assert all(e.prev_hash == p.hash for p, e in zip(process.history(env, pid), trail,
                                                     strict=False))
    _assert_intact(env, len(events))


def test_threads_with_refusals_and_steps_keep_one_chain(env, engine, clock, kit):
    """Refused steps (``record``) and edits (``save``) racing on one process: a refusal
    is audited or conflicts, never forks the chain."""
    pid = kit.new_process(env)
    process.advance(env, kit.LEAD.email, pid, "set_up_begleitgruppe")
    barrier = threading.Barrier(THREADS, timeout=60)
    racing = kit.hooked(env, engine, _first_load_waits(barrier))

    def refused():
        try:
            process.advance(racing, kit.LEAD.email, pid, "draft_concept")
        except TransitionRefused as exc:
            return exc
        raise AssertionError("draft_concept went through without a Begleitgruppe")

    calls = [refused if i % 2 else
             (lambda i=i: process.edit_process(racing, kit.LEAD.email, pid, {"title": f"T{i}"}))
             for i in range(THREADS)]
    results = _run_threads(calls)

    kinds = Counter("Conflict" if isinstance(r, Conflict) else type(r).__name__
                    for r in results)
    assert set(kinds) <= {"Conflict", "TransitionRefused", "Case"}, kinds
    # edits all loaded one version: at most one saves, the others conflict; a refusal changes
    # nothing of the process, so it is recorded unless it lost every retry
    assert kinds["Case"] <= 1
    row, events = _state(kit, engine, pid)
    actions = Counter(e.action for e in events)
    assert actions["transition_refused"] == kinds["TransitionRefused"]
    assert actions["process_edited"] == kinds["Case"]
    assert row.audit_seq == len(events) == 2 + kinds["TransitionRefused"] + kinds["Case"]
    assert row.version == 2 + kinds["Case"]
    assert row.audit_head == events[-1].hash
    _assert_intact(env, len(events))


def test_member_added_concurrently_is_not_lost(env, engine, kit):
    """Two leads add different members from the same loaded group: the second does not
    silently overwrite the first (a lost update); it conflicts and can retry."""
    pid = kit.in_begleitgruppe(env, internal=False)
    adding = kit.once(lambda: content.add_member(env, kit.DEPUTY.email, pid,
                                                 Member("Eva Roth", "Seniorenbeirat",
                                                        "external")))
    with pytest.raises(Conflict):
        content.add_member(kit.hooked(env, engine, adding), kit.LEAD.email, pid,
                           Member("Dr. Petra Nowak", "Stadtplanung (61)"))
    content.add_member(env, kit.LEAD.email, pid, Member("Dr. Petra Nowak", "Stadtplanung (61)"))

    case, _ = process.show_process(env, pid)
    assert [m.name for m in case.begleitgruppe.members] == [
        "Klaus Becker", "Eva Roth", "Dr. Petra Nowak"]
    _assert_intact(env, len(process.history(env, pid)))


def test_verify_audit_while_a_process_is_changed_reports_no_false_break(env, engine, kit):
    """The chain heads and the events are read as one snapshot: an edit committed between
    the two reads is either wholly seen or wholly unseen, never half (a false alarm)."""
    pid = kit.new_process(env)
    edit = kit.once(lambda: process.edit_process(env, kit.DEPUTY.email, pid,
                                                 {"title": "Während der Prüfung"}))

    checked, breaks = process.verify_audit(kit.hooked(env, engine, after_heads=lambda: edit(pid)))

    assert breaks == []
    assert checked == 1
    assert len(process.history(env, pid)) == 2
    _assert_intact(env, 2)
