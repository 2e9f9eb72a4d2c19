"""What ``audit stuck`` reads and what it finds: the facts, the read port that streams them,
the limits, and ``Finding`` (the rules are in ``workflow.oversight``).

The port is implemented with SQL in ``storage.oversight``; every fact comes from a query that
is a range on an index, so nothing here needs the case documents.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ..states.errors import BadInput

SEVERITIES = ("info", "warning", "critical")
RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
INFO, WARNING, CRITICAL = SEVERITIES
# Deadline kinds that other findings speak for: a phase deadline is the dwell limit, and a
# comment period is not a task (``interim_stalled`` watches the interim one).
NOT_TASKS = ("phase", "concept_comments")


MAX_LIMIT = 36_500  # a hundred years: anything longer is a typing mistake


@dataclass(frozen=True)
class Limits:
    """The limits of the settings' ``[oversight]`` table, in days."""

    interim_days: int = 30
    hold_days: int = 90
    idle_days: int = 90
    critical_overdue_days: int = 30
    critical_factor: int = 2
    hold_repeat_count: int = 2
    hold_repeat_days: int = 30

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            low = 2 if name == "hold_repeat_count" else 1  # one pause is no repetition
            if (isinstance(value, bool) or not isinstance(value, int)
                    or not low <= value <= MAX_LIMIT):
                raise BadInput(f"settings [oversight] {name}: must be a whole number from "
                               f"{low} to {MAX_LIMIT}, not {value!r}")


@dataclass(frozen=True)
class ProcessFacts:
    """The columns of one process that the rules read."""

    id: int
    title: str
    department: str
    directorate: str
    phase: str
    paused_phase: str | None
    phase_entered_at: datetime
    updated_at: datetime
    created_at: datetime
    lead_email: str
    deputy_email: str
    definition_version: str


@dataclass(frozen=True)
class DeadlineFacts:
    """An open deadline past its due time (or marked missed)."""

    id: int
    process_id: int
    kind: str
    ref: str
    title: str
    due_at: datetime
    status: str


@dataclass(frozen=True)
class FailedMessage:
    """An e-mail about a process that failed for good."""

    id: int
    process_id: int
    created_at: datetime
    subject: str
    last_error: str


@dataclass(slots=True)
class Finding:
    """One thing wrong with one open process; ``params`` hold what its texts name.

    ``districts`` are filled in last, for the processes that have a finding."""

    severity: str
    code: str
    process_id: int
    title: str
    department: str
    directorate: str
    phase: str
    paused_phase: str | None
    definition_version: str
    days: int
    limit_days: int | None
    since: datetime
    lead_email: str
    deputy_email: str
    districts: tuple[str, ...] = ()
    deadline_ids: tuple[int, ...] = ()
    message_ids: tuple[int, ...] = ()
    params: Mapping[str, str | int] = field(default_factory=dict)


class OversightReader(Protocol):
    """The facts the rules read, each from an indexed query, streamed."""

    def entered_before(self, cutoffs: Mapping[str, datetime]) -> Iterable[ProcessFacts]:
        """Processes in phase P that entered it before ``cutoffs[P]``."""

    def unchanged_since(self, phases: Collection[str],
                        cutoff: datetime) -> Iterable[ProcessFacts]:
        """Processes in ``phases`` that entered their phase, and last changed, before
        ``cutoff``."""

    def last_activity(self, process_ids: Collection[int],
                      ignore_actor: str) -> Mapping[int, datetime]:
        """The time of each process's last audit event not by ``ignore_actor``."""

    def overdue_deadlines(self, before: datetime,
                          ignore_kinds: Collection[str]) -> Iterable[DeadlineFacts]:
        """Open deadlines due before ``before`` or marked missed, except those kinds."""

    def missing_email(self, skip_phases: Collection[str]) -> Iterable[ProcessFacts]:
        """Processes, not in ``skip_phases``, whose lead or deputy has no e-mail address."""

    def recent_holds(self, since: datetime, pause: str) -> Mapping[int, list[datetime]]:
        """For each process put on hold at or after ``since``: when each of its pauses since
        then began (its steps into ``pause``), oldest first."""

    def failed_messages(self) -> Iterable[FailedMessage]:
        """Failed e-mails that belong to a process."""

    def outside(self, phases: Collection[str], pause: str | None) -> Iterable[ProcessFacts]:
        """Processes whose phase, or paused phase, is not one of ``phases``."""

    def processes(self, process_ids: Collection[int]) -> Iterable[ProcessFacts]:
        """These processes."""

    def districts(self, process_ids: Collection[int]) -> Mapping[int, tuple[str, ...]]:
        """The districts of these processes (read from their documents)."""

    def departments(self) -> list[str]:
        """Every department that a process names, sorted."""

    def has_department(self, department: str) -> bool:
        """Whether any process names this department."""
