"""The JSON API under ``/api/v1`` for scripts and other systems, with personal tokens.

Every route needs ``Authorization: Bearer <token>`` (``beteiligung token create``; a session
cookie does not count) and acts as the token's owner: the same use cases as the command line
and the staff pages, with the same permission rules, decided by ``workflow``. Errors come from
the one error tree (``web.errors``): 400 bad input, 401 no valid token, 403 not permitted,
404 not found, 409 changed meanwhile, 422 a refused step with every unmet condition.

This module holds the process routes (list, read, create, edit, advance) and the outbox of the
coordinators; ``web.api_content`` those for what a lead enters.
Import rule: ``states``, ``workflow``, ``config`` and FastAPI/pydantic.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from ..config.settings import WebSettings
from ..states.codec import to_plain
from ..workflow import accounts, outbox, process, staff
from ..workflow.audit import iter_timeline
from ..workflow.core import Env
from . import api_content
from .api_content import view
from .api_models import (
    ID_MAX,
    LIST,
    OUTBOX,
    READ,
    REFUSED,
    WRITE,
    AdvanceBody,
    Advanced,
    DeadlineOut,
    DepartmentOut,
    HistoryEvent,
    Me,
    OutboxMessage,
    ProcessCreate,
    ProcessEdit,
    ProcessId,
    ProcessSummary,
    ProcessView,
    Retried,
)


def router(env: Env, web: WebSettings) -> APIRouter:
    """The routes of the API (``web.app`` includes them when this module exists)."""
    routes = APIRouter(prefix="/api/v1", tags=["processes"])
    _reads(routes, env)
    _writes(routes, env)
    _outbox(routes, env)
    api_content.add_routes(routes, env)
    return routes


def _reads(routes: APIRouter, env: Env) -> None:
    @routes.get("/processes", response_model=list[ProcessSummary], responses=LIST)
    def list_processes(me: Me, phase: Annotated[str | None, Query(max_length=100)] = None):
        """The processes the caller may see: all for a coordinator, else those they lead or
        deputise; ``phase`` keeps only those in one phase."""
        return [to_plain(s) for s in staff.visible_processes(env, me, phase)]

    @routes.get("/departments", response_model=list[DepartmentOut], responses=LIST)
    def departments(me: Me):
        """The register of departments: a process's ``department`` names one of them (by
        code, ``FB 67``, name or label); its directorate follows from it."""
        return [to_plain(d) | {"label": d.label} for d in env.departments]

    @routes.get("/processes/{process_id}", response_model=ProcessView, responses=READ)
    def show(me: Me, process_id: ProcessId, request: Request):
        """One process and what each possible next step still lacks."""
        page = staff.process_page(env, me, process_id)
        return view(env, page.case, request.state.lang)

    @routes.get("/processes/{process_id}/history", response_model=list[HistoryEvent],
                responses=READ)
    def history(me: Me, process_id: ProcessId):
        """The audit trail, oldest first (refusals included)."""
        return list(iter_timeline(staff.process_page(env, me, process_id).events))

    @routes.get("/processes/{process_id}/deadlines", response_model=list[DeadlineOut],
                responses=READ)
    def deadlines(me: Me, process_id: ProcessId):
        """Every deadline of the process, open and closed."""
        page = staff.process_page(env, me, process_id)
        return [to_plain(d) for d in page.deadlines]


def _writes(routes: APIRouter, env: Env) -> None:
    @routes.post("/processes", status_code=201, response_model=ProcessView, responses=WRITE)
    def create(me: Me, body: ProcessCreate, request: Request):
        """Create a process in its first phase; name yourself as lead or deputy (a
        coordinator may create any)."""
        data = process.ProcessInput(
            body.title, body.subject, body.department, body.directorate,
            tuple(body.districts), body.origin,
            body.lead.person() if body.lead is not None else None,
            body.deputy.person() if body.deputy is not None else None)
        case = process.create_process(env, me.email, data,
                                      confirm_duplicate=body.confirm_duplicate)
        return view(env, case, request.state.lang)

    @routes.patch("/processes/{process_id}", response_model=ProcessView, responses=WRITE)
    def edit(me: Me, process_id: ProcessId, body: ProcessEdit, request: Request):
        """Change the basic data; fields left out stay as they are."""
        changes: dict[str, Any] = body.model_dump(exclude_none=True, exclude={"lead", "deputy"})
        if "districts" in changes:
            changes["districts"] = tuple(changes["districts"])
        for role in ("lead", "deputy"):
            person = getattr(body, role)
            if person is not None:
                changes[role] = person.person()
        case = process.edit_process(env, me.email, process_id, changes)
        return view(env, case, request.state.lang)

    @routes.post("/processes/{process_id}/advance", response_model=Advanced,
                 responses=WRITE | REFUSED)
    def advance(me: Me, process_id: ProcessId, body: AdvanceBody):
        """Take a step (``trigger``) if every condition holds; else 422 with each unmet one
        (the refusal is kept in the audit trail)."""
        case = process.advance(env, me.email, process_id, body.trigger, body.reason)
        return {"id": case.id, "phase": case.phase}


def _outbox(routes: APIRouter, env: Env) -> None:
    @routes.get("/outbox", response_model=list[OutboxMessage], responses=OUTBOX,
                tags=["outbox"])
    def messages(me: Me, status: Annotated[str | None, Query(max_length=20)] = None,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 100):
        """The newest e-mails of the outbox, optionally of one ``status`` (coordinators)."""
        accounts.require_coordinator(env, me.email, "read the outbox")
        return [_message(e) for e in outbox.list_messages(env, status, limit)]

    @routes.post("/outbox/{message_id}/retry", response_model=Retried, responses=WRITE,
                 tags=["outbox"])
    def retry(me: Me, message_id: Annotated[int, Path(ge=1, le=ID_MAX)]):
        """Queue a failed e-mail again (coordinators)."""
        outbox.retry_message(env, me.email, message_id)
        return {"id": message_id, "status": "queued"}


def _message(entry) -> dict[str, Any]:
    m = entry.message
    return {"id": entry.id, "status": entry.status, "kind": m.kind, "to": m.to, "cc": m.cc,
            "subject": m.subject, "process_id": m.process_id, "attempts": entry.attempts,
            "next_attempt_at": entry.next_attempt_at, "last_error": entry.last_error,
            "created_at": entry.created_at, "sent_at": entry.sent_at}
