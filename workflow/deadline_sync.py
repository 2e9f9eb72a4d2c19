"""Keeping a process's deadlines in step with its case, in the transaction of each change.

After every change of a case, ``sync`` opens the deadlines the case now calls for (with their
first reminder time) and closes the engine's deadlines it no longer calls for: as met, or
missed when late, or waived when the process was cancelled. What was opened and closed goes
into the payload of the change's own audit event. A lead's own deadlines are closed only when
the process ends.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..states.case import Case
from ..states.codec import to_plain
from ..states.deadlines import Deadline, Expected, closing_status, expected
from ..states.reminders import next_step

if TYPE_CHECKING:
    from .core import Env
    from .ports import UnitOfWork


@dataclass
class Plan:
    """What ``sync`` will do: deadlines to open and to close."""

    open: list[Expected] = field(default_factory=list)
    close: list[Deadline] = field(default_factory=list)
    moved: list[tuple[Deadline, datetime]] = field(default_factory=list)  # with the old due

    def payload(self) -> dict[str, Any]:
        """The audit record of the plan (empty when there is nothing to do)."""
        result: dict[str, Any] = {}
        if self.open:
            result["opened"] = [{"kind": e.kind, "ref": e.ref, "due_at": to_plain(e.due_at)}
                                for e in self.open]
        if self.close:
            result["closed"] = [{"id": d.id, "kind": d.kind, "ref": d.ref, "status": d.status}
                                for d in self.close]
        if self.moved:
            result["moved"] = [{"id": d.id, "kind": d.kind, "ref": d.ref,
                                "from": to_plain(before), "to": to_plain(d.due_at)}
                               for d, before in self.moved]
        return result


def plan(env: Env, case: Case, stored: list[Deadline], now: datetime) -> Plan:
    """Compare what the case calls for with the stored deadlines."""
    wanted = expected(case, env.lifecycle.definition, env.deadline_rules)
    known = {d.key for d in stored if d.managed}
    result = Plan(open=[e for key, e in wanted.items() if key not in known])
    cancelled = case.phase == "cancelled"
    paused = case.phase == env.lifecycle.definition.pause_phase
    for deadline in stored:
        if deadline.active and (deadline.managed and deadline.key not in wanted or
                                not env.lifecycle.definition.is_open(case.phase)):
            deadline.status = "waived" if cancelled else closing_status(deadline, now)
            deadline.reason = "Prozess abgebrochen" if cancelled else deadline.reason
            if paused and deadline.kind == "phase" and deadline.status == "met":
                # the phase is interrupted, not done: resuming opens its rest anew
                deadline.status, deadline.reason = "waived", "Prozess pausiert"
            deadline.closed_at, deadline.next_remind_at = now, None
            result.close.append(deadline)
        elif deadline.active and deadline.managed and deadline.key in wanted:
            _follow(deadline, wanted[deadline.key], result, now)
    return result


def _follow(deadline: Deadline, wanted: Expected, result: Plan, now: datetime) -> None:
    """A deadline the case still calls for, but at another time (the decision was recorded
    again with another date): it moves, and its reminders start over. A deadline a lead moved
    (it carries the move's reason) keeps the lead's date; a missed one whose new time has also
    passed stays missed."""
    if wanted.due_at == deadline.due_at or deadline.reason:
        return
    result.moved.append((deadline, deadline.due_at))
    deadline.due_at, deadline.last_step = wanted.due_at, -1
    if wanted.due_at > now:
        deadline.status = "open"


def carry_out(env: Env, uow: UnitOfWork, process_id: int, todo: Plan, now: datetime) -> None:
    """Write the plan's deadlines (in the caller's unit of work)."""
    for item in todo.open:
        deadline = Deadline(None, process_id, item.kind, item.ref, item.title, item.due_at, now)
        deadline.next_remind_at = first_reminder(env, deadline)
        uow.deadlines.add(deadline)
    for deadline in todo.close:
        uow.deadlines.update(deadline)
    for deadline, _ in todo.moved:
        deadline.next_remind_at = first_reminder(env, deadline)
        uow.deadlines.update(deadline)


def sync(env: Env, uow: UnitOfWork, case: Case, now: datetime) -> dict[str, Any]:
    """Open and close the case's deadlines; return the audit payload of what changed."""
    process_id = case.id
    assert process_id is not None, "sync is for a stored case"
    todo = plan(env, case, uow.deadlines.for_process(process_id), now)
    carry_out(env, uow, process_id, todo, now)
    return todo.payload()


def first_reminder(env: Env, deadline: Deadline) -> datetime | None:
    step = next_step(env.policy, deadline.due_at, env.working_day, deadline.last_step)
    return step.at if step else None
