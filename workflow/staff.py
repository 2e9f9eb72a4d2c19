"""What a signed-in person may see: their processes, and one process with everything a lead
needs on its page (phase, next steps with what each still lacks, deadlines, audit trail).

Reading follows the rule of changing (``workflow.core.may_change``): the lead, the deputy and
the coordinators. Anyone else gets ``NotPermitted``, whether or not the process exists
beyond that; a missing process is ``NotFound``.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..states.case import Case
from ..states.deadlines import Deadline
from ..states.errors import BadInput, NotPermitted
from ..states.guards import GuardContext
from ..states.lifecycle import Verdict
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
        events = uow.processes.events(process_id)
    options = env.lifecycle.options(case, GuardContext(env.clock()))
    return ProcessPage(case, options, deadlines, events)
