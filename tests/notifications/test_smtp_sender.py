"""``SmtpSender`` against a real aiosmtpd server on 127.0.0.1: what arrives, one connection per
batch, and how each answer of the server is classified (sent, temporary, permanent)."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from beteiligung.notifications.email import build_email, make_message_id
from beteiligung.notifications.senders import FileSender, SmtpSender, envelope
from beteiligung.states.errors import BadInput

FROM = "beteiligung@hannover-stadt.de"
BOUNCES = "bounces@hannover-stadt.de"
STAMP = datetime(2026, 5, 23, 7, 0, tzinfo=UTC)


def _mails(templates, make_ctx, count: int, to=None, cc=()) -> list:
    return [envelope(build_email(templates.reminder(make_ctx(deadline_id=i),
                                           list(to or [f"lead{i}@x.de"]), list(cc), now=STAMP),
                        make_message_id(i, "hannover-stadt.de"), FROM, date=STAMP))
            for i in range(1, count + 1)]


def _sender(server, **options) -> SmtpSender:
    options = {"tls": "none", "timeout": 5, **options}
    return SmtpSender(server.host, server.port, options.pop("tls"), sender=BOUNCES, **options)


def _parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_what_arrives_headers_both_parts_and_the_calendar(smtp_server, templates, make_ctx):
    server = smtp_server()
    mails = _mails(templates, make_ctx, 1, to=["lead@x.de"], cc=["deputy@x.de"])
    assert [r.ok for r in _sender(server).send_batch(mails)] == [True]
    [arrived] = server.handler.arrived
    assert arrived.mail_from == BOUNCES
    assert arrived.rcpt_tos == ["lead@x.de", "deputy@x.de"]
    mail = _parsed(arrived.content)
    assert mail["Message-ID"] == "<beteiligung.outbox.1@hannover-stadt.de>"
    assert mail["Subject"] == ("Erinnerung: Frist „Kommentierungsfrist“ für „Lindener "
                               "Marktplatz“ endet am 26.05.2026 (in 3 Tagen)")
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "Lindener Marktplatz" in text and "Anna Lehmann" in text
    assert "<strong>„Kommentierungsfrist“</strong>" in html
    [attachment] = mail.iter_attachments()
    assert attachment.get_filename() == "frist.ics"
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    [event] = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert str(event["UID"]) == "deadline-1@beteiligung"
    assert event.decoded("DTSTART") == make_ctx().due_at


def test_one_connection_for_a_batch(smtp_server, templates, make_ctx):
    server = smtp_server()
    results = _sender(server).send_batch(_mails(templates, make_ctx, 5))
    assert all(r.ok and not r.error for r in results) and len(results) == 5
    assert len(server.handler.arrived) == 5
    assert server.handler.ehlos == 1
    assert len({a.peer for a in server.handler.arrived}) == 1
    _sender(server).send_batch(_mails(templates, make_ctx, 2))
    assert server.handler.ehlos == 2  # the next batch opens its own


def test_an_empty_batch_does_not_connect(smtp_server):
    server = smtp_server()
    assert _sender(server).send_batch([]) == []
    assert server.handler.ehlos == 0


def test_a_recipient_refused_with_550_is_permanent(smtp_server, templates, make_ctx):
    server = smtp_server(refuse=frozenset({"gone@x.de"}))
    mails = _mails(templates, make_ctx, 1, to=["gone@x.de"]) + _mails(templates, make_ctx, 1)
    refused, sent = _sender(server).send_batch(mails)
    assert (refused.ok, refused.permanent) == (False, True)
    assert "gone@x.de" in refused.error and "550" in refused.error
    assert sent.ok  # the connection went on after the refusal
    assert [a.rcpt_tos for a in server.handler.arrived] == [["lead1@x.de"]]


def test_one_refused_recipient_of_several_is_recorded_but_the_mail_is_sent(
        smtp_server, templates, make_ctx):
    server = smtp_server(refuse=frozenset({"gone@x.de"}))
    mails = _mails(templates, make_ctx, 1, to=["lead@x.de"], cc=["gone@x.de"])
    [result] = _sender(server).send_batch(mails)
    assert result.ok and not result.permanent
    assert result.refused == ("gone@x.de",)
    assert "gone@x.de" in result.error and "550" in result.error
    assert [a.rcpt_tos for a in server.handler.arrived] == [["lead@x.de"]]


@pytest.mark.parametrize("reply", [{"data_reply": "451 4.3.0 try again later"},
                                   {"rcpt_reply": "451 4.7.1 greylisted"}])
def test_a_451_is_temporary(smtp_server, templates, make_ctx, reply):
    server = smtp_server(**reply)
    results = _sender(server).send_batch(_mails(templates, make_ctx, 2))
    assert [(r.ok, r.permanent) for r in results] == [(False, False), (False, False)]
    assert all("451" in r.error for r in results)
    assert server.handler.ehlos == 1 and server.handler.arrived == []


def test_a_554_at_data_is_permanent(smtp_server, templates, make_ctx):
    server = smtp_server(data_reply="554 5.7.1 rejected as spam")
    [result] = _sender(server).send_batch(_mails(templates, make_ctx, 1))
    assert (result.ok, result.permanent) == (False, True) and "554" in result.error


def test_a_closed_port_is_temporary_for_all(templates, make_ctx):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sender = SmtpSender("127.0.0.1", port, "none", timeout=5, sender=BOUNCES)
    results = sender.send_batch(_mails(templates, make_ctx, 3))
    assert [(r.ok, r.permanent) for r in results] == [(False, False)] * 3
    assert all(f"127.0.0.1:{port}" in r.error for r in results)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        yield listener.getsockname()[1]


def test_a_server_that_never_answers_times_out_temporarily(silent_server, templates,
                                                           make_ctx):
    sender = SmtpSender("127.0.0.1", silent_server, "none", timeout=0.5, sender=BOUNCES)
    results = sender.send_batch(_mails(templates, make_ctx, 2))
    assert [(r.ok, r.permanent) for r in results] == [(False, False)] * 2
    assert "Timeout" in results[0].error


def test_a_dropped_connection_fails_the_rest_of_the_batch_temporarily(smtp_server, templates,
                                                                      make_ctx):
    server = smtp_server(drop_after=1)
    results = _sender(server).send_batch(_mails(templates, make_ctx, 3))
    assert results[0].ok
    assert [(r.ok, r.permanent) for r in results[1:]] == [(False, False)] * 2
    assert len(server.handler.arrived) == 1


@pytest.mark.parametrize(("tls", "problem"), [("starttls", "STARTTLS"), ("tls", "")])
def test_a_tls_mode_never_falls_back_to_plain_text(smtp_server, templates, make_ctx, tls,
                                                   problem):
    server = smtp_server()  # speaks plain text only and offers no STARTTLS
    results = _sender(server, tls=tls, timeout=2).send_batch(_mails(templates, make_ctx, 2))
    assert [(r.ok, r.permanent) for r in results] == [(False, False)] * 2
    assert problem in results[0].error and "cannot connect" in results[0].error
    assert server.handler.arrived == []


def test_login_with_the_configured_user(smtp_server, templates, make_ctx):
    server = smtp_server(auth=("robot", "s3cret"))
    ok = _sender(server, username="robot", password="s3cret")
    assert [r.ok for r in ok.send_batch(_mails(templates, make_ctx, 2))] == [True, True]
    wrong = _sender(server, username="robot", password="wrong")
    results = wrong.send_batch(_mails(templates, make_ctx, 2))
    assert [(r.ok, r.permanent) for r in results] == [(False, False)] * 2
    assert "535" in results[0].error
    assert len(server.handler.arrived) == 2


@pytest.mark.parametrize(("args", "problem"), [
    (("h", 25, "ssl"), "tls mode"),
    (("h", 0, "none"), "port"),
    (("h", 587, "starttls", "robot", None), "password"),
])
def test_bad_settings_are_refused(args, problem):
    with pytest.raises(BadInput, match=problem):
        SmtpSender(*args, sender=BOUNCES)


def test_each_result_is_reported_as_soon_as_its_message_is_done(smtp_server, templates,
                                                                make_ctx, tmp_path):
    """The dispatcher marks a message sent before the next goes out (``on_result``)."""
    server = smtp_server()
    seen: list[tuple[int, bool, int]] = []
    mails = _mails(templates, make_ctx, 3)
    _sender(server).send_batch(
        mails, lambda i, r: seen.append((i, r.ok, len(server.handler.arrived))))
    # when message i is reported, exactly i + 1 messages have arrived
    assert seen == [(0, True, 1), (1, True, 2), (2, True, 3)]
    files: list[int] = []
    FileSender(tmp_path).send_batch(mails, lambda i, r: files.append(
        len(list(tmp_path.glob("*.eml")))))
    assert files == [1, 2, 3]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    down: list[tuple[int, bool]] = []
    SmtpSender("127.0.0.1", closed, "none", timeout=2, sender=BOUNCES).send_batch(
        mails, lambda i, r: down.append((i, r.ok)))
    assert down == [(0, False), (1, False), (2, False)]


def test_each_result_is_reported_once_in_order_even_when_the_connection_drops(
        smtp_server, templates, make_ctx):
    server = smtp_server(drop_after=2)
    seen: list[tuple[int, bool]] = []
    _sender(server).send_batch(_mails(templates, make_ctx, 4),
                               lambda i, r: seen.append((i, r.ok)))
    assert seen == [(0, True), (1, True), (2, False), (3, False)]


def test_a_failing_record_stops_the_batch_before_the_next_message(smtp_server, templates,
                                                                  make_ctx):
    """When recording a sent message fails, nothing more goes out: at most that one message
    is sent without being recorded."""
    server = smtp_server()

    def record(index, result):
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError, match="database gone"):
        _sender(server).send_batch(_mails(templates, make_ctx, 3), record)
    assert len(server.handler.arrived) == 1


def test_a_refused_envelope_is_reset_and_the_next_message_goes_out(smtp_server, templates,
                                                                   make_ctx):
    server = smtp_server(refuse=frozenset({"gone@x.de"}))
    [good] = _mails(templates, make_ctx, 1)
    bad_address = envelope_with(good, ("a b@x.de",))  # unfit for an SMTP command line
    refused = envelope_with(good, ("gone@x.de",))
    results = _sender(server).send_batch([bad_address, refused, good])
    assert [(r.ok, r.permanent) for r in results] == [(False, True), (False, True), (True, False)]
    assert "550" in results[1].error
    assert [a.rcpt_tos for a in server.handler.arrived] == [["lead1@x.de"]]


def test_an_envelope_without_recipients_is_refused_for_good(smtp_server, templates, make_ctx):
    server = smtp_server()
    [good] = _mails(templates, make_ctx, 1)
    results = _sender(server).send_batch([envelope_with(good, ()), good])
    assert [(r.ok, r.permanent) for r in results] == [(False, True), (True, False)]
    assert "no recipient" in results[0].error and len(server.handler.arrived) == 1


def envelope_with(mail, recipients):
    from dataclasses import replace

    return replace(mail, recipients=tuple(recipients))


def test_a_failing_record_is_raised_even_when_the_connection_drops_too(smtp_server, templates,
                                                                      make_ctx):
    """The previous e-mail went out and could not be recorded while the connection dropped
    under the next one: the caller must hear of the failed record, not only of the drop."""
    server = smtp_server(drop_at_rcpt_after=1)

    def record(index, result):
        if index == 0:
            raise RuntimeError("database gone")

    with pytest.raises(RuntimeError, match="database gone"):
        _sender(server).send_batch(_mails(templates, make_ctx, 3), record)
    assert len(server.handler.arrived) == 1


def test_every_mail_from_carries_its_size_the_first_too(smtp_server, templates, make_ctx):
    server = smtp_server()
    mails = _mails(templates, make_ctx, 2)
    assert [r.ok for r in _sender(server).send_batch(mails)] == [True, True]
    assert [a.mail_options for a in server.handler.arrived] == [
        (f"SIZE={len(m.content)}",) for m in mails]
    assert server.handler.ehlos == 1
