"""Renders the quarterly report as HTML, Markdown or CSV (Jinja2), German or English.

The HTML is one self-contained file: inline CSS (with print rules), and the charts drawn here
as inline SVG, each with a ``<title>`` and a ``<desc>`` that says what the chart shows in
words and numbers, next to a table with the same figures. Nothing is fetched from anywhere.
The CSV holds one row per department, with the quarter in the first column so that the files
of several quarters can be put together; it is written for German Excel unless the ``plain``
dialect is asked for (``notifications.spreadsheet``), its headers in the report's language.
Import rule: ``states``, ``workflow``, ``notifications``, the standard library and ``jinja2``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..states.errors import BadInput
from ..workflow.quarterly import PHASE_CATEGORY
from ..workflow.quarterly_model import Line, QuarterlyReport
from .quarterly_texts import MONTHS_EN, TEXTS
from .spreadsheet import DIALECTS, dialect

BERLIN = ZoneInfo("Europe/Berlin")
FORMATS = {"html": "quarterly.html.j2", "md": "quarterly.md.j2", "csv": "quarterly.csv.j2"}
TEMPLATES = Path(__file__).resolve().parent / "templates" / "report"
ENDED = ("closed", "cancelled")
OPEN_CATEGORIES = ("preparation", "running", "decision", "evaluation", "on_hold", "other")
CHART_WIDTH = 720


@dataclass(frozen=True)
class Segment:
    key: str
    x: float
    width: float
    text: str


@dataclass(frozen=True)
class Bar:
    label: str
    short: str
    y: float
    segments: tuple[Segment, ...]
    value: str
    value_x: float


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart (stacked when a bar has several segments), laid out in pixels."""

    id: str
    title: str
    desc: str
    width: int
    height: int
    left: int
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]
    axis_y: float
    legend: tuple[tuple[str, str, int, int], ...]  # key, label, x, y
    bar_height: int = 18


Row = tuple[str, Sequence[tuple[str, float]], str]  # label, (key, value) segments, value text


def bar_chart(chart_id: str, title: str, desc: str, rows: Sequence[Row],
              legend: Sequence[tuple[str, str]] = (), number=str, whole: bool = False) -> Chart:
    """Lay out ``rows`` as horizontal bars; each row's segments are stacked left to right.
    With ``whole`` (counts) the axis has whole-number ticks only: no "0.5 processes"."""
    longest = max((len(label) for label, _, _ in rows), default=0)
    left = min(max(longest * 7 + 12, 80), 280)
    plot = CHART_WIDTH - left - 80
    placed = _legend(legend)
    top = (placed[-1][3] + 24) if placed else 8
    largest = max((sum(v for _, v in segs) for _, segs, _ in rows), default=0)
    step = max(int(_step(largest)), 1) if whole else _step(largest)
    steps = max(math.ceil(largest / step), 1)
    scale = plot / (step * steps)
    names, bars = dict(legend), []
    for i, (label, segs, value) in enumerate(rows):
        y, x, parts = top + i * 26, float(left), []
        for key, amount in segs:
            if amount > 0:
                what = f"{label}, {names[key]}" if key in names else label
                parts.append(Segment(key, x, amount * scale, f"{what}: {number(amount)}"))
                x += amount * scale
        bars.append(Bar(label, _shorten(label, left), y, tuple(parts), value, x + 6))
    axis_y = top + len(rows) * 26 + 2
    ticks = tuple((left + k * step * scale, number(k * step)) for k in range(steps + 1))
    return Chart(chart_id, title, desc, CHART_WIDTH, int(axis_y + 22), left, tuple(bars),
                 ticks, axis_y, placed)


def _shorten(label: str, room: int) -> str:
    """The label cut to fit ``room`` pixels (about 7 per character); the full one is in the
    bar's tooltip and in the table."""
    fits = (room - 12) // 7
    return label if len(label) <= fits else label[:max(fits - 1, 1)] + "…"


def _legend(items: Sequence[tuple[str, str]]) -> tuple[tuple[str, str, int, int], ...]:
    """Legend entries with their x and y, in rows as wide as the chart."""
    placed, x, y = [], 8, 6
    for key, label in items:
        width = 16 + len(label) * 7 + 14
        if x + width > CHART_WIDTH and x > 8:
            x, y = 8, y + 20
        placed.append((key, label, x, y))
        x += width
    return tuple(placed)


def _step(largest: float) -> float:
    """A round tick step (1, 2 or 5 times a power of ten): at most 5 steps reach ``largest``."""
    if largest <= 0:
        return 1
    raw = largest / 5
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


