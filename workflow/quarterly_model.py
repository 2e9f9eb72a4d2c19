"""What the quarterly report holds, ready for rendering (``notifications.quarterly``).

``workflow.quarterly`` builds it; nothing here reads a database or knows a language.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from ..states.definition import Phase
from ..states.errors import BadInput

BERLIN = ZoneInfo("Europe/Berlin")
QUARTER = re.compile(r"(\d{4})-?[Qq]([1-4])")

# how the phases are grouped in the department table (``quarterly.PHASE_CATEGORY``); "other"
# holds the phases of a custom definition that the grouping does not know, shown only if used
CATEGORIES = ("preparation", "running", "decision", "evaluation", "on_hold", "closed",
              "cancelled", "other")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter in Hannover's time (Europe/Berlin)."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2026Q4`` or ``2026-Q4`` (any case), else ``BadInput`` saying what a quarter
        looks like."""
        match = QUARTER.fullmatch(text.strip())
        if match is None or not 2000 <= int(match.group(1)) <= 2999:
            raise BadInput(texts={
                "en": f"--quarter: {text!r} is not a quarter like 2026Q4 or 2026-Q4 (a year "
                      "from 2000 on, Q, and 1 to 4)",
                "de": f"--quarter: „{text}“ ist kein Quartal; so schreiben: 2026Q4 oder 2026-Q4 "
                      "(ein Jahr ab 2000, Q und 1 bis 4)"})
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.next.first_day.toordinal() - 1)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    @property
    def start(self) -> datetime:
        """Midnight of the first day, Berlin time (as an aware datetime in UTC)."""
        return datetime.combine(self.first_day, time(0), tzinfo=BERLIN).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """Midnight after the last day (exclusive)."""
        return self.next.start

    def holds(self, day: date) -> bool:
        """Whether ``day`` lies in this quarter."""
        return self.first_day <= day <= self.last_day


@dataclass
class Line:
    """One department's numbers (or the sum of several: a directorate, or all)."""

    directorate: str
    department: str
    counts: Counter[str] = field(default_factory=Counter)  # category -> processes
    new: int = 0                                           # created within the quarter
    ended_in_quarter: Counter[str] = field(default_factory=Counter)  # closed/cancelled in it
    overdue: int = 0                                       # deadlines overdue at the moment
    stuck: int | None = None                               # None: no stuck list was given

    def count(self, category: str) -> None:
        self.counts[category] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def open(self) -> int:
        """Processes neither closed nor cancelled."""
        return self.total - self.counts["closed"] - self.counts["cancelled"]

    @classmethod
    def summed(cls, directorate: str, department: str, lines: Iterable[Line]) -> Line:
        """The sum of ``lines``."""
        summed = cls(directorate, department)
        for line in lines:
            summed.counts.update(line.counts)
            summed.new += line.new
            summed.ended_in_quarter.update(line.ended_in_quarter)
            summed.overdue += line.overdue
            if line.stuck is not None:
                summed.stuck = (summed.stuck or 0) + line.stuck
        return summed


@dataclass(frozen=True)
class DirectorateBlock:
    directorate: str
    departments: tuple[Line, ...]
    total: Line


@dataclass(frozen=True)
class PlannedActivity:
    on: date
    format: str
    mode: str
    place: str


@dataclass(frozen=True)
class Planned:
    """Participation ahead (R12): a process in pre-reporting (its dialogue comes next), or an
    open one with dialogue activities dated in the next quarter."""

    id: int
    title: str
    directorate: str
    department: str
    phase: str
    activities: tuple[PlannedActivity, ...]


@dataclass(frozen=True)
class Deviation:
    """A published decision that departs from the results, with its justification (R10)."""

    id: int
    title: str
    directorate: str
    department: str
    decided_by: str
    decided_on: date
    summary: str
    justification: str
    published_at: datetime


@dataclass(frozen=True)
class StayTime:
    """How long processes stayed in a phase: every stay by the moment (one still running
    counts up to the moment), and their median."""

    phase: str
    stays: int
    median_days: float | None


@dataclass(frozen=True)
class QuarterlyReport:
    """The whole report; ``moment`` is what every count is as of."""

    quarter: Quarter
    moment: datetime
    generated_at: datetime
    provisional: bool
    phases: tuple[Phase, ...]
    phase_counts: dict[str, int]
    categories: tuple[str, ...]
    directorates: tuple[DirectorateBlock, ...]
    total: Line
    planned: tuple[Planned, ...]
    deviations: tuple[Deviation, ...]
    unpublished_deviations: int
    decisions_published: int
    without_evaluation: tuple[Line, ...]
    stay_times: tuple[StayTime, ...]
    stuck_given: bool
    stuck_unmatched: dict[str, int]
