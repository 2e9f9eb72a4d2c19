"""Staff sub-pages for what a lead enters from the pre-report on: reports, dialogue
activities and interim results (``/intern/verfahren/{id}/ergebnisse``), the decision and the
evaluation (``…/entscheidung``).

Each POST calls one use case of ``workflow.outcome`` with the signed-in person as actor
(see ``web.staff_forms`` for the round trip). Dates come from date fields; the comment
deadline is a Hannover wall-clock time.
Import rule: ``states``, ``workflow``, ``config`` and FastAPI/Starlette (an entrypoint module).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData

from ..config.settings import WebSettings
from ..states.case import ACTIVITY_MODES, GOAL_RATINGS, Case, Decision
from ..workflow import outcome
from ..workflow.core import Env
from .outcome_texts import ENTSCHEIDUNG, ERGEBNISSE
from .staff_forms import Me, Posted, SubPage, day, field, moment

DECISION_FIELDS = ("decided_by", "decided_on", "summary", "justification",
                   "implementation_responsible")


def router(env: Env, web: WebSettings) -> APIRouter:
    """The results and decision pages."""
    routes = APIRouter(include_in_schema=False)
    _ergebnisse(routes, env)
    _entscheidung(routes, env)
    return routes


def _ergebnisse(routes: APIRouter, env: Env) -> None:
    page = SubPage(env, "ergebnisse", ERGEBNISSE, lambda case, lang, values: {
        "modes": ACTIVITY_MODES}, done=("pre", "post", "activity", "interim"))
    base = "/intern/verfahren/{pid}/ergebnisse"

    @routes.get(base)
    def show(request: Request, pid: int, me: Me, done: str | None = None):
        return page.show(request, me, pid, done=done)

    @routes.post(base + "/bericht")
    def report(request: Request, pid: int, me: Me,
               form: Posted):
        kind = field(form, "kind")
        return page.submit(request, me, pid, form, lambda: outcome.publish_report(
            env, me.email, pid, kind, field(form, "text")),
            kind if kind in ("pre", "post") else "pre")

    @routes.post(base + "/aktivitaet")
    def activity(request: Request, pid: int, me: Me,
                 form: Posted):
        return page.submit(request, me, pid, form, lambda: outcome.add_activity(
            env, me.email, pid, field(form, "format"), field(form, "mode"),
            day("date", field(form, "on")), field(form, "place"),
            field(form, "accessibility")), "activity")

    @routes.post(base + "/zwischenergebnisse")
    def interim(request: Request, pid: int, me: Me,
                form: Posted):
        return page.submit(request, me, pid, form, lambda: outcome.publish_interim_results(
            env, me.email, pid, field(form, "summary"),
            moment("comment-deadline", field(form, "comment_deadline")),
            field(form, "decision_when"), field(form, "decision_where"),
            field(form, "decision_by")), "interim")


def _entscheidung(routes: APIRouter, env: Env) -> None:
    page = SubPage(env, "entscheidung", ENTSCHEIDUNG, _decision_context,
                   done=("recorded", "published", "rated", "lessons"))
    base = "/intern/verfahren/{pid}/entscheidung"

    @routes.get(base)
    def show(request: Request, pid: int, me: Me, done: str | None = None):
        return page.show(request, me, pid, done=done)

    @routes.post(base)
    def record(request: Request, pid: int, me: Me,
               form: Posted):
        def decision() -> Decision:
            return Decision(field(form, "decided_by").strip(),
                            day("decided-on", field(form, "decided_on")),
                            field(form, "summary").strip(),
                            form.get("follows_results") is not None,
                            field(form, "justification").strip(),
                            field(form, "implementation_responsible").strip())

        return page.submit(request, me, pid, form, lambda: outcome.record_decision(
            env, me.email, pid, decision()), "recorded",
            lambda: {"decision": _entered(form)})

    @routes.post(base + "/veroeffentlichen")
    def publish(request: Request, pid: int, me: Me,
                form: Posted):
        return page.submit(request, me, pid, form, lambda: outcome.publish_decision(
            env, me.email, pid), "published")

    @routes.post(base + "/ziel")
    def rate(request: Request, pid: int, me: Me,
             form: Posted):
        return page.submit(request, me, pid, form, lambda: outcome.rate_goal(
            env, me.email, pid, field(form, "goal"), field(form, "rating"),
            field(form, "evidence")), "rated")

    @routes.post(base + "/erkenntnisse")
    def lessons(request: Request, pid: int, me: Me,
                form: Posted):
        return page.submit(request, me, pid, form, lambda: outcome.record_lessons(
            env, me.email, pid, field(form, "lessons")), "lessons")


def _entered(form: FormData) -> dict[str, Any]:
    entered: dict[str, Any] = {name: field(form, name) for name in DECISION_FIELDS}
    return entered | {"follows_results": form.get("follows_results") is not None}


def _decision_context(case: Case, lang: str, values: dict[str, Any]) -> dict[str, Any]:
    stored = case.decision
    shown = values.get("decision") or (
        {name: str(getattr(stored, name) or "") for name in DECISION_FIELDS}
        | {"follows_results": stored.follows_results} if stored
        else dict.fromkeys(DECISION_FIELDS, "") | {"follows_results": True})
    version = case.published_concept
    return {"ratings": GOAL_RATINGS, "decision_form": shown,
            "goals": version.concept.goals if version else [],
            "decision_makers": version.concept.decision_makers if version else []}
