"""Delivery from the outbox on SQLite and PostgreSQL to a real SMTP server (aiosmtpd) on
127.0.0.1: what arrives, outages, refusals, crashes, two deliverers, stale reminders, and the
file backend.

The messages are queued as the sweep queues them: rendered to finished bytes when queued, with a
Message-ID from the outbox key and the Date of that moment, sent as they are. Rows queued
without bytes (before migration 0003) are built at delivery; two tests cover that."""

from __future__ import annotations

import email
import email.policy
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from beteiligung.config.bootstrap import build_sender
from beteiligung.config.settings import MailSettings
from beteiligung.notifications.dispatch import backoff, deliver, make_sender
from beteiligung.notifications.email import key_message_id, render
from beteiligung.notifications.messages import Message, ReminderContext
from beteiligung.notifications.senders import FileSender, SmtpSender
from beteiligung.notifications.templates import Templates
from beteiligung.states.deadlines import Deadline
from beteiligung.states.errors import BadInput, NotFound, NotPermitted
from beteiligung.storage.deadlines import SqlDeadlineRepository
from beteiligung.storage.sql import SqlUnitOfWork
from beteiligung.workflow import outbox, process
from beteiligung.workflow.ports import OutgoingMessage
from beteiligung.workflow.reminders import reminder_key

NOW = datetime(2026, 5, 23, 7, 0, tzinfo=UTC)  # delivery
RENDERED = NOW - timedelta(minutes=10)  # when the sweep rendered and queued the messages
FROM = "Beteiligung Hannover <beteiligung@hannover-stadt.de>"
DOMAIN = "hannover-stadt.de"
COORDINATOR = "koordination@hannover-stadt.de"
LEAD = "anna.lehmann@hannover-stadt.de"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Arrival:
    """One e-mail the server took: its recipients (RCPT TO), the parsed e-mail, and the bytes
    of DATA as they came over the wire (dot-unstuffed, without the final ``.`` line)."""

    rcpts: list[str]
    mail: email.message.EmailMessage
    raw: bytes


@dataclass
class Handler:
    """Keeps what arrives; refuses chosen recipients; may answer DATA with a fixed reply."""

    refuse: frozenset[str] = frozenset()
    data_reply: str | None = None
    arrived: list[Arrival] = field(default_factory=list)
    ehlos: int = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.ehlos += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        raw = envelope.original_content
        mail = email.message_from_bytes(raw, policy=email.policy.default)
        self.arrived.append(Arrival(list(envelope.rcpt_tos), mail, raw))
        return "250 OK"

    def ids(self) -> list[str]:
        return [a.mail["Message-ID"] for a in self.arrived]


@pytest.fixture
def smtp():
    """``smtp(port=None, **handler)`` starts a recording server on 127.0.0.1."""
    started: list[Controller] = []

    def start(port: int | None = None, **options) -> tuple[int, Handler]:
        handler = Handler(**options)
        controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
        controller.start()
        started.append(controller)
        return controller.port, handler

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates()


def mail(**changes) -> MailSettings:
    return MailSettings(**{"sender": FROM, "max_attempts": 3, "batch_size": 50, **changes})


def sender_for(port: int) -> SmtpSender:
    return make_sender(mail(backend="smtp", host="127.0.0.1", port=port, tls="none",
                            timeout=5), Path("unused"))


def finished(key: str, rendered: Message) -> bytes | None:
    """The bytes ``TemplateComposer`` stores for a message: rendered at queueing time with the
    Message-ID of its key; none for a message without recipients (delivery fails it)."""
    if not (rendered.to or rendered.cc):
        return None
    return render(rendered, key_message_id(key, DOMAIN), FROM, RENDERED)


def reminder(templates, key: str, to=(LEAD,), cc=(), deadline_id=None, step=None):
    """A reminder as the sweep queues it, with its finished e-mail in ``content``."""
    ctx = ReminderContext(7, "Lindener Marktplatz", deadline_id or 42, "Kommentierungsfrist",
                          datetime(2026, 5, 26, 21, 59, tzinfo=UTC), 3, [], [],
                          "https://beteiligung.example/7", False)
    rendered = templates.reminder(ctx, list(to), list(cc), now=RENDERED)
    return OutgoingMessage(key, "reminder", rendered.to, rendered.cc, rendered.subject,
                           rendered.text, rendered.html, rendered.ics, 7, deadline_id, step,
                           finished(key, rendered))


