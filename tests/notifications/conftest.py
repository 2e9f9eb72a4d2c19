"""Fixtures for the notification tests: reminder data, the built-in templates, and a real SMTP
server (aiosmtpd) on 127.0.0.1 that records what arrives.

The server's handler can refuse chosen recipients, answer DATA or RCPT with a given reply, or
drop the connection after a number of messages, so the tests can meet every answer a real
relay gives.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from beteiligung.notifications.messages import ReminderContext
from beteiligung.notifications.templates import Templates
from beteiligung.states.case import Person

LEAD = Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")
DEPUTY = Person("Jonas Weber", "jonas.weber@hannover-stadt.de")
DUE = datetime(2026, 5, 26, 21, 59, tzinfo=UTC)  # 23:59 in Berlin (summer time)
STAMP = datetime(2026, 5, 23, 7, 0, tzinfo=UTC)
LINK = "https://beteiligung.hannover.example/verfahren/7"
STEPS = ["Die Auswertung der Kommentare veröffentlichen", "Die Projektbegleitgruppe informieren"]


def _make_ctx(**changes) -> ReminderContext:
    values = dict(process_id=7, process_title="Lindener Marktplatz", deadline_id=42,
                  deadline_title="Kommentierungsfrist", due_at=DUE, days=3,
                  responsible=[LEAD, DEPUTY], next_steps=list(STEPS), link=LINK,
                  escalation=False, language="de")
    values.update(changes)
    return ReminderContext(**values)


@pytest.fixture
def make_ctx() -> Callable[..., ReminderContext]:
    """Build a reminder: by default 3 days before the Kommentierungsfrist of the Lindener
    Marktplatz, due 26.05.2026 23:59 Berlin time; keyword arguments change fields."""
    return _make_ctx


@pytest.fixture
def stamp() -> datetime:
    """The moment reminders in these tests are written (DTSTAMP, Date)."""
    return STAMP


@pytest.fixture(scope="session")
def templates() -> Templates:
    return Templates()


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Arrived:
    """One message as the server received it."""

    peer: tuple
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    mail_options: tuple[str, ...] = ()


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that keeps every accepted message and counts connections (EHLOs)."""

    refuse: frozenset[str] = frozenset()
    rcpt_reply: str | None = None
    data_reply: str | None = None
    drop_after: int | None = None
    drop_at_rcpt_after: int | None = None
    arrived: list[Arrived] = field(default_factory=list)
    ehlos: int = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.ehlos += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.drop_at_rcpt_after is not None and len(self.arrived) >= self.drop_at_rcpt_after:
            server.transport.close()
            return "421 4.3.2 closing"
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.drop_after is not None and len(self.arrived) >= self.drop_after:
            server.transport.close()
            return "421 4.3.2 closing"
        if self.data_reply:
            return self.data_reply
        self.arrived.append(Arrived(session.peer, envelope.mail_from, list(envelope.rcpt_tos),
                                    envelope.original_content or envelope.content,
                                    tuple(envelope.mail_options)))
        return "250 OK"


@dataclass
class Server:
    host: str
    port: int
    handler: RecordingHandler


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., Server]]:
    """Start a recording SMTP server: ``smtp_server(refuse=..., data_reply=..., auth=...)``."""
    started: list[Controller] = []

    def start(auth: tuple[str, str] | None = None, **handler_options) -> Server:
        handler = RecordingHandler(**handler_options)
        options = {}
        if auth:
            options = dict(auth_require_tls=False, authenticator=_authenticator(*auth))
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        started.append(controller)
        return Server("127.0.0.1", controller.port, handler)

    yield start
    for controller in started:
        controller.stop()


def _authenticator(user: str, password: str):
    def check(server, session, envelope, mechanism, data) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data == (user.encode(), password.encode())
        return AuthResult(success=ok, handled=False)
    return check
