"""The ports the use cases talk to: the repositories, the unit of work, the clock and the
password hasher (the privacy store's port is in ``workflow.privacy_port``).

Storage implements them with SQLAlchemy (``storage.sql``); tests may use the fakes in
``tests/workflow/fakes.py``.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ..states.case import Case
from ..states.deadlines import Deadline
from .privacy_port import PersonalData

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class NewEvent:
    """An audit event before it is chained: what happened, by whom, when."""

    at: datetime
    actor: str
    action: str
    from_phase: str | None = None
    to_phase: str | None = None
    reason: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditEvent:
    """A stored audit event, chained to its predecessor by ``prev_hash``."""

    process_id: int
    seq: int
    at: datetime
    actor: str
    action: str
    from_phase: str | None
    to_phase: str | None
    reason: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str
    # From revision 0009 on: the hash of the case's stored state after the event (hashed, so
    # part of the chain), and the key id and HMAC that sign ``hash`` (not hashed: they sign it).
    # ``None`` on events written before.
    state: str | None = None
    key_id: str | None = None
    mac: str | None = None


@dataclass(frozen=True)
class CaseEntry:
    """One entry of the case registry: a chain over the creation of every process, so that a
    process removed with its whole trail, or one added behind the program's back, is found."""

    seq: int
    process_id: int
    at: datetime
    prev_hash: str
    hash: str
    key_id: str | None = None
    mac: str | None = None


@dataclass(frozen=True)
class ProcessSummary:
    """One line of a process list."""

    id: int
    title: str
    department: str
    phase: str
    phase_entered_at: datetime
    lead_email: str
    updated_at: datetime


@dataclass(frozen=True)
class ChainHead:
    """Where a process's audit chain should end (its last sequence number and hash), the
    phase the process row is in, which its trail must lead to, and the hash of its stored
    state, which its last event must carry."""

    process_id: int
    seq: int
    hash: str
    phase: str = ""
    state: str | None = None  # the hash of the case's state as stored now (None: not computed)


@dataclass(frozen=True)
class Acted:
    """How many audit events of one process name an address as their actor, and when the
    first and the last were written (for an Auskunft)."""

    process_id: int
    events: int
    first_at: datetime
    last_at: datetime


@dataclass(frozen=True)
class Tombstone:
    """What is left of a process removed with its whole trail when its retention period had
    passed (``workflow.retention``): the phase it ended in and since when, the last event of
    its trail (``final_seq``, ``final_hash``: an anchor written before still matches), when
    it was removed and after how many days; chained to nothing, hashed and signed like an
    event (``workflow.audit_check.bury``). The case registry keeps the process's entry."""

    process_id: int
    phase: str
    closed_at: datetime
    final_seq: int
    final_hash: str
    removed_at: datetime
    kept_days: int
    hash: str
    key_id: str | None = None
    mac: str | None = None


class ProcessRepository(Protocol):
    """Loads and stores cases and appends their audit events, atomically per change."""

    def get(self, process_id: int) -> Case:
        """The case, or ``NotFound``; remembers its version for ``save``."""

    def add(self, case: Case, event: NewEvent) -> int:
        """Store a new case with its first audit event; return its id."""

    def save(self, case: Case, event: NewEvent, *, document: bool = True) -> None:
        """Write the changed case (``Conflict`` if someone else changed it) and the event."""

    def record(self, case: Case, event: NewEvent) -> None:
        """Append an event without changing the case (a refused attempt)."""

    def list(self, phase: str | None = None,
             person: str | None = None) -> list[ProcessSummary]:
        """Processes by id; in ``phase``, the longest there first; with ``person`` (a
        lower-case address), only those it leads or deputises."""

    def titled(self, title: str) -> builtins.list[ProcessSummary]:
        """The processes whose title is ``title`` ignoring (at least ASCII) case, by id."""

    def events(self, process_id: int) -> builtins.list[AuditEvent]:
        """The audit trail of one process, in order."""

    def chain_heads(self) -> Iterator[ChainHead]:
        """For every process, the end its audit chain should have."""

    def all_events(self) -> Iterator[AuditEvent]:
        """Every audit event, ordered by process and sequence (streamed)."""

    def cases(self) -> Iterator[CaseEntry]:
        """The case registry, ordered by its sequence number."""

    def acted(self, address: str) -> builtins.list[Acted]:
        """Where ``address`` (lower-case) is the actor of audit events, by process."""

    def head(self, process_id: int) -> ChainHead:
        """Where one process's chain should end, with its stored state's hash."""

    def closed_before(self, phases: builtins.list[str],
                      closed_by: datetime) -> builtins.list[ProcessSummary]:
        """The processes in one of ``phases`` (the final ones) since ``closed_by`` or
        earlier, oldest first."""

    def remove(self, process_id: int, at: datetime, kept_days: int) -> Tombstone:
        """Write the process's tombstone (its chain's end, signed as events are), then delete
        the process with everything that names it: its trail, deadlines, e-mails and
        personal data."""

    def tombstones(self) -> Iterator[Tombstone]:
        """Every tombstone, by process id."""

    def tombstone(self, process_id: int) -> Tombstone | None:
        """The tombstone of one process, if it was removed."""

    def safeguards(self) -> builtins.list[str]:
        """The append-only tables or triggers that are missing from the database (none when
        it is as the migrations left it)."""


