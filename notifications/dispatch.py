"""The outbox dispatcher: claim due messages, send them outside any transaction, mark them.

One round of ``deliver`` is: claim a batch under a lease (a short transaction); re-check each
reminder against its deadline (a read) and skip the stale ones; send the batch through the
``Sender`` (one SMTP connection), each e-mail as the sweep rendered it (or, for a row queued
before migration 0003, built now with the Message-ID of its row); mark each message sent in its
own short transaction before the next one can be accepted. Rounds repeat until nothing is due
(bounded).

Nothing is lost: a message leaves the queue only as ``sent``, ``failed`` (kept, listed for the
coordinators) or ``skipped``. A crash after sending and before marking leaves the lease to lapse;
the unmarked messages of the batch are then claimed and sent again, with the same Message-ID, so
a receiving system can drop the duplicate. Only one of them can have gone out already: whatever
was marked sent is never claimed again.

A reminder is stale when its deadline no longer exists, was closed (met, waived, the phase left)
or its reminders moved on: the sweep records the step it queued as the deadline's ``last_step``,
so a ``last_step`` other than the message's step means a later reminder was queued, or the
deadline was moved (which starts its reminders over at -1).
Import rule: ``states``, ``workflow`` (core and ports), ``notifications``, the standard library.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Protocol

from ..states.deadlines import Deadline
from ..states.errors import BadInput, Busy
from ..workflow.core import Env
from ..workflow.ports import Outbox, OutboxEntry, UnitOfWork
from ..workflow.reminders import reminder_key
from .email import build_email, make_message_id
from .messages import Message
from .senders import (
    Envelope,
    FileSender,
    Sender,
    SendResult,
    SmtpSender,
    envelope,
    permanent,
    temporary,
)

log = logging.getLogger(__name__)
LEASE_SECONDS = 300
FIRST_DELAY = 60
MAX_DELAY = 6 * 3600
MAX_BATCHES = 100
RETRIES = 5


class MailOptions(Protocol):
    """What the dispatcher reads of ``config.settings.MailSettings``."""

    @property
    def sender(self) -> str: ...
    @property
    def max_attempts(self) -> int: ...
    @property
    def batch_size(self) -> int: ...


@dataclass
class DeliveryReport:
    """What one ``deliver`` did, as outbox ids; ``busy``: it stopped because the database
    stayed busy with other deliverers (the next run goes on)."""

    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    warnings: list[int] = field(default_factory=list)
    batches: int = 0
    busy: bool = False


@dataclass(frozen=True)
class Mark:
    """The outcome to record for one claimed message."""

    entry_id: int
    status: str  # sent, queued (retry later), failed or skipped
    note: str = ""
    next_attempt_at: datetime | None = None


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, ... minutes, at most 6 h."""
    return timedelta(seconds=min(FIRST_DELAY * 2 ** min(max(attempts - 1, 0), 20), MAX_DELAY))


def decide(entry: OutboxEntry, result: SendResult, now: datetime, max_attempts: int) -> Mark:
    """What becomes of ``entry`` after the sender's ``result`` (``entry.attempts`` counts this
    attempt already: claiming counts it)."""
    if result.ok:
        return Mark(entry.id, "sent", result.error)
    if result.permanent:
        return Mark(entry.id, "failed", result.error)
    if entry.attempts >= max_attempts:
        return Mark(entry.id, "failed", f"gave up after {entry.attempts} attempts: "
                                        f"{result.error}")
    return Mark(entry.id, "queued", result.error, now + backoff(entry.attempts))


def why_stale(deadline: Deadline | None, step: int | None, key: str | None = None) -> str:
    """Why a reminder of ``step`` about ``deadline`` must not go out; empty when it may.

    ``key``, the message's outbox key, must still be the deadline's key for that step: a
    deadline moved since has other keys, so an old reminder is not sent with an old date."""
    if deadline is None:
        return "stale: its deadline no longer exists"
    if deadline.closed_at is not None:
        return f"stale: its deadline was closed ({deadline.status})"
    if step is not None and deadline.last_step != step:
        return (f"stale: the deadline's reminders moved on (this is step {step}, the deadline "
                f"is at step {deadline.last_step})")
    if step is not None and key is not None and key != reminder_key(deadline, step):
        return "stale: the deadline was moved after this reminder was queued"
    return ""


