"""The frame of the staff sub-pages where a lead enters a process's content (Begleitgruppe,
concept, suggestions, results, decision): access, the page frame, and the form round trip.

Every sub-page shows the process title and phase, a link back to the process page and the
other sub-pages. A POST checks the CSRF token, then access (a stranger gets 403 whatever they
sent), then calls one use case: on success a 303 back to the page with a confirmation
(``?done=<key>``); on ``BadInput``, ``NotFound`` or ``TransitionRefused`` the same page again
with the status of the error, its one-line message and the values entered.
Import rule: ``states``, ``workflow``, ``config`` and FastAPI/Starlette (an entrypoint module).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from ..states.case import Case
from ..states.errors import BadInput, NotFound, TransitionRefused
from ..workflow import process
from ..workflow import staff as staff_flow
from ..workflow.core import Env
from ..workflow.sessions import Identity
from .auth import check_csrf, staff
from .errors import status_of
from .pages import Texts, render
from .staff_page import parse_local

FORM_ERRORS = (BadInput, NotFound, TransitionRefused)
SUB_PAGES = ("begleitgruppe", "konzept", "anregungen", "ergebnisse", "entscheidung")

SHARED: Texts = {
    "back_to_process": ("Zurück zur Verfahrensseite", "Back to the process page"),
    "phase": ("Phase", "Phase"),
    "sub_nav": ("Bereiche dieses Verfahrens", "Parts of this process"),
    "page_begleitgruppe": ("Projektbegleitgruppe", "Project support group (Begleitgruppe)"),
    "page_konzept": ("Beteiligungskonzept", "Participation concept"),
    "page_anregungen": ("Anregungen", "Suggestions"),
    "page_ergebnisse": ("Berichte und Ergebnisse", "Reports and results"),
    "page_entscheidung": ("Entscheidung und Evaluation", "Decision and evaluation"),
    "none_yet": ("Noch keine Einträge.", "No entries yet."),
    "yes": ("ja", "yes"),
    "no": ("nein", "no"),
    "save": ("Speichern", "Save"),
    "add": ("Hinzufügen", "Add"),
    "publish": ("Veröffentlichen", "Publish"),
    "published_at": ("Veröffentlicht am", "Published on"),
    "not_published": ("noch nicht veröffentlicht", "not published yet"),
    "text": ("Text", "Text"),
    "date": ("Datum", "Date"),
    "removed_word": ("entfernt:", "removed:"),
    "added_word": ("hinzugefügt:", "added:"),
    "error_intro": ("Nicht gespeichert:", "Not saved:"),
}


def load(env: Env, me: Identity, pid: int) -> Case:
    """The case, if ``me`` may see it (``NotPermitted`` otherwise, ``NotFound`` if none)."""
    case = process.get_process(env, pid)
    staff_flow.require_access(env, me, case)
    return case


async def read_form(request: Request) -> FormData:
    """Dependency: the posted form (read here, so the routes themselves may stay sync)."""
    return await request.form()


Me = Annotated[Identity, Depends(staff)]  # the signed-in person, or a redirect to sign-in
Posted = Annotated[FormData, Depends(read_form)]  # the form, read before the sync route runs


def field(form: FormData | dict, name: str) -> str:
    """One text field of a form ('' when absent or not text)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def plain(form: FormData) -> dict[str, str]:
    """The text fields of a form, to show them again after an error (never the token)."""
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}


def day(name: str, value: str) -> date:
    """A date from a date field (``YYYY-MM-DD``), or ``BadInput`` naming the field."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"{name}: {value!r} is not a date like 2026-06-30") from None


moment = parse_local
"""A Hannover wall-clock time from a ``datetime-local`` field (``staff_page.parse_local``)."""


@dataclass(frozen=True)
class SubPage:
    """One sub-page: its slug under ``/intern/verfahren/{id}/``, its texts and what its
    template needs beyond the case (``context(case, lang, values)``)."""

    env: Env
    slug: str
    texts: Texts
    context: Callable[[Case, str, dict[str, Any]], dict[str, Any]]
    done: tuple[str, ...] = ()

    def url(self, pid: int) -> str:
        return f"/intern/verfahren/{pid}/{self.slug}"

    def show(self, request: Request, me: Identity, pid: int, *, status: int = 200,
             error: str = "", values: dict[str, Any] | None = None,
             done: str | None = None, template: str | None = None,
             **extra: Any) -> Response:
        """The page (or another ``template`` in its frame) for a person who may see it."""
        case = load(self.env, me, pid)
        values = values or {}
        phase = self.env.lifecycle.definition.phases.get(case.phase)
        return render(request, f"content/{template or self.slug}.html",
                      texts={**SHARED, **self.texts}, status=status, case=case, pid=pid,
                      slug=self.slug, sub_pages=SUB_PAGES, error=error, values=values,
                      phase_label=phase.label(request.state.lang) if phase else case.phase,
                      done=done if done in self.done else None,
                      **self.context(case, request.state.lang, values), **extra)

    def submit(self, request: Request, me: Identity, pid: int, form: FormData,
               action: Callable[[], object], done: str,
               values: Callable[[], dict[str, Any]] | None = None) -> Response:
        """Check the token and access, run ``action``; redirect, or show the error."""
        check_csrf(request, field(form, "csrf"))
        load(self.env, me, pid)
        try:
            action()
        except FORM_ERRORS as error:
            entered = values() if values else plain(form)
            return self.show(request, me, pid, status=status_of(error),
                             error=error.text(request.state.lang),
                             values=entered)
        return RedirectResponse(f"{self.url(pid)}?done={done}", status_code=303)
