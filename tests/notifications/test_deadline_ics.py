"""The deadline as an iCalendar attachment: one event with a stable UID that parses back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from icalendar import Calendar


def _events(ics: str) -> list:
    calendar = Calendar.from_ical(ics)
    return [c for c in calendar.walk() if c.name == "VEVENT"]


def test_the_ics_parses_back_with_uid_start_and_summary(templates, make_ctx, stamp):
    ctx = make_ctx()
    ics = templates.reminder(ctx, ["a@x.de"], [], now=stamp).ics
    calendar = Calendar.from_ical(ics)
    assert str(calendar["VERSION"]) == "2.0"
    assert "beteiligung" in str(calendar["PRODID"])
    assert str(calendar["METHOD"]) == "PUBLISH"
    [event] = _events(ics)
    assert str(event["UID"]) == "deadline-42@beteiligung"
    assert event.decoded("DTSTART") == ctx.due_at
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") > event.decoded("DTSTART")
    assert event.decoded("DTSTAMP") == stamp
    assert str(event["SUMMARY"]) == "Frist: Kommentierungsfrist – Lindener Marktplatz"
    assert str(event["URL"]) == ctx.link
    description = str(event["DESCRIPTION"])
    assert ctx.link in description and all(step in description for step in ctx.next_steps)
    assert ctx.responsible[0].email in description
    assert "DTSTART:20260526T215900Z" in ics


def test_the_uid_is_the_same_for_every_reminder_of_a_deadline(templates, make_ctx, stamp):
    first = templates.reminder(make_ctx(days=14), [], [], now=stamp).ics
    later = templates.reminder(make_ctx(days=-7, escalation=True), [], [],
                               now=stamp + timedelta(days=21)).ics
    other = templates.reminder(make_ctx(deadline_id=43), [], [], now=stamp).ics
    uid = [str(_events(ics)[0]["UID"]) for ics in (first, later, other)]
    assert uid == ["deadline-42@beteiligung", "deadline-42@beteiligung",
                   "deadline-43@beteiligung"]


def test_a_moved_deadline_moves_the_event(templates, make_ctx, stamp):
    moved = datetime(2026, 6, 9, 21, 59, tzinfo=UTC)
    [event] = _events(templates.reminder(make_ctx(due_at=moved), [], [], now=stamp).ics)
    assert event.decoded("DTSTART") == moved


def test_english_words_in_english(templates, make_ctx, stamp):
    [event] = _events(templates.reminder(make_ctx(language="en"), [], [], now=stamp).ics)
    assert str(event["SUMMARY"]).startswith("Deadline: Kommentierungsfrist")
    assert "Next steps" in str(event["DESCRIPTION"])


def test_titles_with_commas_semicolons_and_backslashes_survive(templates, make_ctx, stamp):
    # icalendar reads a literal backslash-N as a line break (documented in its escaping)
    ctx = make_ctx(process_title="Markt; Platz, Umbau\\alt", deadline_title="Frist: eins")
    [event] = _events(templates.reminder(ctx, [], [], now=stamp).ics)
    assert str(event["SUMMARY"]) == "Frist: Frist: eins – Markt; Platz, Umbau\\alt"


def test_without_now_the_stamp_is_the_wall_clock(templates, make_ctx):
    with freeze_time("2026-05-23 09:15:00"):  # no asyncio here
        ics = templates.reminder(make_ctx(), [], [], now=None).ics
    assert _events(ics)[0].decoded("DTSTAMP") == datetime(2026, 5, 23, 9, 15, tzinfo=UTC)
