"""Errors that speak the user's language: a message code with parameters, German and English.

``refuse(code, **params)`` makes the error (a ``BadInput`` unless another kind is given); its
``str`` is the English text (for logs and tests), and ``error.text(lang)`` is what the
entrypoints show. ``states.messages`` holds the texts of unmet conditions; these are the texts
of refused input.
Import rule: standard library only.
"""

from __future__ import annotations

from .errors import BadInput, BeteiligungError

ERROR_TEXTS: dict[str, dict[str, str]] = {
    "department_unknown": {
        "de": "{option}: „{given}“ ist nicht im Fachbereichsverzeichnis; Kennzahl (67), "
        "„FB 67“, Namen oder „Name (67)“ angeben (alle zeigt 'beteiligung department list')",
        "en": "{option}: '{given}' is not in the register of departments; give its number "
        "(67), 'FB 67', its name or 'Name (67)' ('beteiligung department list' shows them all)",
    },
    "directorate_mismatch": {
        "de": "{option}: „{department}“ gehört laut Fachbereichsverzeichnis zum „{expected}“, "
        "nicht zum „{given}“; das Dezernat ergibt sich aus dem Fachbereich: weglassen",
        "en": "{option}: '{department}' belongs to '{expected}' by the register of "
        "departments, not to '{given}'; the directorate follows from the department: leave "
        "it out",
    },
    "duplicate_title": {
        "de": "Im Fachbereich „{department}“ gibt es schon einen Prozess „{title}“ "
        "(Prozess {existing}): einen zweiten nur anlegen, wenn er ein eigenes Verfahren ist",
        "en": "The department '{department}' already has a process '{title}' "
        "(process {existing}): create a second one only if it is a separate process",
    },
    "duplicate_title_cli": {
        "de": "Im Fachbereich „{department}“ gibt es schon einen Prozess „{title}“ "
        "(Prozess {existing}, 'beteiligung process show {first}'); nichts angelegt: ist es "
        "ein eigenes Verfahren, denselben Befehl mit --yes wiederholen",
        "en": "The department '{department}' already has a process '{title}' "
        "(process {existing}, 'beteiligung process show {first}'); nothing was created: if it "
        "is a separate process, repeat the command with --yes",
    },
    "trigger_unknown": {
        "de": "Einen Schritt „{trigger}“ gibt es nicht; die Schritte heißen: {steps} (die jetzt "
        "möglichen zeigt 'beteiligung process show {id}')",
        "en": "there is no step '{trigger}'; the steps are: {steps} ('beteiligung process show "
        "{id}' lists those possible now)",
    },
    "concept_none": {
        "de": "Prozess {id} hat noch kein Beteiligungskonzept: eine Vorlage zum Ausfüllen "
        "schreibt 'beteiligung concept template {id} --out konzept-{id}.toml'",
        "en": "process {id} has no participation concept yet: 'beteiligung concept template "
        "{id} --out konzept-{id}.toml' writes a template to fill in",
    },
    "template_exists": {
        "de": "--out: {path} gibt es schon, es wurde nicht überschrieben; eine ausgefüllte "
        "Datei laden mit 'beteiligung concept load {id} {path}' oder einen anderen "
        "Dateinamen wählen",
        "en": "--out: {path} exists and was not overwritten; load a filled-in file with "
        "'beteiligung concept load {id} {path}' or choose another file name",
    },
}


def render_error(code: str, params: dict[str, object], lang: str = "de") -> str:
    """The text of an error code in ``lang`` (German when the language is unknown)."""
    entry = ERROR_TEXTS[code]
    return entry.get(lang, entry["de"]).format(**params)


def refuse(code: str, kind: type[BeteiligungError] = BadInput,
           **params: object) -> BeteiligungError:
    """An error of ``kind`` that says ``code`` in either language."""
    error = kind(render_error(code, params, "en"))
    error.code, error.params = code, dict(params)
    return error