def legacy(templates, key: str, **options) -> OutgoingMessage:
    """A reminder as a version before migration 0003 queued it: the parts, no finished bytes."""
    return replace(reminder(templates, key, **options), content=None)


def queue(engine, *messages: OutgoingMessage) -> list[int]:
    with SqlUnitOfWork(engine) as uow:
        for m in messages:
            uow.outbox.enqueue(m, RENDERED)
        uow.commit()
        return sorted(e.id for e in uow.outbox.list(limit=1000))


def statuses(engine) -> dict[int, object]:
    with SqlUnitOfWork(engine) as uow:
        return {e.id: e for e in uow.outbox.list(limit=1000)}


def message_id(key: str) -> str:
    """The Message-ID of a message queued under ``key``."""
    return f"<{key_message_id(key, DOMAIN)}>"


def row_message_id(entry_id: int) -> str:
    """The Message-ID a row without finished bytes gets at delivery."""
    return f"<beteiligung.outbox.{entry_id}@{DOMAIN}>"


def test_what_arrives_over_one_connection(env, engine, smtp, templates):
    port, server = smtp()
    ids = queue(engine, reminder(templates, "a", cc=["jonas.weber@hannover-stadt.de"]),
                reminder(templates, "b"), reminder(templates, "c"))
    report = deliver(env, sender_for(port), mail(), NOW)
    assert report.sent == ids and report.batches == 1 and server.ehlos == 1
    assert server.ids() == [message_id(k) for k in "abc"]
    rcpts, first = server.arrived[0].rcpts, server.arrived[0].mail
    assert rcpts == [LEAD, "jonas.weber@hannover-stadt.de"]
    assert first["From"] == FROM and first["Cc"] == "jonas.weber@hannover-stadt.de"
    assert first["Message-ID"] == "<beteiligung.a@hannover-stadt.de>"  # from its outbox key
    assert first["Date"] == format_datetime(RENDERED)  # when it was queued, not sent
    assert first["Subject"].startswith("Erinnerung: Frist „Kommentierungsfrist“")
    assert "Lindener Marktplatz" in first.get_body(preferencelist=("plain",)).get_content()
    assert "<strong>" in first.get_body(preferencelist=("html",)).get_content()
    [attachment] = first.iter_attachments()
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    [event] = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert str(event["UID"]) == "deadline-42@beteiligung"
    stored = statuses(engine)
    assert all(stored[i].status == "sent" and stored[i].sent_at == NOW for i in ids)
    assert deliver(env, sender_for(port), mail(), NOW + timedelta(days=1)).sent == []
    assert len(server.arrived) == 3  # marked sent, never sent again


def test_the_server_receives_exactly_the_bytes_in_the_outbox(env, engine, smtp, templates):
    """Delivery sends the stored bytes untouched: no re-rendering, no new Date, no added or
    dropped line end. SMTP's dot-stuffing is undone by the server, so even lines that start
    with a dot (which quoted-printable keeps as they are) arrive as stored."""
    dotted = Message([LEAD], [], "Punkte", "..zwei Punkte\n.ein Punkt\nFrom hier\n",
                     "<p>.</p>\n..\n", None)
    port, server = smtp()
    ids = queue(engine, reminder(templates, "a", cc=["jonas.weber@hannover-stadt.de"]),
                OutgoingMessage("dots", "digest", dotted.to, [], dotted.subject, dotted.text,
                                dotted.html, content=finished("dots", dotted)))
    stored = statuses(engine)
    assert all(stored[i].message.content.endswith(b"\r\n") for i in ids)
    assert b"\r\n..zwei Punkte\r\n.ein Punkt\r\n" in stored[ids[1]].message.content
    assert deliver(env, sender_for(port), mail(), NOW).sent == ids
    assert [a.raw for a in server.arrived] == [stored[i].message.content for i in ids]
    plain = server.arrived[1].mail.get_body(preferencelist=("plain",)).get_content()
    assert plain.splitlines() == dotted.text.splitlines()


