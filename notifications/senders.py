"""Where built e-mails go: the ``Sender`` port, a folder of ``.eml`` files, and SMTP.

A sender takes a batch and answers one ``SendResult`` per e-mail, in order; it never raises for a
delivery problem. ``permanent`` tells the outbox to give up (a 5xx refusal), otherwise it retries
later. ``SmtpSender`` opens one connection per batch; a connection that fails or drops makes
that e-mail and every later one of the batch a temporary failure, since nothing proves they
were refused.

When a server accepts some recipients of an e-mail and refuses others, the e-mail counts as sent
(``ok``): sending it again would repeat it to everyone who already has it. The refused
addresses are listed in ``refused`` and ``error`` so that coordinators can see them.
Import rule: ``states``, ``notifications``, the standard library and ``aiosmtplib`` only.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
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


def temporary(error: str) -> SendResult:
    """A failure worth retrying later."""
    return SendResult(ok=False, permanent=False, error=error)


def permanent(error: str) -> SendResult:
    """A failure that retrying will not cure."""
    return SendResult(ok=False, permanent=True, error=error)


OnResult = Callable[[int, SendResult], None]


class Sender(Protocol):
    """The port the outbox dispatcher sends through."""

    def send_batch(self, emails: list[EmailMessage],
                   on_result: OnResult | None = None) -> list[SendResult]:
        """Send each e-mail; one result per e-mail, in the same order; never raises for one.

        ``on_result(index, result)`` is called as soon as each e-mail is done, so that the
        caller can record it as sent before the next one goes out."""


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

    def send_batch(self, emails: list[EmailMessage],
                   on_result: OnResult | None = None) -> list[SendResult]:
        """Write every e-mail; a full disk or missing permission is a temporary failure."""
        results = []
        for index, mail in enumerate(emails):
            results.append(self._write(mail))
            if on_result:
                on_result(index, results[-1])
        return results

    def _write(self, mail: EmailMessage) -> SendResult:
        message_id = mail.get("Message-ID", "")
        if not message_id.strip("<> "):
            return permanent("the e-mail has no Message-ID")
        target = self.folder / file_name(message_id)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(to_bytes(mail))
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temp, target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as error:
            return temporary(f"cannot write {target}: {error}")
        return SENT


def recipients(mail: EmailMessage) -> list[str]:
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

    def send_batch(self, emails: list[EmailMessage],
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

    async def _send_all(self, emails: list[EmailMessage],
                        on_result: OnResult) -> list[SendResult]:
        client = self._client()
        try:
            await client.connect()
            if self.username:
                await client.login(self.username, self.password or "")
        except (aiosmtplib.SMTPException, OSError) as error:
            # wrong host, TLS or password is no fault of the messages: retry them all later
            client.close()
            reason = f"cannot connect to {self.host}:{self.port}: {_describe(error)}"
            log.warning("smtp: %s", reason)
            return _report([temporary(reason) for _ in emails], on_result)
        results: list[SendResult] = []
        try:
            for mail in emails:
                try:
                    results.append(await self._send_one(client, mail))
                except CONNECTION_ERRORS as error:
                    reason = f"connection to {self.host}:{self.port} lost: {_describe(error)}"
                    log.warning("smtp: %s", reason)
                    rest = [temporary(reason) for _ in emails[len(results):]]
                    _report(rest, on_result, start=len(results))
                    return results + rest
                on_result(len(results) - 1, results[-1])
        finally:
            await self._quit(client)
        return results

    async def _send_one(self, client: aiosmtplib.SMTP, mail: EmailMessage) -> SendResult:
        """Send one e-mail and classify the answer; connection errors propagate."""
        try:
            refused, _ = await client.sendmail(self.sender, recipients(mail), to_bytes(mail))
        except CONNECTION_ERRORS:
            raise
        except aiosmtplib.SMTPRecipientsRefused as error:
            return _refused_by_all(error)
        except aiosmtplib.SMTPResponseException as error:
            result = permanent if error.code >= 500 else temporary
            return result(_describe(error))
        except (aiosmtplib.SMTPNotSupported, ValueError) as error:
            return permanent(_describe(error))  # e.g. an address the server can never take
        except aiosmtplib.SMTPException as error:
            return temporary(_describe(error))
        if refused:
            listed = "; ".join(f"{addr}: {r.code} {r.message}" for addr, r in refused.items())
            return SendResult(ok=True, error=f"some recipients refused: {listed}",
                              refused=tuple(refused))
        return SENT

    @staticmethod
    async def _quit(client: aiosmtplib.SMTP) -> None:
        if not client.is_connected:
            return
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError):
            client.close()  # the batch is done; a failed goodbye changes nothing
