"""Deadlines as data: what the engine keeps open for a process, derived from the case itself.

``expected`` says which deadlines the case calls for right now (the dwell limit of its phase,
the comment period of a published concept or of interim results, an answer deadline per open
suggestion, the evaluation after the decision). The workflow compares that with the stored
deadlines: it opens what is missing and closes what is no longer called for. Deadlines that a
lead adds by hand are never closed that way.
Import rule: standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .case import Case

if TYPE_CHECKING:  # the guards read the comment period, and the definition imports them
    from .definition import Definition

STATUSES = ("open", "met", "missed", "waived", "cut_short")
KINDS = ("phase", "concept_comments", "interim_comments", "suggestion_answer", "evaluation",
         "custom")
BERLIN = ZoneInfo("Europe/Berlin")


def in_hannover(naive: datetime) -> datetime | None:
    """The wall-clock time ``naive`` in Hannover, aware; ``None`` for a time the clock skips
    when summer time begins (02:00 to 03:00 on the last Sunday of March): such a time is
    refused where it is typed, not silently moved. A time that occurs twice in October is its
    first occurrence (still summer time)."""
    moment = naive.replace(tzinfo=BERLIN)
    if moment.astimezone(UTC).astimezone(BERLIN).replace(tzinfo=None) != naive:
        return None
    return moment


def skipped_time(field: str, text: str) -> dict[str, str]:
    """The refusal of a time that ``in_hannover`` found skipped, per language."""
    return {"de": f"{field}: „{text}“ gibt es in Hannover nicht: die Uhr springt an diesem Tag "
                  "von 2:00 auf 3:00 Uhr (Sommerzeit); eine Zeit davor oder ab 3:00 angeben",
            "en": f"{field}: {text!r} does not exist in Hannover: the clocks go from 2:00 to "
                  "3:00 that day (summer time); give a time before or from 3:00"}


@dataclass
class Deadline:
    """A stored deadline and where its reminders stand (``last_step``: -1 before the first)."""

    id: int | None
    process_id: int
    kind: str
    ref: str
    title: str
    due_at: datetime
    created_at: datetime
    status: str = "open"
    managed: bool = True
    reason: str = ""
    last_step: int = -1
    next_remind_at: datetime | None = None
    closed_at: datetime | None = None
    version: int = 0

    @property
    def key(self) -> tuple[str, str]:
        """What identifies it among a process's deadlines."""
        return (self.kind, self.ref)

    @property
    def active(self) -> bool:
        """Still reminding: not closed (a missed deadline goes on reminding until met)."""
        return self.closed_at is None


@dataclass(frozen=True)
class DeadlineRules:
    """How long the engine gives, in days, where the definition does not say."""

    answer_days: int = 30
    concept_comment_days: int = 28
    evaluation_days: int = 365


@dataclass(frozen=True)
class Expected:
    """A deadline the case calls for."""

    kind: str
    ref: str
    title: str
    due_at: datetime


def expected(case: Case, definition: Definition, rules: DeadlineRules) -> dict[tuple, Expected]:
    """Every deadline ``case`` calls for now, by key; none for a closed or cancelled case."""
    if not definition.is_open(case.phase):
        return {}
    items = [_phase(case, definition), _concept_comments(case, rules),
             _interim_comments(case), _evaluation(case, rules)]
    items += [_answer(case, s.number, s.received_at, rules) for s in case.suggestions
              if s.answer is None]
    return {(e.kind, e.ref): e for e in items if e is not None}


def _phase(case: Case, definition: Definition) -> Expected | None:
    phase = definition.phases[case.phase]
    if not phase.dwell_days or case.phase_entered_at is None:
        return None
    entered = case.phase_entered_at
    return Expected("phase", f"{case.phase}@{entered.isoformat()}",
                    f"Phase {phase.label_de}", entered + timedelta(days=phase.dwell_days))


def concept_comments_end(case: Case, rules: DeadlineRules) -> datetime | None:
    """When the public comment period on the concept ends: as fixed at its first publication
    (``Case.concept_comments_until``), else (a process published before that was kept) the
    end of the day ``concept_comment_days`` after it; ``None`` before it is published."""
    if case.concept_comments_until is not None:
        return case.concept_comments_until
    first = case.concept_versions[0] if case.concept_versions else None
    if first is None:
        return None
    return end_of_day(first.published_at + timedelta(days=rules.concept_comment_days))


def _concept_comments(case: Case, rules: DeadlineRules) -> Expected | None:
    due = case.concept_comments_until or concept_comments_end(case, rules)
    if due is None or (case.paused_phase or case.phase) != "concept":
        return None
    return Expected("concept_comments", "concept", "Kommentierungsfrist zum Konzept", due)


def _interim_comments(case: Case) -> Expected | None:
    results = case.current_interim_results()
    if results is None or (case.paused_phase or case.phase) != "interim_results":
        return None
    return Expected("interim_comments", f"round {results.round}",
                    f"Kommentierungsfrist der Zwischenergebnisse (Runde {results.round})",
                    results.comment_deadline)


def _answer(case: Case, number: int, received: datetime, rules: DeadlineRules) -> Expected:
    return Expected("suggestion_answer", str(number), f"Antwort auf Anregung {number}",
                    end_of_day(received + timedelta(days=rules.answer_days)))


def _evaluation(case: Case, rules: DeadlineRules) -> Expected | None:
    if case.decision is None:
        return None
    decided = datetime.combine(case.decision.decided_on, time(12), tzinfo=BERLIN)
    return Expected("evaluation", "evaluation", "Evaluation",
                    end_of_day(decided + timedelta(days=rules.evaluation_days)))


def end_of_day(moment: datetime) -> datetime:
    """The last second of that day in Europe/Berlin (a deadline "by the 30th" means all of it)."""
    local = moment.astimezone(BERLIN)
    return datetime.combine(local.date(), time(23, 59, 59), tzinfo=BERLIN)


# A comment period is not a task: it ends, and the process may only move on after it (the
# guards say so). Leaving the phase after its end closes it as met (as missed if the sweep
# found it long over meanwhile); leaving before its end (under a definition without that
# guard) is recorded as what it was: cut short.
PERIODS = frozenset({"concept_comments", "interim_comments"})


def closing_status(deadline: Deadline, now: datetime) -> str:
    """The status a deadline closes with when what it asked for is done at ``now``."""
    if deadline.status == "missed":
        return "missed"
    if deadline.kind in PERIODS:
        return "met" if now >= deadline.due_at else "cut_short"
    return "met" if now <= deadline.due_at else "missed"
