"""The concept as people read it: ``concept template`` and the lines of ``concept show``.

``template`` writes the commented concept file (``workflow.concept_template``) to fill in and
load; ``concept_lines`` is the draft or a published version with the name of every section,
lists as lists and each SMART goal as a block (``cli.entry.concept_show`` prints them).
Import rule: an entrypoint; it may import any layer.
"""

from __future__ import annotations

import argparse
import shlex

from ..states.case import Concept
from ..states.concept_sections import GOALS, SECTIONS, TABLES, goal_field_label
from ..states.error_texts import refuse
from ..states.errors import NotFound
from ..workflow.concept_template import concept_template as template_text
from ..workflow.concept_template import starting_concept
from ..workflow.process import get_process
from .commands import wired
from .files import check_target, write_atomically
from .render import label, lang

WRITTEN = {"de": "Vorlage für Prozess {id} geschrieben: {path}. Ausfüllen, dann laden mit:",
           "en": "Template for process {id} written to {path}. Fill it in, then load it with:"}
EMPTY = "–"


def concept_template(args: argparse.Namespace) -> int:
    language = lang(args)
    target = check_target(args.out) if args.out else None
    if target is not None and target.exists():
        raise refuse("template_exists", path=shlex.quote(args.out), id=args.id)
    process_id: int = args.id  # argparse made it an int; the case is loaded by it
    case = get_process(wired(), process_id)
    name = shlex.quote(args.out or f"konzept-{process_id}.toml")
    concept = starting_concept(case.concept_draft, case.title, case.subject)
    text = template_text(concept, process_id, case.title, name, language)
    if target is None:
        print(text, end="")
        return 0
    write_atomically(target, text.encode("utf-8"))
    print(WRITTEN[language].format(id=process_id, path=args.out))
    print(f"  beteiligung concept load {process_id} {name}")
    return 0


def no_draft(case, version: int | None) -> None:
    """Refuse showing the draft of a process that has none, naming the template command."""
    if version is None and case.concept_draft is None:
        raise refuse("concept_none", NotFound, id=case.id)


def concept_lines(concept: Concept, language: str) -> list[str]:
    """The concept as labelled lines: texts after their name, lists and goals as blocks."""
    lines, table = [], ""
    for section in SECTIONS:
        name, _, _ = section.path.rpartition(".")
        if name != table:
            lines.append(f"  {_pick(TABLES[name], language)}")
            table = name
        value = concept
        for part in section.path.split("."):
            value = getattr(value, part)
        lines += _entry("    " if name else "  ", section.label(language), value, language)
    lines.append(f"  {_pick(GOALS, language)}:{'' if concept.goals else ' ' + EMPTY}")
    for goal in concept.goals:
        lines += _text_lines("    ", goal.id, goal.description)
        for field in ("indicator", "target"):
            lines += _text_lines("      ", goal_field_label(field, language), getattr(goal, field))
        due = goal.due.strftime("%d.%m.%Y" if language == "de" else "%Y-%m-%d") if goal.due else ""
        lines += _text_lines("      ", goal_field_label("due", language), due)
    return lines


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def _entry(indent: str, name: str, value: object, language: str) -> list[str]:
    if isinstance(value, bool):
        return [f"{indent}{name}: {label('yes' if value else 'no', language)}"]
    if isinstance(value, list):
        if not value:
            return [f"{indent}{name}: {EMPTY}"]
        return [f"{indent}{name}:"] + [f"{indent}  - {item}" for item in value]
    return _text_lines(indent, name, str(value))


def _text_lines(indent: str, name: str, text: str) -> list[str]:
    first, *rest = text.strip().splitlines() or [EMPTY]
    return [f"{indent}{name}: {first}"] + [f"{indent}  {line}" for line in rest]
