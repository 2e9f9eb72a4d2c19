"""The public list (Vorhabenliste, R14): what of a process has been published, as plain data.

``public_view`` is pure: it reads a ``Case`` and keeps only what the public may see, so every
export format (``notifications.public_list``, ``cli/public.py``) renders the same selection and
none of them can leak more. ``PublicProcesses`` is the read port that streams the cases.

What is shown, and when:

- always: id, title, subject, department, districts, phase (and the phase a paused process was
  paused in), when the process was created and entered its phase; the contact is the
  department, plus the lead's name once a concept version is published (R1 publishes lead and
  deputy with the concept; the name comes from that version). No e-mail address ever, no
  deputy, no directorate, no Begleitgruppe members, no concept draft.
- the concept: the latest published version only (never the draft), with its number, dates,
  change note, summaries, the project and participation goals and the SMART goals (R4, R5).
- suggestions: only answered ones, with text, answer and justification, never the author.
  R5 makes "the handling of each comment" transparent; answering is the moment the lead has
  read the comment and takes it into the public record. An unanswered comment is not yet
  reviewed (it may hold personal data or abuse), so neither it nor anyone's name is shown.
- pre-report, interim results, post-report: they exist only once published.
- dialogue activities (the events of each round: date, format, online or on site, place,
  accessibility): published as they are recorded, so that residents can come; a lead
  records them to be seen. Nothing else of the dialogue (no Begleitgruppe, no names).
- the decision: once ``Decision.published_at`` is set (recorded is not published).
- the evaluation: once it is done, i.e. the process is closed (``close`` needs every goal
  evaluated; while in 'evaluation', on hold or after a cancel the ratings are a draft).
- a cancelled process: everything it had published, plus the reason for the cancel (the
  public learns why a process it may have taken part in stopped; a hold reason, kept only in
  the audit trail, is internal and never shown).

The JSON export (``beteiligung export public --format json``) is one object::

    {"format": "beteiligung-vorhabenliste", "format_version": 1,
     "generated_at": "2026-03-02T09:00:00Z", "language": "de",
     "phases": {"initiated": "Initiierung", ...},   # code -> label in the chosen language
     "processes": [PROCESS, ...]}                    # ordered by id

and each PROCESS (times ISO 8601 in UTC with ``Z``, dates ``YYYY-MM-DD``, absent parts
``null`` or ``[]``)::

    id, title, subject, department, districts [str],
    phase (code), paused_phase (code or null), phase_entered_at, created_at,
    cancel_reason (str, only when phase is "cancelled", else null),
    contact {department, name (the lead's name, null before the concept is published)},
    concept {version, published_at, first_published_at, change_note, summary,
             easy_language_summary, project_goal, participation_goal,
             goals [{id, description, indicator, target, due}]} or null,
    pre_report {text, published_at} or null,
    activities [{round, on (date), format, mode ("online" or "on_site"), place,
                 accessibility (text, "" when none was given)}],   # in date order
    interim_results [{round, summary, published_at, comment_deadline, decision_when,
                      decision_where, decision_by}],
    suggestions [{number, on ("concept" or "interim_results"), text, received_at,
                  answer ("accepted", "partly_accepted" or "rejected"), justification,
                  answered_at}],
    decision {decided_by, decided_on, summary, follows_results, justification,
              implementation_responsible, published_at} or null,
    post_report {text, published_at} or null,
    evaluation {goals [{goal, description, rating ("met", "partly", "not_met"), evidence}],
                lessons_learned} or null

Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from ..states.case import Case, ConceptVersion, Evaluation, Report

FORMAT = "beteiligung-vorhabenliste"
FORMAT_VERSION = 1
# Where the evaluation counts as done: the process left 'evaluation' by 'close'.
EVALUATION_DONE_IN = frozenset({"closed"})
CANCELLED = "cancelled"


class PublicProcesses(Protocol):
    """Streams every process for the public list, ordered by id, one at a time."""

    def cases(self) -> Iterator[Case]:
        """Every stored case, by id, without loading all of them at once."""


@dataclass(frozen=True)
class PublicContact:
    department: str
    name: str | None


@dataclass(frozen=True)
class PublicGoal:
    id: str
    description: str
    indicator: str
    target: str
    due: date | None


@dataclass(frozen=True)
class PublicConcept:
    version: int
    published_at: datetime
    first_published_at: datetime
    change_note: str
    summary: str
    easy_language_summary: str
    project_goal: str
    participation_goal: str
    goals: tuple[PublicGoal, ...]


@dataclass(frozen=True)
class PublicReport:
    text: str
    published_at: datetime


@dataclass(frozen=True)
class PublicActivity:
    round: int
    on: date
    format: str
    mode: str
    place: str
    accessibility: str


@dataclass(frozen=True)
class PublicInterimResults:
    round: int
    summary: str
    published_at: datetime
    comment_deadline: datetime
    decision_when: str
    decision_where: str
    decision_by: str


@dataclass(frozen=True)
class PublicSuggestion:
    number: int
    on: str
    text: str
    received_at: datetime
    answer: str
    justification: str
    answered_at: datetime | None


@dataclass(frozen=True)
class PublicDecision:
    decided_by: str
    decided_on: date
    summary: str
    follows_results: bool
    justification: str
    implementation_responsible: str
    published_at: datetime


@dataclass(frozen=True)
class PublicGoalResult:
    goal: str
    description: str
    rating: str
    evidence: str


@dataclass(frozen=True)
class PublicEvaluation:
    goals: tuple[PublicGoalResult, ...]
    lessons_learned: str


@dataclass(frozen=True)
class PublicProcess:
    """One entry of the Vorhabenliste; the fields are documented in the module docstring."""

    id: int
    title: str
    subject: str
    department: str
    districts: tuple[str, ...]
    phase: str
    paused_phase: str | None
    phase_entered_at: datetime | None
    created_at: datetime
    cancel_reason: str | None
    contact: PublicContact
    concept: PublicConcept | None
    pre_report: PublicReport | None
    activities: tuple[PublicActivity, ...]
    interim_results: tuple[PublicInterimResults, ...]
    suggestions: tuple[PublicSuggestion, ...]
    decision: PublicDecision | None
    post_report: PublicReport | None
    evaluation: PublicEvaluation | None


def public_view(case: Case) -> PublicProcess:
    """What of ``case`` has been published (see the module docstring for the rules)."""
    version = case.published_concept
    lead_name = version.lead.name if version is not None and version.lead else None
    return PublicProcess(
        id=int(case.id or 0), title=case.title, subject=case.subject,
        department=case.department, districts=tuple(case.districts), phase=case.phase,
        paused_phase=case.paused_phase, phase_entered_at=case.phase_entered_at,
        created_at=case.created_at,
        cancel_reason=case.cancel_reason if case.phase == CANCELLED else None,
        contact=PublicContact(case.department, lead_name),
        concept=_concept(version, case.concept_versions[0]) if version else None,
        pre_report=_report(case.pre_report),
        activities=tuple(PublicActivity(a.round, a.on, a.format, a.mode, a.place,
                                        a.accessibility)
                         for a in sorted(case.activities, key=lambda a: (a.on, a.round))),
        interim_results=tuple(PublicInterimResults(
            r.round, r.summary, r.published_at, r.comment_deadline, r.decision_when,
            r.decision_where, r.decision_by) for r in case.interim_results),
        suggestions=tuple(PublicSuggestion(
            s.number, s.target, s.text, s.received_at, s.answer, s.justification, s.answered_at)
            for s in case.suggestions if s.answer is not None),
        decision=_decision(case),
        post_report=_report(case.post_report),
        evaluation=(_evaluation(case.evaluation, version)
                    if case.phase in EVALUATION_DONE_IN else None),
    )


def published_processes(source: PublicProcesses) -> Generator[PublicProcess, None, None]:
    """The public view of every process, streamed in the order of ``source``.

    Closing this generator closes the source's stream at once (the caller does it while the
    connection is still open, also when rendering failed half-way).
    """
    cases = source.cases()
    try:
        for case in cases:
            yield public_view(case)
    finally:
        close = getattr(cases, "close", None)
        if close is not None:
            close()


def _concept(version: ConceptVersion, first: ConceptVersion) -> PublicConcept:
    c = version.concept
    return PublicConcept(
        version.number, version.published_at, first.published_at, version.change_note,
        c.summary, c.easy_language_summary, c.project_goal, c.participation_goal,
        tuple(PublicGoal(g.id, g.description, g.indicator, g.target, g.due) for g in c.goals))


def _report(report: Report | None) -> PublicReport | None:
    return PublicReport(report.text, report.published_at) if report is not None else None


def _decision(case: Case) -> PublicDecision | None:
    d = case.decision
    if d is None or d.published_at is None:
        return None
    return PublicDecision(d.decided_by, d.decided_on, d.summary, d.follows_results,
                          d.justification, d.implementation_responsible, d.published_at)


def _evaluation(evaluation: Evaluation, version: ConceptVersion | None) -> PublicEvaluation:
    goals = version.concept.goals if version is not None else []
    described = {g.id: g.description for g in goals}
    order = [g.id for g in goals] + sorted(set(evaluation.goals) - set(described))
    results = tuple(PublicGoalResult(gid, described.get(gid, ""), evaluation.goals[gid].rating,
                                     evaluation.goals[gid].evidence)
                    for gid in order if gid in evaluation.goals)
    return PublicEvaluation(results, evaluation.lessons_learned)
