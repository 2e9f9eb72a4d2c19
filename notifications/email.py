"""Turns a rendered ``Message`` into a MIME e-mail with a stable Message-ID.

The layout is ``multipart/mixed`` holding ``multipart/alternative`` (text/plain, text/html, both
UTF-8) and, for reminders, ``frist.ics`` (``text/calendar; method=PUBLISH``). Bodies are encoded
quoted-printable and the calendar base64, so the mail is 7-bit clean for any relay.

The sweep renders each e-mail to bytes once, when it queues it (``render``), with a Message-ID
from its outbox key (``key_message_id``); the outbox keeps those bytes and delivery sends them
as they are, so a message resent after a crash is the same, byte for byte, and the receiving
side can drop the duplicate. A message queued without bytes (by a version before migration
0003) is built at delivery with a Message-ID from its outbox row (``make_message_id``).
Import rule: ``states``, ``notifications`` and the standard library only.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import secrets
from datetime import UTC, datetime
from email import encoders
from email.generator import BytesGenerator
from email.message import Message as MailMessage
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import Compat32
from email.utils import format_datetime, formataddr, parseaddr

from ..states.errors import BadInput
from .messages import Message

DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
ICS_FILENAME = "frist.ics"



def make_message_id(outbox_id: int, domain: str) -> str:
    """The Message-ID (without angle brackets) of an outbox row: the same for the same row.

    Args:
        outbox_id: the outbox row's id.
        domain: the sender's domain (``hannover-stadt.de``); it keeps the id unique worldwide.
    """
    if not DOMAIN.match(domain):
        raise BadInput(f"mail domain {domain!r} is not a domain name (like hannover-stadt.de)")
    return f"beteiligung.outbox.{int(outbox_id)}@{domain.lower()}"


def key_message_id(key: str, domain: str) -> str:
    """The Message-ID (without angle brackets) of a message queued under the outbox ``key``
    (``deadline:12:2026-03-24:step:1`` gives ``beteiligung.deadline.12.2026-03-24.step.1@...``):
    the same whenever that reminder is sent, and unique, since the key is.

    Args:
        key: the outbox key (``reminder_key``, ``digest:2026-W10``).
        domain: the sender's domain.
    """
    if not DOMAIN.match(domain):
        raise BadInput(f"mail domain {domain!r} is not a domain name (like hannover-stadt.de)")
    local = re.sub(r"[^A-Za-z0-9._-]", "_", key.replace(":", "."))
    return f"beteiligung.{local}@{domain.lower()}"


def render(message: Message, message_id: str, sender: str, date: datetime) -> bytes:
    """The finished e-mail as bytes (CRLF line ends): what the outbox keeps and sends."""
    return to_bytes(build_email(message, message_id, sender, date=date))


def _bracketed(message_id: str) -> str:
    bare = message_id.strip().removeprefix("<").removesuffix(">")
    if not bare or "@" not in bare or re.search(r"[\s<>]", bare):
        raise BadInput(f"message id {message_id!r} is not of the form local@domain")
    return f"<{bare}>"


def build_email(message: Message, message_id: str, sender: str, *,
                date: datetime | None = None) -> MailMessage:
    """The e-mail for ``message`` as it is sent or written to a file.

    Built with the ``email.mime`` classes and the ``compat32`` policy: the same layout as the
    ``EmailMessage`` API gives, but without parsing every header back through the header
    registry, which made building and flattening most of the cost of a delivery (see
    docs/performance.md).

    Args:
        message: the rendered message.
        message_id: its Message-ID, with or without angle brackets (see ``make_message_id``).
        sender: the From address, e.g. ``Beteiligung Hannover <beteiligung@hannover-stadt.de>``.
        date: the Date header; the wall clock when not given.

    Raises:
        BadInput: no recipient at all, or a malformed Message-ID.
    """
    if not message.to and not message.cc:
        raise BadInput(f"message {message.subject!r} has no recipient")
    body = MIMEMultipart("alternative", policy=POLICY, boundary=_boundary())
    body.attach(_quoted(message.text, "plain"))
    body.attach(_quoted(message.html, "html"))
    mail = body
    if message.ics is not None:
        mail = MIMEMultipart("mixed", policy=POLICY, boundary=_boundary())
        mail.attach(body)
        mail.attach(_calendar(message.ics))
    mail["From"] = _addresses([sender])
    if message.to:
        mail["To"] = _addresses(message.to)
    if message.cc:
        mail["Cc"] = _addresses(message.cc)
    mail["Subject"] = _header(message.subject)
    mail["Date"] = format_datetime(date or datetime.now(UTC))
    mail["Message-ID"] = _bracketed(message_id)
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    return mail


def _boundary() -> str:
    """A multipart boundary that no part can contain: every part is quoted-printable or
    base64, and neither encoding ever writes ``=_`` (in quoted-printable ``=`` is followed by
    two hex digits or a line end; base64 has no ``_``). Chosen here, the generator need not
    search the whole message for a free boundary with a fresh regular expression per message,
    which was a third of the cost of flattening."""
    return f"=_beteiligung_{secrets.token_hex(12)}"


def _quoted(text: str, subtype: str) -> MIMENonMultipart:
    """A UTF-8 text part, quoted-printable (readable, 7-bit clean), encoded by ``binascii``
    in C rather than by the pure-Python encoder of ``email.charset``."""
    part = MIMENonMultipart("text", subtype, policy=POLICY, charset="utf-8")
    lines = text.replace("\r\n", "\n").encode("utf-8")
    part.set_payload(binascii.b2a_qp(lines, istext=True).decode("ascii"))
    part["Content-Transfer-Encoding"] = "quoted-printable"
    return part


def _calendar(ics: str) -> MIMEBase:
    part = MIMEBase("text", "calendar", policy=POLICY, method="PUBLISH", charset="utf-8",
                    name=ICS_FILENAME)
    part.set_payload(ics.encode("utf-8"))
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=ICS_FILENAME)
    return part


def _header(text: str) -> str:
    """ASCII as it is; anything else as RFC 2047 encoded words (UTF-8, base64), each short
    enough for a header line and separated by spaces, where the header may be folded."""
    if text.isascii():
        return text
    words, chunk = [], b""
    for char in text:
        encoded = char.encode("utf-8")
        if len(chunk) + len(encoded) > 39:  # a word of at most 64 characters
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return " ".join(f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words)


def _addresses(values: list[str]) -> str:
    return ", ".join(v if v.isascii() else formataddr(parseaddr(v), charset="utf-8")
                     for v in values)


class _Fast(Compat32):
    """``compat32`` without re-parsing every header: a header already ASCII (as ``build_email``
    makes them) is folded at spaces to 78 characters; anything else goes the usual way."""

    def _fold(self, name, value, sanitize):
        if not (isinstance(value, str) and value.isascii()):
            return super()._fold(name, value, sanitize)
        start = f"{name}:"
        lines, line = [], start
        for word in value.split(" "):
            if len(line) + 1 + len(word) > 78 and line != start:
                lines.append(line)
                line = ""
            line += " " + word
        lines.append(line)
        return self.linesep.join(lines) + self.linesep


POLICY = _Fast()
WIRE = POLICY.clone(linesep="\r\n", mangle_from_=False)  # no mbox ">From" quoting on the wire


_NEWLINE = re.compile(r"\r\n|\r|\n")


class _Generator(BytesGenerator):
    """``BytesGenerator`` writing a body in one piece rather than line by line (hundreds of
    small writes per e-mail); the bytes are the same (tests/notifications/test_build_email.py)."""

    # the line separator ``Generator.flatten`` sets before it writes (the stubs omit it: it
    # is private)
    _NL: str

    def _write_lines(self, lines: str) -> None:
        if "\r" in lines:
            lines = _NEWLINE.sub(self._NL, lines)
        elif self._NL != "\n":
            lines = lines.replace("\n", self._NL)  # the usual case, and ten times faster
        if lines:
            self.write(lines)


def to_bytes(mail: MailMessage) -> bytes:
    """The e-mail as it goes over the wire (CRLF line ends), without the cost of re-parsing
    every header that the stock policies pay."""
    out = io.BytesIO()
    _Generator(out, policy=WIRE).flatten(mail)
    return out.getvalue()
