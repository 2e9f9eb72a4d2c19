"""Where finished e-mails go: the ``Sender`` port, a folder of ``.eml`` files, and SMTP.

A sender takes a batch of ``Envelope``s (the e-mail's bytes, its Message-ID and its recipients)
and answers one ``SendResult`` per e-mail, in order; it never raises for a delivery problem.
``permanent`` tells the outbox to give up (a 5xx refusal), otherwise it retries later.
``SmtpSender`` opens one connection per batch; a connection that fails or drops makes that
e-mail and every later one of the batch a temporary failure, since nothing proves they were
refused.

When a server accepts some recipients of an e-mail and refuses others, the e-mail counts as sent
(``ok``): sending it again would repeat it to everyone who already has it. The refused
addresses are listed in ``refused`` and ``error`` so that coordinators can see them.
Import rule: ``states``, ``notifications``, the standard library and ``aiosmtplib`` only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import Message as MailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Literal, Protocol

import aiosmtplib

from ..states.errors import BadInput
from .email import to_bytes

log = logging.getLogger(__name__)
TLS_MODES = ("none", "starttls", "tls")
CONNECTION_ERRORS = (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPTimeoutError,
                     aiosmtplib.SMTPServerDisconnected, OSError)


@dataclass(frozen=True)
class SendResult:
    """What became of one e-mail.

    Attributes:
        ok: the server (or folder) took it.
        permanent: a failure that retrying will not cure (only meaningful when not ``ok``).
        error: what went wrong, for the outbox and the coordinators; empty when all went well.
        refused: recipients refused although the e-mail was sent to the others.
    """

    ok: bool
    permanent: bool = False
    error: str = ""
    refused: tuple[str, ...] = ()


SENT = SendResult(ok=True)


@dataclass(frozen=True)
class Envelope:
    """One finished e-mail to send.

    Attributes:
        message_id: its Message-ID (names the ``.eml`` file of the file backend).
        recipients: the envelope recipients (RCPT TO), bare addresses.
        content: the e-mail as it goes over the wire, headers and body, CRLF line ends.
    """

    message_id: str
    recipients: tuple[str, ...]
    content: bytes


def envelope(mail: MailMessage) -> Envelope:
    """The envelope of a built e-mail: its Message-ID, the addresses of To and Cc, its bytes."""
    return Envelope(str(mail.get("Message-ID", "")), tuple(recipients(mail)), to_bytes(mail))


def temporary(error: str) -> SendResult:
    """A failure worth retrying later."""
    return SendResult(ok=False, permanent=False, error=error)


def permanent(error: str) -> SendResult:
    """A failure that retrying will not cure."""
    return SendResult(ok=False, permanent=True, error=error)


OnResult = Callable[[int, SendResult], None]


class Sender(Protocol):
    """The port the outbox dispatcher sends through."""

    def send_batch(self, emails: Sequence[Envelope],
                   on_result: OnResult | None = None) -> list[SendResult]:
        """Send each e-mail; one result per e-mail, in the same order; never raises for one.

        ``on_result(index, result)`` is called for each e-mail before the next one is handed
        over, so that the caller can record it as sent first: a crash can then leave at most
        one e-mail sent but not recorded."""


def file_name(message_id: str) -> str:
    """A safe file name for a Message-ID: ``<a/b@c>`` becomes ``a_b@c.eml``."""
    bare = message_id.strip().strip("<>")
    return re.sub(r"[^A-Za-z0-9._@+-]", "_", bare).lstrip(".") + ".eml"


class FileSender:
    """Writes each e-mail as ``<message-id>.eml`` into a folder: the backend without a server.

    Files appear atomically (a temporary file renamed into place), so a reader never sees half
    a message; sending the same Message-ID again replaces the file rather than adding one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def send_batch(self, emails: Sequence[Envelope],
                   on_result: OnResult | None = None) -> list[SendResult]:
        """Write every e-mail; a full disk or missing permission is a temporary failure."""
        results = []
        for index, mail in enumerate(emails):
            results.append(self._write(mail))
            if on_result:
                on_result(index, results[-1])
        return results

    def _write(self, mail: Envelope) -> SendResult:
        message_id = mail.message_id
        if not message_id.strip("<> "):
            return permanent("the e-mail has no Message-ID")
        target = self.folder / file_name(message_id)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(mail.content)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temp, target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as error:
            return temporary(f"cannot write {target}: {error}")
        return SENT


