"""How long each kind of data is kept: the retention file (``config/retention.toml``) as data.

Each table of the file is one kind, with one number, its period in days::

    [outbox_bodies]        # the text of an e-mail, after it was delivered (or given up)
    days_after_sent = 30
    [sessions]             # a sign-in session, after it expired or was ended
    days_after_end = 1
    [resident_contact]     # who wrote a suggestion (address or name), members' names,
    days_after_close = 183 #   after the process was closed or cancelled
    [closed_processes]     # the whole process with its audit trail, after it was closed
    days_after_close = 3653 #  or cancelled; a tombstone with its trail's last hash stays

Every table and key must be there (``[closed_processes]`` may be left out by a file written
before it existed: then ten years), each number a whole number of days from 0 (for
``closed_processes`` from 365) to 36,500;
``parse`` refuses anything else naming the file and the line, so a wrong file stops the
program at start-up (``config.bootstrap``), as a wrong definition does.
Import rule: standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import BadInput
from .textfile import load_toml

# table -> (key, German label, English label)
KINDS = {
    "outbox_bodies": ("days_after_sent", "E-Mail-Texte", "e-mail bodies"),
    "sessions": ("days_after_end", "Sitzungen", "sessions"),
    "resident_contact": ("days_after_close", "Kontaktangaben und Namen",
                         "contact data and names"),
    "closed_processes": ("days_after_close", "abgeschlossene Verfahren mit Prüfpfad",
                         "closed processes with their audit trail"),
}
MAX_DAYS = 36_500
# a whole process with its trail is never removed sooner than a year after it closed (a slip
# of the pen must not empty the archive; the database refuses such a tombstone too,
# migration 0012)
MINIMUM = {"closed_processes": 365}
# kinds a file written before they were known may leave out (then: the default period)
OPTIONAL = ("closed_processes",)


@dataclass(frozen=True)
class Retention:
    """The period of each kind, in days (``KINDS``)."""

    outbox_bodies: int = 30
    sessions: int = 1
    resident_contact: int = 183
    closed_processes: int = 3653   # ten years, whatever the leap days


def _line(text: str, table: str, key: str | None = None) -> int:
    """The line of ``[table]`` (or of ``key`` inside it) in ``text``; 1 when not found."""
    lines = text.splitlines()
    header = re.compile(r"^\s*\[\s*" + re.escape(table) + r"\s*\]")
    for number, line in enumerate(lines, start=1):
        if header.match(line):
            if key is None:
                return number
            for offset, inner in enumerate(lines[number:], start=number + 1):
                if re.match(r"^\s*\[", inner):
                    break
                if re.match(r"^\s*" + re.escape(key) + r"\s*=", inner):
                    return offset
            return number
    return 1


def _refuse(where: str, line: int, de: str, en: str) -> BadInput:
    return BadInput(texts={"de": f"{where}, Zeile {line}: {de}",
                           "en": f"{where}, line {line}: {en}"})


def parse(text: str, where: str) -> Retention:
    """The retention periods in TOML ``text``; ``BadInput`` naming ``where`` and the line."""
    data = load_toml(text, where)
    for table in data:
        if table not in KINDS:
            raise _refuse(where, _line(text, table),
                          f"unbekannte Art [{table}]; bekannt sind "
                          f"{', '.join(f'[{k}]' for k in KINDS)}",
                          f"unknown kind [{table}]; known are "
                          f"{', '.join(f'[{k}]' for k in KINDS)}")
    days = {}
    for table, (key, _, _) in KINDS.items():
        section = data.get(table)
        if section is None and table in OPTIONAL:
            continue   # a file written before it was known: the default period
        if not isinstance(section, dict) or key not in section:
            raise _refuse(where, _line(text, table), f"[{table}] braucht {key} = TAGE",
                          f"[{table}] needs {key} = DAYS")
        unknown = set(section) - {key}
        if unknown:
            name = sorted(unknown)[0]
            raise _refuse(where, _line(text, table, name), f"[{table}] kennt {name} nicht; "
                          f"nur {key}", f"[{table}] has no {name}; only {key}")
        value, least = section[key], MINIMUM.get(table, 0)
        if isinstance(value, bool) or not isinstance(value, int) or \
                not least <= value <= MAX_DAYS:
            raise _refuse(where, _line(text, table, key),
                          f"{key} muss eine ganze Zahl von Tagen von {least} bis {MAX_DAYS} "
                          f"sein, nicht {value!r}",
                          f"{key} must be a whole number of days from {least} to {MAX_DAYS}, "
                          f"not {value!r}")
        days[table] = value
    return Retention(**days)
