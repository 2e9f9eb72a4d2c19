"""Use cases for what a lead enters from the pre-report on: reports, dialogue activities,
interim results, the decision and the evaluation.

Each is one call of ``core.change``, like those of ``workflow.content``.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from ..states.case import (
    ACTIVITY_MODES,
    GOAL_RATINGS,
    Activity,
    Case,
    Decision,
    GoalEvaluation,
    InterimResults,
    Report,
)
from ..states.codec import to_plain
from ..states.errors import BadInput, NotFound
from ..states.guards import GUARDS
from ..states.limits import visible
from .content import need, phase_in
from .core import Env, change


def publish_report(env: Env, actor: str, pid: int, kind: str, text: str) -> Case:
    """Publish the pre-report (before the dialogue) or the post-report (after the decision)."""
    phases = {"pre": ("pre_reporting",), "post": ("decision",)}
    if kind not in phases:
        raise BadInput(f"report kind: {kind!r} is not 'pre' or 'post'")
    text = need("text", text)

    def apply(case: Case) -> dict[str, Any]:
        phase_in(case, phases[kind], f"the {kind}-report")
        report = Report(text, env.clock())
        setattr(case, f"{kind}_report", report)
        return {"kind": kind, "text": text}

    return change(env, actor, pid, f"{kind}_report_published", apply)


def add_activity(env: Env, actor: str, pid: int, fmt: str, mode: str, on: date,
                 place: str, accessibility: str = "") -> Case:
    """Record a dialogue activity of the current round (published at once, with what makes
    it accessible, if given)."""
    fmt = need("format", fmt)
    place = need("place", place)
    if mode not in ACTIVITY_MODES:
        raise BadInput(f"mode: {mode!r} is not one of {', '.join(ACTIVITY_MODES)}")
    accessibility = accessibility.strip()

    def apply(case: Case) -> dict[str, Any]:
        phase_in(case, ("dialogue",), "a dialogue activity")
        activity = Activity(case.dialogue_round, fmt, mode, on, place, accessibility)
        case.activities.append(activity)
        return {"activity": to_plain(activity)}

    return change(env, actor, pid, "dialogue_activity_recorded", apply)


def publish_interim_results(env: Env, actor: str, pid: int, summary: str,
                            comment_deadline: datetime, decision_when: str,
                            decision_where: str, decision_by: str) -> Case:
    """Publish this round's interim results with comment deadline and the decision's timeline."""
    summary = need("summary", summary)
    fields = {"decision-when": decision_when, "decision-where": decision_where,
              "decision-by": decision_by}
    when, where, by = (need(k, v) for k, v in fields.items())
    if comment_deadline.tzinfo is None:
        raise BadInput("comment-deadline: give a time zone (the command line assumes "
                       "Europe/Berlin)")

    def apply(case: Case) -> dict[str, Any]:
        phase_in(case, ("interim_results",), "publishing interim results")
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
    """Record the decision (R10): taken by a decision-maker named in the published concept,
    dated neither in the future nor before the interim results; publish it separately with
    ``publish_decision``. A decision that is already published stays published: recording it
    again publishes the correction at once (the trail keeps both)."""
    need("decided-by", decision.decided_by)
    need("summary", decision.summary)
    if not decision.follows_results and not visible(decision.justification):
        raise BadInput("justification: a decision that departs from the results needs one")

    def apply(case: Case) -> dict[str, Any]:
        phase_in(case, ("decision",), "recording the decision")
        previous = case.decision
        case.decision = replace(decision, published_at=None)
        check_decision(env, case)
        payload: dict[str, Any] = {"decision": to_plain(case.decision)}
        if previous is not None and previous.published_at is not None:
            case.decision.published_at = env.clock()
            payload["corrects_decision_published_at"] = to_plain(previous.published_at)
        return payload

    return change(env, actor, pid, "decision_recorded", apply)


# What the step after the decision requires of the decision itself (its publication aside).
DECISION_GUARDS = ("decision_by_named_makers", "decision_dated", "deviation_justified")


def check_decision(env: Env, case: Case) -> None:
    """``BadInput`` with every reason the step after the decision would refuse it for, so
    that a wrong decision is neither recorded nor published."""
    ctx = env.context()
    unmet = [u for name in DECISION_GUARDS for u in GUARDS[name](case, ctx)
             if u.code != "decision_unpublished"]
    if unmet:
        raise BadInput(texts={lang: " ".join(dict.fromkeys(u.text(lang) for u in unmet))
                              for lang in ("de", "en")})


def publish_decision(env: Env, actor: str, pid: int) -> Case:
    """Publish the recorded decision with its justification, if the next step would take it."""
    def apply(case: Case) -> dict[str, Any]:
        phase_in(case, ("decision",), "publishing the decision")
        if case.decision is None:
            raise BadInput(f"process {case.id} has no decision recorded yet")
        check_decision(env, case)
        case.decision.published_at = env.clock()
        return {"published": True}

    return change(env, actor, pid, "decision_published", apply)


def rate_goal(env: Env, actor: str, pid: int, goal_id: str, rating: str, evidence: str) -> Case:
    """Evaluate one SMART goal of the published concept (R11)."""
    if rating not in GOAL_RATINGS:
        raise BadInput(f"rating: {rating!r} is not one of {', '.join(GOAL_RATINGS)}")
    evidence = need("evidence", evidence)

    def apply(case: Case) -> dict[str, Any]:
        phase_in(case, ("evaluation",), "the evaluation")
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
    text = need("text", text)

    def apply(case: Case) -> dict[str, Any]:
        phase_in(case, ("evaluation",), "the evaluation")
        case.evaluation.lessons_learned = text
        return {"lessons_learned": text}

    return change(env, actor, pid, "lessons_recorded", apply)