class DeadlineRepository(Protocol):
    """A process's deadlines; updates are optimistic on their ``version``."""

    def for_process(self, process_id: int) -> list[Deadline]:
        """Every deadline of the process, open and closed, oldest first."""

    def get(self, deadline_id: int) -> Deadline | None:
        """One deadline, if it exists."""

    def get_many(self, deadline_ids: list[int]) -> dict[int, Deadline]:
        """The deadlines of these ids that exist, by id (one query)."""

    def add(self, deadline: Deadline) -> int:
        """Store a new deadline; return its id."""

    def update(self, deadline: Deadline, *, strict: bool = True) -> bool:
        """Write it unless changed meanwhile (then ``Conflict``, or ``False`` if not strict)."""

    def due(self, now: datetime, limit: int) -> list[int]:
        """Ids of deadlines whose next reminder is due by ``now``."""

    def overdue(self, now: datetime) -> list[Deadline]:
        """Deadlines still open past their due time, the oldest first."""


@dataclass(frozen=True)
class OutgoingMessage:
    """An e-mail to queue; ``dedup_key`` makes queueing it twice a no-op (deadline x step).

    ``content`` is the finished e-mail (headers and MIME body, CRLF line ends) as the composer
    rendered it, sent as it is; the other fields say what it is, for listing and checking."""

    dedup_key: str
    kind: str
    to: list[str]
    cc: list[str]
    subject: str
    text: str
    html: str
    ics: str | None = None
    process_id: int | None = None
    deadline_id: int | None = None
    step: int | None = None
    content: bytes | None = None


@dataclass(frozen=True)
class OutboxEntry:
    """A queued, sent, failed or skipped message as stored."""

    id: int
    message: OutgoingMessage
    status: str
    attempts: int
    next_attempt_at: datetime
    leased_until: datetime | None
    last_error: str
    created_at: datetime
    sent_at: datetime | None


class Outbox(Protocol):
    """The persistent outbox: written in the transaction that decides to send."""

    def enqueue(self, message: OutgoingMessage, now: datetime) -> bool:
        """Queue it unless its dedup key is queued already; ``True`` when queued now."""

    def claim(self, now: datetime, lease_seconds: int, limit: int) -> list[OutboxEntry]:
        """Lease up to ``limit`` messages due for sending (queued, or with a lapsed lease),
        atomically: two deliverers never claim the same message."""

    def mark_sent(self, entry_id: int, now: datetime, warning: str = "") -> None:
        """It went out (``warning``: some recipients were refused)."""

    def mark_retry(self, entry_id: int, next_attempt_at: datetime, error: str) -> None:
        """A temporary failure: queue it again for later."""

    def mark_failed(self, entry_id: int, error: str) -> None:
        """A permanent failure, or too many attempts: kept, shown to coordinators."""

    def mark_skipped(self, entry_id: int, reason: str) -> None:
        """Not sent because it became stale (the deadline moved on or was closed)."""

    def list(self, status: str | None = None, limit: int = 100) -> list[OutboxEntry]:
        """Messages, newest first, optionally of one status."""

    def requeue(self, entry_id: int, now: datetime) -> bool:
        """Queue a failed message again; ``False`` when it is not failed."""

    def addressed_to(self, address: str) -> builtins.list[OutboxEntry]:
        """Every message to or copied to ``address`` (normalised), oldest first."""

    def erase_address(self, address: str) -> int:
        """Take ``address`` out of every message and blank those messages' bodies (an
        erasure, Art. 17); how many messages."""

    def erase_mentions(self, values: Iterable[str]) -> int:
        """Blank the bodies of the messages whose text names one of ``values``; how
        many."""

    def purge_bodies(self, done_by: datetime, dry_run: bool = False) -> int:
        """Blank the text of every message sent, failed or skipped at or before ``done_by``;
        how many (``dry_run``: only count them)."""