def test_a_row_queued_before_0003_is_built_complete_at_delivery(env, engine, smtp, templates):
    """A row without finished bytes (queued by an older version) is built when it is sent:
    Message-ID from its row, Date of the delivery, both parts and the .ics; a rendered row in
    the same batch still goes out as stored, and the old row gets no bytes written back."""
    port, server = smtp()
    deputy = "jonas.weber@hannover-stadt.de"
    old, new = queue(engine, legacy(templates, "old", cc=[deputy]), reminder(templates, "new"))
    assert deliver(env, sender_for(port), mail(), NOW).sent == [old, new]
    built, kept = server.arrived
    assert built.rcpts == [LEAD, deputy]
    assert built.mail["Message-ID"] == f"<beteiligung.outbox.{old}@hannover-stadt.de>"
    assert built.mail["Date"] == format_datetime(NOW)
    assert (built.mail["From"], built.mail["To"], built.mail["Cc"]) == (FROM, LEAD, deputy)
    assert built.mail["Subject"].startswith("Erinnerung: Frist „Kommentierungsfrist“")
    assert "Lindener Marktplatz" in built.mail.get_body(preferencelist=("plain",)).get_content()
    assert "<strong>" in built.mail.get_body(preferencelist=("html",)).get_content()
    [attachment] = built.mail.iter_attachments()
    assert attachment.get_filename() == "frist.ics"
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    [event] = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert str(event["UID"]) == "deadline-42@beteiligung"
    stored = statuses(engine)
    assert kept.mail["Message-ID"] == message_id("new")
    assert kept.raw == stored[new].message.content
    assert stored[old].message.content is None and stored[old].status == "sent"


class Mute:
    """Sends, then reports nothing: as if the deliverer died before marking the batch."""

    def __init__(self, inner: SmtpSender) -> None:
        self.inner = inner

    def send_batch(self, emails, on_result=None):
        self.inner.send_batch(emails)
        return []


def test_a_row_queued_before_0003_is_resent_with_the_same_message_id(env, engine, smtp,
                                                                      templates):
    """Built anew at each attempt: the Message-ID of its row stays (the receiver can drop the
    duplicate), the Date is that of the attempt."""
    port, server = smtp()
    [old] = queue(engine, legacy(templates, "old"))
    assert deliver(env, Mute(sender_for(port)), mail(), NOW).retried == [old]
    later = NOW + timedelta(minutes=1)
    assert deliver(env, sender_for(port), mail(), later).sent == [old]
    assert server.ids() == [row_message_id(old)] * 2
    assert [a.mail["Date"] for a in server.arrived] == [format_datetime(NOW),
                                                         format_datetime(later)]
    assert all(len(list(a.mail.iter_attachments())) == 1 for a in server.arrived)


def test_batches_repeat_until_nothing_is_due(env, engine, smtp, templates):
    port, server = smtp()
    ids = queue(engine, *(reminder(templates, str(i)) for i in range(5)))
    report = deliver(env, sender_for(port), mail(batch_size=2), NOW)
    assert (report.batches, report.sent, server.ehlos) == (3, ids, 3)
    assert sorted(server.ids()) == sorted(message_id(str(i)) for i in range(5))


def test_smtp_down_loses_nothing_and_delivers_when_it_is_back(env, engine, smtp, templates):
    port = free_port()  # nothing listens here yet
    ids = queue(engine, reminder(templates, "a"), reminder(templates, "b"))
    report = deliver(env, sender_for(port), mail(), NOW)
    assert report.retried == ids and report.sent == []
    stored = statuses(engine)
    assert {stored[i].status for i in ids} == {"queued"}
    assert all(stored[i].next_attempt_at == NOW + timedelta(minutes=1) for i in ids)
    assert f"127.0.0.1:{port}" in stored[ids[0]].last_error
    _, server = smtp(port)
    assert deliver(env, sender_for(port), mail(), NOW + timedelta(seconds=30)).batches == 0
    report = deliver(env, sender_for(port), mail(), NOW + timedelta(minutes=1))
    assert report.sent == ids
    assert server.ids() == [message_id("a"), message_id("b")]
    assert {a.mail["Date"] for a in server.arrived} == {format_datetime(RENDERED)}
    assert [a.raw for a in server.arrived] == [stored[i].message.content for i in ids]
    assert {e.attempts for e in statuses(engine).values()} == {2}


