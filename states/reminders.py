"""The reminder policy: at which instants a deadline reminds whom, as a pure function.

Steps, by default: 14 and 3 days before, on the day, then every 7 days while overdue; from 7
days overdue the deputy and the coordinators are copied (escalation). Each step is sent at
the configured hour in Europe/Berlin on a working day: a step before or on the due day moves
back to the previous working day (earlier is still useful), an overdue step forward to the
next one. Which days are working days is given as a function (``notifications.calendar``).
Import rule: standard library only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
WorkingDay = Callable[[date], bool]


@dataclass(frozen=True)
class Policy:
    """When reminders go out (days relative to the due day)."""

    days_before: tuple[int, ...] = (14, 3)
    on_the_day: bool = True
    overdue_every: int = 7
    escalate_after: int = 7
    hour: int = 8


@dataclass(frozen=True)
class Step:
    """One reminder of a deadline: its number, when it goes out, and its offset in days
    (positive before the due day, 0 on it, negative overdue)."""

    index: int
    at: datetime
    offset: int
    escalation: bool


def steps(policy: Policy, due_at: datetime, working: WorkingDay) -> Iterator[Step]:
    """The deadline's reminders in order (an endless series while overdue)."""
    due_day = due_at.astimezone(BERLIN).date()
    offsets = sorted({d for d in policy.days_before if d > 0}, reverse=True)
    if policy.on_the_day:
        offsets.append(0)
    index = 0
    for offset in offsets:
        day = _working(due_day - timedelta(days=offset), working, backwards=True)
        yield Step(index, _at(day, policy.hour), offset, False)
        index += 1
    if policy.overdue_every <= 0:
        return
    late = policy.overdue_every
    while True:
        day = _working(due_day + timedelta(days=late), working, backwards=False)
        yield Step(index, _at(day, policy.hour), -late, late >= policy.escalate_after)
        index += 1
        late += policy.overdue_every


def next_step(policy: Policy, due_at: datetime, working: WorkingDay,
              after: int) -> Step | None:
    """The first step numbered above ``after``."""
    return next((s for s in steps(policy, due_at, working) if s.index > after), None)


def latest_due(policy: Policy, due_at: datetime, working: WorkingDay, after: int,
               now: datetime) -> Step | None:
    """The latest step above ``after`` that is due by ``now``: after downtime, only the
    newest reminder is sent, not a burst of stale ones."""
    found = None
    for step in steps(policy, due_at, working):
        if step.at > now:
            break
        if step.index > after:
            found = step
    return found


def _working(day: date, working: WorkingDay, *, backwards: bool) -> date:
    move = timedelta(days=-1 if backwards else 1)
    for _ in range(30):
        if working(day):
            return day
        day += move
    return day


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BERLIN).astimezone(ZoneInfo("UTC"))
