"""Printing for the command line: times in Europe/Berlin, tables, JSON, refusals.

Labels are German by default and English with ``--lang en`` (or ``BETEILIGUNG_LANG``).
Table cells are stored text that residents and staff typed: ``clean`` drops terminal escape
sequences and control characters from them, so a title cannot recolour, retitle or beep the
operator's terminal (newlines are left as they were).
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import datetime
from typing import Any

from ..states.messages import BERLIN  # noqa: F401  (re-exported for the entry commands)

LABELS = {
    "process": ("Prozess", "Process"),
    "internal": ("intern", "internal"),     # a Begleitgruppe member's kind
    "external": ("extern", "external"),
    "erased": ("personenbezogene Angaben gelöscht", "personal data erased"),
    "erased_person": ("gelöscht", "erased"),
    "phase": ("Phase", "Phase"),
    "since": ("seit", "since"),
    "department": ("Fachbereich", "Department"),
    "directorate": ("Dezernat", "Directorate"),
    "districts": ("Stadtbezirke", "Districts"),
    "origin": ("Anlass", "Origin"),
    "lead": ("Ansprechperson", "Lead"),
    "deputy": ("Vertretung", "Deputy"),
    "definition": ("Definition", "Definition"),
    "paused_in": ("pausiert in", "paused in"),
    "next": ("Mögliche nächste Schritte", "Possible next steps"),
    "ready": ("bereit", "ready"),
    "lacks": ("es fehlt", "lacks"),
    "with_reason": ("möglich mit Begründung", "possible with a reason"),
    "refused": ("abgelehnt", "refused"),
    "none": ("keine", "none"),
    "round": ("Dialogrunde", "Dialogue round"),
    "concept": ("Konzept", "Concept"),
    "version": ("Version", "version"),
    "draft": ("Entwurf", "draft"),
    "yes": ("ja", "yes"),
    "no": ("nein", "no"),
    "suggestions": ("Anregungen", "Suggestions"),
    "open": ("offen", "open"),
    "cancel_reason": ("Abbruchgrund", "Cancelled because"),
    "not_in_register": (" (nicht im Fachbereichsverzeichnis)", " (not in the register)"),
    "stored_as": (" (eingetragen als „{text}“)", " (entered as '{text}')"),
}


# Terminal escape sequences (ECMA-48): OSC, DCS, SOS, PM and APC strings up to their
# terminator (or the end: a terminal would swallow the rest too), CSI sequences, and the other
# two-character escapes; 7-bit and 8-bit forms.
ESCAPES = re.compile(r"(?:\x1b[\]P^_X]|[\x90\x98\x9d-\x9f]).*?(?:\x07|\x1b\\|\x9c|\Z)"
                     r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
                     r"|\x1b[ -/]*[0-~]?", re.DOTALL)
# What is left of control characters after that: C0 but the newline, DEL, C1, and the
# bidirectional overrides and isolates that reorder what the terminal shows.
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: Any) -> str:
    """``text`` as a terminal may show it: a tab is a space, escape sequences and control
    characters are gone, newlines stay."""
    return CONTROLS.sub("", ESCAPES.sub("", str(text).replace("\t", " ")))


def lang(args: Any = None) -> str:
    """The language of this run: ``--lang``, else ``BETEILIGUNG_LANG``, else the settings'
    ``language``, else German (also when the settings cannot be read: the command that needs
    them reports that itself)."""
    chosen = getattr(args, "lang", None) or os.environ.get("BETEILIGUNG_LANG")
    if not chosen:
        from ..config.settings import load_settings
        from ..states.errors import BeteiligungError

        try:
            chosen = load_settings().language
        except BeteiligungError:
            chosen = "de"
    return chosen if chosen in ("de", "en") else "de"


def label(key: str, language: str) -> str:
    """A fixed label in the language."""
    de, en = LABELS[key]
    return en if language == "en" else de


def local(at: datetime | None, language: str = "de") -> str:
    """A stored UTC time as shown: Europe/Berlin, in the language's date format."""
    from ..states.messages import local_time

    return "-" if at is None else local_time(at, language)


def print_json(value: Any) -> None:
    """Pretty JSON on stdout (UTF-8, not escaped)."""
    print(json.dumps(value, ensure_ascii=False, indent=2))


def table(rows: list[list[str]], header: list[str]) -> None:
    """A plain table with columns as wide as their widest cell (the last column is free);
    every cell ``clean``."""
    shown = [[clean(c) for c in row] for row in [header, *rows]]
    widths = [max(len(r[i]) for r in shown) for i in range(len(header) - 1)]
    for row in shown:
        cells = [c.ljust(w) for c, w in zip(row, widths, strict=False)] + [row[-1]]
        print("  ".join(cells).rstrip())


def unmet_lines(unmet: list, language: str, process_id: int | None,
                trigger: str = "") -> list[str]:
    """One line per unmet condition, each followed by the commands that fix it (a command
    that fixes several comes once, after the last of them: ``cli.hints.fixes``)."""
    from .hints import fixes

    lines = []
    for item, commands in zip(unmet, fixes(unmet, process_id, trigger), strict=True):
        lines.append(f"  - {item.text(language)}")
        lines += [f"      {command}" for command in commands]
    return lines


def print_refusal(refused: Any, args: Any) -> None:
    """A refused step on stderr: one line saying so, then every unmet condition."""
    from ..states.messages import render

    language = lang(args)
    params = {"trigger": refused.trigger, "phase": _phase_label(refused.phase, language),
              "allowed": ", ".join(refused.allowed) or label("none", language)}
    header = render("header_refused" if refused.unmet else "header_not_possible", params,
                    language)
    print(f"beteiligung: {header}", file=sys.stderr)
    for line in unmet_lines(refused.unmet, language, getattr(args, "id", None),
                            refused.trigger):
        print(line, file=sys.stderr)


def refusal_json(refused: Any, args: Any) -> str:
    """A refused step for scripts: the trigger, the phase, the triggers defined from that
    phase, and every unmet condition with its code, parameters and text."""
    from ..states.codec import to_plain

    language = lang(args)
    return json.dumps({
        "ok": False, "error": "transition_refused", "exit_code": refused.exit_code,
        "id": getattr(args, "id", None), "trigger": refused.trigger, "phase": refused.phase,
        "allowed": refused.allowed or _triggers_from(refused.phase),
        "unmet": [{"code": u.code, "params": to_plain(u.params), "text": u.text(language)}
                  for u in refused.unmet],
    }, ensure_ascii=False, indent=2)


def _phase_label(phase: str, language: str) -> str:
    """The configured definition's label of ``phase`` (its id when it has none)."""
    definition = _definition()
    if definition is None or phase not in definition.phases:
        return phase
    return definition.phases[phase].label(language)


def _definition() -> Any:
    """The configured process definition, or ``None`` when the settings do not load."""
    from ..config.settings import load_settings
    from ..states.definition import load_definition
    from ..states.errors import BeteiligungError

    try:
        return load_definition(load_settings().definition)
    except BeteiligungError:
        return None


def _triggers_from(phase: str) -> list[str]:
    """The triggers the configured definition has from ``phase`` (a refusal by the guards
    does not carry them)."""
    definition = _definition()
    if definition is None:
        return []
    return list(dict.fromkeys(t.trigger for t in definition.transitions_from(phase)))
