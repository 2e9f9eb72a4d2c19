"""The FastAPI application: ``create_app(env)`` over the same wiring as the CLI.

This first piece serves the public side of the Vorhabenliste: ``GET /`` (HTML) and
``GET /api/v1/public/processes`` (JSON), both with the data of ``beteiligung export public``
(only what is published) and the filters ``district``, ``department`` and ``phase``; and
``GET /healthz``. Staff pages, sign-in and the write API come next (issue 5).

Every response carries security headers (a content security policy that allows nothing from
elsewhere; the pages need no scripts). A bad filter is a 400 with a one-line reason.
Import rule: ``states``, ``workflow``, ``storage``, ``notifications``, ``config`` and FastAPI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse

from ..notifications.public_list import render
from ..states.errors import BadInput
from ..storage.public import SqlPublicProcesses
from ..workflow.core import Env
from ..workflow.public import PublicProcess, published_processes

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
MEDIA = {"html": "text/html; charset=utf-8", "json": "application/json"}


def create_app(env: Env) -> FastAPI:
    """The application for ``env`` (its units of work, clock, lifecycle and language)."""
    app = FastAPI(title="beteiligung", version="1", docs_url=None, redoc_url=None)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(BadInput)
    async def bad_input(_request: Request, error: BadInput) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=400)

    @app.get("/healthz", response_class=PlainTextResponse)
    def healthz() -> str:
        return "ok"

    @app.get("/")
    def vorhabenliste(district: str | None = None, department: str | None = None,
                      phase: str | None = None,
                      lang: str | None = Query(None, pattern="^(de|en)$")):
        return _listing(env, "html", lang or env.language, district, department, phase)

    @app.get("/api/v1/public/processes")
    def public_processes(district: str | None = None, department: str | None = None,
                         phase: str | None = None,
                         lang: str | None = Query(None, pattern="^(de|en)$")):
        return _listing(env, "json", lang or env.language, district, department, phase)

    return app


def _listing(env: Env, fmt: str, language: str, district: str | None, department: str | None,
             phase: str | None) -> StreamingResponse:
    definition = env.lifecycle.definition
    if phase is not None and phase not in definition.phases:
        raise BadInput(f"phase: {phase!r} is not a phase ({', '.join(definition.phases)})")
    if district is not None and env.districts and district not in env.districts:
        raise BadInput(f"district: {district!r} is not a Stadtbezirk")
    phases = {name: p.label(language) for name, p in definition.phases.items()}
    generated_at = env.clock()

    def chunks() -> Iterator[bytes]:
        with env.uow() as uow, closing(published_processes(SqlPublicProcesses(uow.conn))) as all_:
            chosen = (p for p in all_ if _matches(p, district, department, phase))
            for piece in render(fmt, chosen, language=language, phases=phases,
                                generated_at=generated_at):
                yield piece.encode("utf-8")

    return StreamingResponse(chunks(), media_type=MEDIA[fmt])


def _matches(entry: PublicProcess, district: str | None, department: str | None,
             phase: str | None) -> bool:
    return ((district is None or district in entry.districts)
            and (department is None or entry.department == department)
            and (phase is None or entry.phase == phase))
