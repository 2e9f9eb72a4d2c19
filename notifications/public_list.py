"""Render the public list (Vorhabenliste) as JSON, CSV or one self-contained HTML page.

Every renderer takes the ``workflow.public.PublicProcess`` entries as an iterable and yields
the output in pieces, one process at a time, so a caller can write them as they come and the
list is never held in memory as a whole.

- JSON: the object documented in ``workflow.public`` (language only in ``phases``/``language``).
- CSV (RFC 4180: double quotes, CRLF): one row per process. By default for German Excel
  (``;`` between cells, UTF-8 with BOM, the column names of ``csv_headers.PUBLIC`` in the
  language); in the ``plain`` dialect (comma, UTF-8 without BOM) under the fixed header
  ``HEADER`` (field codes, the same in every language and for every data set). Times are
  ISO 8601 UTC, dates ``YYYY-MM-DD``, booleans ``true``/``false``, an absent value is empty;
  ``districts`` is joined with ``"; "``; ``goals``, ``interim_results``, ``suggestions``,
  ``evaluation_goals`` and ``activities`` hold a JSON array of the objects described in
  ``workflow.public``. A cell that a spreadsheet would run as a formula (starting with ``=``,
  ``+``, ``-``, ``@``, tab or CR) gets a leading ``'``.
- HTML: ``templates/public/vorhabenliste.html.j2``, autoescaped, German or English, with its
  style inline and nothing fetched from elsewhere; times in Europe/Berlin.
Import rule: ``states``, ``workflow``, ``notifications``, the standard library and ``jinja2``.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..states.codec import to_plain
from ..states.errors import BadInput
from ..states.messages import BERLIN
from ..workflow.public import FORMAT, FORMAT_VERSION, PublicProcess
from . import csv_headers
from .spreadsheet import dialect
from .templates import PACKAGE_TEMPLATES, check_language, format_date

FORMATS = ("json", "csv", "html")
HEADER = (
    "id", "title", "subject", "department", "districts", "phase", "phase_label",
    "paused_phase", "phase_entered_at", "created_at", "cancel_reason", "contact_name",
    "concept_version", "concept_published_at", "concept_first_published_at",
    "concept_change_note", "concept_summary", "concept_easy_language_summary", "project_goal",
    "participation_goal", "goals", "pre_report_published_at", "pre_report", "interim_results",
    "suggestions", "decision_published_at", "decided_by", "decided_on", "decision_summary",
    "decision_follows_results", "decision_justification", "implementation_responsible",
    "post_report_published_at", "post_report", "evaluation_goals", "evaluation_lessons_learned",
    "activities",
)


def render(fmt: str, processes: Iterable[PublicProcess], *, language: str,
           phases: Mapping[str, str], generated_at: datetime,
           csv_dialect: str | None = None) -> Iterator[str]:
    """The export in ``fmt`` (json, csv or html), piece by piece.

    Args:
        processes: the entries, in the order to show them.
        language: ``de`` or ``en`` (labels, phase names, dates in the HTML).
        phases: phase code -> label in ``language``.
        generated_at: the moment of the export (the clock's).
        csv_dialect: ``excel-de`` (the default) or ``plain``, see ``notifications.spreadsheet``.
    """
    check_language(language)
    if fmt == "json":
        return json_chunks(processes, language=language, phases=phases,
                           generated_at=generated_at)
    if fmt == "csv":
        return csv_chunks(processes, phases=phases, language=language, csv_dialect=csv_dialect)
    if fmt == "html":
        return html_chunks(processes, language=language, phases=phases,
                           generated_at=generated_at)
    raise BadInput(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")


def json_chunks(processes: Iterable[PublicProcess], *, language: str,
                phases: Mapping[str, str], generated_at: datetime) -> Iterator[str]:
    """The JSON object of ``workflow.public``, one process per piece."""
    head = {"format": FORMAT, "format_version": FORMAT_VERSION,
            "generated_at": to_plain(generated_at), "language": language,
            "phases": dict(phases)}
    yield "{\n" + "".join(f"  {json.dumps(k)}: {_dump(v, 2)},\n" for k, v in head.items())
    yield '  "processes": ['
    separator = "\n"
    for entry in processes:
        yield separator + textwrap.indent(_dump(to_plain(entry), 0), "    ")
        separator = ",\n"
    yield ("\n  ]" if separator != "\n" else "]") + "\n}\n"


def _dump(value: Any, indent: int) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + " " * indent) if indent else text


def csv_chunks(processes: Iterable[PublicProcess], *, phases: Mapping[str, str],
               language: str = "de", csv_dialect: str | None = None) -> Iterator[str]:
    """The header line, then one CSV line per process."""
    chosen = dialect(csv_dialect)
    names = csv_headers.header(csv_headers.PUBLIC, HEADER, language) if chosen.labelled \
        else HEADER
    yield chosen.start + chosen.row(names, "\r\n")
    for entry in processes:
        yield chosen.row([_cell(c) for c in csv_row(entry, phases)], "\r\n")


def csv_row(p: PublicProcess, phases: Mapping[str, str]) -> list[Any]:
    """The cells of one process, in the order of ``HEADER``."""
    c, d, ev = p.concept, p.decision, p.evaluation
    row = {
        "id": p.id, "title": p.title, "subject": p.subject, "department": p.department,
        "districts": "; ".join(p.districts), "phase": p.phase,
        "phase_label": phases.get(p.phase, p.phase), "paused_phase": p.paused_phase,
        "phase_entered_at": p.phase_entered_at, "created_at": p.created_at,
        "cancel_reason": p.cancel_reason, "contact_name": p.contact.name,
        "goals": _json(c.goals) if c else "",
        "pre_report_published_at": p.pre_report and p.pre_report.published_at,
        "pre_report": p.pre_report and p.pre_report.text,
        "interim_results": _json(p.interim_results), "suggestions": _json(p.suggestions),
        "post_report_published_at": p.post_report and p.post_report.published_at,
        "post_report": p.post_report and p.post_report.text,
        "evaluation_goals": _json(ev.goals) if ev else "",
        "evaluation_lessons_learned": ev and ev.lessons_learned,
        "activities": _json(p.activities),
    }
    if c is not None:
        row |= {"concept_version": c.version, "concept_published_at": c.published_at,
                "concept_first_published_at": c.first_published_at,
                "concept_change_note": c.change_note, "concept_summary": c.summary,
                "concept_easy_language_summary": c.easy_language_summary,
                "project_goal": c.project_goal, "participation_goal": c.participation_goal}
    if d is not None:
        row |= {"decision_published_at": d.published_at, "decided_by": d.decided_by,
                "decided_on": d.decided_on, "decision_summary": d.summary,
                "decision_follows_results": d.follows_results,
                "decision_justification": d.justification,
                "implementation_responsible": d.implementation_responsible}
    return [row.get(name) for name in HEADER]


def _json(items: Any) -> str:
    return json.dumps(to_plain(items), ensure_ascii=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return to_plain(value)
    return str(value)


LABELS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Vorhabenliste: Beteiligungsverfahren der Landeshauptstadt Hannover",
        "intro": "Was zu jedem Beteiligungsverfahren veröffentlicht ist.",
        "as_of": "Stand", "number": "Nr.", "subject": "Gegenstand",
        "department": "Fachbereich", "districts": "Stadtbezirke", "phase": "Phase",
        "since": "seit", "paused_in": "in der Phase", "created": "Begonnen am",
        "contact": "Ansprechperson", "cancel_reason": "Abgebrochen, weil",
        "concept": "Beteiligungskonzept", "version": "Version", "published": "veröffentlicht am",
        "published_label": "Veröffentlicht am",
        "first_published": "erstmals veröffentlicht am", "change_note": "Änderung",
        "summary": "Zusammenfassung", "easy_language": "In Leichter Sprache",
        "project_goal": "Ziel des Vorhabens", "participation_goal": "Ziel der Beteiligung",
        "goals": "Ziele (SMART)", "goal": "Ziel", "description": "Beschreibung",
        "indicator": "Indikator", "target": "Zielwert", "due": "Termin",
        "pre_report": "Vorbericht", "post_report": "Nachbericht",
        "interim_results": "Zwischenergebnisse", "round": "Runde",
        "comment_deadline": "Anregungen bis", "decision_when": "Entscheidung wann",
        "decision_where": "Entscheidung wo", "decision_by": "Entscheidung durch",
        "suggestions": "Anregungen und ihre Beantwortung",
        "text": "Anregung", "answer": "Antwort", "justification": "Begründung",
        "decision": "Entscheidung", "decided_by": "Entschieden durch",
        "decided_on": "am", "follows_results": "Folgt den Ergebnissen der Beteiligung",
        "yes": "ja", "no": "nein", "implementation": "Verantwortlich für die Umsetzung",
        "evaluation": "Evaluation", "rating": "Bewertung", "evidence": "Beleg",
        "lessons": "Erkenntnisse", "empty": "Es sind keine Beteiligungsverfahren erfasst.",
        "count": "Verfahren in dieser Liste", "time_suffix": " Uhr", "none": "–",
        "concept_target": "zum Konzept", "interim_results_target": "zu den Zwischenergebnissen",
        "accepted": "angenommen", "partly_accepted": "teilweise angenommen",
        "rejected": "abgelehnt", "met": "erreicht", "partly": "teilweise erreicht",
        "not_met": "nicht erreicht", "activities": "Veranstaltungen des Dialogs",
        "date": "Datum", "format": "Format", "place": "Ort",
        "accessibility": "Barrierefreiheit", "online": "online", "on_site": "vor Ort",
    },
    "en": {
        "title": "Vorhabenliste: participation processes of the City of Hannover",
        "intro": "What has been published about each participation process.",
        "as_of": "As of", "number": "No.", "subject": "Subject",
        "department": "Department", "districts": "Districts", "phase": "Phase",
        "since": "since", "paused_in": "in phase", "created": "Started on",
        "contact": "Contact", "cancel_reason": "Cancelled because",
        "concept": "Participation concept", "version": "version", "published": "published on",
        "published_label": "Published on",
        "first_published": "first published on", "change_note": "What changed",
        "summary": "Summary", "easy_language": "In easy language",
        "project_goal": "Goal of the project", "participation_goal": "Goal of the participation",
        "goals": "Goals (SMART)", "goal": "Goal", "description": "Description",
        "indicator": "Indicator", "target": "Target", "due": "Due",
        "pre_report": "Pre-report", "post_report": "Post-report",
        "interim_results": "Interim results", "round": "Round",
        "comment_deadline": "Comments until", "decision_when": "Decision when",
        "decision_where": "Decision where", "decision_by": "Decided by",
        "suggestions": "Suggestions and their answers",
        "text": "Suggestion", "answer": "Answer", "justification": "Justification",
        "decision": "Decision", "decided_by": "Decided by", "decided_on": "on",
        "follows_results": "Follows the results of the participation", "yes": "yes",
        "no": "no", "implementation": "Responsible for implementation",
        "evaluation": "Evaluation", "rating": "Rating", "evidence": "Evidence",
        "lessons": "Lessons learned", "empty": "No participation processes are recorded.",
        "count": "Processes in this list", "time_suffix": "", "none": "–",
        "concept_target": "on the concept", "interim_results_target": "on the interim results",
        "accepted": "accepted", "partly_accepted": "partly accepted", "rejected": "rejected",
        "met": "met", "partly": "partly met", "not_met": "not met",
        "activities": "Dialogue events", "date": "Date", "format": "Format",
        "place": "Place", "accessibility": "Accessibility", "online": "online",
        "on_site": "on site",
    },
}


class _Counted:
    """Passes the entries through and counts them (the page's footer says how many)."""

    def __init__(self, items: Iterable[PublicProcess]) -> None:
        self.items, self.n = items, 0

    def __iter__(self) -> Iterator[PublicProcess]:
        for item in self.items:
            self.n += 1
            yield item


@cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(PACKAGE_TEMPLATES / "public"),
                      undefined=StrictUndefined, autoescape=True, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["iso"] = machine_time
    return env


def machine_time(value: date | datetime) -> str:
    """The ``datetime`` attribute of ``<time>``: a date, or UTC to the second (HTML allows at
    most three fraction digits, the stored times have six)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def html_chunks(processes: Iterable[PublicProcess], *, language: str,
                phases: Mapping[str, str], generated_at: datetime) -> Iterator[str]:
    """The page, rendered as the entries come (Jinja's ``generate``)."""
    counted = _Counted(processes)

    def day(value: date | datetime | None) -> str:
        if value is None:
            return LABELS[language]["none"]
        if not isinstance(value, datetime):
            value = datetime.combine(value, time(12), tzinfo=BERLIN)
        return format_date(value, language)

    def moment(value: datetime) -> str:
        clock = value.astimezone(BERLIN).strftime("%H:%M")
        return f"{day(value)}, {clock}{LABELS[language]['time_suffix']}"

    template = _environment().get_template("vorhabenliste.html.j2")
    return template.generate(processes=counted, counted=counted, language=language,
                             t=LABELS[language], phases=dict(phases), day=day, moment=moment,
                             generated_at=generated_at)
