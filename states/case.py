"""The participation process as plain data: what a lead enters and what the guards read.

Pure dataclasses, no behaviour beyond small queries. Storage turns them into rows and back
(see ``states.codec``); the guards in ``states.guards`` read them.
Import rule: standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

ORIGINS = ("administration", "district_council_motion", "resident_suggestion", "committee")
REQUESTERS = ("department", "residents", "politics", "committee")
MEMBER_KINDS = ("internal", "external")
ANSWERS = ("accepted", "partly_accepted", "rejected")
SUGGESTION_TARGETS = ("concept", "interim_results")
ACTIVITY_MODES = ("online", "on_site")
GOAL_RATINGS = ("met", "partly", "not_met")


@dataclass
class Person:
    """A named contact; ``email`` is how reminders reach them."""

    name: str
    email: str


@dataclass
class Member:
    """A member of the Projektbegleitgruppe (R2); ``email`` is an optional contact address
    (typically of an external member), shown to staff only."""

    name: str
    organisation: str
    kind: str = "internal"
    email: str = ""
    # personal data (``states.personal``): the reference of each personal field in the
    # privacy store, and the fields whose value was erased
    refs: dict[str, str] = field(default_factory=dict)
    erased: list[str] = field(default_factory=list)


@dataclass
class Begleitgruppe:
    """The Projektbegleitgruppe: who asked for it (R2) and its members."""

    requested_by: str | None = None
    members: list[Member] = field(default_factory=list)


@dataclass
class Goal:
    """A SMART goal (R4): what, measured by which indicator, which target, by when."""

    id: str
    description: str
    indicator: str
    target: str
    due: date | None


@dataclass
class DecisionPlan:
    """Who decides where and when, and how the participation bears on it (R6)."""

    who: str = ""
    where: str = ""
    when: str = ""
    influence: str = ""


@dataclass
class Budget:
    """Staff, money and time for the participation (R15) and external moderation (R3)."""

    staff: str = ""
    costs: str = ""
    time: str = ""
    external_moderation: bool = False
    moderation_selection: str = ""
    moderation_financing: str = ""


@dataclass
class Stakeholders:
    """The stakeholder analysis with its target groups (R7)."""

    analysis: str = ""
    target_groups: list[str] = field(default_factory=list)
    forums_checked: str = ""


@dataclass
class Concept:
    """The Beteiligungskonzept: every section of R4-R7 and R15."""

    topic: str = ""
    subject_matter: str = ""
    summary: str = ""
    easy_language_summary: str = ""
    project_goal: str = ""
    participation_goal: str = ""
    scope: str = ""
    limits: str = ""
    procedure: str = ""
    handling_of_results: str = ""
    implementation: str = ""
    responsibilities: str = ""
    structure: str = ""
    decision: DecisionPlan = field(default_factory=DecisionPlan)
    decision_makers: list[str] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    budget: Budget = field(default_factory=Budget)
    stakeholders: Stakeholders = field(default_factory=Stakeholders)
    accessibility: list[str] = field(default_factory=list)


@dataclass
class ConceptVersion:
    """A published version of the concept (R5): immutable once published."""

    number: int
    published_at: datetime
    change_note: str
    concept: Concept
    lead: Person | None = None
    deputy: Person | None = None


@dataclass
class Suggestion:
    """An Anregung on the concept or on interim results, and how it was handled (R5)."""

    number: int
    target: str
    text: str
    received_at: datetime
    author: str = ""
    answer: str | None = None
    justification: str = ""
    answered_at: datetime | None = None
    # ``text`` and ``author`` are personal data (``states.personal``), as ``Member``'s
    refs: dict[str, str] = field(default_factory=dict)
    erased: list[str] = field(default_factory=list)


@dataclass
class Report:
    """A published pre-report or post-report (R9)."""

    text: str
    published_at: datetime


@dataclass
class Activity:
    """A dialogue activity of one round (format, online or on site, date, place) and what
    makes it accessible (step-free venue, sign language, easy language; free text for now).
    Activities are published as they are recorded."""

    round: int
    format: str
    mode: str
    on: date
    place: str
    accessibility: str = ""


@dataclass
class InterimResults:
    """Interim results of one round (R8): comment deadline and when, where, who decides."""

    round: int
    summary: str
    published_at: datetime
    comment_deadline: datetime
    decision_when: str
    decision_where: str
    decision_by: str


@dataclass
class Decision:
    """The decision (R10)."""

    decided_by: str
    decided_on: date
    summary: str
    follows_results: bool
    justification: str = ""
    implementation_responsible: str = ""
    published_at: datetime | None = None


@dataclass
class GoalEvaluation:
    """How one SMART goal was reached (R11)."""

    rating: str
    evidence: str


@dataclass
class Evaluation:
    """The evaluation against the concept's goals (R11)."""

    goals: dict[str, GoalEvaluation] = field(default_factory=dict)
    lessons_learned: str = ""


@dataclass
class Case:
    """One participation process: the aggregate the guards check and the workflow changes.

    ``phase`` is the state the machine moves; ``version`` is the optimistic-lock counter.
    """

    id: int | None
    title: str
    subject: str
    department: str
    directorate: str
    districts: list[str]
    origin: str
    lead: Person | None
    deputy: Person | None
    created_at: datetime
    definition_version: str
    phase: str = "initiated"
    phase_entered_at: datetime | None = None
    paused_phase: str | None = None
    # while on hold: when the paused phase was entered, so that resuming continues its dwell
    # clock (time on hold does not count, time before it does)
    paused_phase_entered_at: datetime | None = None
    last_hold_at: datetime | None = None
    dialogue_round: int = 1
    version: int = 0
    cancel_reason: str = ""
    begleitgruppe: Begleitgruppe = field(default_factory=Begleitgruppe)
    project_group: list[str] = field(default_factory=list)
    concept_draft: Concept | None = None
    concept_versions: list[ConceptVersion] = field(default_factory=list)
    # the end of the public comment period on the concept, fixed at its first publication
    concept_comments_until: datetime | None = None
    suggestions: list[Suggestion] = field(default_factory=list)
    pre_report: Report | None = None
    activities: list[Activity] = field(default_factory=list)
    interim_results: list[InterimResults] = field(default_factory=list)
    decision: Decision | None = None
    post_report: Report | None = None
    evaluation: Evaluation = field(default_factory=Evaluation)

    @property
    def published_concept(self) -> ConceptVersion | None:
        """The latest published concept version, if any."""
        return self.concept_versions[-1] if self.concept_versions else None

    def current_interim_results(self) -> InterimResults | None:
        """The interim results of the current dialogue round, if published."""
        for item in reversed(self.interim_results):
            if item.round == self.dialogue_round:
                return item
        return None

    def suggestion(self, number: int) -> Suggestion | None:
        """The suggestion with this number, if any."""
        for item in self.suggestions:
            if item.number == number:
                return item
        return None
