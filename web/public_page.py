"""The page of one process for residents, and its suggestion form.

- ``GET /vorhaben/{id}``: what ``workflow.public.public_view`` exposes of the process; a
  process without a published concept is a 404 exactly like a missing (or malformed) id.
  The dialogue's events are split into upcoming (from today, Hannover's date) and past
  (newest first). While a comment period is open (``workflow.participation.open_period``)
  the page holds the suggestion form, saying until when (or that no end date is set).
- ``POST /vorhaben/{id}/anregung``: CSRF first; then ``participation.submit_suggestion``.
  Answers: the receipt page (200, with ``B-<id>-<number>``); every refusal is the page again
  with the problem and the typed text and address kept in the form, so nothing a resident
  wrote is lost: bad input 400; an expired form (CSRF) 403; a closed period **409** (the
  request is fine but conflicts with the process's state now; 403 would say "you may not",
  which is not the case), the text then shown for copying, without a send button; too many
  from this address within the hour 429. A filled-in honeypot field (``website``) is
  answered like a success, but nothing is written.
- ``GET /datenschutz``: the Datenschutzhinweis (what is kept, why, how long, whom to ask),
  linked from the foot of every page.
Import rule: ``states``, ``workflow``, ``config``, the sibling ``web`` modules and FastAPI.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from ..config.settings import WebSettings
from ..states.errors import NotFound
from ..workflow import participation
from ..workflow.core import Env
from .auth import CsrfFailed, check_csrf
from .limits import SlidingWindow, client_key
from .pages import BERLIN, render, translator
from .public_texts import TEXTS

MAX_ID_DIGITS = 18
HONEYPOT = "website"


def add_routes(routes: APIRouter, env: Env, web: WebSettings) -> None:
    """Register the process page, the form and the Datenschutzhinweis on ``routes``."""
    limiter = SlidingWindow(web.suggestions_per_hour, env.clock)
    _privacy_route(routes, env)

    @routes.get("/vorhaben/{process_id}", response_class=HTMLResponse, include_in_schema=False,
                name="public_process")
    def process_page(request: Request, process_id: str):
        return _show(request, env, web, _id(request, process_id))

    @routes.post("/vorhaben/{process_id}/anregung", response_class=HTMLResponse,
                 include_in_schema=False)
    def suggest(request: Request, process_id: str, text: str = Form(""),
                email: str = Form(""), website: str = Form(""), csrf: str = Form("")):
        pid = _id(request, process_id)
        t = translator(request.state.lang, TEXTS)
        kept = {"text": text, "email": email}

        def again(status: int, problem: str):
            return _show(request, env, web, pid, status, [problem], kept)

        try:
            check_csrf(request, csrf)
        except CsrfFailed:
            return again(403, t("form_expired"))
        try:
            receipt = participation.submit_suggestion(
                env, pid, text, email, f"{client_key(request, web)} {pid}",
                max_chars=web.suggestion_max_chars, limiter=limiter, discard=bool(website))
        except participation.InvalidSubmission as error:
            return again(400, t(error.code).format(n=web.suggestion_max_chars))
        except participation.OverLimit:
            return again(429, t("too_many").format(n=web.suggestions_per_hour))
        except participation.PeriodClosed:
            return again(409, t("period_closed"))
        except NotFound:
            raise NotFound(t("not_found")) from None
        return render(request, "public/received.html", texts=TEXTS, receipt=receipt)


def _privacy_route(routes: APIRouter, env: Env) -> None:
    @routes.get("/datenschutz", response_class=HTMLResponse, include_in_schema=False,
                name="privacy_notice")
    def privacy_notice(request: Request):
        """The Datenschutzhinweis: purpose, legal basis, how long, whom to ask."""
        contact = request.app.state.privacy.contact.strip()
        return render(request, "public/privacy.html", texts=TEXTS,
                      retention=env.retention, contact=contact)


def _id(request: Request, text: str) -> int:
    """The id in the path; anything else is the same 404 as an unknown id."""
    if not text.isascii() or not text.isdigit() or len(text) > MAX_ID_DIGITS:
        raise NotFound(translator(request.state.lang, TEXTS)("not_found"))
    return int(text)


def _show(request: Request, env: Env, web: WebSettings, pid: int, status: int = 200,
          problems: list[str] | None = None, form: dict[str, str] | None = None):
    try:
        view, period = participation.public_process(env, pid)
    except NotFound:
        raise NotFound(translator(request.state.lang, TEXTS)("not_found")) from None
    lang = request.state.lang
    phases = {n: p.label(lang) for n, p in env.lifecycle.definition.phases.items()}
    today = env.clock().astimezone(BERLIN).date()
    return render(request, "public/process.html", texts=TEXTS, status=status, p=view,
                  period=period, phases=phases, problems=problems or [],
                  form=form or {"text": "", "email": ""}, max_chars=web.suggestion_max_chars,
                  honeypot=HONEYPOT, today=today,
                  upcoming=[a for a in view.activities if a.on >= today],
                  past=[a for a in view.activities if a.on < today][::-1])
