"""The register of departments (Fachbereiche): code, name and directorate of each.

A process names its department by one register entry, stored as the entry's label
(``Umwelt und Stadtgrün (67)``), and its directorate follows from the entry. What people type
resolves to one entry: the code (``67``), ``FB 67`` or ``Fachbereich 67``, the name, the code
followed by the name (``FB 67 Umwelt und Stadtgrün``) or the label; case and spacing do not
matter. A name and a code that belong to different entries resolve to none.

Processes stored before the register (free text) keep their text; ``canonical`` puts the ones
whose text resolves on their entry's row in reports and lists. An empty register means no
register at all: every text is taken as it is (test wiring and old callers).
Import rule: standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

_PREFIXES = ("fachbereich", "fb")
_LABEL = re.compile(r"^(?P<name>.+?)\s*\((?P<code>[^()]+)\)$")


@dataclass(frozen=True)
class Department:
    """One Fachbereich: its code (``67``), its name and the directorate (Dezernat) it is in."""

    code: str
    name: str
    directorate: str

    @property
    def label(self) -> str:
        """How the department is stored and shown: ``Umwelt und Stadtgrün (67)``."""
        return f"{self.name} ({self.code})"


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _unprefixed(text: str) -> str:
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            rest = text[len(prefix):].lstrip(" .")
            if rest:
                return rest
    return text


class Register:
    """The departments a process may name, looked up by code, name or label."""

    def __init__(self, entries: Iterable[Department] = ()) -> None:
        self.entries = tuple(entries)
        self._by_code = {_norm(d.code): d for d in self.entries}
        self._by_name = {_norm(d.name): d for d in self.entries}

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __iter__(self) -> Iterator[Department]:
        return iter(self.entries)

    def resolve(self, text: str) -> Department | None:
        """The entry ``text`` names, or ``None`` (unknown, empty, or name and code disagree)."""
        wanted = _norm(text)
        if not wanted:
            return None
        for candidate in dict.fromkeys((wanted, _unprefixed(wanted))):
            entry = (self._by_code.get(candidate) or self._by_name.get(candidate)
                     or self._code_then_name(candidate))
            if entry:
                return entry
        label = _LABEL.match(wanted)
        if label:
            entry = self._by_code.get(_unprefixed(_norm(label["code"])))
            name = _unprefixed(_norm(label["name"]))
            return entry if entry and name == _norm(entry.name) else None
        return None

    def _code_then_name(self, text: str) -> Department | None:
        code, _, name = text.partition(" ")
        entry = self._by_code.get(code)
        return entry if entry and _norm(entry.name) == name else None

    def canonical(self, department: str, directorate: str) -> tuple[str, str]:
        """``(department, directorate)`` as reports group them: the entry's label and
        directorate when the text resolves, else the text as stored."""
        entry = self.resolve(department) if self.entries else None
        return (entry.label, entry.directorate) if entry else (department, directorate)

    def regroup(self, counts: Mapping[str, int]) -> dict[str, int]:
        """Counts per department text, summed per entry where the text resolves."""
        merged: dict[str, int] = {}
        for name, count in counts.items():
            key = self.canonical(name, "")[0]
            merged[key] = merged.get(key, 0) + count
        return merged
