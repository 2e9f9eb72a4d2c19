"""The rules between the phases as guards: pure functions of the case and the moment.

Every guard returns the list of unmet conditions (empty when the rule holds), so a refused
step can report all of them at once. The definition file names guards; ``GUARDS`` is the
registry it is resolved against at start-up.
Import rule: standard library only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .case import Case, Concept
from .deadlines import DeadlineRules, concept_comments_end
from .messages import BERLIN, render


@dataclass(frozen=True)
class Unmet:
    """One unmet condition: a message code with its parameters."""

    code: str
    params: dict[str, object] = field(default_factory=dict)

    def text(self, lang: str = "de") -> str:
        """The sentence a process lead reads."""
        return render(self.code, self.params, lang)


@dataclass(frozen=True)
class GuardContext:
    """What a guard may know besides the case: the moment, the reason given, and the
    configured deadline rules (for a comment period fixed before its end was stored)."""

    now: datetime
    reason: str = ""
    rules: DeadlineRules = DeadlineRules()


Guard = Callable[[Case, GuardContext], list[Unmet]]
GUARDS: dict[str, Guard] = {}

# Guards about work that new input can legitimately reopen (a suggestion arrives after the
# phase was left): they must hold to leave a phase, but are not invariants of the phases after.
NOT_INVARIANT = frozenset({"concept_suggestions_answered", "all_suggestions_answered"})


def guard(fn: Guard) -> Guard:
    """Register a guard under its function name."""
    GUARDS[fn.__name__] = fn
    return fn


@guard
def lead_and_deputy_named(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R1: a lead and a deputy, each with name and e-mail."""
    unmet = []
    if not (case.lead and case.lead.name and case.lead.email):
        unmet.append(Unmet("lead_missing"))
    if not (case.deputy and case.deputy.name and case.deputy.email):
        unmet.append(Unmet("deputy_missing"))
    return unmet