def test_a_permanent_refusal_fails_keeps_and_shows_the_message(env, engine, smtp, templates):
    port, server = smtp(refuse=frozenset({"weg@hannover-stadt.de"}))
    gone, fine = queue(engine, reminder(templates, "gone", to=["weg@hannover-stadt.de"]),
                       reminder(templates, "fine"))
    report = deliver(env, sender_for(port), mail(), NOW)
    assert (report.failed, report.sent) == ([gone], [fine])
    [failed] = outbox.list_messages(env, "failed")
    assert failed.id == gone and "550" in failed.last_error and failed.attempts == 1
    with pytest.raises(NotPermitted):
        outbox.retry_message(env, LEAD, gone)
    for unknown in (fine, 999):  # sent, or not there at all
        with pytest.raises(NotFound):
            outbox.retry_message(env, COORDINATOR, unknown)
    outbox.retry_message(env, COORDINATOR, gone)
    assert [e.id for e in outbox.list_messages(env, "queued")] == [gone]
    assert deliver(env, sender_for(port), mail(), NOW).failed == [gone]  # still refused
    assert [a.rcpts for a in server.arrived] == [[LEAD]]
    assert server.ids() == [message_id("fine")]


def test_some_recipients_refused_is_sent_with_a_warning(env, engine, smtp, templates):
    port, server = smtp(refuse=frozenset({"weg@hannover-stadt.de"}))
    [entry_id] = queue(engine, reminder(templates, "a", cc=["weg@hannover-stadt.de"]))
    report = deliver(env, sender_for(port), mail(), NOW)
    assert report.sent == report.warnings == [entry_id]
    assert "weg@hannover-stadt.de" in statuses(engine)[entry_id].last_error
    [arrival] = server.arrived
    assert arrival.rcpts == [LEAD]  # the envelope lost one; the headers still name both
    assert arrival.mail["Cc"] == "weg@hannover-stadt.de"
    assert arrival.raw == statuses(engine)[entry_id].message.content


def test_too_many_temporary_failures_fail_the_message(env, engine, smtp, templates):
    port, server = smtp(data_reply="451 4.3.0 try again later")
    [entry_id] = queue(engine, reminder(templates, "a"))
    at = NOW
    for attempt in (1, 2):
        assert deliver(env, sender_for(port), mail(max_attempts=3), at).retried == [entry_id]
        entry = statuses(engine)[entry_id]
        assert (entry.attempts, entry.next_attempt_at) == (attempt, at + backoff(attempt))
        at = entry.next_attempt_at
    assert deliver(env, sender_for(port), mail(max_attempts=3), at).failed == [entry_id]
    entry = statuses(engine)[entry_id]
    assert entry.status == "failed" and entry.last_error.startswith("gave up after 3 attempts")
    assert "451" in entry.last_error and server.arrived == []
    assert deliver(env, sender_for(port), mail(), at + timedelta(days=9)).batches == 0


def test_backoff_doubles_from_a_minute_up_to_six_hours():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 9, 10, 500)] == [
        60, 120, 240, 15360, 21600, 21600]


CRASHING = """
import os, sys
from datetime import datetime
from beteiligung.config.bootstrap import build_env
from beteiligung.config.settings import MailSettings, Settings
from beteiligung.notifications.dispatch import deliver
from beteiligung.notifications.senders import SmtpSender

url, port, crash_after, now = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
inner = SmtpSender("127.0.0.1", port, "none", timeout=5, sender="b@hannover-stadt.de")
sent = []

class Crashing:
    def send_batch(self, emails, on_result=None):
        results = []
        for index, mail in enumerate(emails):
            results += inner.send_batch([mail])
            sent.append(mail)
            if len(sent) == crash_after:
                os._exit(9)  # killed after this send, before it is marked
            on_result(index, results[-1])
        return results

env = build_env(Settings(database_url=url, coordinators=frozenset(), districts=("Mitte",)))
deliver(env, Crashing(), MailSettings(sender="b@hannover-stadt.de", batch_size=3),
        datetime.fromisoformat(now))
"""


