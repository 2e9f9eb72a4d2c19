"""Read a participation concept from TOML (format in the README), naming every wrong field.

A draft may be incomplete (the guards say what is missing before it can be published); what is
refused here is a file that cannot be a concept: unknown keys, wrong types, duplicate goal ids.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from ..states.case import Budget, Concept, DecisionPlan, Goal, Stakeholders
from ..states.errors import BadInput
from ..states.textfile import load_toml

_TEXT = str
_SECTIONS: dict[str, type] = {"decision": DecisionPlan, "budget": Budget,
                              "stakeholders": Stakeholders}


def parse_concept(text: str, source: str = "concept file") -> Concept:
    """The concept in ``text``; ``BadInput`` names the file and the first wrong field."""
    raw = load_toml(text, source)
    try:
        return _concept(raw)
    except _FieldError as exc:
        raise BadInput(f"{source}: {exc}") from None


def concept_from_plain(raw: Any, source: str = "concept") -> Concept:
    """The concept in plain data (JSON, as ``states.codec.to_plain`` writes it: goal dates as
    ISO text); refused with the same ``BadInput`` as a file with the same content."""
    if not isinstance(raw, dict):
        raise BadInput(f"{source}: must be an object with the fields of a concept")
    goals = raw.get("goals")
    if isinstance(goals, list):
        raw = raw | {"goals": [_iso_due(g) for g in goals]}
    try:
        return _concept(raw)
    except _FieldError as exc:
        raise BadInput(f"{source}: {exc}") from None


def _iso_due(goal: Any) -> Any:
    if isinstance(goal, dict) and isinstance(goal.get("due"), str):
        try:
            return goal | {"due": date.fromisoformat(goal["due"])}
        except ValueError:
            pass  # left as text, which _goals refuses with the file's message
    return goal


class _FieldError(Exception):
    pass


def _concept(raw: dict[str, Any]) -> Concept:
    values: dict[str, Any] = {}
    names = {f.name: f for f in dataclasses.fields(Concept)}
    for key, value in raw.items():
        if key not in names:
            raise _FieldError(f"unknown field {key!r} (known: {', '.join(sorted(names))})")
        if key in _SECTIONS:
            values[key] = _section(key, _SECTIONS[key], value)
        elif key == "goals":
            values[key] = _goals(value)
        elif key in ("decision_makers", "accessibility"):
            values[key] = _strings(key, value)
        else:
            values[key] = _string(key, value)
    return Concept(**values)


def _string(path: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _FieldError(f"{path}: must be text in quotes, not {type(value).__name__}")
    return value


def _strings(path: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _FieldError(f"{path}: must be a list of texts, like [\"a\", \"b\"]")
    return list(value)


def _section(key: str, cls: type, value: Any) -> Any:
    if not isinstance(value, dict):
        raise _FieldError(f"{key}: must be a table [{key}]")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for name, item in value.items():
        path = f"{key}.{name}"
        if name not in fields:
            raise _FieldError(f"unknown field {path!r} (known: "
                              f"{', '.join(key + '.' + n for n in fields)})")
        kind = fields[name].type
        if kind in (bool, "bool"):
            if not isinstance(item, bool):
                raise _FieldError(f"{path}: must be true or false")
            values[name] = item
        elif kind in ("list[str]",):
            values[name] = _strings(path, item)
        else:
            values[name] = _string(path, item)
    return cls(**values)


def _goals(value: Any) -> list[Goal]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _FieldError("goals: must be [[goals]] tables")
    goals: list[Goal] = []
    for number, item in enumerate(value, start=1):
        path = f"goals[{number}]"
        unknown = set(item) - {"id", "description", "indicator", "target", "due"}
        if unknown:
            raise _FieldError(f"{path}: unknown field(s) {', '.join(sorted(unknown))} "
                              "(known: id, description, indicator, target, due)")
        goal_id = _string(f"{path}.id", item.get("id", "")).strip()
        if not goal_id:
            raise _FieldError(f"{path}.id: every goal needs an id, like \"Z1\"")
        if any(g.id == goal_id for g in goals):
            raise _FieldError(f"{path}.id: {goal_id!r} is used twice")
        due = item.get("due")
        if isinstance(due, datetime) or (due is not None and not isinstance(due, date)):
            raise _FieldError(f"{path}.due: must be a date without quotes, like 2027-06-30")
        description, indicator, target = (_string(f"{path}.{k}", item.get(k, ""))
                                          for k in ("description", "indicator", "target"))
        goals.append(Goal(goal_id, description, indicator, target, due))
    return goals
