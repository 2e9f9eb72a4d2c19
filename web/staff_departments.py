"""The department select of the process form (``web.staff``): the register's entries grouped
by directorate, and the confirmation a second process of the same title needs.

A process stored with a free-text department that the register does not know keeps it as an
extra option (marked as not in the register), so its other fields can still be edited.
Import rule: ``states`` only (plain data for the template).
"""

from __future__ import annotations

from typing import Any

from ..states.departments import Register
from .staff_texts import Texts

TEXTS: Texts = {
    "department_open": ("– noch offen –", "– not decided yet –"),
    "directorate_follows": ("Das Dezernat ergibt sich aus dem Fachbereich.",
                            "The directorate follows from the department."),
    "not_in_register": ("nicht im Fachbereichsverzeichnis", "not in the register"),
    "duplicate_legend": ("Zweites Verfahren mit diesem Titel", "A second process of this title"),
    "confirm_duplicate": ("Ja, es ist ein eigenes Verfahren: trotzdem anlegen",
                          "Yes, it is a separate process: create it anyway"),
}


def choices(register: Register, current: str) -> dict[str, Any]:
    """The select's option groups (directorate, [(value, label, selected)]) and the free-text
    value to keep, if the current one is not in the register."""
    chosen = register.resolve(current)
    groups: dict[str, list[tuple[str, str, bool]]] = {}
    for entry in register:
        groups.setdefault(entry.directorate, []).append(
            (entry.label, entry.label, entry == chosen))
    legacy = current if current.strip() and chosen is None else ""
    return {"groups": list(groups.items()), "legacy": legacy}