class Words:
    """Numbers, dates and labels in the report's language."""

    def __init__(self, language: str, report: QuarterlyReport) -> None:
        if language not in TEXTS:
            raise BadInput(f"language {language!r} is not supported; use de or en")
        self.language, self.t = language, TEXTS[language]
        self.phase_labels = {p.name: p.label(language) for p in report.phases}

    def num(self, value: float) -> str:
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        return text.translate(str.maketrans(",.", ".,")) if self.language == "de" else text

    def days(self, value: float | None) -> str:
        if value is None:
            return "–"
        text = f"{value:,.1f}"
        return text.translate(str.maketrans(",.", ".,")) if self.language == "de" else text

    def day(self, value: date) -> str:
        if self.language == "en":
            return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"
        return value.strftime("%d.%m.%Y")

    def moment(self, value: datetime) -> str:
        local = value.astimezone(BERLIN)
        return f"{self.day(local.date())}, {local:%H:%M}"

    def phase(self, name: str) -> str:
        return self.phase_labels.get(name, name)

    def category(self, key: str) -> str:
        return self.t["decision_phase" if key == "decision" else key]

    def place(self, name: str, kind: str) -> str:
        return name or self.t[f"no_{kind}"]

    def unmatched(self, stuck: dict[str, int]) -> str:
        return ", ".join(f"{self.place(k, 'department')}: {self.num(v)}" for k, v in stuck.items())

    def category_header(self, categories: Sequence[str]) -> list[str]:
        """CSV column names: one per category, closed and cancelled also "in the quarter"."""
        names = []
        for c in categories:
            names.append(self.category(c))
            if c in ENDED:
                names.append(f"{self.category(c)} ({self.t['in_quarter']})")
        return names

    @staticmethod
    def category_cells(categories: Sequence[str], line: Line) -> list[int]:
        """The CSV cells matching ``category_header``."""
        cells = []
        for c in categories:
            cells.append(line.counts[c])
            if c in ENDED:
                cells.append(line.ended_in_quarter[c])
        return cells

    def groups(self) -> str:
        named: dict[str, list[str]] = {}
        for phase, category in PHASE_CATEGORY.items():
            if phase in self.phase_labels:
                named.setdefault(category, []).append(self.phase(phase))
        return "; ".join(f"{self.category(c)}: {', '.join(p)}" for c, p in named.items())


def charts(report: QuarterlyReport, w: Words) -> dict[str, Chart]:
    """The three charts of the HTML report."""
    t = w.t
    phases = [(w.phase(p.name), [("bar", report.phase_counts[p.name])],
               w.num(report.phase_counts[p.name])) for p in report.phases]
    by_phase = bar_chart("chart-phases", t["per_phase"], _desc(t["per_phase_desc"], phases),
                         phases, number=w.num, whole=True)
    shown = [c for c in OPEN_CATEGORIES if c in report.categories]
    departments = [(w.place(line.department, "department"),
                    [(c, line.counts[c]) for c in shown], w.num(line.open))
                   for block in report.directorates for line in block.departments]
    by_department = bar_chart(
        "chart-departments", t["per_department_chart"],
        _desc(t["per_department_desc"], departments), departments,
        [(c, w.category(c)) for c in shown], number=w.num, whole=True)
    times = [(w.phase(s.phase), [("bar", s.median_days or 0)],
              w.days(s.median_days) + (f" {t['days']}" if s.median_days is not None else ""))
             for s in report.stay_times]
    by_time = bar_chart("chart-times", t["times"], _desc(t["times_desc"], times), times,
                        number=w.num)
    return {"phases": by_phase, "departments": by_department, "times": by_time}


def _desc(intro: str, rows: Sequence[Row]) -> str:
    return intro + " " + "; ".join(f"{label}: {value}" for label, _, value in rows) + "."


def csv_row(values: Sequence[Any]) -> str:
    """One plain CSV line (comma, RFC 4180 quoting); text that a spreadsheet would take for a
    formula is prefixed with an apostrophe."""
    return DIALECTS["plain"].row(values)


def md(value: Any) -> str:
    """Text safe in a Markdown table cell or paragraph."""
    text = " ".join(str(value).split())
    for char in "\\`*_[]<>|#":
        text = text.replace(char, "\\" + char)
    return text


def _environment(csv_row=csv_row) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=lambda name: bool(name and name.endswith(".html.j2")),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(csvrow=csv_row, md=md, fill=lambda text, **kw: text.format(**kw))
    return env


def render_quarterly(report: QuarterlyReport, fmt: str, language: str,
                     csv_dialect: str | None = None) -> str:
    """The report as text in ``fmt`` (html, md or csv) and ``language`` (de or en); a CSV in
    ``csv_dialect`` (default: for German Excel, see ``notifications.spreadsheet``)."""
    if fmt not in FORMATS:
        raise BadInput(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    chosen = dialect(csv_dialect)
    w = Words(language, report)
    planned = Counter((p.directorate, p.department) for p in report.planned)
    deviating = Counter((d.directorate, d.department) for d in report.deviations)
    values = {"r": report, "w": w, "t": w.t, "lang": language,
              "charts": charts(report, w) if fmt == "html" else {},
              "planned_by": planned, "deviating_by": deviating}
    text = _environment(chosen.row).get_template(FORMATS[fmt]).render(values)
    return chosen.start + text if fmt == "csv" else text