def recipients(mail: MailMessage) -> list[str]:
    """The envelope recipients: every address in To and Cc (no Bcc is ever set)."""
    fields = [str(v) for v in mail.get_all("To", []) + mail.get_all("Cc", [])]
    return [address for _, address in getaddresses(fields) if address]


def _ignore(_index: int, _result: SendResult) -> None:
    return None


def _report(results: list[SendResult], on_result: OnResult, start: int = 0) -> list[SendResult]:
    for offset, result in enumerate(results):
        on_result(start + offset, result)
    return results


def _describe(error: BaseException) -> str:
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return f"{error.code} {error.message}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _classify(error: Exception) -> SendResult:
    """A refusal as a result: 5xx (or an address no server can take) is permanent."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return _refused_by_all(error)
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return (permanent if error.code >= 500 else temporary)(_describe(error))
    return permanent(_describe(error))  # ValueError: an address unfit for an SMTP command


def _refused_by_all(error: aiosmtplib.SMTPRecipientsRefused) -> SendResult:
    """Every recipient refused: permanent only if every refusal was a 5xx."""
    text = "all recipients refused: " + "; ".join(
        f"{r.recipient}: {r.code} {r.message}" for r in error.recipients)
    if all(r.code >= 500 for r in error.recipients):
        return permanent(text)
    return temporary(text)


class SmtpSender:
    """Sends each batch over one SMTP connection with aiosmtplib, TLS mode always explicit."""

    def __init__(self, host: str, port: int, tls: Literal["none", "starttls", "tls"],
                 username: str | None = None, password: str | None = None,
                 timeout: float = 30, *, sender: str) -> None:
        """Configure the sender; nothing connects until ``send_batch``.

        Args:
            host: the SMTP server.
            port: its port (usually 25 or 587 for ``none``/``starttls``, 465 for ``tls``).
            tls: ``tls`` (TLS from the first byte), ``starttls`` (upgrade, refusing a server
                that does not offer it) or ``none`` (plain text, for a relay on localhost).
            username: log in as this user when set.
            password: the password for ``username``.
            timeout: seconds allowed for each SMTP step.
            sender: the envelope sender (MAIL FROM), where bounces go.

        Raises:
            BadInput: an unknown TLS mode, a port out of range, or a user without password.
        """
        if tls not in TLS_MODES:
            raise BadInput(f"smtp tls mode {tls!r} is unknown; use one of {', '.join(TLS_MODES)}")
        if not 0 < int(port) < 65536:
            raise BadInput(f"smtp port {port} is out of range (1-65535)")
        if username and password is None:
            raise BadInput(f"smtp user {username!r} is set but no password")
        self.host, self.port, self.tls = host, int(port), tls
        self.username, self.password = username, password
        self.timeout, self.sender = timeout, sender

    def send_batch(self, emails: Sequence[Envelope],
                   on_result: OnResult | None = None) -> list[SendResult]:
        """Send the batch over one connection; one result per e-mail, in order.

        Runs its own event loop (``asyncio.run``), so call it from synchronous code only.
        """
        if not emails:
            return []
        results = asyncio.run(self._send_all(list(emails), on_result or _ignore))
        failed = sum(not r.ok for r in results)
        log.info("smtp %s:%s: %d sent, %d failed", self.host, self.port,
                 len(results) - failed, failed)
        return results

    def _client(self) -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(hostname=self.host, port=self.port, timeout=self.timeout,
                               use_tls=self.tls == "tls", start_tls=self.tls == "starttls")

    async def _send_all(self, emails: list[Envelope], on_result: OnResult) -> list[SendResult]:
        client = self._client()
        try:
            await client.connect()
            if self.username:
                await client.login(self.username, self.password or "")
            if not client.esmtp_extensions:
                await self._greet(client)  # so the first MAIL FROM can carry SIZE
        except (aiosmtplib.SMTPException, OSError) as error:
            # wrong host, TLS or password is no fault of the messages: retry them all later
            client.close()
            reason = f"cannot connect to {self.host}:{self.port}: {_describe(error)}"
            log.warning("smtp: %s", reason)
            return _report([temporary(reason) for _ in emails], on_result)
        results: list[SendResult] = []
        pending: list[int] = []  # the e-mail whose result is not reported yet (at most one)

        def settle() -> None:
            while pending:
                index = pending.pop()
                on_result(index, results[index])

        try:
            for mail in emails:
                try:
                    results.append(await self._send_one(client, mail,
                                                        settle if pending else None))
                except CONNECTION_ERRORS as error:
                    settle()
                    reason = f"connection to {self.host}:{self.port} lost: {_describe(error)}"
                    log.warning("smtp: %s", reason)
                    rest = [temporary(reason) for _ in emails[len(results):]]
                    _report(rest, on_result, start=len(results))
                    return results + rest
                pending.append(len(results) - 1)
            settle()
        finally:
            await self._quit(client)
        return results

    async def _send_one(self, client: aiosmtplib.SMTP, mail: Envelope,
                        settle: Callable[[], None] | None) -> SendResult:
        """Send one e-mail and classify the answer; connection errors propagate.

        The steps are those of aiosmtplib's ``sendmail`` (MAIL FROM, RCPT TO for each
        recipient, DATA; RSET after a refusal), with one difference: ``settle`` (recording the
        previous e-mail's result) runs in a worker thread while this e-mail's envelope goes to
        the server, rather than before it. DATA waits until it is done, so the server cannot
        have accepted this e-mail before the previous one was recorded, and the database's
        commit no longer waits for the network, nor the network for the commit
        (docs/performance.md). When recording fails, this e-mail is not sent and the error
        propagates."""
        recording = (asyncio.ensure_future(asyncio.to_thread(settle)) if settle is not None
                     else None)
        try:
            result = await self._transmit(client, mail, recording)
        finally:
            if recording is not None:
                await asyncio.wait([recording])
                failure = recording.exception()
                if failure is not None:
                    # before anything else, even a lost connection: the caller must learn
                    # that a message went out and could not be recorded
                    raise failure  # noqa: B012
        return result

    async def _transmit(self, client: aiosmtplib.SMTP, mail: Envelope,
                        recording: asyncio.Future | None) -> SendResult:
        if not mail.recipients:
            return permanent("the e-mail has no recipient")
        options = [f"SIZE={len(mail.content)}"] if client.supports_extension("size") else []
        try:
            await client.mail(self.sender, options=options)
            refused = []
            for address in mail.recipients:
                try:
                    await client.rcpt(address)
                except aiosmtplib.SMTPRecipientRefused as error:
                    refused.append(error)
            if len(refused) == len(mail.recipients):
                raise aiosmtplib.SMTPRecipientsRefused(refused)
            if recording is not None:
                await asyncio.wait([recording])
                if recording.exception() is not None:
                    await self._reset(client)  # not sent: the caller raises the error
                    return temporary("the previous e-mail could not be recorded")
            await client.data(mail.content)
        except CONNECTION_ERRORS:
            raise
        except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused,
                ValueError) as error:
            await self._reset(client)
            return _classify(error)
        except aiosmtplib.SMTPException as error:
            return temporary(_describe(error))
        if refused:
            listed = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in refused)
            return SendResult(ok=True, error=f"some recipients refused: {listed}",
                              refused=tuple(r.recipient for r in refused))
        return SENT

    @staticmethod
    async def _greet(client: aiosmtplib.SMTP) -> None:
        """EHLO, to learn the server's extensions; a server that only knows HELO gets that
        at the first command, as aiosmtplib does."""
        with contextlib.suppress(aiosmtplib.SMTPHeloError):
            await client.ehlo()

    @staticmethod
    async def _reset(client: aiosmtplib.SMTP) -> None:
        """Clear a refused envelope for the next e-mail (as ``sendmail`` does)."""
        try:
            await client.rset()
        except (aiosmtplib.SMTPException, OSError):
            pass  # a dead connection shows at the next e-mail

    @staticmethod
    async def _quit(client: aiosmtplib.SMTP) -> None:
        if not client.is_connected:
            return
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError):
            client.close()  # the batch is done; a failed goodbye changes nothing
