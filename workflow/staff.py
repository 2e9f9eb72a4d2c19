"""What a signed-in person may see: their processes, and one process with everything a lead
needs on its page (phase, next steps with what each still lacks, deadlines, audit trail).

``work_list`` is the start page: one page of their processes (a coordinator's: all, so it
comes in pages), each with what needs doing: overdue deadlines (not comment periods, which
are not tasks), unanswered suggestions, and the way forward with what still blocks it.

Reading follows the rule of changing (``workflow.core.may_change``): the lead, the deputy and
the coordinators. Anyone else gets ``NotPermitted``, whether or not the process exists
beyond that; a missing process is ``NotFound``.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..states.case import Case
from ..states.deadlines import PERIODS, Deadline
from ..states.errors import BadInput, NotPermitted
from ..states.guards import GuardContext
from ..states.lifecycle import Lifecycle, Verdict
from . import actors
from .core import Env, may_change
from .ports import AuditEvent, ProcessSummary
from .sessions import Identity


@dataclass(frozen=True)
class ProcessPage:
    """One process as its staff page shows it."""

    case: Case
    options: list[Verdict]
    deadlines: list[Deadline]
    events: list[AuditEvent]


@dataclass(frozen=True)
class WorkItem:
    """One process on the start page and what needs doing in it."""

    summary: ProcessSummary
    case: Case
    overdue: tuple[Deadline, ...]
    unanswered: int
    next_step: Verdict | None   # None: the process has ended


@dataclass(frozen=True)
class WorkList:
    """One page of the start page; ``total`` processes in all."""

    items: tuple[WorkItem, ...]
    total: int
    page: int
    pages: int


def visible_processes(env: Env, who: Identity, phase: str | None = None) -> list[ProcessSummary]:
    """A coordinator's view is every process; a lead's, those they lead or deputise."""
    if phase is not None and phase not in env.lifecycle.definition.phases:
        raise BadInput(f"phase: {phase!r} is not a phase "
                       f"({', '.join(env.lifecycle.definition.phases)})")
    with env.uow() as uow:
        return uow.processes.list(phase, None if who.coordinator else who.email)


def require_access(env: Env, who: Identity, case: Case) -> None:
    """``NotPermitted`` unless ``who`` may see and change ``case``."""
    if not may_change(env, case, who.email):
        raise NotPermitted(f"{who.email} may not see process {case.id}: only its lead, its "
                           "deputy or a coordinator may")


def process_page(env: Env, who: Identity, process_id: int) -> ProcessPage:
    """The case, its next steps with their unmet conditions, its deadlines and its trail."""
    with env.uow() as uow:
        case = uow.processes.get(process_id)
        require_access(env, who, case)
        deadlines = uow.deadlines.for_process(process_id)
        events = actors.for_staff(uow, uow.processes.events(process_id))
    options = env.lifecycle.options(case, env.context())
    return ProcessPage(case, options, deadlines, events)


def work_list(env: Env, who: Identity, phase: str | None = None, page: int = 1,
              size: int = 50) -> WorkList:
    """Page ``page`` of what ``who`` sees (in the order of ``visible_processes``), each
    process with what needs doing at the clock's now; a page past the end is empty."""
    summaries = visible_processes(env, who, phase)
    pages = max(-(-len(summaries) // size), 1)
    chosen = summaries[(page - 1) * size:page * size]
    now = env.clock()
    ctx = env.context(now)
    with env.uow() as uow:
        items = tuple(_work(env.lifecycle, s, uow.processes.get(s.id),
                            uow.deadlines.for_process(s.id), now, ctx) for s in chosen)
    return WorkList(items, len(summaries), page, pages)


def _work(lifecycle: Lifecycle, summary: ProcessSummary, case: Case, deadlines: list[Deadline],
          now: datetime, ctx: GuardContext) -> WorkItem:
    overdue = tuple(d for d in deadlines
                    if d.active and d.due_at < now and d.kind not in PERIODS)
    unanswered = sum(1 for s in case.suggestions if s.answer is None)
    return WorkItem(summary, case, overdue, unanswered, next_step(lifecycle, case, ctx))


def next_step(lifecycle: Lifecycle, case: Case, ctx: GuardContext) -> Verdict | None:
    """The way forward from the case's phase (for a paused case: resuming) and what it still
    lacks; ``None`` for a case that has ended (or is in a phase the definition lacks)."""
    definition = lifecycle.definition
    if case.phase not in definition.phases:
        return None
    step = lifecycle.way_forward(case.phase) or next(
        (t for t in definition.transitions_from(case.phase) if t.to_paused), None)
    return None if step is None else lifecycle.check(case, step.trigger, ctx)
