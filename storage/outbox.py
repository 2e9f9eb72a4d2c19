"""The SQL outbox (``workflow.ports.Outbox``): e-mails queued in the transaction that decides to
send them, claimed by the dispatcher under a lease, then marked.

Queueing is an ``INSERT ... ON CONFLICT (dedup_key) DO NOTHING`` on both databases, so a
second sweep queueing the same reminder changes nothing; the body goes into ``outbox_bodies``
(written once, never updated), so that claims and marks rewrite only the narrow queue row.
Claiming is ONE statement,
``UPDATE ... WHERE id IN (SELECT ... [FOR UPDATE SKIP LOCKED]) RETURNING ...``: a
select-then-update let two workers claim the same rows (engineering notes); this did not, on
SQLite (one writer at a time) nor on PostgreSQL (row locks, skipping rows another claim holds).
Under REPEATABLE READ a PostgreSQL claim can still fail with a serialization error when another
claim committed meanwhile; the unit of work reports that as ``Busy`` and the caller claims again.

The marks other than ``mark_sent`` apply only to a message still ``sending``: when a lease lapsed
and a second deliverer took the message over and sent it, a late retry or failure from the
first cannot put a sent message back in the queue. ``mark_sent`` always wins, since the
message did go out.
Import rule: ``states``, ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, desc, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from ..states.errors import Busy, StorageError
from ..workflow.ports import OutboxEntry, OutgoingMessage
from .contention import BUSY, is_contention
from .schema import outbox, outbox_bodies

STATUSES = ("queued", "sending", "sent", "failed", "skipped")
_c = outbox.c
_b = outbox_bodies.c
_BODY = insert(outbox_bodies)
_BODIES = (select(_b.outbox_id, _b.body_text, _b.body_html, _b.ics, _b.content)
           .where(_b.outbox_id.in_(bindparam("ids", expanding=True))))
# RETURNING tells whether the row went in: rowcount is not reliable for a single-row INSERT
# on every driver (SQLAlchemy may add its own RETURNING for the primary key)
_INSERT = {name: (dialect.insert(outbox).on_conflict_do_nothing(index_elements=["dedup_key"])
                  .returning(_c.id))
           for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))}
_DUE = or_(and_(_c.status == "queued", _c.next_attempt_at <= bindparam("now")),
           and_(_c.status == "sending", _c.leased_until < bindparam("now")))
_PICK = select(_c.id).where(_DUE).order_by(_c.id).limit(bindparam("n"))


def _claim(pick):
    return (update(outbox).where(_c.id.in_(pick.scalar_subquery()))
            .values(status="sending", leased_until=bindparam("until"),
                    attempts=_c.attempts + 1)
            .returning(*outbox.c))


_CLAIM = {"sqlite": _claim(_PICK),
          "postgresql": _claim(_PICK.with_for_update(skip_locked=True))}
_ONE = _c.id == bindparam("oid")
_SENT = (update(outbox).where(_ONE, _c.status != "sent")
         .values(status="sent", sent_at=bindparam("at"), last_error=bindparam("error"),
                 leased_until=None))
_RETRY = (update(outbox).where(_ONE, _c.status == "sending")
          .values(status="queued", next_attempt_at=bindparam("at"),
                  last_error=bindparam("error"), leased_until=None))
_END = (update(outbox).where(_ONE, _c.status == "sending")
        .values(status=bindparam("new"), last_error=bindparam("error"), leased_until=None))
_REQUEUE = (update(outbox).where(_ONE, _c.status == "failed")
            .values(status="queued", next_attempt_at=bindparam("at"), attempts=0,
                    leased_until=None))
_WITH_BODY = select(outbox, _b.body_text, _b.body_html, _b.ics, _b.content).select_from(
    outbox.outerjoin(outbox_bodies, _b.outbox_id == _c.id))
_LIST_ALL = _WITH_BODY.order_by(desc(_c.id)).limit(bindparam("n"))
_LIST_STATUS = (_WITH_BODY.where(_c.status == bindparam("status"))
                .order_by(desc(_c.id)).limit(bindparam("n")))


# a superset (LIKE's "_" matches any character): ``addressed_to`` keeps the exact matches
_ADDRESSED = (_WITH_BODY.where(or_(func.lower(_c.recipients).like(bindparam("pattern")),
                                   func.lower(_c.cc).like(bindparam("pattern"))))
              .order_by(_c.id))


# bodies of messages that are done with (sent, failed or skipped) since a moment, and that
# still hold their text: what retention blanks
_DONE_BY = (select(_c.id).where(_c.status.in_(("sent", "failed", "skipped")),
                                func.coalesce(_c.sent_at, _c.created_at) <= bindparam("by"))
            .scalar_subquery())
_HOLDING = and_(_b.outbox_id.in_(_DONE_BY),
                or_(_b.body_text != "", _b.body_html != "", _b.ics.is_not(None),
                    _b.content.is_not(None)))
_COUNT_BODIES = select(func.count()).select_from(outbox_bodies).where(_HOLDING)
_BLANK_BODIES = (update(outbox_bodies).where(_HOLDING)
                 .values(body_text="", body_html="", ics=None, content=None))


def _entry(row, body) -> OutboxEntry:
    text, html, ics, content = body if body is not None else ("", "", None, None)
    message = OutgoingMessage(row.dedup_key, row.kind, json.loads(row.recipients),
                              json.loads(row.cc), row.subject, text, html, ics,
                              row.process_id, row.deadline_id, row.step, content)
    return OutboxEntry(row.id, message, row.status, row.attempts, row.next_attempt_at,
                       row.leased_until, row.last_error, row.created_at, row.sent_at)


def _joined(row) -> OutboxEntry:
    return _entry(row, (row.body_text, row.body_html, row.ics, row.content))


def _check_dialect(connection: Connection) -> str:
    name = connection.dialect.name
    if name not in _INSERT:
        raise StorageError(f"the outbox needs SQLite or PostgreSQL, not {name}")
    dbapi: Any = connection.dialect.dbapi
    if name == "sqlite" and dbapi.sqlite_version_info < (3, 35):
        raise StorageError("the outbox needs SQLite 3.35 or later (UPDATE ... RETURNING); "
                           f"this Python has SQLite {dbapi.sqlite_version}")
    return name


class SqlOutbox:
    """The outbox on one SQLAlchemy connection (inside the unit of work's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection
        self.dialect = _check_dialect(connection)

    def enqueue(self, message: OutgoingMessage, now: datetime) -> bool:
        """Queue ``message`` unless its dedup key is there already; ``True`` when queued."""
        values = {
            "dedup_key": message.dedup_key, "kind": message.kind,
            "recipients": json.dumps(list(message.to), ensure_ascii=False),
            "cc": json.dumps(list(message.cc), ensure_ascii=False),
            "subject": message.subject, "process_id": message.process_id,
            "deadline_id": message.deadline_id, "step": message.step, "status": "queued",
            "attempts": 0, "next_attempt_at": now, "leased_until": None, "last_error": "",
            "created_at": now, "sent_at": None}
        inserted = self.conn.execute(_INSERT[self.dialect], values).first()
        if inserted is None:
            return False
        self.conn.execute(_BODY, {"outbox_id": inserted.id, "body_text": message.text,
                                  "body_html": message.html, "ics": message.ics,
                                  "content": message.content})
        return True

    def claim(self, now: datetime, lease_seconds: int, limit: int) -> list[OutboxEntry]:
        """Lease up to ``limit`` due messages (oldest first) until ``now + lease_seconds``."""
        until = now + timedelta(seconds=lease_seconds)
        rows = sorted(self.conn.execute(_CLAIM[self.dialect],
                                        {"now": now, "until": until, "n": limit}),
                      key=lambda row: row.id)
        if not rows:
            return []
        bodies = {b.outbox_id: tuple(b)[1:] for b in
                  self.conn.execute(_BODIES, {"ids": [row.id for row in rows]})}
        return [_entry(row, bodies.get(row.id)) for row in rows]

    def _write(self, statement, params: dict) -> None:
        """A mark; another writer holding the database is ``Busy`` (the caller retries)."""
        try:
            self.conn.execute(statement, params)
        except DBAPIError as exc:
            if is_contention(exc):
                raise Busy(BUSY) from exc
            raise

    def mark_sent(self, entry_id: int, now: datetime, warning: str = "") -> None:
        self._write(_SENT, {"oid": entry_id, "at": now, "error": warning})

    def mark_retry(self, entry_id: int, next_attempt_at: datetime, error: str) -> None:
        self._write(_RETRY, {"oid": entry_id, "at": next_attempt_at, "error": error})

    def mark_failed(self, entry_id: int, error: str) -> None:
        self._write(_END, {"oid": entry_id, "new": "failed", "error": error})

    def mark_skipped(self, entry_id: int, reason: str) -> None:
        self._write(_END, {"oid": entry_id, "new": "skipped", "error": reason})

    def list(self, status: str | None = None, limit: int = 100) -> list[OutboxEntry]:
        """Messages, newest first, optionally only those of ``status``."""
        if status is None:
            rows = self.conn.execute(_LIST_ALL, {"n": limit})
        else:
            rows = self.conn.execute(_LIST_STATUS, {"status": status, "n": limit})
        return [_joined(row) for row in rows]

    def requeue(self, entry_id: int, now: datetime) -> bool:
        """Queue a failed message again with a fresh count of attempts."""
        return self.conn.execute(_REQUEUE, {"oid": entry_id, "at": now}).rowcount == 1

    def purge_bodies(self, done_by: datetime, dry_run: bool = False) -> int:
        """Blank the bodies of the messages sent, failed or skipped at or before ``done_by``
        (a message's moment is when it was sent, else when it was queued); how many (with
        ``dry_run``, only counted)."""
        if dry_run:
            return self.conn.execute(_COUNT_BODIES, {"by": done_by}).scalar_one()
        return self.conn.execute(_BLANK_BODIES, {"by": done_by}).rowcount

    def erase_address(self, address: str) -> int:
        """Take ``address`` out of every message to or copied to it and blank their bodies;
        a message still to be sent that has no one left is skipped. How many messages."""
        entries = self.addressed_to(address)
        for entry in entries:
            to = [a for a in entry.message.to if a.lower() != address]
            cc = [a for a in entry.message.cc if a.lower() != address]
            values: dict[str, Any] = {"recipients": json.dumps(to, ensure_ascii=False),
                                      "cc": json.dumps(cc, ensure_ascii=False)}
            if not (to or cc) and entry.status in ("queued", "sending"):
                values |= {"status": "skipped", "last_error": "recipient erased on request",
                           "leased_until": None}
            self.conn.execute(update(outbox).where(_c.id == entry.id).values(**values))
            self.conn.execute(update(outbox_bodies).where(_b.outbox_id == entry.id).values(
                body_text="", body_html="", ics=None, content=None))
        return len(entries)

    def erase_mentions(self, values: Iterable[str]) -> int:
        """Blank the bodies of every message whose text names one of ``values`` (a person's
        name or address, in mails to others: an escalation naming the lead); how many
        (a scan of the bodies, as ``addressed_to`` is of the outbox)."""
        named = [v for v in {v.strip() for v in values} if len(v) >= 3]
        if not named:
            return 0
        like = [func.lower(column).like("%" + v.lower().replace("%", "_") + "%")
                for v in named for column in (_b.body_text, _b.body_html)]
        return self.conn.execute(update(outbox_bodies).where(or_(*like)).values(
            body_text="", body_html="", ics=None, content=None)).rowcount

    def addressed_to(self, address: str) -> builtins.list[OutboxEntry]:
        """Messages to or copied to ``address``, oldest first (a scan of the outbox)."""
        pattern = "%" + json.dumps(address.lower()).replace("%", "_") + "%"
        entries = [_joined(row) for row in self.conn.execute(_ADDRESSED, {"pattern": pattern})]
        return [e for e in entries
                if address in {a.lower() for a in (*e.message.to, *e.message.cc)}]