def sender_domain(sender: str) -> str:
    """The domain of the From address, for Message-IDs (``BadInput`` when there is none)."""
    address = parseaddr(sender)[1]
    if "@" not in address:
        raise BadInput(f"mail sender {sender!r} is not an e-mail address "
                       "(like beteiligung@hannover-stadt.de)")
    domain = address.rpartition("@")[2]
    make_message_id(0, domain)  # refuses a malformed domain now, not once per message
    return domain


def deliver(env: Env, sender: Sender, mail: MailOptions, now: datetime | None = None, *,
            lease_seconds: int = LEASE_SECONDS, max_batches: int = MAX_BATCHES
            ) -> DeliveryReport:
    """Send every message due by ``now`` (default: the clock, read at each batch).

    Args:
        env: the use cases' wiring (its units of work and clock).
        sender: where the e-mails go (``make_sender``).
        mail: the mail settings: ``sender`` (From), ``batch_size``, ``max_attempts``.
        now: the moment to deliver as of (tests, ``--now``); also the Date of the e-mails.
        lease_seconds: how long a claimed batch is ours; after that, another run takes over.
        max_batches: at most this many batches in one call.

    Raises:
        BadInput: the configured sender is not an address with a valid domain.
    """
    run = _Run(env, sender, mail, sender_domain(mail.sender), now)
    for _ in range(max_batches):
        entries = _claim(env, run.at(), lease_seconds, mail.batch_size)
        if entries is None:
            run.report.busy = True
            break
        if not entries:
            break
        run.report.batches += 1
        run.batch(entries)
        if len(entries) < mail.batch_size:
            break
    return run.report


@dataclass
class _Run:
    """One call of ``deliver``: what every batch needs, and the report they fill."""

    env: Env
    sender: Sender
    mail: MailOptions
    domain: str
    now: datetime | None
    report: DeliveryReport = field(default_factory=DeliveryReport)

    def at(self) -> datetime:
        return self.now or self.env.clock()

    def batch(self, entries: list[OutboxEntry]) -> None:
        """Skip the stale, send the rest over one connection, and mark each message as soon
        as it is done: a crash after a send can repeat at most that one message."""
        at, max_attempts = self.at(), self.mail.max_attempts
        stale = _stale(self.env, entries)
        marks = [Mark(e.id, "skipped", stale[e.id]) for e in entries if e.id in stale]
        sending: list[OutboxEntry] = []
        emails: list[Envelope] = []
        for entry in (e for e in entries if e.id not in stale):
            try:
                emails.append(to_envelope(entry, self.mail.sender, self.domain, at))
                sending.append(entry)
            except BadInput as error:  # no recipient: no retry will cure that
                marks.append(decide(entry, permanent(str(error)), at, max_attempts))
        _mark(self.env, marks, at)
        warned: list[int] = []

        with self.env.uow() as marker:  # one connection for the batch's marks
            def done(index: int, result: SendResult) -> None:
                mark = decide(sending[index], result, self.at(), max_attempts)
                _mark_on(marker, mark, self.at())
                marks.append(mark)
                if result.ok and result.error:
                    warned.append(mark.entry_id)

            if emails:
                self.sender.send_batch(emails, done)
        unreported = [e for e in sending if e.id not in {m.entry_id for m in marks}]
        late = [decide(e, temporary("the sender gave no result"), self.at(), max_attempts)
                for e in unreported]
        _mark(self.env, late, self.at())
        marks += late
        _count(self.report, marks, warned)
        log.info("outbox: batch of %d: %d sent, %d to retry, %d failed, %d skipped",
                 len(entries), *(sum(m.status == s for m in marks)
                                 for s in ("sent", "queued", "failed", "skipped")))


def to_envelope(entry: OutboxEntry, sender: str, domain: str, at: datetime) -> Envelope:
    """What to send for an outbox entry: the e-mail rendered when it was queued, or, for a row
    from before migration 0003, one built now with the Message-ID of its row.

    Raises:
        BadInput: the message has no recipient.
    """
    message = entry.message
    if message.content is None:
        return envelope(build_email(Message(list(message.to), list(message.cc),
                                            message.subject, message.text, message.html,
                                            message.ics),
                                    make_message_id(entry.id, domain), sender, date=at))
    addresses = tuple(a for _, a in getaddresses([*message.to, *message.cc]) if a)
    if not addresses:
        raise BadInput(f"message {message.subject!r} has no recipient")
    return Envelope(_message_id(message.content), addresses, message.content)


