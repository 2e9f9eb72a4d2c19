"""The coordinators' pages (``/intern/koordinierung``): the overview, the stuck list of
``beteiligung audit stuck``, the outbox with a retry button for failed e-mails, the audit
verification and the quarterly report.

Only the coordinators of the settings may open them (``workflow.accounts.require_coordinator``
decides; anyone else signed in gets 403, no one signed in is sent to sign in). Each route calls
the use case the CLI command calls and renders its result.

The quarterly report is shown inside the site layout from the report's data (its figures as
tables, in its own words from ``notifications.quarterly_texts``), because the rendered HTML
report is a self-contained file with an inline ``<style>`` that the site's CSP
(``style-src 'self'``) would block; that file, with its charts, and the Markdown and CSV
versions are offered as downloads (``Content-Disposition: attachment``).

The limits of the stuck list are those of ``[oversight]`` in the settings, which
``create_app`` passes in (the defaults, ``OversightSettings()``, when none are given).
Import rule: ``states``, ``workflow``, ``storage``, ``notifications``, ``config`` and FastAPI.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from ..config.settings import OversightSettings, WebSettings
from ..notifications import csv_headers, spreadsheet
from ..notifications.quarterly import Words, render_quarterly
from ..states.errors import BadInput
from ..storage.oversight import SqlOversightReader
from ..storage.reporting import SqlQuarterlyReader
from ..workflow import departments, outbox
from ..workflow.accounts import require_coordinator
from ..workflow.audit_texts import problem
from ..workflow.core import Env
from ..workflow.links import ROUTES
from ..workflow.oversight import (
    BERLIN,
    SEVERITIES,
    Finding,
    Limits,
    at_least,
    counts,
    stuck_per_department,
)
from ..workflow.oversight_texts import phase_label, words
from ..workflow.process import verify_audit
from ..workflow.quarterly import Quarter, quarterly_report
from ..workflow.sessions import Identity
from .auth import check_csrf, staff
from .coordination_texts import TEXTS
from .pages import render
from .public import sql_unit

BASE = "/intern/koordinierung"
Short = Annotated[str, Query(max_length=20)]
Me = Annotated[Identity, Depends(staff)]  # the signed-in person, or a redirect to sign-in
SHOWN_FINDINGS = 500
LISTED_MESSAGES = 200
DOWNLOADS = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8",
             "csv": "text/csv; charset=utf-8"}
CSV_FIELDS = ("severity", "code", "name", "process_id", "title", "department", "phase",
              "days", "limit_days", "since", "lead_email", "deputy_email", "detail",
              "next_step")


def router(env: Env, web: WebSettings, limits: Limits | None = None) -> APIRouter:
    """The coordinators' routes; ``limits``: those of ``audit stuck`` (default: the
    settings' defaults)."""
    limits = limits or Limits(**asdict(OversightSettings()))

    def coordinator(me: Me) -> None:
        """Every route of the router: 403 unless ``me`` is a coordinator."""
        require_coordinator(env, me.email, "open the coordinators' pages")

    routes = APIRouter(prefix=BASE, include_in_schema=False,
                       dependencies=[Depends(coordinator)])

    @routes.get("")
    def overview(request: Request):
        tally = counts(_findings(env, limits))
        failed = len(outbox.list_messages(env, "failed", LISTED_MESSAGES))
        return render(request, "coordination/overview.html", TEXTS, tally=tally,
                      findings=sum(tally.values()), failed=failed,
                      failed_more=failed >= LISTED_MESSAGES)

    @routes.get(ROUTES["coordination_stuck"].removeprefix(BASE), name="coordination_stuck")
    def stuck(request: Request, severity: Short = "info", format: Short = "page",
              csv_dialect: Short | None = None):
        if severity not in SEVERITIES:
            raise BadInput(f"severity: {severity!r} is not one of {', '.join(SEVERITIES)}")
        if format not in ("page", "csv"):
            raise BadInput(f"format: {format!r} is not one of page, csv")
        lang = request.state.lang
        found = [f for f in _findings(env, limits) if at_least([f], severity)]
        rows = [_row(env, f, lang) for f in found]
        if format == "csv":
            text = _stuck_csv(rows, lang, spreadsheet.dialect(csv_dialect))
            return _download(text, "csv", f"haengend-{_today(env)}.csv")
        return render(request, "coordination/stuck.html", TEXTS, rows=rows[:SHOWN_FINDINGS],
                      total=len(rows), tally=counts(found), severity=severity,
                      as_of=_today(env))

    @routes.get("/nachrichten")
    def messages(request: Request, status: Short = "failed",
                 erneut: int | None = None):
        entries = outbox.list_messages(env, status, LISTED_MESSAGES)
        return render(request, "coordination/messages.html", TEXTS, entries=entries,
                      shown=status, statuses=outbox.STATUSES, retried=erneut,
                      limit=LISTED_MESSAGES)

    @routes.post("/nachrichten/{entry_id}/wiederholen")
    def retry(request: Request, me: Me, entry_id: int, csrf: Annotated[str, Form()] = ""):
        check_csrf(request, csrf)
        outbox.retry_message(env, me.email, entry_id)
        return RedirectResponse(f"{BASE}/nachrichten?status=failed&erneut={entry_id}",
                                status_code=303)

    @routes.get("/audit")
    def audit(request: Request):
        checked, breaks = verify_audit(env)
        lang = request.state.lang
        return render(request, "coordination/audit.html", TEXTS, checked=checked,
                      breaks=[(b, problem(b, lang)) for b in breaks])

    @routes.get("/quartalsbericht")
    def quarterly(request: Request, quarter: Annotated[str | None, Query(
            max_length=20)] = None, format: Short = "page"):
        if format != "page" and format not in DOWNLOADS:
            raise BadInput(f"format: {format!r} is not one of page, {', '.join(DOWNLOADS)}")
        chosen = _quarter(quarter) if quarter else _last_complete(_today(env))
        report = _report(env, chosen, limits)
        lang = request.state.lang
        if format in DOWNLOADS:
            return _download(render_quarterly(report, format, lang), format,
                             f"quartalsbericht-{chosen}.{format}")
        said = Words(lang, report)
        return render(request, "coordination/quarterly.html", TEXTS, r=report, w=said,
                      rt=said.t, chosen=str(chosen),
                      choices=_choices(_today(env), chosen))

    return routes