@guard
def department_named(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R1: the responsible department (Fachbereich) is named."""
    return [] if case.department.strip() else [Unmet("department_missing")]


@guard
def begleitgruppe_installed(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R2: the Projektbegleitgruppe has members, at least one internal, and a requester."""
    group = case.begleitgruppe
    unmet = []
    if not group.requested_by:
        unmet.append(Unmet("begleitgruppe_requester_missing"))
    if not group.members:
        unmet.append(Unmet("begleitgruppe_no_members"))
    elif not any(m.kind == "internal" for m in group.members):
        unmet.append(Unmet("begleitgruppe_no_internal"))
    return unmet


# The R6 sections by their path in the concept file; their names for people are in
# ``states.concept_sections`` (the messages name them in the reader's language).
REQUIRED_SECTIONS: tuple[str, ...] = (
    "topic", "subject_matter", "project_goal", "participation_goal", "scope", "limits",
    "procedure", "handling_of_results", "implementation", "responsibilities", "structure",
    "decision.who", "decision.where", "decision.when", "decision.influence", "budget.costs",
)


def _section(concept: Concept, path: str) -> object:
    value: object = concept
    for part in path.split("."):
        value = getattr(value, part)
    return value


@guard
def concept_complete(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R4 and R6: every section of the concept is filled and every goal is SMART."""
    concept = case.concept_draft
    if concept is None:
        return [Unmet("concept_missing")]
    unmet = [Unmet("concept_section_missing", {"section": path}) for path in REQUIRED_SECTIONS
             if not str(_section(concept, path)).strip()]
    if not concept.decision_makers:
        unmet.append(Unmet("concept_section_missing", {"section": "decision_makers"}))
    if not concept.goals:
        unmet.append(Unmet("concept_no_goals"))
    for goal in concept.goals:
        missing = [n for n in ("description", "indicator", "target") if not getattr(goal, n)]
        if goal.due is None:
            missing.append("due")
        if missing:
            unmet.append(Unmet("goal_incomplete", {"goal": goal.id, "missing": ", ".join(missing)}))
    return unmet


@guard
def concept_diverse(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R7: a stakeholder analysis with target groups, and accessibility measures."""
    concept = case.concept_draft
    if concept is None:
        return [Unmet("concept_missing")]
    checks = (
        ("stakeholders.analysis", concept.stakeholders.analysis),
        ("stakeholders.target_groups", concept.stakeholders.target_groups),
        ("stakeholders.forums_checked", concept.stakeholders.forums_checked),
        ("accessibility", concept.accessibility),
    )
    return [Unmet("concept_section_missing", {"section": n}) for n, v in checks if not v]


@guard
def concept_resourced(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R15 and R3: staff and time are planned; external moderation states selection and money."""
    concept = case.concept_draft
    if concept is None:
        return [Unmet("concept_missing")]
    budget = concept.budget
    checks = [("budget.staff", budget.staff), ("budget.time", budget.time)]
    if budget.external_moderation:
        checks += [
            ("budget.moderation_selection", budget.moderation_selection),
            ("budget.moderation_financing", budget.moderation_financing),
        ]
    return [Unmet("concept_section_missing", {"section": n}) for n, v in checks if not v]


@guard
def concept_published(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R5 and R1: the concept is published as it stands, naming today's lead and deputy."""
    version = case.published_concept
    if version is None:
        return [Unmet("concept_not_published")]
    unmet = []
    if case.concept_draft is not None and case.concept_draft != version.concept:
        unmet.append(Unmet("concept_unpublished_changes"))
    if version.lead is None or version.deputy is None or (version.lead, version.deputy) != (
            case.lead, case.deputy):
        unmet.append(Unmet("concept_contacts_missing"))
    return unmet


@guard
def concept_comment_period_ended(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R5: the public comment period on the concept has ended (it is fixed when the concept
    is first published; anyone may comment on it until then)."""
    end = concept_comments_end(case, ctx.rules)
    if end is None or ctx.now >= end:
        return []
    return [Unmet("concept_comment_period_open", {"deadline": end})]


def _unanswered(case: Case, target: str) -> list[Unmet]:
    open_ = [s.number for s in case.suggestions if s.target == target and s.answer is None]
    if not open_:
        return []
    numbers = ", ".join(str(n) for n in open_)
    return [Unmet("suggestions_unanswered", {"count": len(open_), "target": target,
                                             "numbers": numbers})]


@guard
def concept_suggestions_answered(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R5: every suggestion on the concept has an answer."""
    return _unanswered(case, "concept")


@guard
def all_suggestions_answered(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R5 and R8: every suggestion, on the concept and on the interim results, is answered."""
    return _unanswered(case, "concept") + _unanswered(case, "interim_results")


@guard
def pre_report_published(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R9: a pre-report is published before the dialogue."""
    return [] if case.pre_report else [Unmet("pre_report_missing")]


@guard
def dialogue_activities_recorded(case: Case, ctx: GuardContext) -> list[Unmet]:
    """The dialogue activities of the current round are recorded, and one has taken place:
    an activity counts from its day on, not while it is still ahead."""
    days = sorted(a.on for a in case.activities if a.round == case.dialogue_round)
    if not days:
        return [Unmet("activities_missing", {"round": case.dialogue_round})]
    if days[0] > today(ctx):
        return [Unmet("activities_not_yet_held", {"round": case.dialogue_round,
                                                  "first": days[0]})]
    return []


def today(ctx: GuardContext):
    """The day of ``ctx.now`` in Hannover."""
    return ctx.now.astimezone(BERLIN).date()


@guard
def interim_results_published(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R8: this round's interim results are published with deadline, when, where and who."""
    if case.current_interim_results() is None:
        return [Unmet("interim_results_missing", {"round": case.dialogue_round})]
    return []


@guard
def comment_deadline_passed(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R8: the comment deadline on this round's interim results has passed."""
    results = case.current_interim_results()
    if results is None or results.comment_deadline <= ctx.now:
        return []
    return [Unmet("comment_deadline_open", {"deadline": results.comment_deadline})]


@guard
def decision_by_named_makers(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R10: the decision is recorded and taken by a decision-maker named in the concept."""
    decision = case.decision
    if decision is None:
        return [Unmet("decision_missing")]
    version = case.published_concept
    makers = version.concept.decision_makers if version else []
    if decision.decided_by not in makers:
        return [Unmet("decision_maker_not_named",
                      {"decided_by": decision.decided_by, "makers": ", ".join(makers) or "-"})]
    return []


@guard
def decision_dated(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R10: the decision is dated when it was taken: not in the future, and not before the
    interim results it decides on were published."""
    decision = case.decision
    if decision is None:
        return [Unmet("decision_missing")]
    if decision.decided_on > today(ctx):
        return [Unmet("decision_in_future", {"decided_on": decision.decided_on})]
    results = case.interim_results[-1] if case.interim_results else None
    if results and decision.decided_on < results.published_at.astimezone(BERLIN).date():
        return [Unmet("decision_before_interim_results",
                      {"decided_on": decision.decided_on, "published": results.published_at})]
    return []


@guard
def deviation_justified(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R10: a decision that departs from the results carries a published justification."""
    decision = case.decision
    if decision is None:
        return [Unmet("decision_missing")]
    unmet = []
    if not decision.follows_results and not decision.justification.strip():
        unmet.append(Unmet("deviation_unjustified"))
    if decision.published_at is None:
        unmet.append(Unmet("decision_unpublished"))
    return unmet


@guard
def implementation_responsible_named(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R10: responsibility for implementation and next steps is named."""
    decision = case.decision
    if decision is None or not decision.implementation_responsible.strip():
        return [Unmet("implementation_unassigned")]
    return []


@guard
def post_report_published(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R9: a post-report is published after the decision."""
    return [] if case.post_report else [Unmet("post_report_missing")]


@guard
def every_goal_evaluated(case: Case, ctx: GuardContext) -> list[Unmet]:
    """R11: every SMART goal of the published concept has an evaluation."""
    version = case.published_concept
    goals = version.concept.goals if version else []
    return [Unmet("goal_not_evaluated", {"goal": g.id}) for g in goals
            if g.id not in case.evaluation.goals]


@guard
def reason_given(case: Case, ctx: GuardContext) -> list[Unmet]:
    """Cancelling or pausing needs a reason that the audit trail keeps."""
    return [] if ctx.reason.strip() else [Unmet("reason_missing")]
