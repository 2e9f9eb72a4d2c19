"""Use cases for what a lead enters along the way: Begleitgruppe, concept, suggestions,
reports, dialogue activities, interim results, decision and evaluation.

Each is one call of ``core.change``: it validates, mutates the case and returns the payload
that the audit event keeps.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from ..states.case import (
    ACTIVITY_MODES,
    ANSWERS,
    GOAL_RATINGS,
    MEMBER_KINDS,
    REQUESTERS,
    SUGGESTION_TARGETS,
    Activity,
    Case,
    Concept,
    ConceptVersion,
    Decision,
    GoalEvaluation,
    InterimResults,
    Member,
    Report,
    Suggestion,
)
from ..states.codec import to_plain
from ..states.errors import BadInput, NotFound
from .core import Env, change


def _need(field: str, value: str) -> str:
    if not value or not value.strip():
        raise BadInput(f"{field}: must not be empty")
    return value.strip()


def _phase_in(case: Case, phases: tuple[str, ...], what: str) -> None:
    """Refuse unless the case is (or, on hold, was paused) in one of ``phases``."""
    phase = case.paused_phase or case.phase
    if phase not in phases:
        raise BadInput(f"{what} is possible only in phase {' or '.join(phases)}; "
                       f"process {case.id} is in phase '{case.phase}'")


# R2: the concept is drafted only once the Begleitgruppe is installed.
CONCEPT_PHASES = ("concept", "pre_reporting", "dialogue", "interim_results", "decision",
                  "evaluation")


def set_begleitgruppe_requester(env: Env, actor: str, pid: int, requested_by: str) -> Case:
    """Record who asked for the Projektbegleitgruppe (R2)."""
    if requested_by not in REQUESTERS:
        raise BadInput(f"requested-by: {requested_by!r} is not one of {', '.join(REQUESTERS)}")

    def apply(case: Case) -> dict[str, Any]:
        before = case.begleitgruppe.requested_by
        case.begleitgruppe.requested_by = requested_by
        return {"requested_by": {"from": before, "to": requested_by}}

    return change(env, actor, pid, "begleitgruppe_requester_set", apply)


def add_member(env: Env, actor: str, pid: int, member: Member) -> Case:
    """Add a member to the Projektbegleitgruppe."""
    _need("name", member.name)
    _need("organisation", member.organisation)
    if member.kind not in MEMBER_KINDS:
        raise BadInput(f"kind: {member.kind!r} is not one of {', '.join(MEMBER_KINDS)}")

    def apply(case: Case) -> dict[str, Any]:
        if any(m.name == member.name for m in case.begleitgruppe.members):
            raise BadInput(f"name: {member.name!r} is already a member")
        case.begleitgruppe.members.append(member)
        return {"member": to_plain(member)}

    return change(env, actor, pid, "begleitgruppe_member_added", apply)


def remove_member(env: Env, actor: str, pid: int, name: str) -> Case:
    """Remove a member of the Projektbegleitgruppe by name."""
    def apply(case: Case) -> dict[str, Any]:
        members = case.begleitgruppe.members
        kept = [m for m in members if m.name != name]
        if len(kept) == len(members):
            raise NotFound(f"no member named {name!r} in process {case.id}")
        case.begleitgruppe.members = kept
        return {"member": name}

    return change(env, actor, pid, "begleitgruppe_member_removed", apply)


def add_project_department(env: Env, actor: str, pid: int, department: str) -> Case:
    """Add a department to the interdisciplinary project group."""
    department = _need("department", department)

    def apply(case: Case) -> dict[str, Any]:
        if department in case.project_group:
            raise BadInput(f"department: {department!r} is already in the project group")
        case.project_group.append(department)
        return {"department": department}

    return change(env, actor, pid, "project_group_department_added", apply)


def load_concept(env: Env, actor: str, pid: int, concept: Concept,
                 publish_note: str | None = None) -> Case:
    """Replace the concept draft; with ``publish_note``, publish it as a new version at once."""
    def apply(case: Case) -> dict[str, Any]:
        _phase_in(case, CONCEPT_PHASES, "the concept")
        _keep_fixed_parts(case, concept)
        case.concept_draft = concept
        payload: dict[str, Any] = {"concept": to_plain(concept)}
        if publish_note is not None:
            payload["published_version"] = _publish(env, case, publish_note)
        return payload

    return change(env, actor, pid, "concept_loaded", apply)


# Once residents take part, what the participation is measured by (R4) and who decides (R10)
# must not be rewritten to fit the outcome.
FIXED_FROM = ("dialogue", "interim_results", "decision", "evaluation")


def _keep_fixed_parts(case: Case, concept: Concept) -> None:
    published = case.published_concept
    if published is None or (case.paused_phase or case.phase) not in FIXED_FROM:
        return
    for part in ("goals", "decision_makers"):
        if getattr(concept, part) != getattr(published.concept, part):
            raise BadInput(f"{part}: fixed since the dialogue opened (rules R4 and R10); "
                           f"keep them as in concept version {published.number}")


def publish_concept(env: Env, actor: str, pid: int, note: str = "") -> Case:
    """Publish the concept draft as a new version with a note of what changed (R5)."""
    def apply(case: Case) -> dict[str, Any]:
        _phase_in(case, CONCEPT_PHASES, "publishing the concept")
        return {"version": _publish(env, case, note)}

    return change(env, actor, pid, "concept_published", apply)


def _publish(env: Env, case: Case, note: str) -> int:
    if case.concept_draft is None:
        raise BadInput(f"process {case.id} has no concept yet: load one with 'concept load'")
    latest = case.published_concept
    if latest is not None:
        if latest.concept == case.concept_draft and (latest.lead, latest.deputy) == (
                case.lead, case.deputy):
            raise BadInput(f"nothing to publish: version {latest.number} is the current concept")
        _need("note (what changed since the last version)", note)
    number = latest.number + 1 if latest else 1
    case.concept_versions.append(ConceptVersion(
        number, env.clock(), note.strip() or "Erstveröffentlichung",
        copy.deepcopy(case.concept_draft), case.lead, case.deputy))
    return number


def add_suggestion(env: Env, actor: str, pid: int, target: str, text: str,
                   author: str = "") -> Case:
    """Record a suggestion (Anregung) on the concept or on the current interim results."""
    if target not in SUGGESTION_TARGETS:
        raise BadInput(f"on: {target!r} is not one of {', '.join(SUGGESTION_TARGETS)}")
    text = _need("text", text)

    def apply(case: Case) -> dict[str, Any]:
        now = env.clock()
        if target == "concept":
            if case.published_concept is None:
                raise BadInput("the concept is not published yet: there is nothing to comment on")
            _phase_in(case, ("concept", "pre_reporting", "dialogue", "interim_results"),
                      "a suggestion on the concept")
        else:
            results = case.current_interim_results()
            if (case.paused_phase or case.phase) != "interim_results" or results is None:
                raise BadInput("no interim results are open for comments in this phase")
            if now > results.comment_deadline:
                raise BadInput("the comment period on the interim results has ended")
        number = max((s.number for s in case.suggestions), default=0) + 1
        case.suggestions.append(Suggestion(number, target, text, now, author.strip()))
        return {"number": number, "on": target, "text": text, "author": author.strip()}

    return change(env, actor, pid, "suggestion_received", apply)


def answer_suggestion(env: Env, actor: str, pid: int, number: int, answer: str,
                      justification: str = "") -> Case:
    """Answer a suggestion: accepted, partly accepted or rejected (with a justification)."""
    if answer not in ANSWERS:
        raise BadInput(f"answer: {answer!r} is not one of {', '.join(ANSWERS)}")
    if answer == "rejected" and not justification.strip():
        raise BadInput("justification: a rejected suggestion needs a published justification")

    def apply(case: Case) -> dict[str, Any]:
        item = case.suggestion(number)
        if item is None:
            raise NotFound(f"process {case.id} has no suggestion number {number}")
        before = item.answer
        item.answer, item.justification = answer, justification.strip()
        item.answered_at = env.clock()
        return {"number": number, "answer": {"from": before, "to": answer},
                "justification": item.justification}

    return change(env, actor, pid, "suggestion_answered", apply)


def publish_report(env: Env, actor: str, pid: int, kind: str, text: str) -> Case:
    """Publish the pre-report (before the dialogue) or the post-report (after the decision)."""
    phases = {"pre": ("pre_reporting",), "post": ("decision",)}
    if kind not in phases:
        raise BadInput(f"report kind: {kind!r} is not 'pre' or 'post'")
    text = _need("text", text)

    def apply(case: Case) -> dict[str, Any]:
        _phase_in(case, phases[kind], f"the {kind}-report")
        report = Report(text, env.clock())
        setattr(case, f"{kind}_report", report)
        return {"kind": kind, "text": text}

    return change(env, actor, pid, f"{kind}_report_published", apply)


def add_activity(env: Env, actor: str, pid: int, fmt: str, mode: str, on: date,
                 place: str) -> Case:
    """Record a dialogue activity of the current round."""
    fmt = _need("format", fmt)
    place = _need("place", place)
    if mode not in ACTIVITY_MODES:
        raise BadInput(f"mode: {mode!r} is not one of {', '.join(ACTIVITY_MODES)}")

    def apply(case: Case) -> dict[str, Any]:
        _phase_in(case, ("dialogue",), "a dialogue activity")
        activity = Activity(case.dialogue_round, fmt, mode, on, place)
        case.activities.append(activity)
        return {"activity": to_plain(activity)}

    return change(env, actor, pid, "dialogue_activity_recorded", apply)


def publish_interim_results(env: Env, actor: str, pid: int, summary: str,
                            comment_deadline: datetime, decision_when: str,
                            decision_where: str, decision_by: str) -> Case:
    """Publish this round's interim results with comment deadline and the decision's timeline."""
    summary = _need("summary", summary)
    fields = {"decision-when": decision_when, "decision-where": decision_where,
              "decision-by": decision_by}
    when, where, by = (_need(k, v) for k, v in fields.items())
    if comment_deadline.tzinfo is None:
        raise BadInput("comment-deadline: give a time zone (the command line assumes "
                       "Europe/Berlin)")

    def apply(case: Case) -> dict[str, Any]:
        _phase_in(case, ("interim_results",), "publishing interim results")
        now = env.clock()
        if comment_deadline <= now:
            raise BadInput("comment-deadline: must lie in the future")
        if case.current_interim_results() is not None:
            raise BadInput(f"the interim results of round {case.dialogue_round} are already "
                           "published; start another round for new ones")
        results = InterimResults(case.dialogue_round, summary, now, comment_deadline, when,
                                 where, by)
        case.interim_results.append(results)
        return {"interim_results": to_plain(results)}

    return change(env, actor, pid, "interim_results_published", apply)


def record_decision(env: Env, actor: str, pid: int, decision: Decision) -> Case:
    """Record the decision (R10); publish it separately with ``publish_decision``."""
    _need("decided-by", decision.decided_by)
    _need("summary", decision.summary)
    if not decision.follows_results and not decision.justification.strip():
        raise BadInput("justification: a decision that departs from the results needs one")

    def apply(case: Case) -> dict[str, Any]:
        _phase_in(case, ("decision",), "recording the decision")
        case.decision = replace(decision, published_at=None)
        return {"decision": to_plain(case.decision)}

    return change(env, actor, pid, "decision_recorded", apply)


def publish_decision(env: Env, actor: str, pid: int) -> Case:
    """Publish the recorded decision with its justification."""
    def apply(case: Case) -> dict[str, Any]:
        _phase_in(case, ("decision",), "publishing the decision")
        if case.decision is None:
            raise BadInput(f"process {case.id} has no decision recorded yet")
        case.decision.published_at = env.clock()
        return {"published": True}

    return change(env, actor, pid, "decision_published", apply)


def rate_goal(env: Env, actor: str, pid: int, goal_id: str, rating: str, evidence: str) -> Case:
    """Evaluate one SMART goal of the published concept (R11)."""
    if rating not in GOAL_RATINGS:
        raise BadInput(f"rating: {rating!r} is not one of {', '.join(GOAL_RATINGS)}")
    evidence = _need("evidence", evidence)

    def apply(case: Case) -> dict[str, Any]:
        _phase_in(case, ("evaluation",), "the evaluation")
        version = case.published_concept
        goals = [g.id for g in version.concept.goals] if version else []
        if goal_id not in goals:
            raise NotFound(f"goal {goal_id!r} is not in the published concept "
                           f"(goals: {', '.join(goals) or 'none'})")
        case.evaluation.goals[goal_id] = GoalEvaluation(rating, evidence)
        return {"goal": goal_id, "rating": rating, "evidence": evidence}

    return change(env, actor, pid, "goal_evaluated", apply)


def record_lessons(env: Env, actor: str, pid: int, text: str) -> Case:
    """Record the lessons learned of the evaluation."""
    text = _need("text", text)

    def apply(case: Case) -> dict[str, Any]:
        _phase_in(case, ("evaluation",), "the evaluation")
        case.evaluation.lessons_learned = text
        return {"lessons_learned": text}

    return change(env, actor, pid, "lessons_recorded", apply)
