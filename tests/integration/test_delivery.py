"""Delivery from the outbox on SQLite and PostgreSQL to a real SMTP server (aiosmtpd) on
127.0.0.1: what arrives, outages, refusals, crashes, two deliverers, stale reminders, and the
file backend."""

from __future__ import annotations

import email
import email.policy
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from beteiligung.config.bootstrap import build_sender
from beteiligung.config.settings import MailSettings
from beteiligung.notifications.dispatch import backoff, deliver, make_sender
from beteiligung.notifications.messages import ReminderContext
from beteiligung.notifications.senders import FileSender, SmtpSender
from beteiligung.notifications.templates import Templates
from beteiligung.states.deadlines import Deadline
from beteiligung.states.errors import BadInput, NotFound, NotPermitted
from beteiligung.storage.deadlines import SqlDeadlineRepository
from beteiligung.storage.sql import SqlUnitOfWork
from beteiligung.workflow import outbox, process
from beteiligung.workflow.ports import OutgoingMessage
from beteiligung.workflow.reminders import reminder_key

NOW = datetime(2026, 5, 23, 7, 0, tzinfo=UTC)
FROM = "Beteiligung Hannover <beteiligung@hannover-stadt.de>"
COORDINATOR = "koordination@hannover-stadt.de"
LEAD = "anna.lehmann@hannover-stadt.de"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Handler:
    """Keeps what arrives; refuses chosen recipients; may answer DATA with a fixed reply."""

    refuse: frozenset[str] = frozenset()
    data_reply: str | None = None
    arrived: list = field(default_factory=list)
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
        mail = email.message_from_bytes(envelope.original_content or envelope.content,
                                        policy=email.policy.default)
        self.arrived.append((list(envelope.rcpt_tos), mail))
        return "250 OK"

    def ids(self) -> list[str]:
        return [mail["Message-ID"] for _, mail in self.arrived]


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


def reminder(templates, key: str, to=(LEAD,), cc=(), deadline_id=None, step=None):
    ctx = ReminderContext(7, "Lindener Marktplatz", deadline_id or 42, "Kommentierungsfrist",
                          datetime(2026, 5, 26, 21, 59, tzinfo=UTC), 3, [], [],
                          "https://beteiligung.example/7", False)
    rendered = templates.reminder(ctx, list(to), list(cc), now=NOW)
    return OutgoingMessage(key, "reminder", rendered.to, rendered.cc, rendered.subject,
                           rendered.text, rendered.html, rendered.ics, 7, deadline_id, step)


def queue(engine, *messages: OutgoingMessage) -> list[int]:
    with SqlUnitOfWork(engine) as uow:
        for m in messages:
            uow.outbox.enqueue(m, NOW)
        uow.commit()
        return sorted(e.id for e in uow.outbox.list(limit=1000))


def statuses(engine) -> dict[int, object]:
    with SqlUnitOfWork(engine) as uow:
        return {e.id: e for e in uow.outbox.list(limit=1000)}


def message_id(entry_id: int) -> str:
    return f"<beteiligung.outbox.{entry_id}@hannover-stadt.de>"


def test_what_arrives_over_one_connection(env, engine, smtp, templates):
    port, server = smtp()
    ids = queue(engine, reminder(templates, "a", cc=["jonas.weber@hannover-stadt.de"]),
                reminder(templates, "b"), reminder(templates, "c"))
    report = deliver(env, sender_for(port), mail(), NOW)
    assert report.sent == ids and report.batches == 1 and server.ehlos == 1
    rcpts, first = server.arrived[0]
    assert rcpts == [LEAD, "jonas.weber@hannover-stadt.de"]
    assert first["From"] == FROM and first["Cc"] == "jonas.weber@hannover-stadt.de"
    assert first["Message-ID"] == message_id(ids[0])
    assert first["Date"] == format_datetime(NOW)
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


def test_batches_repeat_until_nothing_is_due(env, engine, smtp, templates):
    port, server = smtp()
    ids = queue(engine, *(reminder(templates, str(i)) for i in range(5)))
    report = deliver(env, sender_for(port), mail(batch_size=2), NOW)
    assert (report.batches, report.sent, server.ehlos) == (3, ids, 3)
    assert sorted(server.ids()) == sorted(message_id(i) for i in ids)


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
    assert sorted(server.ids()) == [message_id(i) for i in ids]
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
    assert [to for to, _ in server.arrived] == [[LEAD]]


def test_some_recipients_refused_is_sent_with_a_warning(env, engine, smtp, templates):
    port, server = smtp(refuse=frozenset({"weg@hannover-stadt.de"}))
    [entry_id] = queue(engine, reminder(templates, "a", cc=["weg@hannover-stadt.de"]))
    report = deliver(env, sender_for(port), mail(), NOW)
    assert report.sent == report.warnings == [entry_id]
    assert "weg@hannover-stadt.de" in statuses(engine)[entry_id].last_error
    assert [to for to, _ in server.arrived] == [[LEAD]]


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
    one in flight, with the same Message-ID."""
    port, server = smtp()
    ids = queue(engine, *(reminder(templates, str(i)) for i in range(7)))
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
    assert set(counts) == {message_id(i) for i in ids}  # every message arrived
    assert [i for i in ids if counts[message_id(i)] > 1] == [crash_after]
    assert max(counts.values()) == 2


class Slow:
    """A sender that takes its time, so that two deliverers really overlap."""

    def __init__(self, inner: SmtpSender) -> None:
        self.inner = inner

    def send_batch(self, emails, on_result=None):
        time.sleep(0.02)
        return self.inner.send_batch(emails, on_result)


def test_two_deliverers_at_once_never_send_a_message_twice(env, engine, smtp, templates):
    port, server = smtp()
    ids = queue(engine, *(reminder(templates, str(i)) for i in range(120)))
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
    assert set(counts) == {message_id(i) for i in ids} and set(counts.values()) == {1}


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
    old_due = _key(engine, current, 2).replace(":2026", ":2025")
    fresh, moved_on, of_closed, of_gone, digest, moved = queue(
        engine, reminder(templates, _key(engine, current, 2), deadline_id=current, step=2),
        reminder(templates, "moved-on", deadline_id=current, step=1),
        reminder(templates, "closed", deadline_id=closed, step=1),
        reminder(templates, "gone", deadline_id=9999, step=0),
        reminder(templates, "digest"),
        reminder(templates, old_due, deadline_id=current, step=2))
    port, server = smtp()
    report = deliver(env, sender_for(port), mail(), NOW)
    assert (report.sent, report.skipped) == ([fresh, digest],
                                             [moved_on, of_closed, of_gone, moved])
    assert sorted(server.ids()) == sorted([message_id(fresh), message_id(digest)])
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
    port, server = smtp()
    nobody, somebody = queue(engine, reminder(templates, "x", to=[]), reminder(templates, "y"))
    report = deliver(env, sender_for(port), mail(), NOW)
    assert (report.failed, report.sent) == ([nobody], [somebody])
    assert "no recipient" in statuses(engine)[nobody].last_error


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
    assert files == [f"beteiligung.outbox.{i}@hannover-stadt.de.eml" for i in ids]
    parsed = email.message_from_bytes((tmp_path / "out" / files[0]).read_bytes(),
                                      policy=email.policy.default)
    assert parsed["Message-ID"] == message_id(ids[0])
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
