"""The in-memory fakes keep the promises of the ports (so the use-case tests mean something)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from beteiligung.states.case import Member
from beteiligung.states.errors import Conflict, NotFound
from beteiligung.workflow import audit
from beteiligung.workflow.ports import NewEvent, ProcessRepository, UnitOfWork
from beteiligung.workflow.trail import verify as verify_chains

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _event(action: str = "x") -> NewEvent:
    return NewEvent(AT, "anna@h.de", action, "initiated", "initiated", "", {"n": 1})


def _port_methods(protocol: type) -> set[str]:
    return {n for n in vars(protocol) if not n.startswith("_") and callable(vars(protocol)[n])}


def test_fakes_implement_every_port_method(fakes, store):
    repo = fakes.FakeProcessRepository(store)
    assert _port_methods(ProcessRepository) <= set(dir(repo))
    assert _port_methods(UnitOfWork) | {"__enter__", "__exit__"} <= set(
        dir(fakes.FakeUnitOfWork(store)))


def test_get_returns_a_copy(env, store, pid):
    with env.uow() as uow:
        case = uow.processes.get(pid)
        case.title = "changed behind the repository's back"
        case.begleitgruppe.members.append(Member("X", "Y"))
        again = uow.processes.get(pid)
    assert again.title == "Lindener Marktplatz" and again.begleitgruppe.members == []
    assert store.cases[pid].title == "Lindener Marktplatz"


def test_save_stores_a_copy(env, store, pid):
    with env.uow() as uow:
        case = uow.processes.get(pid)
        case.title = "Neu"
        uow.processes.save(case, _event())
        uow.commit()
    case.title = "after the save"
    case.begleitgruppe.members.append(Member("X", "Y"))
    assert store.cases[pid].title == "Neu"
    assert store.cases[pid].begleitgruppe.members == []


def test_without_commit_everything_is_rolled_back(env, store, pid):
    events = len(store.events[pid])
    with env.uow() as uow:
        case = uow.processes.get(pid)
        case.title = "Neu"
        uow.processes.save(case, _event())
        uow.processes.record(case, _event("refused"))
        assert [e.seq for e in uow.processes.events(pid)][-2:] == [events + 1, events + 2]
    assert store.cases[pid].title == "Lindener Marktplatz"
    assert len(store.events[pid]) == events
    assert store.rollbacks == 1


def test_rollback_on_exception(env, store, pid):
    with pytest.raises(RuntimeError), env.uow() as uow:
        case = uow.processes.get(pid)
        uow.processes.save(case, _event())
        raise RuntimeError("boom")
    assert len(store.events[pid]) == 1


def test_concurrent_save_is_a_conflict(env, store, pid):
    with env.uow() as first, env.uow() as second:
        a, b = first.processes.get(pid), second.processes.get(pid)
        a.title, b.title = "A", "B"
        first.processes.save(a, _event())
        first.commit()
        with pytest.raises(Conflict):
            second.processes.save(b, _event())
    assert store.cases[pid].title == "A"
    assert store.cases[pid].version == 2


def test_conflict_found_at_commit_too(env, store, pid):
    with env.uow() as first, env.uow() as second:
        a, b = first.processes.get(pid), second.processes.get(pid)
        first.processes.save(a, _event())
        second.processes.save(b, _event())
        first.commit()
        with pytest.raises(Conflict):
            second.commit()
    _, breaks = verify_chains(store.chain_heads(), store.all_events())
    assert breaks == []


def test_recorded_event_conflicts_with_a_stale_save(env, pid):
    with env.uow() as first, env.uow() as second:
        a, b = first.processes.get(pid), second.processes.get(pid)
        first.processes.record(a, _event("refused"))
        first.commit()
        with pytest.raises(Conflict):
            second.processes.save(b, _event())


def test_events_are_chained_and_verify(env, store, pid):
    with env.uow() as uow:
        case = uow.processes.get(pid)
        uow.processes.save(case, _event("one"))
        uow.processes.record(case, _event("two"))
        uow.processes.save(case, _event("three"))
        uow.commit()
    trail = store.events[pid]
    assert [e.seq for e in trail] == [1, 2, 3, 4]
    assert trail[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(trail, trail[1:], strict=False))
    assert store.chain_heads()[0].seq == 4 and store.chain_heads()[0].hash == trail[-1].hash
    assert verify_chains(store.chain_heads(), store.all_events()) == (4, [])
    assert store.cases[pid].version == 3  # created 1, two saves; a record leaves the version


def test_save_without_document_keeps_the_stored_document(env, store, pid):
    with env.uow() as uow:
        case = uow.processes.get(pid)
        case.phase = "begleitgruppe"
        case.project_group.append("FB 66")
        uow.processes.save(case, _event(), document=False)
        uow.commit()
    assert store.cases[pid].phase == "begleitgruppe"
    assert store.cases[pid].project_group == []


def test_get_unknown_is_not_found(env):
    with env.uow() as uow, pytest.raises(NotFound, match="no process with id 99"):
        uow.processes.get(99)


def test_list_reads_committed_processes(env, journey):
    first = journey.new_process(env).id
    second = journey.new_process(env, title="Zweiter Platz").id
    with env.uow() as uow:
        rows = uow.processes.list()
        assert [r.id for r in rows] == [first, second]
        assert rows[0].lead_email == journey.LEAD.email
        assert uow.processes.list("concept") == []
        assert [r.id for r in uow.processes.list("initiated")] == [first, second]
