"""The process leads' pages under ``/intern``: their processes, a new process, the page of one
process with its next steps, and the step itself.

- ``GET /intern``: the start page: the processes the signed-in person leads or deputises (a
  coordinator: all), optionally in one phase, 50 a page, each with what needs doing
  (``workflow.staff.work_list``: overdue deadlines, unanswered suggestions, the next step and
  what blocks it);
- ``GET|POST /intern/neu``: create a process; ``GET|POST /intern/verfahren/{id}/bearbeiten``:
  change its basic data (a refused form comes back with its one-line reason and the input);
- ``GET /intern/verfahren/{id}``: the process page (``web.staff_page``);
- ``POST /intern/verfahren/{id}/weiter``: take a step; a refused step shows the page again
  with every reason (422), a step taken redirects back with a confirmation. A step that
  cannot be undone (``cancel``) is taken only with ``confirmed=yes`` from its confirmation
  page (``GET …/weiter?trigger=cancel``); posted without it, the confirmation page is shown
  and nothing happens;
- the deadline forms are in ``web.staff_deadlines``, registered from here.

Who may do what is decided in ``workflow`` (``NotPermitted`` becomes a 403 page); every POST
checks the CSRF token first.
Import rule: ``states``, ``workflow``, ``config``, the sibling ``web`` modules and FastAPI.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..config.settings import WebSettings
from ..states.case import ORIGINS, Case, Person
from ..states.errors import BadInput, BeteiligungError, NotPermitted, TransitionRefused
from ..workflow import process
from ..workflow import staff as staff_views
from ..workflow.core import Env
from ..workflow.departments import DuplicateTitle
from ..workflow.links import ROUTES
from ..workflow.sessions import Identity
from . import staff_deadlines, staff_page
from .auth import check_csrf
from .pages import render
from .staff_departments import TEXTS as DEPARTMENT_TEXTS
from .staff_departments import choices
from .staff_page import Field, Me
from .staff_texts import ORIGINS as ORIGIN_WORDS
from .staff_texts import TEXTS, word

PAGE_SIZE = 50   # as the Vorhabenliste: a coordinator sees every process
FIELDS = ("title", "subject", "department", "directorate", "origin", "lead_name",
          "lead_email", "deputy_name", "deputy_email")


def process_fields(title: Field = "", subject: Field = "", department: Field = "",
                   directorate: Field = "", origin: Field = "administration",
                   lead_name: Field = "", lead_email: Field = "", deputy_name: Field = "",
                   deputy_email: Field = "",
                   districts: Annotated[list[str] | None, Form()] = None,
                   confirm_duplicate: Field = "") -> dict[str, Any]:
    """Dependency: the fields of the process form as entered."""
    return {"title": title, "subject": subject, "department": department,
            "directorate": directorate, "origin": origin, "lead_name": lead_name,
            "lead_email": lead_email, "deputy_name": deputy_name, "deputy_email": deputy_email,
            "districts": list(districts or []), "confirm_duplicate": bool(confirm_duplicate)}


Values = Annotated[dict, Depends(process_fields)]


def router(env: Env, web: WebSettings) -> APIRouter:
    """The staff routes (``/intern``)."""
    routes = APIRouter(include_in_schema=False)

    @routes.get("/intern", response_class=HTMLResponse)
    def processes(request: Request, me: Me, phase: str = "",
                  page: int = Query(1, ge=1, le=100_000)):
        chosen = phase or None
        work = staff_views.work_list(env, me, chosen, page, PAGE_SIZE)
        lang = request.state.lang
        labels = {n: p.label(lang) for n, p in env.lifecycle.definition.phases.items()}
        return render(request, "staff/list.html", texts=TEXTS, work=work, phases=labels,
                      page_size=PAGE_SIZE,
                      chosen=chosen, items=[staff_page.work_item(i, env, lang)
                                            for i in work.items],
                      previous=_list_url(chosen, page - 1) if page > 1 else None,
                      next=_list_url(chosen, page + 1) if page < work.pages else None)

    @routes.get("/intern/neu", response_class=HTMLResponse)
    def new_form(request: Request, me: Me):
        values = dict.fromkeys(FIELDS, "") | {"origin": "administration", "districts": [],
                                              "lead_name": me.name, "lead_email": me.email}
        return _form(request, env, values, "/intern/neu")

    @routes.post("/intern/neu", response_class=HTMLResponse)
    def create(request: Request, me: Me, values: Values, csrf: Field = ""):
        check_csrf(request, csrf)
        try:
            case = process.create_process(env, me.email, to_input(values),
                                          confirm_duplicate=values["confirm_duplicate"])
        except (BadInput, NotPermitted) as error:
            return _form(request, env, values, "/intern/neu", error)
        assert case.id is not None  # create_process returns the stored case
        return _back(case.id, "process_created")

    @routes.get(ROUTES["staff_process"], name="staff_process", response_class=HTMLResponse)
    def process_page(request: Request, me: Me, process_id: int):
        return staff_page.show(request, env, me, process_id)

    @routes.get("/intern/verfahren/{process_id}/weiter", response_class=HTMLResponse)
    def confirm_step(request: Request, me: Me, process_id: int, trigger: str = ""):
        case = _visible(env, me, process_id)
        if staff_page.needing_confirmation(env, case, trigger) is None:
            return RedirectResponse(f"/intern/verfahren/{process_id}", status_code=303)
        return staff_page.confirm(request, env, case, trigger)

    @routes.post("/intern/verfahren/{process_id}/weiter", response_class=HTMLResponse)
    def advance(request: Request, me: Me, process_id: int, trigger: Field = "",
                reason: Field = "", confirmed: Field = "", csrf: Field = ""):
        check_csrf(request, csrf)
        case = process.get_process(env, process_id)   # the step decides; access comes next
        final = staff_page.needing_confirmation(env, case, trigger) is not None
        if final and confirmed != "yes":
            staff_views.require_access(env, me, case)
            return staff_page.confirm(request, env, case, trigger, reason)
        try:
            process.advance(env, me.email, process_id, trigger, reason)
        except TransitionRefused as error:
            refusal = staff_page.refusal(error, env.lifecycle.definition.phases,
                                         request.state.lang)
            if final:
                return staff_page.confirm(request, env, case, trigger, reason, 422, refusal)
            return staff_page.show(request, env, me, process_id, status=422, refusal=refusal)
        return _back(process_id, trigger)

    @routes.get("/intern/verfahren/{process_id}/bearbeiten", response_class=HTMLResponse)
    def edit_form(request: Request, me: Me, process_id: int):
        case = process.get_process(env, process_id)
        staff_views.require_access(env, me, case)
        return _form(request, env, values_of(case), _edit_url(process_id), case_id=process_id)

    @routes.post("/intern/verfahren/{process_id}/bearbeiten", response_class=HTMLResponse)
    def edit(request: Request, me: Me, process_id: int, values: Values, csrf: Field = ""):
        check_csrf(request, csrf)
        data = to_input(values)
        changes = {name: getattr(data, name) for name in process.EDITABLE}
        if env.departments:  # the form has no directorate field: it follows from the register
            del changes["directorate"]
        try:
            process.edit_process(env, me.email, process_id, changes)
        except BadInput as error:
            return _form(request, env, values, _edit_url(process_id), error, process_id)
        return _back(process_id, "process_edited")

    staff_deadlines.register(routes, env)
    return routes


def to_input(values: dict[str, Any]) -> process.ProcessInput:
    """The form's fields as the use case's input (a person left blank is no person)."""
    return process.ProcessInput(
        title=values["title"], subject=values["subject"], department=values["department"],
        directorate=values["directorate"], districts=tuple(values["districts"]),
        origin=values["origin"], lead=_person(values["lead_name"], values["lead_email"]),
        deputy=_person(values["deputy_name"], values["deputy_email"]))


def _person(name: str, email: str) -> Person | None:
    if not name.strip() and not email.strip():
        return None
    return Person(name.strip(), email.strip())


def values_of(case: Case) -> dict[str, Any]:
    """The form's fields filled from a stored case."""
    lead, deputy = case.lead, case.deputy
    return {"title": case.title, "subject": case.subject, "department": case.department,
            "directorate": case.directorate, "origin": case.origin,
            "districts": list(case.districts),
            "lead_name": lead.name if lead else "", "lead_email": lead.email if lead else "",
            "deputy_name": deputy.name if deputy else "",
            "deputy_email": deputy.email if deputy else ""}