def _message_id(content: bytes) -> str:
    """The Message-ID header of a rendered e-mail (in its header block, before the body)."""
    head = content.partition(b"\r\n\r\n")[0]
    for line in head.split(b"\r\n"):
        if line[:11].lower() == b"message-id:":
            return line[11:].strip().decode("ascii", "replace")
    return ""


def _stale(env: Env, entries: list[OutboxEntry]) -> dict[int, str]:
    checked = [(e, deadline_id) for e in entries
               if (deadline_id := e.message.deadline_id) is not None]
    if not checked:
        return {}
    with env.uow() as uow:
        found = uow.deadlines.get_many([deadline_id for _, deadline_id in checked])
    reasons = {e.id: why_stale(found.get(deadline_id), e.message.step, e.message.dedup_key)
               for e, deadline_id in checked}
    return {entry_id: reason for entry_id, reason in reasons.items() if reason}


def _claim(env: Env, at: datetime, lease_seconds: int, limit: int) -> list[OutboxEntry] | None:
    """A claimed batch; ``None`` when the database stayed busy with other claims."""
    for attempt in range(RETRIES):
        try:
            with env.uow() as uow:
                entries = uow.outbox.claim(at, lease_seconds, limit)
                uow.commit()
            return entries
        except Busy:
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # let the other one finish
    log.warning("outbox: the database stayed busy; delivery goes on next run")
    return None


def _mark(env: Env, marks: list[Mark], at: datetime) -> None:
    if not marks:
        return
    for attempt in range(RETRIES):
        try:
            with env.uow() as uow:
                for mark in marks:
                    _apply(uow.outbox, mark, at)
                uow.commit()
            return
        except Busy:
            if attempt == RETRIES - 1:
                raise  # the leases lapse and the batch is sent again, same Message-IDs
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))


def _mark_on(uow: UnitOfWork, mark: Mark, at: datetime) -> None:
    """Mark one message in its own short transaction on the batch's open connection, before
    the next message goes out (retried while another writer holds the database)."""
    for attempt in range(RETRIES):
        try:
            _apply(uow.outbox, mark, at)
            uow.commit()
            return
        except Busy:
            uow.rollback()
            if attempt == RETRIES - 1:
                raise  # the lease lapses and this one message is sent again, same Message-ID
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))


def _apply(outbox: Outbox, mark: Mark, at: datetime) -> None:
    if mark.status == "sent":
        outbox.mark_sent(mark.entry_id, at, mark.note)
    elif mark.status == "queued":
        outbox.mark_retry(mark.entry_id, mark.next_attempt_at or at, mark.note)
    elif mark.status == "failed":
        outbox.mark_failed(mark.entry_id, mark.note)
    else:
        outbox.mark_skipped(mark.entry_id, mark.note)


def _count(report: DeliveryReport, marks: list[Mark], warned: list[int]) -> None:
    lists = {"sent": report.sent, "queued": report.retried, "failed": report.failed,
             "skipped": report.skipped}
    for mark in marks:
        lists[mark.status].append(mark.entry_id)
    report.warnings += warned


def make_sender(mail, default_folder: Path) -> Sender:
    """The sender the settings ask for: ``file`` (``mail.folder``, else ``default_folder``)
    or ``smtp``.

    Raises:
        BadInput: an unknown backend, ``smtp`` without a host, or a bad SMTP setting.
    """
    if mail.backend == "file":
        return FileSender(Path(mail.folder) if mail.folder else Path(default_folder))
    if mail.backend != "smtp":
        raise BadInput(f"settings [mail] backend: {mail.backend!r} is not 'file' or 'smtp'")
    if not mail.host:
        raise BadInput("settings [mail]: backend 'smtp' needs a host "
                       "(BETEILIGUNG_MAIL_HOST or host in [mail])")
    envelope = parseaddr(mail.sender)[1]
    if "@" not in envelope:
        raise BadInput(f"settings [mail] sender: {mail.sender!r} is not an e-mail address")
    return SmtpSender(mail.host, mail.port, mail.tls, mail.username or None,
                      (mail.password or None) if mail.username else None, mail.timeout,
                      sender=envelope)
