"""The ``departments`` setting: the register of departments (Fachbereiche), checked on reading.

Each entry is a table with ``code``, ``name`` and ``directorate``; codes and names (ignoring
case and spacing) are unique, so that every way of naming a department resolves to one entry
(``states.departments``).
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from ..states.departments import Department
from ..states.errors import BadInput


def check(key: str, value: object) -> None:
    """Refuse a register that is not a list of entries with code, name and directorate, or
    that names a code or a name twice (``BadInput`` naming the entry)."""
    example = f'[[{key}]] with code = "67", name = "Umwelt und Stadtgrün", directorate = ' \
              '"Dezernat V"'
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise BadInput(f"{key} must be a non-empty list of tables ({example})")
    for number, entry in enumerate(value, start=1):
        fields = set(entry)
        if fields != {"code", "name", "directorate"}:
            raise BadInput(f"{key} entry {number}: needs exactly code, name and directorate "
                           f"(has {', '.join(sorted(fields)) or 'nothing'})")
        for name in ("code", "name", "directorate"):
            if not isinstance(entry[name], str) or not entry[name].strip():
                raise BadInput(f"{key} entry {number}: {name} must be a non-empty string")
        if any(c in entry["code"] for c in " ()"):
            raise BadInput(f"{key} entry {number}: code {entry['code']!r} must be one word "
                           "without brackets, like \"67\"")
    for name in ("code", "name"):
        seen = [" ".join(e[name].split()).casefold() for e in value]
        twice = next((v for v in seen if seen.count(v) > 1), None)
        if twice is not None:
            raise BadInput(f"{key}: the {name} {twice!r} is listed twice")


def entries(raw: list) -> tuple[Department, ...]:
    """The checked register's entries, their names with single spaces."""
    return tuple(Department(d["code"].strip(), " ".join(d["name"].split()),
                            d["directorate"].strip()) for d in raw)
