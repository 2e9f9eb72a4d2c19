"""The error tree mapped to HTTP, in one place (as ``cli.entry`` maps it to exit codes).

=====================  ======  =========================================================
error                  status  body
=====================  ======  =========================================================
``BadInput``, bad      400     ``{"error": "<one line>"}``
request fields
no or bad credentials  401     (pages: a redirect to ``/anmelden``)
``NotPermitted``,      403
a failed CSRF check
``NotFound``           404
``Conflict``/``Busy``  409
too large a body       413
``TransitionRefused``  422     ``{"error", "trigger", "phase", "allowed", "unmet": [{code,
                               text}]}`` with every unmet condition
too many suggestions   429
``StorageError``       503
=====================  ======  =========================================================

API paths (``/api/``) answer JSON; pages answer an HTML error page with the same message.
Import rule: ``states``, ``workflow`` and FastAPI/Starlette.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from ..states.errors import (
    BadInput,
    BeteiligungError,
    Conflict,
    NotFound,
    NotPermitted,
    StorageError,
    TransitionRefused,
)
from .auth import CsrfFailed, SignInRequired, sign_in_url
from .pages import render, translator

log = logging.getLogger(__name__)
UNAVAILABLE = "the database is unavailable at the moment; please try again later"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
STATUS = {BadInput: 400, NotPermitted: 403, NotFound: 404, Conflict: 409,
          TransitionRefused: 422, StorageError: 503}




def status_of(error: BeteiligungError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


def body_of(error: BeteiligungError, lang: str) -> dict[str, Any]:
    """The JSON body of an error: its message, and for a refusal every reason."""
    body: dict[str, Any] = {"error": error.text(lang)}
    if isinstance(error, TransitionRefused):
        body |= {"trigger": error.trigger, "phase": error.phase, "allowed": error.allowed,
                 "unmet": [{"code": u.code, "text": u.text(lang)} for u in error.unmet]}
    return body


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def answer(request: Request, status: int, body: dict[str, Any]) -> Response:
    if is_api(request):
        return JSONResponse(body, status_code=status)
    return render(request, "error.html", status=status, code=str(status),
                  message=body["error"], unmet=body.get("unmet", []))


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(BeteiligungError)
    async def domain(request: Request, error: BeteiligungError) -> Response:
        if isinstance(error, StorageError):   # the detail may name hosts and users: log it
            log.error("database: %s", error)
            return answer(request, 503, {"error": UNAVAILABLE})
        return answer(request, status_of(error), body_of(error, request.state.lang))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "internal error: it is logged; please try again later"},
                            status_code=500, headers=SECURITY_HEADERS)

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
        return answer(request, 400, {"error": f"{where}: {first.get('msg', 'invalid')}"})

    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, _error: SignInRequired) -> Response:
        if is_api(request):
            return JSONResponse({"error": "no valid API token: send 'Authorization: Bearer "
                                 "<token>' (see 'beteiligung token create')"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse(sign_in_url(request), status_code=303)

    @app.exception_handler(CsrfFailed)
    async def csrf(request: Request, _error: CsrfFailed) -> Response:
        return answer(request, 403, {"error": translator(request.state.lang)("csrf_failed")})

    @app.exception_handler(HTTPException)
    async def http(request: Request, error: HTTPException) -> Response:
        message = error.detail if isinstance(error.detail, str) else str(error.status_code)
        return answer(request, error.status_code, {"error": message})