@dataclass(frozen=True)
class User:
    """A local account for the staff pages; its password hash stays behind the repository."""

    id: int
    email: str
    name: str
    role: str
    active: bool
    created_at: datetime
    created_by: str
    disabled_at: datetime | None = None
    disabled_by: str | None = None


class UserRepository(Protocol):
    """The local accounts, by normalised (lower-case) e-mail address."""

    def get(self, email: str) -> User | None:
        """The account with this address, active or not."""

    def credentials(self, email: str) -> tuple[User, str] | None:
        """The account and its stored password hash."""

    def add(self, user: User, password_hash: str) -> int:
        """Store a new account (its ``id`` is ignored); ``Conflict`` if the address is taken."""

    def disable(self, user_id: int, at: datetime, by: str) -> None:
        """Mark the account inactive from ``at`` on."""

    def erase(self, email: str, mark: str) -> bool:
        """Delete the account (an erasure, Art. 17); ``mark`` replaces the address where it
        created or disabled other accounts. Whether there was one."""

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace the stored hash (a rehash with current parameters)."""


@dataclass(frozen=True)
class Token:
    """A sign-in session (``kind`` "session") or a personal API token ("api"), as stored:
    the secret itself is never kept, only its SHA-256 (``token_hash``)."""

    id: int
    kind: str
    token_hash: str
    email: str
    label: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None


class TokenRepository(Protocol):
    """Sessions and API tokens, found by the hash of their secret."""

    def add(self, token: Token) -> int:
        """Store a new token (its ``id`` is ignored)."""

    def find(self, token_hash: str) -> Token | None:
        """The token with this hash, revoked or expired or not."""

    def revoke(self, token_hash: str, at: datetime) -> None:
        """Mark the token revoked from ``at`` on (no-op when it already is)."""

    def erase(self, email: str) -> int:
        """Delete every session and token of ``email`` (an erasure); how many."""

    def revoke_all(self, email: str, at: datetime) -> int:
        """Revoke every token of ``email``; how many were still live."""

    def of(self, email: str, kind: str) -> list[Token]:
        """The tokens of one address and kind, newest first."""

    def purge_sessions(self, ended_by: datetime, dry_run: bool = False) -> int:
        """Delete the sessions that ended (expired or revoked) at or before ``ended_by``; how
        many (``dry_run``: only count them)."""


class PasswordHasher(Protocol):
    """One-way password hashing; ``config.passwords`` implements it with argon2id."""

    def hash(self, password: str) -> str:
        """A new salted hash of ``password``."""

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches; ``False`` (never an exception) for a mismatch or a
        malformed hash."""

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with parameters weaker than the current ones."""

    def dummy_hash(self) -> str:
        """A valid hash of no one's password, to verify against when the user is unknown, so
        that an unknown address takes about as long as a wrong password."""


class UnitOfWork(Protocol):
    """One transaction: rolls back unless ``commit`` is called."""

    # read-only here, so that a unit may hold its own repositories' types
    @property
    def processes(self) -> ProcessRepository: ...

    @property
    def deadlines(self) -> DeadlineRepository: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def tokens(self) -> TokenRepository: ...

    @property
    def personal(self) -> PersonalData: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None: ...

    def commit(self) -> None:
        """Make everything done in this unit so far permanent (later work starts anew)."""

    def rollback(self) -> None:
        """Throw away what was done since the last commit."""
