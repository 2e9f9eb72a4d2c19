"""The SQL deadline repository on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from beteiligung.states.deadlines import Deadline
from beteiligung.states.errors import Conflict
from beteiligung.storage.deadlines import SqlDeadlineRepository

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _deadline(pid: int, ref: str, remind: datetime | None) -> Deadline:
    return Deadline(None, pid, "custom", ref, f"Frist {ref}", T0 + timedelta(days=30), T0,
                    next_remind_at=remind)


def test_added_deadlines_come_back_as_written(env, engine, kit):
    pid = kit.new_process(env)
    with engine.begin() as conn:
        repo = SqlDeadlineRepository(conn)
        first = _deadline(pid, "a", T0 + timedelta(days=16))
        repo.add(first)
        repo.add(_deadline(pid, "b", None))
    with engine.connect() as conn:
        stored = SqlDeadlineRepository(conn).for_process(pid)
        # the engine opened the dwell limit of 'initiated' when the process was created
        assert [d.kind for d in stored] == ["phase", "custom", "custom"]
        assert [d.ref for d in stored][1:] == ["a", "b"]
        again = SqlDeadlineRepository(conn).get(first.id)
    assert again == first and again.due_at.tzinfo is not None and again.version == 1
    assert again.due_at == T0 + timedelta(days=30)


def test_due_returns_only_what_is_due_in_order_and_bounded(env, engine, kit):
    pid = kit.new_process(env)
    with engine.begin() as conn:
        repo = SqlDeadlineRepository(conn)
        ids = {ref: repo.add(_deadline(pid, ref, T0 + timedelta(hours=h)))
               for ref, h in (("late", 5), ("early", 1), ("future", 48))}
        repo.add(_deadline(pid, "closed", None))
    with engine.connect() as conn:
        repo = SqlDeadlineRepository(conn)
        assert repo.due(T0 + timedelta(hours=6), 10) == [ids["early"], ids["late"]]
        assert repo.due(T0 + timedelta(hours=6), 1) == [ids["early"]]
        assert repo.due(T0, 10) == []


def test_update_is_optimistic(env, engine, kit):
    pid = kit.new_process(env)
    with engine.begin() as conn:
        did = SqlDeadlineRepository(conn).add(_deadline(pid, "a", T0))
    with engine.connect() as first_conn, engine.connect() as second_conn:
        mine = SqlDeadlineRepository(first_conn).get(did)
        theirs = SqlDeadlineRepository(second_conn).get(did)
        first_conn.commit()
        second_conn.commit()
        mine.last_step = 0
        assert SqlDeadlineRepository(first_conn).update(mine)
        first_conn.commit()
        theirs.status = "waived"
        assert SqlDeadlineRepository(second_conn).update(theirs, strict=False) is False
        with pytest.raises(Conflict):
            SqlDeadlineRepository(second_conn).update(theirs)
        second_conn.rollback()
    with engine.connect() as conn:
        stored = SqlDeadlineRepository(conn).get(did)
    assert (stored.last_step, stored.status, stored.version) == (0, "open", 2)


def test_get_many_returns_those_that_exist_by_id(env, engine, kit):
    pid = kit.new_process(env)
    with engine.begin() as conn:
        repo = SqlDeadlineRepository(conn)
        a, b = _deadline(pid, "a", None), _deadline(pid, "b", None)
        repo.add(a)
        repo.add(b)
    with engine.connect() as conn:
        repo = SqlDeadlineRepository(conn)
        found = repo.get_many([b.id, a.id, b.id, 99_999])
        assert found == {a.id: repo.get(a.id), b.id: repo.get(b.id)}
        assert repo.get_many([]) == {}
