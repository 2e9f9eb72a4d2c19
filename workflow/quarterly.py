"""The quarterly report (Berichtswesen, R10-R12, R14): what the coordinators put before the
committees each quarter, per directorate (Dezernat) and department (Fachbereich).

Every number is "as of the report's moment": the end of the quarter, or now while the quarter
is still running (then the report is provisional). Each process's phase at that moment is
rebuilt from its audit trail, not read from the current row, so a report on a past quarter
does not change when processes move on later.

``quarterly_report`` folds a stream of ``ProcessFacts`` (a process's columns and the few audit
events that matter: phase changes, dialogue activities, decisions) one process at a time into
counters. What it keeps grows with the number of departments and with what the report lists
one by one (participation of the next quarter, departing decisions), not with the rows read:
the time per phase is kept as a histogram of whole hours, whose median is exact to the hour.
It counts every stay: those that ended, and the one each open process is in, up to the
moment.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import NamedTuple, Protocol

from ..states.case import Activity, Decision
from ..states.definition import Definition
from ..states.departments import Register
from ..states.errors import BadInput
from .quarterly_model import (
    CATEGORIES,
    Deviation,
    DirectorateBlock,
    Line,
    Planned,
    PlannedActivity,
    Quarter,
    QuarterlyReport,
    StayTime,
)

PHASE_CATEGORY = {
    "initiated": "preparation", "begleitgruppe": "preparation", "concept": "preparation",
    "pre_reporting": "running", "dialogue": "running", "interim_results": "running",
    "decision": "decision", "evaluation": "evaluation", "on_hold": "on_hold",
    "closed": "closed", "cancelled": "cancelled",
}
ENDED = ("closed", "cancelled")


# The facts are named tuples, not dataclasses: a report reads one per audit event that matters,
# and a tuple is several times cheaper to make (see benchmarks/bench_quarterly.py).
class PhaseChange(NamedTuple):
    """The process was created in (``from_phase`` None) or moved to ``to_phase``."""

    at: datetime
    from_phase: str | None
    to_phase: str


class ActivityRecorded(NamedTuple):
    at: datetime
    activity: Activity


class DecisionRecorded(NamedTuple):
    """A decision was recorded (recording it again replaces it and unpublishes it)."""

    at: datetime
    decision: Decision


class DecisionPublished(NamedTuple):
    at: datetime


Fact = PhaseChange | ActivityRecorded | DecisionRecorded | DecisionPublished


class ProcessFacts(NamedTuple):
    """One process as the report sees it: its columns and its facts in the trail's order."""

    id: int
    title: str
    department: str
    directorate: str
    facts: tuple[Fact, ...]


class OverdueCount(NamedTuple):
    """How many deadlines of one department were open past their due time at the moment."""

    directorate: str
    department: str
    overdue: int


class QuarterlyReader(Protocol):
    """The read port of the report (``storage.reporting.SqlQuarterlyReader``)."""

    def processes(self, until: datetime) -> Iterator[ProcessFacts]:
        """Every process created before ``until``, by id, with its facts before ``until``;
        streamed, one process at a time."""

    def overdue(self, moment: datetime) -> Iterable[OverdueCount]:
        """Per department: deadlines that existed at ``moment``, were due before it and were
        still open then."""


def quarterly_report(reader: QuarterlyReader, quarter: Quarter, definition: Definition,
                     now: datetime, stuck: Mapping[str, int] | None = None,
                     departments: Register | None = None) -> QuarterlyReport:
    """The report on ``quarter`` as of its end (or as of ``now`` while it runs).

    Args:
        stuck: processes stuck per department name, from the coordinators' stuck list;
            shown when given.
        departments: the register; a department whose stored text it resolves (``FB 67``)
            is counted on its entry's line (``Umwelt und Stadtgrün (67)``, its directorate).

    Raises:
        BadInput: the quarter has not begun yet.
    """
    if quarter.start > now:
        raise BadInput(f"--quarter: {quarter} has not begun yet")
    moment = min(now, quarter.end)
    tally = Tally(quarter, moment)
    register = departments or Register()
    for facts in reader.processes(moment):
        department, directorate = register.canonical(facts.department, facts.directorate)
        tally.add(facts._replace(department=department, directorate=directorate))
    for count in reader.overdue(moment):
        department, directorate = register.canonical(count.department, count.directorate)
        tally.line(directorate, department).overdue += count.overdue
    return tally.report(definition, now, None if stuck is None else register.regroup(stuck))