@pytest.mark.parametrize("crash_after", [4, 5])
def test_a_delivery_killed_mid_batch_loses_nothing(env, engine, smtp, templates, db_url,
                                                   tmp_path, crash_after):
    """Each message is marked sent right after it went out, so a crash repeats at most the
    one in flight, byte for byte the same (Message-ID and Date included)."""
    port, server = smtp()
    keys = [str(i) for i in range(7)]
    ids = queue(engine, *(reminder(templates, key) for key in keys))
    key_of = {i: statuses(engine)[i].message.dedup_key for i in ids}
    assert [key_of[i] for i in ids] == keys
    script = tmp_path / "crashing.py"
    script.write_text(CRASHING)
    done = subprocess.run([sys.executable, str(script), db_url, str(port), str(crash_after),
                           NOW.isoformat()], capture_output=True, text=True, timeout=60)
    assert done.returncode == 9, done.stderr
    assert len(server.arrived) == crash_after
    stored = statuses(engine)
    marked = ids[:crash_after - 1]       # sent and marked, one by one
    leased = ids[crash_after - 1:6]      # the one in flight and the rest of its batch
    assert [i for i in ids if stored[i].status == "sent"] == marked
    assert [i for i in ids if stored[i].status == "sending"] == leased
    before = NOW + timedelta(seconds=299)
    assert deliver(env, sender_for(port), mail(), before).sent == [7]  # due, not leased
    after = NOW + timedelta(seconds=301)
    assert deliver(env, sender_for(port), mail(), after).sent == leased
    counts = Counter(server.ids())
    assert set(counts) == {message_id(k) for k in keys}  # every message arrived
    assert [i for i in ids if counts[message_id(key_of[i])] > 1] == [crash_after]
    assert max(counts.values()) == 2
    twice = [a.raw for a in server.arrived if a.mail["Message-ID"] == message_id(
        key_of[crash_after])]
    assert twice == [stored[crash_after].message.content] * 2


class Slow:
    """A sender that takes its time, so that two deliverers really overlap."""

    def __init__(self, inner: SmtpSender) -> None:
        self.inner = inner

    def send_batch(self, emails, on_result=None):
        time.sleep(0.02)
        return self.inner.send_batch(emails, on_result)


