"""Whose personal data a value is, and the requests of data subjects (Art. 15 and 17 DSGVO).

- ``personal`` and ``subject_of``: what a use case puts into its payload where personal data
  goes (``workflow.sealing`` seals it on the one write path, ``core.save_change``).
- ``disclose`` (Art. 15) and ``erase`` (Art. 17) are the coordinators' use cases behind
  ``beteiligung privacy export`` and ``privacy erase`` (``workflow.privacy_requests``).

Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from .core import EMAIL, Env, event, normalise_email
from .ports import UnitOfWork
from .privacy_port import Personal, PersonalRecord, new_ref

ANONYMOUS = "anon:"
NAMED = "name:"


def subject_of(who: str) -> str:
    """Whose data a value is: the normalised address when ``who`` is one, a name as
    ``name:<name>`` (case-folded, spaces collapsed), and for no one a subject of its own
    (``anon:<ref>``), which no request can name."""
    who = who.strip()
    if not who:
        return ANONYMOUS + new_ref()
    if EMAIL.match(who):
        return normalise_email(who)
    return NAMED + " ".join(who.casefold().split())


def personal(kind: str, value: str, subject: str) -> Personal:
    """A personal value of ``kind`` (``states.personal.KINDS``) belonging to ``subject``."""
    return Personal(new_ref(), subject, kind, value)


def digest(subject: str) -> str:
    """The SHA-256 of a subject, as the privacy log keeps it."""
    return hashlib.sha256(subject.encode("utf-8")).hexdigest()


def name_references(env: Env, uow: UnitOfWork, actor: str, records: list[PersonalRecord],
                    action: str, now: datetime, extra: dict[str, Any] | None = None
                    ) -> tuple[int, ...]:
    """Append one event ``action`` to each process the records belong to, naming only their
    references (an erasure, a disclosure, an expiry); the processes, in order."""
    by_process: dict[int, list[str]] = {}
    for record in records:
        if record.process_id is not None:
            by_process.setdefault(record.process_id, []).append(record.ref)
    for pid, refs in sorted(by_process.items()):
        case = uow.processes.get(pid)
        uow.processes.record(case, event(env, now, actor, action, case.phase, case.phase,
                                         "", {"refs": refs} | (extra or {})))
    return tuple(sorted(by_process))
