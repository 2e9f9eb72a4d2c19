"""The deadline as an iCalendar (RFC 5545) event, attached to every reminder.

One VEVENT per deadline with a stable UID (``deadline-<id>@beteiligung``), so a calendar
program that imports a later reminder updates the entry instead of adding a second one. Times
are written in UTC (``...Z``); calendar programs show them in their own zone.
Import rule: ``notifications``, the standard library and ``icalendar`` only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from .messages import ReminderContext

PRODID = "-//Landeshauptstadt Hannover//beteiligung//DE"
# RFC 5545 wants DTEND later than DTSTART; a deadline is an instant, so the entry is short.
EVENT_LENGTH = timedelta(minutes=30)

WORDS = {
    "de": {"deadline": "Frist", "process": "Beteiligungsverfahren", "responsible":
           "Verantwortlich", "next": "Nächste Schritte", "link": "Zum Verfahren"},
    "en": {"deadline": "Deadline", "process": "Participation process", "responsible":
           "Responsible", "next": "Next steps", "link": "Open the process"},
}


def deadline_uid(deadline_id: int) -> str:
    """The UID of a deadline's event: the same for every reminder about it."""
    return f"deadline-{deadline_id}@beteiligung"


def _description(ctx: ReminderContext, words: dict[str, str]) -> str:
    lines = [f"{words['process']}: {ctx.process_title}", f"{words['deadline']}: "
             f"{ctx.deadline_title}"]
    if ctx.responsible:
        people = ", ".join(f"{p.name} <{p.email}>" for p in ctx.responsible)
        lines.append(f"{words['responsible']}: {people}")
    if ctx.next_steps:
        lines += ["", f"{words['next']}:"] + [f"- {step}" for step in ctx.next_steps]
    lines += ["", f"{words['link']}: {ctx.link}"]
    return "\n".join(lines)


def deadline_ics(ctx: ReminderContext, stamp: datetime) -> str:
    """The VCALENDAR text (CRLF lines) with one event for the deadline of ``ctx``.

    Args:
        ctx: the reminder; its language chooses the words of SUMMARY and DESCRIPTION.
        stamp: when the event was written (DTSTAMP), timezone-aware.
    """
    words = WORDS.get(ctx.language, WORDS["de"])
    due = ctx.due_at.astimezone(UTC)
    event = Event()
    event.add("uid", deadline_uid(ctx.deadline_id))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", due)
    event.add("dtend", due + EVENT_LENGTH)
    event.add("summary", f"{words['deadline']}: {ctx.deadline_title} – {ctx.process_title}")
    event.add("description", _description(ctx, words))
    event.add("url", ctx.link)
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