def test_two_deliverers_at_once_never_send_a_message_twice(env, engine, smtp, templates):
    port, server = smtp()
    queue(engine, *(reminder(templates, str(i)) for i in range(120)))
    reports: list = [None, None]
    start = threading.Barrier(2)

    def work(slot: int) -> None:
        start.wait()
        reports[slot] = deliver(env, Slow(sender_for(port)), mail(batch_size=10), NOW)

    workers = [threading.Thread(target=work, args=(slot,)) for slot in (0, 1)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    first, second = (set(r.sent) for r in reports)
    assert first and second and not first & second
    deliver(env, sender_for(port), mail(), NOW)  # whatever a busy database left over
    counts = Counter(server.ids())
    assert set(counts) == {message_id(str(i)) for i in range(120)}
    assert set(counts.values()) == {1}


def _deadline(engine, pid: int, ref: str, last_step: int, closed: bool = False) -> int:
    deadline = Deadline(None, pid, "custom", ref, ref, NOW + timedelta(days=3), NOW,
                        last_step=last_step)
    if closed:
        deadline.status, deadline.closed_at = "met", NOW
    with engine.begin() as conn:
        return SqlDeadlineRepository(conn).add(deadline)


def _key(engine, deadline_id: int, step: int) -> str:
    with engine.connect() as conn:
        return reminder_key(SqlDeadlineRepository(conn).get(deadline_id), step)


def test_stale_reminders_are_skipped_not_sent(env, engine, smtp, templates, kit):
    pid = kit.new_process(env)
    current = _deadline(engine, pid, "current", last_step=2)
    closed = _deadline(engine, pid, "closed", last_step=1, closed=True)
    fresh_key = _key(engine, current, 2)
    old_due = fresh_key.replace(":2026", ":2025")
    fresh, moved_on, of_closed, of_gone, digest, moved = queue(
        engine, reminder(templates, fresh_key, deadline_id=current, step=2),
        reminder(templates, "moved-on", deadline_id=current, step=1),
        reminder(templates, "closed", deadline_id=closed, step=1),
        reminder(templates, "gone", deadline_id=9999, step=0),
        reminder(templates, "digest"),
        reminder(templates, old_due, deadline_id=current, step=2))
    port, server = smtp()
    report = deliver(env, sender_for(port), mail(), NOW)
    assert (report.sent, report.skipped) == ([fresh, digest],
                                             [moved_on, of_closed, of_gone, moved])
    assert server.ids() == [message_id(fresh_key), message_id("digest")]
    assert message_id(fresh_key) == (
        f"<beteiligung.deadline.{current}.{fresh_key.split(':')[2]}.step.2@hannover-stadt.de>")
    stored = statuses(engine)
    assert "moved on" in stored[moved_on].last_error
    assert "closed (met)" in stored[of_closed].last_error
    assert "no longer exists" in stored[of_gone].last_error
    assert "was moved after this reminder was queued" in stored[moved].last_error


def test_a_process_that_moves_on_gets_no_reminder_about_its_old_phase(env, engine, smtp,
                                                                      templates, kit):
    pid = kit.new_process(env)
    with SqlUnitOfWork(engine) as uow:  # what the sweep does: queue step 0, record it
        [phase] = uow.deadlines.for_process(pid)
        phase.last_step = 0
        uow.deadlines.update(phase)
        uow.outbox.enqueue(reminder(templates, "phase", deadline_id=phase.id, step=0), NOW)
        uow.commit()
    process.advance(env, kit.LEAD.email, pid, "set_up_begleitgruppe")
    port, server = smtp()
    assert len(deliver(env, sender_for(port), mail(), NOW).skipped) == 1
    assert server.arrived == []


def test_a_message_without_recipients_fails_at_once(env, engine, smtp, templates):
    """The composer renders no e-mail without recipients; and a rendered one is sent to the
    message's To and Cc, never to addresses read from its headers, so with none it fails."""
    port, server = smtp()
    unrendered = reminder(templates, "x", to=[])
    assert unrendered.content is None
    nobody, somebody, headers_only = queue(engine, unrendered, reminder(templates, "y"),
                                           replace(reminder(templates, "z"), to=[]))
    report = deliver(env, sender_for(port), mail(), NOW)
    assert (report.failed, report.sent) == ([nobody, headers_only], [somebody])
    stored = statuses(engine)
    assert all("no recipient" in stored[i].last_error for i in (nobody, headers_only))
    assert server.ids() == [message_id("y")]


def test_a_sender_without_domain_is_refused_before_anything_is_claimed(env, engine, templates):
    ids = queue(engine, reminder(templates, "a"))
    with pytest.raises(BadInput, match="sender"):
        deliver(env, FileSender(Path("unused")), mail(sender="beteiligung"), NOW)
    assert statuses(engine)[ids[0]].attempts == 0


def test_the_file_backend_writes_eml_files(env, engine, templates, tmp_path):
    ids = queue(engine, reminder(templates, "a"), reminder(templates, "b"))
    sender = make_sender(mail(backend="file", folder=str(tmp_path / "out")), tmp_path / "no")
    assert deliver(env, sender, mail(), NOW).sent == ids
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["beteiligung.a@hannover-stadt.de.eml", "beteiligung.b@hannover-stadt.de.eml"]
    stored = statuses(engine)
    written = [(tmp_path / "out" / name).read_bytes() for name in files]
    assert written == [stored[i].message.content for i in ids]  # as stored, byte for byte
    parsed = email.message_from_bytes(written[0], policy=email.policy.default)
    assert parsed["Message-ID"] == message_id("a")
    assert [a.get_filename() for a in parsed.iter_attachments()] == ["frist.ics"]
    assert not (tmp_path / "no").exists()


def test_build_sender_puts_the_mail_folder_beside_a_sqlite_database(settings, tmp_path):
    sender = build_sender(settings)
    assert isinstance(sender, FileSender)
    if settings.sqlite_path is not None:
        assert sender.folder == settings.sqlite_path.parent / "mail"
    else:
        assert sender.folder.name == "mail" and sender.folder.parent.name == "beteiligung"


def test_make_sender_for_smtp_and_its_refusals():
    sender = make_sender(mail(backend="smtp", host="mail.example", username="robot",
                              password="s3cret", tls="tls", port=465), Path("x"))
    assert (sender.host, sender.port, sender.tls) == ("mail.example", 465, "tls")
    assert sender.sender == "beteiligung@hannover-stadt.de"  # the envelope: the bare address
    for changes, problem in (({"backend": "pigeon"}, "backend"),
                             ({"backend": "smtp"}, "host"),
                             ({"backend": "smtp", "host": "h", "username": "robot"}, "password"),
                             ({"backend": "smtp", "host": "h", "tls": "ssl"}, "tls")):
        with pytest.raises(BadInput, match=problem):
            make_sender(mail(**changes), Path("x"))
