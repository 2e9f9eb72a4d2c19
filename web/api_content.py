"""The API routes for what a lead enters (``web.api`` holds the process routes): the
Begleitgruppe, the concept, suggestions, reports, dialogue activities, interim results, the
decision, the evaluation and deadlines of one's own.

Each route calls one use case as the token's owner and answers the process as plain data
with its next steps (``view``); a deadline route answers the deadline.
Import rule: ``states``, ``workflow`` and FastAPI/pydantic.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request

from ..states.case import Case, Decision, Member
from ..states.codec import to_plain
from ..states.errors import NotFound
from ..states.personal import shown
from ..workflow import content, deadlines, outcome
from ..workflow.concept_file import concept_from_plain
from ..workflow.core import Env
from .api_models import (
    ID_MAX,
    WRITE,
    ActivityBody,
    AnswerBody,
    DeadlineBody,
    DeadlineOut,
    DecisionBody,
    InterimBody,
    Me,
    MemberBody,
    NoteBody,
    ProcessId,
    ProcessView,
    RatingBody,
    RequesterBody,
    SuggestionBody,
    TextBody,
)

Number = Annotated[int, Path(ge=1, le=ID_MAX, description="the suggestion's number")]
Kind = Annotated[str, Path(max_length=10, description="'pre' or 'post'")]
GoalId = Annotated[str, Path(max_length=100, description="a goal's id in the concept")]
ConceptPlain = Annotated[dict[str, Any], Body(
    description="the concept draft: the fields of 'concept show --json' (goal dates as "
                "YYYY-MM-DD); what is missing is named by the next steps, not refused")]


def view(env: Env, case: Case, language: str) -> dict[str, Any]:
    """The case as plain data with ``next``: each possible step, whether it is allowed now
    and every condition it still lacks (the shape of ``process show --json``)."""
    options = env.lifecycle.options(case, env.context())
    return shown(to_plain(case)) | {"next": [
        {"trigger": v.transition.trigger, "to": v.transition.dest, "allowed": v.allowed,
         "unmet": [{"code": u.code, "text": u.text(language)} for u in v.unmet]}
        for v in options]}


def add_routes(routes: APIRouter, env: Env) -> None:
    """Add the routes to ``routes`` (which has the ``/api/v1`` prefix)."""
    _concept(routes, env)
    _suggestions(routes, env)
    _outcome(routes, env)
    _decision(routes, env)
    _deadlines(routes, env)


def _concept(routes: APIRouter, env: Env) -> None:
    @routes.put("/processes/{process_id}/begleitgruppe", response_model=ProcessView,
                responses=WRITE)
    def requested_by(me: Me, process_id: ProcessId, body: RequesterBody, request: Request):
        """Record who asked for the Projektbegleitgruppe: department, residents, politics
        or committee (R2)."""
        case = content.set_begleitgruppe_requester(env, me.email, process_id,
                                                   body.requested_by)
        return view(env, case, request.state.lang)

    @routes.post("/processes/{process_id}/begleitgruppe/members", status_code=201,
                 response_model=ProcessView, responses=WRITE)
    def add_member(me: Me, process_id: ProcessId, body: MemberBody, request: Request):
        """Add a member to the Projektbegleitgruppe (``kind``: internal or external;
        ``email``: an optional contact address, shown to staff only)."""
        case = content.add_member(env, me.email, process_id,
                                  Member(body.name, body.organisation, body.kind, body.email))
        return view(env, case, request.state.lang)

    @routes.put("/processes/{process_id}/concept", response_model=ProcessView,
                responses=WRITE)
    def put_concept(me: Me, process_id: ProcessId, body: ConceptPlain, request: Request):
        """Replace the concept draft (publish it with ``concept/publish``)."""
        concept = concept_from_plain(body)
        case = content.load_concept(env, me.email, process_id, concept)
        return view(env, case, request.state.lang)

    @routes.post("/processes/{process_id}/concept/publish", response_model=ProcessView,
                 responses=WRITE)
    def publish_concept(me: Me, process_id: ProcessId, body: NoteBody, request: Request):
        """Publish the draft as a new version; ``note`` says what changed (needed after the
        first version)."""
        case = content.publish_concept(env, me.email, process_id, body.note)
        return view(env, case, request.state.lang)


def _suggestions(routes: APIRouter, env: Env) -> None:
    @routes.post("/processes/{process_id}/suggestions", status_code=201,
                 response_model=ProcessView, responses=WRITE)
    def add_suggestion(me: Me, process_id: ProcessId, body: SuggestionBody,
                       request: Request):
        """Record a suggestion (Anregung) ``on`` the concept or the interim results."""
        case = content.add_suggestion(env, me.email, process_id, body.on, body.text,
                                      body.author)
        return view(env, case, request.state.lang)

    @routes.post("/processes/{process_id}/suggestions/{number}/answer",
                 response_model=ProcessView, responses=WRITE)
    def answer(me: Me, process_id: ProcessId, number: Number, body: AnswerBody,
               request: Request):
        """Answer a suggestion: accepted, partly_accepted or rejected (with a
        justification)."""
        case = content.answer_suggestion(env, me.email, process_id, number, body.answer,
                                         body.justification)
        return view(env, case, request.state.lang)


def _outcome(routes: APIRouter, env: Env) -> None:
    @routes.post("/processes/{process_id}/reports/{kind}", response_model=ProcessView,
                 responses=WRITE)
    def publish_report(me: Me, process_id: ProcessId, kind: Kind, body: TextBody,
                       request: Request):
        """Publish (or replace) the pre-report or the post-report."""
        case = outcome.publish_report(env, me.email, process_id, kind, body.text)
        return view(env, case, request.state.lang)

    @routes.post("/processes/{process_id}/dialogue/activities", status_code=201,
                 response_model=ProcessView, responses=WRITE)
    def add_activity(me: Me, process_id: ProcessId, body: ActivityBody, request: Request):
        """Record a dialogue activity of the current round (``mode``: online or on_site;
        ``accessibility``: what makes it accessible, published with it)."""
        case = outcome.add_activity(env, me.email, process_id, body.format, body.mode,
                                    body.on, body.place, body.accessibility)
        return view(env, case, request.state.lang)

    @routes.post("/processes/{process_id}/interim-results", status_code=201,
                 response_model=ProcessView, responses=WRITE)
    def interim(me: Me, process_id: ProcessId, body: InterimBody, request: Request):
        """Publish this round's interim results with the comment deadline and when, where
        and by whom the decision is made."""
        case = outcome.publish_interim_results(
            env, me.email, process_id, body.summary, body.comment_deadline,
            body.decision_when, body.decision_where, body.decision_by)
        return view(env, case, request.state.lang)



def _decision(routes: APIRouter, env: Env) -> None:
    @routes.put("/processes/{process_id}/decision", response_model=ProcessView,
                responses=WRITE)
    def record_decision(me: Me, process_id: ProcessId, body: DecisionBody,
                        request: Request):
        """Record (or replace) the decision; publish it with ``decision/publish``."""
        decision = Decision(body.decided_by, body.decided_on, body.summary,
                            body.follows_results, body.justification,
                            body.implementation_responsible)
        case = outcome.record_decision(env, me.email, process_id, decision)
        return view(env, case, request.state.lang)

    @routes.post("/processes/{process_id}/decision/publish", response_model=ProcessView,
                 responses=WRITE)
    def publish_decision(me: Me, process_id: ProcessId, request: Request):
        """Publish the recorded decision."""
        case = outcome.publish_decision(env, me.email, process_id)
        return view(env, case, request.state.lang)

    @routes.post("/processes/{process_id}/evaluation/goals/{goal_id}",
                 response_model=ProcessView, responses=WRITE)
    def rate_goal(me: Me, process_id: ProcessId, goal_id: GoalId, body: RatingBody,
                  request: Request):
        """Evaluate one SMART goal of the published concept: met, partly or not_met."""
        case = outcome.rate_goal(env, me.email, process_id, goal_id, body.rating,
                                 body.evidence)
        return view(env, case, request.state.lang)


def _deadlines(routes: APIRouter, env: Env) -> None:
    @routes.post("/processes/{process_id}/deadlines", status_code=201,
                 response_model=DeadlineOut, responses=WRITE)
    def add_deadline(me: Me, process_id: ProcessId, body: DeadlineBody):
        """Add a deadline of one's own (reminders as for the engine's deadlines)."""
        deadline_id = deadlines.add_deadline(env, me.email, process_id, body.title,
                                             body.due_at)
        found = [d for d in deadlines.list_deadlines(env, process_id) if d.id == deadline_id]
        if not found:  # removed between the two calls: say so rather than answer nothing
            raise NotFound(f"deadline {deadline_id} was added but is gone again")
        return to_plain(found[0])
