"""The tables, declared with SQLAlchemy 2 ``Mapped`` columns; Alembic migrations create them.

``processes`` holds the columns that queries filter on and one JSON document with the rest of
the case; ``audit_events`` is append-only and chained per process; ``users`` are the local
accounts of the staff pages.
Import rule: SQLAlchemy only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import DateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes on every database.

    SQLite drops offsets from ``DateTime(timezone=True)``: store naive UTC there and
    re-attach UTC on the way out; PostgreSQL keeps ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database: pass an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ProcessRow(Base):
    """One participation process."""

    __tablename__ = "processes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(500))
    department: Mapped[str] = mapped_column(String(200), default="")
    directorate: Mapped[str] = mapped_column(String(200), default="")
    phase: Mapped[str] = mapped_column(String(50))
    phase_entered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    paused_phase: Mapped[str | None] = mapped_column(String(50), nullable=True)
    paused_phase_entered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(),
                                                                     nullable=True)
    last_hold_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    dialogue_round: Mapped[int] = mapped_column(Integer, default=1)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    lead_email: Mapped[str] = mapped_column(String(320), default="")
    deputy_email: Mapped[str] = mapped_column(String(320), default="")
    definition_version: Mapped[str] = mapped_column(String(50))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        # "processes in phase X, longest there first": range scan, no sort (engineering notes)
        Index("ix_processes_phase_entered", "phase", "phase_entered_at"),
        Index("ix_processes_lead_email", "lead_email"),
        Index("ix_processes_deputy_email", "deputy_email"),
        Index("ix_processes_department", "department"),
        # "paused recently" for audit stuck (migration 0008): few rows have a recent hold
        Index("ix_processes_last_hold_at", "last_hold_at"),
    )


class AuditEventRow(Base):
    """One audit event; never updated; deleted only with its whole process, after its
    tombstone is written (``storage.removal``, migration 0012)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(80))
    from_phase: Mapped[str | None] = mapped_column(String(50), nullable=True)
    to_phase: Mapped[str | None] = mapped_column(String(50), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # revision 0009: the hash of the case's state after the event (hashed), and the signature
    # of ``hash`` (key id and HMAC); NULL on the events written before
    state: Mapped[str | None] = mapped_column(String(64), nullable=True)
    key_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (UniqueConstraint("process_id", "seq", name="uq_audit_events_process_seq"),)


# what an address did, for an Auskunft (``privacy export``): its events without a scan
# (migration 0012); actors are compared as addresses are, lower-case
Index("ix_audit_events_actor_lower", func.lower(AuditEventRow.__table__.c.actor))


class AuditCaseRow(Base):
    """The case registry (revision 0009): one entry per process created, chained like the
    events; append-only like ``audit_events``. No foreign key: an entry outlives a process row
    removed behind the program's back, and that is how the removal is found."""

    __tablename__ = "audit_cases"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    process_id: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)


class DeadlineRow(Base):
    """A deadline of a process and where its reminders stand."""

    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(10))
    managed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    last_step: Mapped[int] = mapped_column(Integer)
    next_remind_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True,
                                                            index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (
        # open deadlines only, by status and due time: "overdue or missed" for audit stuck
        # (migration 0005); the query repeats "closed_at IS NULL" so the planners use it
        Index("ix_deadlines_open_status_due", "status", "due_at",
              sqlite_where=text("closed_at IS NULL"),
              postgresql_where=text("closed_at IS NULL")),
    )


class OutboxRow(Base):
    """An e-mail to send, written in the transaction that decided to send it: what it is and
    where it stands. Its body is in ``outbox_bodies``, written once, so that claiming and
    marking rewrite only this narrow row (SQLite rewrites a whole row on every update)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    process_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    deadline_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipients: Mapped[str] = mapped_column(Text)
    cc: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    leased_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),
                      # a process removed after its retention period takes its e-mails along
                      # (migration 0012)
                      Index("ix_outbox_process_id", "process_id"))


class OutboxBodyRow(Base):
    """The body of an outbox message, never updated: its parts, and the finished e-mail as
    rendered when it was queued and sent as it is (NULL for a message queued before 0003)."""

    __tablename__ = "outbox_bodies"

    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"),
                                           primary_key=True)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text, nullable=True)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class UserRow(Base):
    """A local account for the staff pages (``workflow.accounts``); ``email`` is stored
    lower-case, ``active`` is false exactly when ``disabled_at`` is set."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(320))
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    disabled_by: Mapped[str | None] = mapped_column(String(320), nullable=True)

    __table_args__ = (CheckConstraint("role IN ('lead', 'coordinator')", name="role"),)


class UserTokenRow(Base):
    """A sign-in session or a personal API token (``workflow.sessions``): only the SHA-256
    of the secret is stored, so a copy of the database signs no one in."""

    __tablename__ = "user_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (CheckConstraint("kind IN ('session', 'api')", name="kind"),)


class PersonalDataRow(Base):
    """A personal value (``workflow.privacy_port``), keyed by a random reference that the
    case document and the audit payload name instead of the value. An erasure sets
    ``value``, ``salt`` and ``subject`` to NULL and ``erased_at``; the row stays, so that
    the places that named it can say "erased"."""

    __tablename__ = "personal_data"

    ref: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str | None] = mapped_column(String(400), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    process_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    salt: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class PrivacyLogRow(Base):
    """The privacy log: every disclosure and erasure, by references only; ``privacy
    replay`` applies its erasures again after an older backup was restored."""

    __tablename__ = "privacy_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(320))
    subject_digest: Mapped[str] = mapped_column(String(64), index=True)
    refs: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)

    __table_args__ = (CheckConstraint("action IN ('erased', 'disclosed')", name="action"),)


class TombstoneRow(Base):
    """What is left of a process removed after its retention period
    (``workflow.ports.Tombstone``); append-only like ``audit_events``, whose rows of a
    process may be deleted only once its tombstone is written (triggers of migration 0012)."""

    __tablename__ = "process_tombstones"

    process_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    phase: Mapped[str] = mapped_column(String(50))
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    final_seq: Mapped[int] = mapped_column(Integer)
    final_hash: Mapped[str] = mapped_column(String(64))
    removed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    kept_days: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)


# Declarative mappings type ``__table__`` as any FromClause; these are tables.
processes: Table = cast(Table, ProcessRow.__table__)
audit_events: Table = cast(Table, AuditEventRow.__table__)
audit_cases: Table = cast(Table, AuditCaseRow.__table__)
deadlines: Table = cast(Table, DeadlineRow.__table__)
outbox: Table = cast(Table, OutboxRow.__table__)
outbox_bodies: Table = cast(Table, OutboxBodyRow.__table__)
users: Table = cast(Table, UserRow.__table__)
user_tokens: Table = cast(Table, UserTokenRow.__table__)
personal_data: Table = cast(Table, PersonalDataRow.__table__)
privacy_log: Table = cast(Table, PrivacyLogRow.__table__)
process_tombstones: Table = cast(Table, TombstoneRow.__table__)
