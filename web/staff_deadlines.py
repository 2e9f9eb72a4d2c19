"""The deadline forms of the process page: add a deadline of one's own, move one, waive one.

- ``POST /intern/verfahren/{id}/fristen`` (title, due),
- ``POST /intern/verfahren/{id}/fristen/{deadline}/verschieben`` (due, reason),
- ``POST /intern/verfahren/{id}/fristen/{deadline}/entfallen`` (reason).

``due`` comes from a ``datetime-local`` field and means Hannover's wall clock. A refused form
shows the process page again with its reason (400); success redirects back with a
confirmation. The use cases in ``workflow.deadlines`` decide who may (403 for anyone else).
Import rule: ``states``, ``workflow``, the sibling ``web`` modules and FastAPI.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..states.errors import BadInput
from ..workflow import deadlines
from ..workflow.core import Env
from ..workflow.sessions import Identity
from . import staff_page
from .auth import check_csrf
from .staff_page import Field, Me

BASE = "/intern/verfahren/{process_id}/fristen"


def register(routes: APIRouter, env: Env) -> None:
    """Add the deadline routes to the staff router."""

    @routes.post(BASE, response_class=HTMLResponse)
    def add(request: Request, me: Me, process_id: int, title: Field = "", due: Field = "",
            csrf: Field = ""):
        check_csrf(request, csrf)
        return _attempt(request, env, me, process_id, "deadline_added", lambda: (
            deadlines.add_deadline(env, me.email, process_id, title,
                                   staff_page.parse_local("due", due))))

    @routes.post(BASE + "/{deadline_id}/verschieben", response_class=HTMLResponse)
    def move(request: Request, me: Me, process_id: int, deadline_id: int, due: Field = "",
             reason: Field = "", csrf: Field = ""):
        check_csrf(request, csrf)
        return _attempt(request, env, me, process_id, "deadline_moved", lambda: (
            deadlines.move_deadline(env, me.email, process_id, deadline_id,
                                    staff_page.parse_local("due", due), reason)))

    @routes.post(BASE + "/{deadline_id}/entfallen", response_class=HTMLResponse)
    def waive(request: Request, me: Me, process_id: int, deadline_id: int, reason: Field = "",
              csrf: Field = ""):
        check_csrf(request, csrf)
        return _attempt(request, env, me, process_id, "deadline_waived", lambda: (
            deadlines.waive_deadline(env, me.email, process_id, deadline_id, reason)))


def _attempt(request: Request, env: Env, me: Identity, process_id: int, done: str,
             command: Callable[[], object]):
    """Run ``command``; on ``BadInput`` show the process page with the reason (the page
    itself refuses anyone who may not see the process)."""
    try:
        command()
    except BadInput as error:
        return staff_page.show(request, env, me, process_id, status=400,
                               error=error.text(request.state.lang))
    return RedirectResponse(f"/intern/verfahren/{process_id}?ok={done}",
                            status_code=303)