def _today(env: Env) -> date:
    return env.clock().astimezone(BERLIN).date()


def _findings(env: Env, limits: Limits) -> list[Finding]:
    """What ``beteiligung audit stuck`` finds today, most severe first."""
    with env.uow() as uow:
        return departments.find_stuck(SqlOversightReader(sql_unit(uow).conn), env.lifecycle,
                                      _today(env), limits, env.departments,
                                      known_districts=env.districts)


def _row(env: Env, finding: Finding, lang: str) -> dict:
    """A finding with its texts in ``lang``, as the page and the CSV show it."""
    said = words(finding, env.lifecycle.definition, lang)
    return {"severity": finding.severity, "severity_label": said.severity,
            "code": finding.code, "name": said.name, "process_id": finding.process_id,
            "title": finding.title, "department": finding.department,
            "phase": phase_label(env.lifecycle.definition, finding.phase, lang),
            "days": finding.days, "limit_days": finding.limit_days,
            "since": finding.since.astimezone(BERLIN).date().isoformat(),
            "lead_email": finding.lead_email, "deputy_email": finding.deputy_email,
            "detail": said.detail, "next_step": said.next_step}


def _stuck_csv(rows: list[dict], lang: str, chosen: spreadsheet.Dialect) -> str:
    """One line per finding, for German Excel unless ``chosen`` is the plain dialect (as
    ``audit stuck --csv``; a cell a spreadsheet would take for a formula is defused)."""
    names = (csv_headers.header(csv_headers.FINDINGS, CSV_FIELDS, lang) if chosen.labelled
             else CSV_FIELDS)
    lines = [chosen.row(names)]
    lines += [chosen.row(["" if row[k] is None else row[k] for k in CSV_FIELDS]) for row in rows]
    return chosen.start + "\r\n".join(lines) + "\r\n"


def _download(text: str, fmt: str, filename: str) -> Response:
    return Response(text, media_type=DOWNLOADS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _quarter(text: str) -> Quarter:
    """``2026-Q3`` (as the picker sends it) or ``2026Q3``."""
    return Quarter.parse(text.replace("-", "", 1))


def _current(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def _last_complete(day: date) -> Quarter:
    current = _current(day)
    return Quarter(current.year - 1, 4) if current.number == 1 \
        else Quarter(current.year, current.number - 1)


def _choices(day: date, chosen: Quarter) -> list[tuple[str, str, bool]]:
    """The picker's quarters: the running one and the eight before it, newest first, as
    (value, label, running); the chosen one is added when it is older."""
    quarters, quarter = [], _current(day)
    for _ in range(9):
        quarters.append(quarter)
        quarter = _last_complete(quarter.first_day)
    if chosen not in quarters:
        quarters.append(chosen)
    return [(f"{q.year}-Q{q.number}", f"{q.year} Q{q.number}", q == _current(day))
            for q in quarters]


def _report(env: Env, quarter: Quarter, limits: Limits):
    """The report as ``beteiligung report quarterly`` builds it, with the stuck counts as of
    the quarter's last day (or today)."""
    as_of = min(_today(env), quarter.last_day)
    with env.uow() as uow:
        stuck = stuck_per_department(SqlOversightReader(sql_unit(uow).conn), env.lifecycle, as_of,
                                     limits)
        return quarterly_report(SqlQuarterlyReader(sql_unit(uow).conn), quarter,
                                env.lifecycle.definition, env.clock(), stuck, env.departments)

