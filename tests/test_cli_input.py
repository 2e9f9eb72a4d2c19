"""Dates and times as people here write them (``cli.entry``): ``13.02.2027`` as well as ISO,
``13.02.2027 18:00`` where a time is taken, always Europe/Berlin; anything else is one line
in German (English with --lang en) saying how to write it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from beteiligung.cli.entry import parse_date, parse_deadline, parse_moment
from beteiligung.states.errors import BadInput

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("text", ["13.02.2027", "2027-02-13", "13.2.2027", " 13.02.2027 "])
def test_a_date_in_german_or_iso(text):
    assert parse_date("--date", text) == date(2027, 2, 13)


@pytest.mark.parametrize(("text", "expected"), [
    ("13.02.2027 18:00", datetime(2027, 2, 13, 18, 0, tzinfo=BERLIN)),
    ("13.02.2027, 8:30 Uhr", datetime(2027, 2, 13, 8, 30, tzinfo=BERLIN)),
    ("2027-02-13T18:00", datetime(2027, 2, 13, 18, 0, tzinfo=BERLIN)),
    ("2027-02-13 18:00", datetime(2027, 2, 13, 18, 0, tzinfo=BERLIN)),
    ("2027-02-13T18:00+00:00", datetime(2027, 2, 13, 19, 0, tzinfo=BERLIN)),
])
def test_a_deadline_with_a_time_is_that_time_in_berlin(text, expected):
    assert parse_deadline("--due", text) == expected


def test_a_deadline_on_a_bare_date_is_the_end_of_that_day():
    for text in ("13.02.2027", "2027-02-13"):
        due = parse_deadline("--due", text)
        assert (due.date(), due.hour, due.minute, due.tzinfo) == (date(2027, 2, 13), 23, 59,
                                                                   BERLIN)


def test_a_moment_in_german_and_none_when_not_given():
    assert parse_moment("--now", "13.02.2027 08:00") == datetime(2027, 2, 13, 8, tzinfo=BERLIN)
    assert parse_moment("--now", "13.02.2027") == datetime(2027, 2, 13, tzinfo=BERLIN)
    assert parse_moment("--now", None) is None


@pytest.mark.parametrize(("parse", "text"), [
    (parse_date, "31.02.2027"), (parse_date, "13/02/2027"), (parse_date, "13.02.2027 18:00"),
    (parse_date, "morgen"), (parse_deadline, "13.02.2027 25:00"), (parse_deadline, "2027-13-01"),
])
def test_anything_else_says_how_to_write_it_in_both_languages(parse, text):
    with pytest.raises(BadInput) as refused:
        parse("--x", text)
    assert refused.value.text("de").startswith(f"--x: „{text}“ ist kein Datum; so schreiben: "
                                               "13.02.2027 oder 2027-02-13")
    assert refused.value.text("en").startswith(f"--x: {text!r} is not a date; write it like "
                                               "13.02.2027 or 2027-02-13")


def test_years_far_out_are_refused():
    with pytest.raises(BadInput) as refused:
        parse_deadline("--due", "01.01.9999")
    assert "ein Datum von 1900 bis 2999 angeben" in refused.value.text("de")
