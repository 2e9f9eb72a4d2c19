"""The lead's deadline commands: list, add, move and waive (each audited).

The engine's own deadlines are kept by ``workflow.deadline_sync``.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from datetime import datetime

from ..states.case import Case
from ..states.codec import to_plain
from ..states.deadlines import Deadline
from ..states.errors import BadInput, NotFound
from ..states.limits import visible
from .core import Env, authorise, event, in_unit, require_actor
from .deadline_sync import first_reminder
from .ports import UnitOfWork


def list_deadlines(env: Env, process_id: int) -> list[Deadline]:
    """Every deadline of a process, open and closed."""
    with env.uow() as uow:
        uow.processes.get(process_id)
        return uow.deadlines.for_process(process_id)


def add_deadline(env: Env, actor: str, process_id: int, title: str, due_at: datetime) -> int:
    """A deadline of the lead's own (not closed by the engine): returns its id."""
    actor = require_actor(actor)
    if not visible(title):
        raise BadInput("title: must not be empty (it shows no character)")

    def body(uow: UnitOfWork, case: Case) -> int:
        now = env.clock()
        deadline = Deadline(None, process_id, "custom", title.strip(), title.strip(), due_at, now,
                            managed=False)
        deadline.next_remind_at = first_reminder(env, deadline)
        _open_case(env, uow, case, actor, "deadline_added")
        deadline_id = uow.deadlines.add(deadline)
        _record(uow, case, env, actor, "deadline_added", "", deadline)
        return deadline_id

    return _run(env, process_id, body)


def move_deadline(env: Env, actor: str, process_id: int, deadline_id: int, due_at: datetime,
                  reason: str) -> Deadline:
    """Give a deadline a new due time; its reminders start over (a reason is required)."""
    def change(deadline: Deadline, now: datetime) -> None:
        deadline.due_at, deadline.last_step = due_at, -1
        if deadline.status == "missed" and due_at > now:
            deadline.status = "open"
        deadline.next_remind_at = first_reminder(env, deadline)

    return _edit(env, actor, process_id, deadline_id, reason, "deadline_moved", change)


def waive_deadline(env: Env, actor: str, process_id: int, deadline_id: int,
                   reason: str) -> Deadline:
    """Waive a deadline: no more reminders (a reason is required)."""
    def change(deadline: Deadline, now: datetime) -> None:
        deadline.status, deadline.closed_at, deadline.next_remind_at = "waived", now, None

    return _edit(env, actor, process_id, deadline_id, reason, "deadline_waived", change)


def _edit(env: Env, actor: str, process_id: int, deadline_id: int, reason: str, action: str,
          change) -> Deadline:
    actor = require_actor(actor)
    if not visible(reason):
        raise BadInput("reason: moving or waiving a deadline needs a reason (--reason)")

    def body(uow: UnitOfWork, case: Case) -> Deadline:
        _open_case(env, uow, case, actor, action)
        deadline = uow.deadlines.get(deadline_id)
        if deadline is None or deadline.process_id != case.id:
            raise NotFound(f"process {case.id} has no deadline {deadline_id}")
        if not deadline.active:
            raise BadInput(f"deadline {deadline_id} is {deadline.status} and closed")
        change(deadline, env.clock())
        deadline.reason = reason.strip()
        uow.deadlines.update(deadline)
        _record(uow, case, env, actor, action, reason.strip(), deadline)
        return deadline

    return _run(env, process_id, body)


def _run(env: Env, process_id: int, body):
    return in_unit(env, process_id, lambda uow, case: _committed(uow, body(uow, case)))


def _committed(uow: UnitOfWork, value):
    uow.commit()
    return value


def _open_case(env: Env, uow: UnitOfWork, case: Case, actor: str, action: str) -> None:
    authorise(env, uow, case, actor, action)
    if not env.lifecycle.definition.is_open(case.phase):
        raise BadInput(f"process {case.id} is {case.phase}: it can no longer be changed")


def _record(uow: UnitOfWork, case: Case, env: Env, actor: str, action: str, reason: str,
            deadline: Deadline) -> None:
    payload = {"deadline": deadline.id, "kind": deadline.kind, "title": deadline.title,
               "due_at": to_plain(deadline.due_at), "status": deadline.status}
    uow.processes.record(case, event(env, env.clock(), actor, action, case.phase, case.phase,
                                     reason, payload))