class _Walk(NamedTuple):
    """One process replayed: where it stood at the moment and what the report lists of it."""

    phase: str
    entered: datetime
    created: datetime
    decision: Decision | None
    published: datetime | None
    activities: tuple[Activity, ...]


class Tally:
    """The counters the report is built from; ``add`` takes one process at a time."""

    def __init__(self, quarter: Quarter, moment: datetime) -> None:
        self.quarter, self.moment, self.start = quarter, moment, quarter.start
        self.ahead = (quarter.next.first_day, quarter.next.last_day)
        self.lines: dict[tuple[str, str], Line] = {}
        self.phases: Counter[str] = Counter()
        self.hours: defaultdict[str, Counter[int]] = defaultdict(Counter)
        self.planned: list[Planned] = []
        self.deviations: list[Deviation] = []
        self.unpublished_deviations = 0
        self.decisions_published = 0

    def line(self, directorate: str, department: str) -> Line:
        key = (directorate, department)
        if key not in self.lines:
            self.lines[key] = Line(directorate, department)
        return self.lines[key]

    def add(self, facts: ProcessFacts) -> None:
        """Count one process as it stood at the moment (nothing if it did not exist yet)."""
        walk = self._walk(facts)
        if walk is None:
            return
        phase = walk.phase
        line = self.lines.get((facts.directorate, facts.department)) or self.line(
            facts.directorate, facts.department)
        self.phases[phase] += 1
        line.counts[PHASE_CATEGORY.get(phase, "other")] += 1
        if walk.created >= self.start:
            line.new += 1
        if phase in ENDED:
            if walk.entered >= self.start:
                line.ended_in_quarter[phase] += 1
        elif walk.activities or phase == "pre_reporting":
            self._plan(facts, walk)
        if walk.decision is not None:
            self._decision(facts, walk, walk.decision)

    def _walk(self, facts: ProcessFacts) -> _Walk | None:
        """Replay the facts up to the moment; count each stay as it ends, and the one still
        running at the moment up to it (a process stuck in its phase must show). ``None``: the
        process did not exist yet at the moment."""
        # the stay the process is in (phase, entered), None until its creation
        stay: tuple[str, datetime] | None = None
        created = decision = published = None
        activities: list[Activity] = []
        moment, hours, first, last = self.moment, self.hours, self.ahead[0], self.ahead[1]
        for fact in facts.facts:
            at = fact[0]
            if at >= moment:
                continue
            # ``type(...) is`` rather than isinstance: as cheap as a tuple can be, and mypy
            # narrows the fact by it all the same
            if type(fact) is PhaseChange:
                if stay is None:
                    created = at
                else:
                    hours[stay[0]][max(int((at - stay[1]).total_seconds()) // 3600, 0)] += 1
                stay = (fact[2], at)
            elif type(fact) is ActivityRecorded:
                if first <= fact[1].on <= last:
                    activities.append(fact[1])
            elif type(fact) is DecisionRecorded:
                decision, published = fact[1], None
            else:
                published = at
        if stay is None:
            return None
        phase, entered = stay
        if phase not in ENDED:
            hours[phase][max(int((moment - entered).total_seconds()) // 3600, 0)] += 1
        assert created is not None  # set by the change that began the first stay
        return _Walk(phase, entered, created, decision, published, tuple(activities))

    def _plan(self, facts: ProcessFacts, walk: _Walk) -> None:
        activities = tuple(PlannedActivity(a.on, a.format, a.mode, a.place)
                           for a in sorted(walk.activities, key=lambda a: a.on))
        self.planned.append(Planned(facts.id, facts.title, facts.directorate, facts.department,
                                    walk.phase, activities))

    def _decision(self, facts: ProcessFacts, walk: _Walk, decision: Decision) -> None:
        published = walk.published
        published_here = published is not None and published >= self.start
        self.decisions_published += published_here
        if decision.follows_results:
            return
        if published is None:
            if walk.phase != "cancelled":
                self.unpublished_deviations += 1
        elif published_here:
            self.deviations.append(Deviation(
                facts.id, facts.title, facts.directorate, facts.department, decision.decided_by,
                decision.decided_on, decision.summary, decision.justification, published))

    def report(self, definition: Definition, now: datetime,
               stuck: Mapping[str, int] | None) -> QuarterlyReport:
        """The finished report (``now``: when it was made)."""
        unmatched = _apply_stuck(self.lines, stuck)
        blocks = _blocks(self.lines.values())
        total = Line.summed("", "", [b.total for b in blocks])
        phases = tuple(definition.phases.values())
        shown = tuple(c for c in CATEGORIES if c != "other" or total.counts["other"])
        times = tuple(StayTime(p.name, sum(self.hours.get(p.name, Counter()).values()),
                               median_days(self.hours.get(p.name, Counter())))
                      for p in phases if not p.terminal)
        return QuarterlyReport(
            quarter=self.quarter, moment=self.moment, generated_at=now,
            provisional=self.moment < self.quarter.end, phases=phases,
            phase_counts={p.name: self.phases[p.name] for p in phases}
            | {name: n for name, n in self.phases.items() if name not in definition.phases},
            categories=shown, directorates=blocks, total=total,
            planned=tuple(sorted(self.planned, key=_by_place)),
            deviations=tuple(sorted(self.deviations, key=_by_place)),
            unpublished_deviations=self.unpublished_deviations,
            decisions_published=self.decisions_published,
            without_evaluation=tuple(line for b in blocks for line in b.departments
                                     if not line.counts["closed"]),
            stay_times=times, stuck_given=stuck is not None, stuck_unmatched=unmatched)


def _by_place(item: Planned | Deviation) -> tuple:
    return (_order(item.directorate), _order(item.department), item.id)


def _order(name: str) -> tuple[bool, str]:
    """Names alphabetically, the unnamed last."""
    return (not name, name.casefold())


def _blocks(lines: Iterable[Line]) -> tuple[DirectorateBlock, ...]:
    grouped: dict[str, list[Line]] = {}
    for line in lines:
        grouped.setdefault(line.directorate, []).append(line)
    return tuple(
        DirectorateBlock(name, tuple(sorted(items, key=lambda x: _order(x.department))),
                         Line.summed(name, "", items))
        for name, items in sorted(grouped.items(), key=lambda kv: _order(kv[0])))


def _apply_stuck(lines: dict[tuple[str, str], Line],
                 stuck: Mapping[str, int] | None) -> dict[str, int]:
    """Put the stuck counts on the department lines; return those of unknown departments."""
    if stuck is None:
        return {}
    for line in lines.values():
        line.stuck = 0
    unmatched: dict[str, int] = {}
    for department, count in stuck.items():
        # a department name under two directorates (inconsistent data) gets it on the first
        matching = [line for line in lines.values() if line.department == department]
        if matching:
            matching[0].stuck = (matching[0].stuck or 0) + count
        elif count:
            unmatched[department] = count
    return unmatched


def median_days(hours: Counter[int]) -> float | None:
    """The median of a histogram of whole hours, in days; ``None`` when it is empty."""
    n = sum(hours.values())
    if n == 0:
        return None
    wanted = ((n - 1) // 2, n // 2)  # the two middle positions (equal when n is odd)
    found: list[int] = []
    seen = 0
    for value in sorted(hours):
        seen += hours[value]
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(value)
        if len(found) == 2:
            break
    return (found[0] + found[1]) / 2 / 24