def _form(request: Request, env: Env, values: dict[str, Any], action: str,
          error: Exception | None = None, case_id: int | None = None) -> HTMLResponse:
    lang = request.state.lang
    origins = [(key, word(ORIGIN_WORDS, key, lang)) for key in ORIGINS]
    status = 200 if error is None else 403 if isinstance(error, NotPermitted) else 400
    return render(request, "staff/form.html", texts={**TEXTS, **DEPARTMENT_TEXTS},
                  status=status, values=values, action=action,
                  error=error.text(lang) if isinstance(error, BeteiligungError) else None,
                  case_id=case_id, districts=env.districts, origins=origins,
                  departments=choices(env.departments, values["department"]) if env.departments
                  else None, duplicate=isinstance(error, DuplicateTitle))


def _visible(env: Env, me: Identity, process_id: int) -> Case:
    """The process, if ``me`` may see it (else ``NotPermitted``; a missing one ``NotFound``)."""
    case = process.get_process(env, process_id)
    staff_views.require_access(env, me, case)
    return case


def _list_url(phase: str | None, page: int) -> str:
    query = {"phase": phase} if phase else {}
    query |= {"page": str(page)} if page > 1 else {}
    return "/intern" + ("?" + urlencode(query) if query else "")


def _edit_url(process_id: int) -> str:
    return f"/intern/verfahren/{process_id}/bearbeiten"


def _back(process_id: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"/intern/verfahren/{process_id}?ok={done}", status_code=303)
