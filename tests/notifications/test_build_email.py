"""The MIME e-mail: headers, the alternative parts, the calendar attachment, the Message-ID."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest
from icalendar import Calendar

from beteiligung.notifications.email import build_email, make_message_id
from beteiligung.notifications.messages import Message
from beteiligung.states.errors import BadInput

SENDER = "Beteiligung Hannover <beteiligung@hannover-stadt.de>"
DATE = datetime(2026, 5, 23, 7, 0, tzinfo=UTC)


def _parsed(mail) -> email.message.EmailMessage:
    return email.message_from_bytes(mail.as_bytes(), policy=email.policy.default)


@pytest.fixture
def reminder(templates, make_ctx, stamp) -> Message:
    return templates.reminder(make_ctx(days=-7, escalation=True),
                              ["Anna Lehmann <anna.lehmann@hannover-stadt.de>"],
                              ["jonas.weber@hannover-stadt.de", "koordination@hannover-stadt.de"],
                              now=stamp)


def test_headers(reminder):
    mail = _parsed(build_email(reminder, "beteiligung.outbox.5@hannover-stadt.de", SENDER,
                               date=DATE))
    assert mail["From"] == SENDER
    assert mail["To"] == "Anna Lehmann <anna.lehmann@hannover-stadt.de>"
    assert [a.addr_spec for a in mail["Cc"].addresses] == [
        "jonas.weber@hannover-stadt.de", "koordination@hannover-stadt.de"]
    assert mail["Subject"] == reminder.subject and "„Lindener Marktplatz“" in mail["Subject"]
    assert mail["Message-ID"] == "<beteiligung.outbox.5@hannover-stadt.de>"
    assert parsedate_to_datetime(mail["Date"]) == DATE
    assert mail["Auto-Submitted"] == "auto-generated"


def test_structure_both_parts_and_the_calendar(reminder):
    mail = _parsed(build_email(reminder, "m1@hannover-stadt.de", SENDER, date=DATE))
    assert [p.get_content_type() for p in mail.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar"]
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    # the mail travels with CRLF line ends (policy SMTP); the words are unchanged
    assert text.get_content().replace("\r\n", "\n") == reminder.text
    assert html.get_content().replace("\r\n", "\n") == reminder.html
    [attachment] = mail.iter_attachments()
    assert attachment.get_filename() == "frist.ics"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_param("name") == "frist.ics"
    assert attachment.get_content_disposition() == "attachment"
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    [event] = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert str(event["UID"]) == "deadline-42@beteiligung"


def test_the_mail_is_seven_bit_clean(reminder):
    raw = build_email(reminder, "m1@hannover-stadt.de", SENDER, date=DATE).as_bytes()
    assert max(raw) < 128
    assert b"Lindener Marktplatz" in raw  # quoted-printable keeps the text readable


def test_a_digest_has_no_attachment_and_no_cc(templates):
    digest = templates.digest([], ["koordination@hannover-stadt.de"], "de", DATE)
    mail = _parsed(build_email(digest, "d1@hannover-stadt.de", SENDER, date=DATE))
    assert mail.get_content_type() == "multipart/alternative"
    assert list(mail.iter_attachments()) == []
    assert mail["Cc"] is None


def test_the_message_id_is_exactly_the_given_one(reminder):
    for given in ("abc.1@x.de", "<abc.1@x.de>"):
        assert build_email(reminder, given, SENDER)["Message-ID"] == "<abc.1@x.de>"
    for bad in ("", "no-at-sign", "a b@x.de"):
        with pytest.raises(BadInput):
            build_email(reminder, bad, SENDER)


def test_without_a_date_the_wall_clock_is_used(reminder):
    before = datetime.now(UTC).replace(microsecond=0)
    date = parsedate_to_datetime(build_email(reminder, "m@x.de", SENDER)["Date"])
    assert before <= date <= datetime.now(UTC)


def test_make_message_id_is_stable_and_unique_per_row():
    assert make_message_id(5, "hannover-stadt.de") == make_message_id(5, "hannover-stadt.de")
    assert make_message_id(5, "hannover-stadt.de") == "beteiligung.outbox.5@hannover-stadt.de"
    assert make_message_id(5, "hannover-stadt.de") != make_message_id(6, "hannover-stadt.de")
    assert make_message_id(5, "Hannover-Stadt.DE") == make_message_id(5, "hannover-stadt.de")
    for bad in ("", "a b.de", "x@y.de", "<x.de>"):
        with pytest.raises(BadInput):
            make_message_id(5, bad)


def test_a_message_without_recipients_is_refused(templates):
    digest = templates.digest([], [], "de", DATE)
    with pytest.raises(BadInput, match="no recipient"):
        build_email(digest, "d1@x.de", SENDER)


def test_wire_form_folds_long_headers_and_round_trips_them(templates, make_ctx):
    from beteiligung.notifications.email import to_bytes
    from beteiligung.notifications.senders import recipients

    title = "Neugestaltung des Lindener Marktplatzes mit Wasserspiel, Bäumen und Bänken – Runde 2"
    message = templates.reminder(make_ctx(process_title=title),
                                 ["Anna Lehmann <anna@hannover-stadt.de>"],
                                 ["jonas@hannover-stadt.de", "Jörg Groß <joerg@x.de>"], now=DATE)
    raw = to_bytes(build_email(message, "m9@hannover-stadt.de", SENDER, date=DATE))
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in head.split(b"\r\n")) and head.isascii()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == message.subject and title in parsed["Subject"]
    assert [a.display_name for a in parsed["Cc"].addresses] == ["", "Jörg Groß"]
    assert recipients(build_email(message, "m9@x.de", SENDER, date=DATE)) == [
        "anna@hannover-stadt.de", "jonas@hannover-stadt.de", "joerg@x.de"]


def test_key_message_id_is_stable_readable_and_unique_per_key():
    from beteiligung.notifications.email import key_message_id

    key = "deadline:12:2026-03-24:step:1"
    assert key_message_id(key, "Hannover-Stadt.DE") == (
        "beteiligung.deadline.12.2026-03-24.step.1@hannover-stadt.de")
    assert key_message_id(key, "x.de") != key_message_id(key.replace(":1", ":2"), "x.de")
    assert key_message_id("a b<c>@d", "x.de") == "beteiligung.a_b_c__d@x.de"
    with pytest.raises(BadInput, match="not a domain"):
        key_message_id(key, "x@y.de")


def test_the_bytes_are_those_of_the_stock_generator(reminder):
    """``to_bytes`` writes bodies in one piece and chooses its own boundaries; what it writes
    is what ``email.generator.BytesGenerator`` writes for the same message."""
    import io
    from email.generator import BytesGenerator

    from beteiligung.notifications.email import WIRE, to_bytes

    mail = build_email(reminder, "m1@hannover-stadt.de", SENDER, date=DATE)
    ours = to_bytes(mail)
    stock = io.BytesIO()
    BytesGenerator(stock, policy=WIRE).flatten(mail)
    assert ours == stock.getvalue()
    assert b"\r\n" in ours and b"\n" not in ours.replace(b"\r\n", b"")


def test_boundaries_cannot_occur_in_any_part(templates, make_ctx):
    """Each part is quoted-printable or base64, which never write ``=_``; the boundaries
    begin with it, so even a text made of boundary-like lines cannot end a part early."""
    from beteiligung.notifications.email import to_bytes

    tricky = "--=_beteiligung_0\n=_beteiligung_\nFrom here on\n" * 3
    message = templates.reminder(make_ctx(process_title=tricky), ["a@x.de"], [], now=DATE)
    raw = to_bytes(build_email(message, "m2@x.de", SENDER, date=DATE))
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert [p.get_content_type() for p in parsed.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar"]
    text = parsed.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert tricky.splitlines()[0] in text and "\nFrom here on" in text  # not ">From"
    boundaries = {p.get_boundary() for p in parsed.walk() if p.is_multipart()}
    assert len(boundaries) == 2 and all(b.startswith("=_beteiligung_") for b in boundaries)


def test_render_gives_the_finished_wire_bytes(reminder):
    from beteiligung.notifications.email import render

    raw = render(reminder, "beteiligung.k@hannover-stadt.de", SENDER, DATE)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Message-ID"] == "<beteiligung.k@hannover-stadt.de>"
    assert parsedate_to_datetime(parsed["Date"]) == DATE
    assert parsed.get_body(preferencelist=("plain",)).get_content().replace(
        "\r\n", "\n") == reminder.text
