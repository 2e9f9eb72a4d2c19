"""Handler of ``beteiligung audit stuck``: the open processes that are stuck, overdue or
breaking a rule, most severe first (``workflow.oversight`` has the rules).

Three outputs: a table for the terminal (each finding one line, then what is wrong, what to do
next and who is responsible, wrapped to the terminal's width), ``--json`` (one object with
every field) and ``--csv`` (one row per finding, every field; for German Excel, with the
column names of ``notifications.csv_headers``, unless ``--csv-dialect plain``: comma and the
field codes).
Import rule: an entrypoint; it may import any layer.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from dataclasses import asdict
from datetime import date

from ..config.bootstrap import build_env
from ..config.settings import load_settings
from ..notifications import csv_headers
from ..notifications.spreadsheet import dialect
from ..states.codec import to_plain
from ..states.definition import Definition
from ..states.errors import BadInput
from ..storage.oversight import SqlOversightReader
from ..workflow import departments
from ..workflow.core import Env
from ..workflow.oversight import Finding, Limits, at_least, counts
from ..workflow.oversight_texts import phase_label, words
from .entry import parse_date
from .render import BERLIN, clean, lang, print_json
from .reports import sql_unit

FIELDS = ("severity", "code", "name", "process_id", "title", "department", "directorate",
          "districts", "phase", "phase_label", "paused_phase", "definition_version", "days",
          "limit_days", "since", "lead_email", "deputy_email", "detail", "next_step",
          "deadline_ids", "message_ids", "params")
HEADER = {"de": ("SCHWERE", "TAGE", "BEFUND", "PROZESS"),
          "en": ("SEVERITY", "DAYS", "FINDING", "PROCESS")}
RESPONSIBLE = {"de": ("Verantwortlich", "Vertretung"), "en": ("Responsible", "deputy")}
DATES = {"de": "%d.%m.%Y", "en": "%Y-%m-%d"}
# a quoted command or name is kept on one line when the texts are wrapped
QUOTED = re.compile(r"„[^“]*“|'[^']*'")
KEEP = "\x00"


def collect(env: Env, limits: Limits, as_of: date, *, department: str | None = None,
            district: str | None = None) -> list[Finding]:
    """Every finding as of ``as_of``: what ``audit stuck`` prints (the benchmark times this)."""
    with env.uow() as uow:
        reader = SqlOversightReader(sql_unit(uow).conn)
        return departments.find_stuck(reader, env.lifecycle, as_of, limits, env.departments,
                                      department=department, district=district,
                                      known_districts=env.districts)


def stuck(args: argparse.Namespace) -> int:
    if args.json and args.csv:
        raise BadInput(texts={"de": "--json und --csv: eines von beiden wählen",
                              "en": "--json and --csv: choose one"})
    if args.csv_dialect and not args.csv:
        raise BadInput(texts={"de": "--csv-dialect gehört zu --csv",
                              "en": "--csv-dialect goes with --csv"})
    settings = load_settings()
    env = build_env(settings)
    as_of = (parse_date("--as-of", args.as_of) if args.as_of
             else env.clock().astimezone(BERLIN).date())
    findings = collect(env, Limits(**asdict(settings.oversight)), as_of,
                       department=args.department, district=args.district)
    language, definition = lang(args), env.lifecycle.definition
    if args.json:
        print_json({"as_of": as_of.isoformat(), "language": language,
                    "filters": {"department": args.department, "district": args.district},
                    "counts": counts(findings),
                    "findings": [record(f, definition, language) for f in findings]})
    elif args.csv:
        write_csv(findings, definition, language, args.csv_dialect)
    else:
        print_table(findings, definition, language, as_of)
    return 1 if args.fail_on and at_least(findings, args.fail_on) else 0


def record(finding: Finding, definition: Definition, language: str) -> dict:
    """Every field of a finding, its texts in ``language``; times ISO 8601 in UTC."""
    said = words(finding, definition, language)
    return {"severity": finding.severity, "code": finding.code, "name": said.name,
            "process_id": finding.process_id, "title": finding.title,
            "department": finding.department, "directorate": finding.directorate,
            "districts": list(finding.districts), "phase": finding.phase,
            "phase_label": phase_label(definition, finding.phase, language),
            "paused_phase": finding.paused_phase,
            "definition_version": finding.definition_version, "days": finding.days,
            "limit_days": finding.limit_days, "since": to_plain(finding.since),
            "lead_email": finding.lead_email, "deputy_email": finding.deputy_email,
            "detail": said.detail, "next_step": said.next_step,
            "deadline_ids": list(finding.deadline_ids),
            "message_ids": list(finding.message_ids), "params": dict(finding.params)}


def write_csv(findings: list[Finding], definition: Definition, language: str,
              csv_dialect: str | None = None) -> None:
    """One row per finding; lists joined with ``; ``, params as ``key=value; ...``."""
    chosen = dialect(csv_dialect)
    names = csv_headers.header(csv_headers.FINDINGS, FIELDS, language) if chosen.labelled \
        else FIELDS
    sys.stdout.write(chosen.start + chosen.row(names, "\n"))
    for finding in findings:
        row = record(finding, definition, language)
        row["params"] = "; ".join(f"{k}={v}" for k, v in row["params"].items())
        for key in ("districts", "deadline_ids", "message_ids"):
            row[key] = "; ".join(str(v) for v in row[key])
        sys.stdout.write(chosen.row(["" if row[k] is None else row[k] for k in FIELDS], "\n"))


def print_table(findings: list[Finding], definition: Definition, language: str,
                as_of: date) -> None:
    """Each finding: severity, days, what, which process; then the texts, indented."""
    width = max(72, min(120, shutil.get_terminal_size((100, 24)).columns))
    if findings:
        severity, days, name, process = HEADER[language]
        print(f"{severity:<9} {days:>5}  {name:<24}  {process}")
    responsible, deputy = RESPONSIBLE[language]
    out = []
    for finding in findings:
        said = words(finding, definition, language)
        out.append(_cut(f"{said.severity:<9} {finding.days:>5}  {said.name:<24}  "
                        f"#{finding.process_id} [{finding.phase}] {clean(finding.title)}", width))
        out += wrap(said.detail, width)
        out += wrap("→ " + said.next_step, width)
        out += wrap(f"{responsible}: {finding.lead_email or '-'}, {deputy}: "
                    f"{finding.deputy_email or '-'}", width)
    if out:   # stored text: no terminal escapes (``cli.render.clean``)
        print("\n".join(clean(line) for line in out))
    print(summary(findings, language, as_of))


def wrap(text: str, width: int, indent: int = 10, hanging: int = 12) -> list[str]:
    """``text`` in lines of at most ``width`` (a longer word stands alone), a quoted command or
    name kept on one line. (``textwrap`` took two thirds of printing 6,000 findings.)"""
    if "„" in text or "'" in text:
        text = QUOTED.sub(lambda m: m.group().replace(" ", KEEP), text)
    lines: list[str] = []
    line, start = "", " " * indent
    for word in text.split():
        if line and len(start) + len(line) + 1 + len(word) > width:
            lines.append(start + line.replace(KEEP, " "))
            line, start = word, " " * hanging
        else:
            line = f"{line} {word}" if line else word
    lines.append(start + line.replace(KEEP, " "))
    return lines


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def summary(findings: list[Finding], language: str, as_of: date) -> str:
    """The closing line: how many findings of each severity, as of when."""
    day = as_of.strftime(DATES[language])
    if not findings:
        return (f"No findings as of {day}: no open process is stuck or overdue."
                if language == "en" else
                f"Keine Befunde (Stand {day}): kein offener Prozess hängt oder ist überfällig.")
    tally = counts(findings)
    processes = len({f.process_id for f in findings})
    if language == "en":
        return (f"{len(findings)} finding(s) in {processes} open process(es) as of {day}: "
                f"{tally['critical']} critical, {tally['warning']} warning(s), "
                f"{tally['info']} info.")
    return (f"{len(findings)} Befund(e) zu {processes} offenen Prozess(en), Stand {day}: "
            f"{tally['critical']} kritisch, {tally['warning']} Warnung(en), "
            f"{tally['info']} Hinweis(e).")
