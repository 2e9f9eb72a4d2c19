"""What the templates are given and what they give back: plain data, no behaviour.

``ReminderContext`` and ``DigestItem`` are filled by the sweep from a deadline and its process;
``Message`` is the rendered result that the outbox stores and ``notifications.email`` turns into
an e-mail.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..states.case import Person


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got {value!r}")


@dataclass(frozen=True)
class ReminderContext:
    """One reminder or escalation about one deadline.

    Attributes:
        process_id: the process the deadline belongs to.
        process_title: its title, as the lead knows it.
        deadline_id: the deadline; also the iCalendar UID (``deadline-<id>@beteiligung``).
        deadline_title: what the deadline is called (``Kommentierungsfrist``).
        due_at: when it ends, timezone-aware (UTC); shown in Europe/Berlin.
        days: days left (positive), 0 on the day, days overdue (negative).
        responsible: the people the reminder names as responsible (lead, deputy).
        next_steps: what to do next, one sentence each (for a phase deadline: its unmet
            conditions).
        link: where the process can be seen.
        escalation: True when the deputy and coordinators are copied.
        language: ``de`` (default) or ``en``.
    """

    process_id: int
    process_title: str
    deadline_id: int
    deadline_title: str
    due_at: datetime
    days: int
    responsible: list[Person]
    next_steps: list[str]
    link: str
    escalation: bool
    language: str = "de"

    def __post_init__(self) -> None:
        _require_aware("due_at", self.due_at)


@dataclass(frozen=True)
class DigestItem:
    """One overdue deadline in the weekly digest to the coordinators."""

    process_id: int
    process_title: str
    deadline_title: str
    due_at: datetime
    days_overdue: int
    lead: Person | None
    link: str = ""  # the process's page

    def __post_init__(self) -> None:
        _require_aware("due_at", self.due_at)


@dataclass(frozen=True)
class AnswerContext:
    """What the e-mail to a resident says when their suggestion is answered."""

    process_id: int
    process_title: str
    number: int
    target: str            # "concept" or "interim_results"
    answer: str            # "accepted", "partly_accepted" or "rejected"
    justification: str
    link: str              # the process's public page, at the suggestion
    language: str = "de"


@dataclass(frozen=True)
class Message:
    """A rendered e-mail: addresses, subject, both parts and the optional ``.ics`` text."""

    to: list[str]
    cc: list[str]
    subject: str
    text: str
    html: str
    ics: str | None = None
