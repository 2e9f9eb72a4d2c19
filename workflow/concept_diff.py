"""What changed between two versions of a concept, field by field (the staff pages' diff).

``flatten`` turns a concept into labelled fields: ``topic``, ``decision.who`` for a nested
section, ``goals.Z1.indicator`` for an item of a list of records with an ``id``, and a list of
texts (``accessibility``) as one field of lines. ``compare`` returns, for each field that
differs, the parts of a word-level diff (text) or a line-level diff (lists), computed with
``difflib``. Language-neutral: the caller labels the paths and may say how to show a scalar.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any

SAME, REMOVED, ADDED = "same", "removed", "added"
_MISSING = object()


@dataclass(frozen=True)
class FieldDiff:
    """One changed field: its path, and ``(op, text)`` parts; ``by_line`` for lists."""

    path: str
    parts: list[tuple[str, str]]
    by_line: bool


def show_scalar(value: Any) -> str:
    """The default text of a non-text value: a date in ISO form, nothing for ``None``."""
    if value is None or value is _MISSING:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def flatten(record: Any, prefix: str = "") -> dict[str, Any]:
    """The fields of a dataclass instance by path, in declaration order."""
    flat: dict[str, Any] = {}
    for item in fields(record):
        value, path = getattr(record, item.name), prefix + item.name
        if is_dataclass(value):
            flat |= flatten(value, path + ".")
        elif isinstance(value, list) and value and all(_keyed(v) for v in value):
            for entry in value:
                flat |= {k: v for k, v in flatten(entry, f"{path}.{entry.id}.").items()
                         if not k.endswith(".id")}
        else:
            flat[path] = value
    return flat


def _keyed(value: Any) -> bool:
    return is_dataclass(value) and hasattr(value, "id")


def compare(old: Any, new: Any,
            show: Callable[[Any], str] = show_scalar) -> list[FieldDiff]:
    """Every field that differs between ``old`` and ``new`` (removed and added ones too)."""
    before, after = flatten(old), flatten(new)
    changed = []
    for path in _paths(list(before), list(after)):
        was, now = before.get(path, _MISSING), after.get(path, _MISSING)
        if was == now:
            continue
        by_line = isinstance(was, list) or isinstance(now, list)
        parts = (_lines(_items(was), _items(now)) if by_line
                 else _words(_text(was, show), _text(now, show)))
        # an empty list beside a list of records that flattened away differs only in form
        if any(op != SAME for op, _ in parts):
            changed.append(FieldDiff(path, parts, by_line))
    return changed


def _paths(before: list[str], after: list[str]) -> list[str]:
    """Both lists of paths merged, keeping removed fields near where they stood."""
    merged: dict[str, None] = {}
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for _, i1, i2, j1, j2 in matcher.get_opcodes():
        merged |= dict.fromkeys(before[i1:i2] + after[j1:j2])
    return list(merged)


def _items(value: Any) -> list[str]:
    return [] if value is _MISSING or value is None else [str(v) for v in value]


def _text(value: Any, show: Callable[[Any], str]) -> str:
    return value if isinstance(value, str) else show(None if value is _MISSING else value)


def _words(old: str, new: str) -> list[tuple[str, str]]:
    return [(op, " ".join(words)) for op, words in _ops(old.split(), new.split())]


def _lines(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    return [(op, line) for op, lines in _ops(old, new) for line in lines]


def _ops(old: list[str], new: list[str]) -> list[tuple[str, list[str]]]:
    ops: list[tuple[str, list[str]]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append((SAME, old[i1:i2]))
            continue
        if i2 > i1:
            ops.append((REMOVED, old[i1:i2]))
        if j2 > j1:
            ops.append((ADDED, new[j1:j2]))
    return ops
