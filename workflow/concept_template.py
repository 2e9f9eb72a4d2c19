"""The concept file as a commented template, for people who do not write TOML every day.

``concept_template`` writes every section of the concept (``states.concept_sections``) with
its name and what belongs there as a comment above the key, filled with the process's draft
(or, without one, its title and subject), so that ``parse_concept`` reads it back as written:
an untouched template loads as the draft it came from, and a filled-in one passes the guards.
Texts are written as TOML strings that survive any character (quotes, backslashes, lines).
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from ..states.case import Concept, Goal
from ..states.concept_sections import GOALS, SECTIONS, TABLES, Section, goal_field_label

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\f": "\\f", "\r": "\\r", "\n": "\\n"}
HEAD = {
    "de": ["Beteiligungskonzept für Prozess {id}: „{title}“",
           "Jeder Abschnitt steht hier mit seinem Namen. Schreiben Sie den Text zwischen die",
           'Anführungszeichen; mehrzeiliger Text steht zwischen """ und """. Listen sehen so aus:',
           '["erstens", "zweitens"]. Ein Datum steht ohne Anführungszeichen: 2027-06-30.',
           "Zeilen mit # am Anfang sind Erläuterungen. Im Entwurf darf noch etwas leer bleiben;",
           "weiter geht es erst, wenn alles ausgefüllt ist. Laden mit:"],
    "en": ["Participation concept of process {id}: '{title}'",
           "Every section is here with its name. Write the text between the quotes; text of",
           'several lines goes between """ and """. Lists look like this: ["first", "second"].',
           "A date has no quotes: 2027-06-30. Lines starting with # are explanations. A draft",
           "may leave something empty; the process goes on only once all is filled in. Load:"],
}
WORDS = {
    "list": ("eine Liste", "a list"),
    "goals": ("je Ziel ein Block [[goals]]; für ein weiteres Ziel den Block kopieren",
              "one [[goals]] block per goal; copy the block for another goal"),
    "goal_id": ("eindeutig, z. B. Z1", "unique, like Z1"),
    "date": ("ein Datum ohne Anführungszeichen", "a date without quotes"),
    "due": ("ein Datum ohne Anführungszeichen; zum Eintragen das # vor due entfernen",
            "a date without quotes; to enter it, remove the # before due"),
}


def _word(key: str, lang: str) -> str:
    de, en = WORDS[key]
    return en if lang == "en" else de


def toml_text(value: str) -> str:
    """``value`` as a TOML string: on one line, or between triple quotes when it has lines."""
    if "\n" not in value:
        return '"' + "".join(_escape(c, False) for c in value) + '"'
    return '"""\n' + "".join(_escape(c, True) for c in value) + '"""'


def _escape(char: str, lines: bool) -> str:
    if char == "\n" and lines or char == "\t":
        return char
    if char in _ESCAPES:
        return _ESCAPES[char]
    return f"\\u{ord(char):04X}" if ord(char) < 0x20 or ord(char) == 0x7F else char


def _value(section: Section, value: object) -> str:
    if section.kind == "flag":
        return "true" if value else "false"
    if section.kind == "list":
        return "[" + ", ".join(toml_text(v) for v in value) + "]"  # type: ignore[attr-defined]
    return toml_text(str(value))


def _comment(section: Section, lang: str) -> str:
    name = section.label(lang) + (f" ({section.rule})" if section.rule else "")
    hint = section.hint_en if lang == "en" else section.hint_de
    kind = _word("list", lang) if section.kind == "list" else ""
    details = "; ".join(p for p in (hint, kind) if p)
    return "# " + name + (f": {details}" if details else "")


def _get(concept: Concept, path: str) -> object:
    value: object = concept
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _goal(goal: Goal, lang: str) -> list[str]:
    lines = ["", "[[goals]]", f"# {goal_field_label('id', lang)}: {_word('goal_id', lang)}",
             f"id = {toml_text(goal.id)}"]
    for name in ("description", "indicator", "target"):
        lines += [f"# {goal_field_label(name, lang)}", f"{name} = {toml_text(getattr(goal, name))}"]
    if isinstance(goal.due, date):
        return lines + [f"# {goal_field_label('due', lang)}: {_word('date', lang)}",
                        f"due = {goal.due.isoformat()}"]
    return lines + [f"# {goal_field_label('due', lang)}: {_word('due', lang)}",
                    "#due = 2027-06-30"]
    return lines


def concept_template(concept: Concept, process_id: int, title: str, load_as: str,
                     lang: str = "de") -> str:
    """The commented concept file of ``concept``; ``load_as`` is the file name that the
    header's load command names."""
    head = [line.format(id=process_id, title=title) for line in HEAD.get(lang, HEAD["de"])]
    lines = ["# " + line for line in head]
    lines.append(f"#   beteiligung concept load {process_id} {load_as}")
    table = ""
    for section in SECTIONS:
        name, _, key = section.path.rpartition(".")
        if name != table:
            de, en = TABLES[name]
            lines += ["", f"# ── {en if lang == 'en' else de} ──", f"[{name}]"]
            table = name
        value = _value(section, _get(concept, section.path))
        lines += ["", _comment(section, lang), f"{key} = {value}"]
    de, en = GOALS
    lines += ["", f"# ── {en if lang == 'en' else de} (R4): {_word('goals', lang)} ──"]
    for goal in concept.goals or [Goal("Z1", "", "", "", None)]:
        lines += _goal(goal, lang)
    return "\n".join(lines) + "\n"


def starting_concept(draft: Concept | None, title: str, subject: str) -> Concept:
    """The draft, or a new concept that starts from the process's title and subject."""
    return dataclasses.replace(draft) if draft else Concept(topic=title, subject_matter=subject)
