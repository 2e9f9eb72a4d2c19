"""The public side (no sign-in): the Vorhabenliste as a page and as JSON, a page per process,
and the suggestion form.

- ``GET /``: the Vorhabenliste in the site layout, with a filter form (``district``,
  ``department``, ``phase``; an empty value means all), 50 processes a page (``page``), from
  ``workflow.participation.listing``; each process with a page links to it, and one open for
  comments now says so, with the end of the period.
- ``GET /api/v1/public/processes``: the same data as JSON (``beteiligung export public``).
- ``GET /vorhaben/{id}``, ``POST /vorhaben/{id}/anregung``: ``web.public_page``.

A bad filter is a 400 with its reason. Everything shown comes from ``workflow.public``'s view,
which keeps only what is published.
Import rule: ``states``, ``workflow``, ``storage``, ``notifications``, ``config`` and FastAPI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from itertools import islice
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from ..config.settings import WebSettings
from ..notifications.public_list import render as render_export
from ..states.errors import BadInput
from ..storage.public import SqlPublicProcesses
from ..storage.public_facets import departments
from ..storage.sql import SqlUnitOfWork
from ..workflow.core import Env
from ..workflow.participation import has_page, listing
from ..workflow.ports import UnitOfWork
from ..workflow.public import PublicProcess, published_processes
from . import public_page
from .pages import render
from .public_texts import TEXTS

MEDIA = {"html": "text/html; charset=utf-8", "json": "application/json"}
CHUNK = 64 * 1024
PAGE_SIZE = 50


def router(env: Env, web: WebSettings) -> APIRouter:
    """The public routes."""
    routes = APIRouter()

    @routes.get("/", include_in_schema=False)
    def vorhabenliste(request: Request, district: str | None = None,
                      department: str | None = None, phase: str | None = None,
                      page: int = Query(1, ge=1, le=100_000)):
        chosen = _filters(env, district, department, phase)
        return _page(request, env, chosen, page)

    @routes.get("/api/v1/public/processes", tags=["public"])
    def public_processes(district: str | None = None, department: str | None = None,
                         phase: str | None = None,
                         lang: str | None = Query(None, pattern="^(de|en)$")):
        """Every published process with what is published of it (no sign-in)."""
        chosen = _filters(env, district, department, phase)
        return _listing(env, lang or env.language, chosen)

    public_page.add_routes(routes, env, web)
    return routes


def _filters(env: Env, district: str | None, department: str | None,
             phase: str | None) -> dict[str, str | None]:
    """The chosen filters (an empty value is no filter), or ``BadInput``."""
    definition = env.lifecycle.definition
    district, department, phase = district or None, department or None, phase or None
    if phase is not None and phase not in definition.phases:
        raise BadInput(f"phase: {phase!r} is not a phase ({', '.join(definition.phases)})")
    if district is not None and env.districts and district not in env.districts:
        raise BadInput(f"district: {district!r} is not a Stadtbezirk")
    return {"district": district, "department": department, "phase": phase}


def sql_unit(uow: UnitOfWork) -> SqlUnitOfWork:
    """``uow`` as the SQL unit of work, whose connection the SQL readers (public list, stuck
    list, report) take: the port's unit of work has none; the app is wired with the SQL one."""
    if not isinstance(uow, SqlUnitOfWork):
        raise TypeError(f"the SQL readers need a SqlUnitOfWork, not {type(uow).__name__}")
    return uow


def _chosen(env: Env, filters: dict[str, str | None]) -> Iterator[PublicProcess]:
    """The filtered entries, streamed inside one unit of work (one snapshot)."""
    with env.uow() as uow:
        source = SqlPublicProcesses(sql_unit(uow).conn)
        with closing(published_processes(source)) as all_:
            for entry in all_:
                if _matches(entry, **filters):
                    yield entry


def _listing(env: Env, language: str, filters: dict[str, str | None]) -> StreamingResponse:
    definition = env.lifecycle.definition
    phases = {name: p.label(language) for name, p in definition.phases.items()}
    generated_at = env.clock()
    with env.uow():   # an unreachable database is a 503 now, not a broken stream later
        pass
    pieces = render_export("json", _chosen(env, filters), language=language, phases=phases,
                    generated_at=generated_at)
    return StreamingResponse(buffered(pieces), media_type=MEDIA["json"])


def _page(request: Request, env: Env, filters: dict[str, str | None], page: int):
    """One page of the list: ``PAGE_SIZE`` processes by id, the filters of phase and
    department applied in SQL; a district filter (the districts live in the document) is
    applied while streaming, so it reads up to the page's end."""
    lang = request.state.lang
    start = (page - 1) * PAGE_SIZE
    now, rules = env.clock(), env.deadline_rules
    with env.uow() as uow:
        conn = sql_unit(uow).conn
        present = departments(conn)
        phase, department = filters["phase"], filters["department"]
        if filters["district"] is None:
            source = SqlPublicProcesses(conn, offset=start, limit=PAGE_SIZE + 1, phase=phase,
                                        department=department)
            entries = list(listing(source, now, rules))
        else:
            stream = listing(SqlPublicProcesses(conn, phase=phase, department=department),
                             now, rules)
            with closing(stream):
                chosen = (e for e in stream if filters["district"] in e[0].districts)
                entries = list(islice(chosen, start, start + PAGE_SIZE + 1))
    query = {k: v for k, v in filters.items() if v}
    return render(request, "public/list.html", TEXTS, entries=entries[:PAGE_SIZE],
                  filters=filters, districts=env.districts, departments=present,
                  has_page=has_page, page=page, first=start + 1,
                  previous=_page_url(query, page - 1) if page > 1 else None,
                  next=_page_url(query, page + 1) if len(entries) > PAGE_SIZE else None,
                  phases={n: p.label(lang) for n, p in env.lifecycle.definition.phases.items()})


def _page_url(query: dict[str, str], page: int) -> str:
    query = query | ({"page": str(page)} if page > 1 else {})
    return "/?" + urlencode(query) if query else "/"


def buffered(pieces: Iterator[str], size: int = CHUNK) -> Iterator[bytes]:
    """The pieces joined into chunks of about ``size`` characters, UTF-8 encoded.

    A template yields a few dozen pieces per process; sending each one on its own costs a
    thread hop and a trip through the middleware, which at 10,000 processes took minutes.
    """
    held: list[str] = []
    length = 0
    for piece in pieces:
        held.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(held).encode("utf-8")
            held, length = [], 0
    if held:
        yield "".join(held).encode("utf-8")


def _matches(entry: PublicProcess, district: str | None, department: str | None,
             phase: str | None) -> bool:
    return ((district is None or district in entry.districts)
            and (department is None or entry.department == department)
            and (phase is None or entry.phase == phase))
