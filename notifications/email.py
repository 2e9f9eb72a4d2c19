"""Turns a rendered ``Message`` into a MIME e-mail with a stable Message-ID.

The layout is ``multipart/mixed`` holding ``multipart/alternative`` (text/plain, text/html, both
UTF-8) and, for reminders, ``frist.ics`` (``text/calendar; method=PUBLISH``). Bodies are encoded
quoted-printable and the calendar base64, so the mail is 7-bit clean for any relay. The
Message-ID comes from the outbox row, so a message resent after a crash carries the same one and
the receiving side can drop the duplicate.
Import rule: ``states``, ``notifications`` and the standard library only.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

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


def _bracketed(message_id: str) -> str:
    bare = message_id.strip().removeprefix("<").removesuffix(">")
    if not bare or "@" not in bare or re.search(r"[\s<>]", bare):
        raise BadInput(f"message id {message_id!r} is not of the form local@domain")
    return f"<{bare}>"


def build_email(message: Message, message_id: str, sender: str, *,
                date: datetime | None = None) -> EmailMessage:
    """The e-mail for ``message`` as it is sent or written to a file.

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
    mail = EmailMessage(policy=SMTP)
    mail["From"] = sender
    if message.to:
        mail["To"] = ", ".join(message.to)
    if message.cc:
        mail["Cc"] = ", ".join(message.cc)
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(date or datetime.now(UTC))
    mail["Message-ID"] = _bracketed(message_id)
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    mail.set_content(message.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    mail.add_alternative(message.html, subtype="html", charset="utf-8", cte="quoted-printable")
    if message.ics is not None:
        mail.add_attachment(message.ics.encode("utf-8"), maintype="text", subtype="calendar",
                            filename=ICS_FILENAME,
                            params={"method": "PUBLISH", "charset": "utf-8",
                                    "name": ICS_FILENAME})
    return mail
