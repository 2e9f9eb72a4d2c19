"""The public side: the Vorhabenliste as HTML and JSON, with only what is published.

The data is that of ``beteiligung export public`` (``workflow.public``), filtered by
``district``, ``department`` and ``phase``; a bad filter is a 400 with its reason.
Import rule: ``states``, ``workflow``, ``storage``, ``notifications``, ``config`` and FastAPI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from ..config.settings import WebSettings
from ..notifications.public_list import render
from ..states.errors import BadInput
from ..storage.public import SqlPublicProcesses
from ..workflow.core import Env
from ..workflow.public import PublicProcess, published_processes

MEDIA = {"html": "text/html; charset=utf-8", "json": "application/json"}


def router(env: Env, web: WebSettings) -> APIRouter:
    """The public routes."""
    routes = APIRouter()

    @routes.get("/", include_in_schema=False)
    def vorhabenliste(district: str | None = None, department: str | None = None,
                      phase: str | None = None,
                      lang: str | None = Query(None, pattern="^(de|en)$")):
        return _listing(env, "html", lang or env.language, district, department, phase)

    @routes.get("/api/v1/public/processes", tags=["public"])
    def public_processes(district: str | None = None, department: str | None = None,
                         phase: str | None = None,
                         lang: str | None = Query(None, pattern="^(de|en)$")):
        """Every published process with what is published of it (no sign-in)."""
        return _listing(env, "json", lang or env.language, district, department, phase)

    return routes


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
