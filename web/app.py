"""The FastAPI application: ``create_app(env, web)`` over the same wiring as the CLI.

Routes, by area (each module builds an ``APIRouter`` from the wiring):

- ``web.public``: the Vorhabenliste, a page per process and the suggestion form (no sign-in);
- ``web.auth``: sign-in and sign-out;
- ``web.staff``: the process leads' pages (``/intern``);
- ``web.coordination``: the coordinators' pages (``/intern/koordinierung``);
- ``web.api``: the JSON API under ``/api/v1`` with personal tokens.

Every response carries security headers (a content security policy that allows nothing from
elsewhere and no scripts); bodies larger than ``[web] max_body_kb`` are refused with 413
before they are read; errors are mapped to statuses in ``web.errors``. Refusals on the audit
trail are limited per person and process (``workflow.refusals``, from ``[web]
refusals_recorded`` and ``refusal_minutes``); the counts not yet written are written when the
application stops.
Import rule: ``states``, ``workflow``, ``storage``, ``notifications``, ``config`` and FastAPI.
"""

from __future__ import annotations

import dataclasses
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config.settings import OversightSettings, PrivacySettings, WebSettings
from ..states.errors import BeteiligungError, StorageError
from ..workflow import process
from ..workflow.core import Env
from ..workflow.oversight import Limits
from ..workflow.refusals import RefusalLimit, RefusalTally
from . import api, auth, coordination, errors, public, staff, staff_content, staff_outcome
from .csrf import Signer
from .errors import SECURITY_HEADERS

STATIC = Path(__file__).parent / "static"


def create_app(env: Env, web: WebSettings | None = None,
               oversight: OversightSettings | None = None,
               privacy: PrivacySettings | None = None) -> FastAPI:
    """The application for ``env`` (its units of work, clock, lifecycle and language), with
    the ``[web]``, ``[oversight]`` and ``[privacy]`` settings (defaults when not given)."""
    web = web or WebSettings()
    limits = Limits(**dataclasses.asdict(oversight or OversightSettings()))
    env = dataclasses.replace(env, refusals=RefusalTally(RefusalLimit(
        web.refusals_recorded, timedelta(minutes=web.refusal_minutes))))

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        try:   # the refusals counted but not yet on a trail
            await run_in_threadpool(process.write_refusal_counts, env)
        except BeteiligungError as error:   # the database gone, or a conflict: say so
            errors.log.error("refusal counts not written: %s", error)

    app = FastAPI(title="beteiligung", version="1", docs_url=None, redoc_url=None,
                  openapi_url="/api/v1/openapi.json", lifespan=lifespan)
    app.state.env, app.state.web = env, web
    app.state.privacy = privacy or PrivacySettings()
    signer = Signer(web.csrf_secret)

    @app.middleware("http")
    async def around(request: Request, call_next):
        try:
            auth.resolve(request, env, web, signer)
        except StorageError as error:
            errors.log.error("database: %s", error)
            response = JSONResponse({"error": errors.UNAVAILABLE}, status_code=503)
        else:
            response = await call_next(request)
            auth.finish(request, response, web)
        response.headers.update(SECURITY_HEADERS)
        if "cache-control" not in response.headers:
            response.headers["Cache-Control"] = "no-store" if request.state.identity \
                else "no-cache"
        return response

    errors.install(app)

    @app.get("/healthz", response_class=PlainTextResponse, include_in_schema=False)
    def healthz() -> str:
        return "ok"

    app.include_router(public.router(env, web))
    app.include_router(auth.router(env, web))
    for area in (staff, staff_content, staff_outcome, api):
        app.include_router(area.router(env, web))
    app.include_router(coordination.router(env, web, limits))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=web.max_body_kb * 1024)
    return app


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413: at once when Content-Length says
    so (the server holds the client to its Content-Length), and for a chunked body as soon
    as it grows past the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _too_large(self.limit)(scope, receive, send)
            return
        if length is not None:
            await self.app(scope, receive, send)
            return
        # No length given (a chunked body): read it whole, up to the limit, then replay it.
        messages: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            messages.append(message)
            seen += len(message.get("body", b""))
            if seen > self.limit:
                await _too_large(self.limit)(scope, receive, send)
                return
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        replay = iter(messages)

        async def replayed() -> Message:
            return next(replay, None) or await receive()

        await self.app(scope, replayed, send)


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse({"error": f"request body larger than {limit // 1024} KiB"},
                        status_code=413, headers=SECURITY_HEADERS)
