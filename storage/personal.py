"""The privacy store on SQL (``workflow.privacy_port.PersonalData``): the ``personal_data``
table and the ``privacy_log``.

An erasure overwrites the value, its salt and its subject with NULL (the row stays, so the
places that name its reference can say "erased"); on SQLite ``secure_delete`` (set on every
connection, ``storage.engine``) zeroes the old bytes, and ``checkpoint`` empties the WAL.
Import rule: ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from ..workflow.privacy_port import Personal, PersonalRecord, PrivacyLogEntry, Stable, new_ref
from .schema import personal_data, privacy_log, processes

_p, _l = personal_data.c, privacy_log.c
_ADD = insert(personal_data)
_VALUES = select(_p.ref, _p.value).where(_p.ref.in_(bindparam("refs", expanding=True)))
_RECORD = select(_p.ref, _p.subject, _p.kind, _p.process_id, _p.value, _p.created_at,
                 _p.erased_at)
_OF = _RECORD.where(_p.subject == bindparam("subject")).order_by(_p.created_at, _p.ref)
_RECORDS = _RECORD.where(_p.ref.in_(bindparam("refs", expanding=True))).order_by(
    _p.created_at, _p.ref)
_ERASE = (update(personal_data)
          .where(_p.ref.in_(bindparam("refs", expanding=True)), _p.value.is_not(None))
          .values(value=None, salt=None, subject=None, erased_at=bindparam("at")))
# a stable value (``Stable``): by its subject (indexed), then kind and value
_STABLE = (select(_p.ref, _p.salt, _p.process_id)
           .where(_p.subject == bindparam("subject"), _p.kind == bindparam("kind"),
                  _p.value == bindparam("value"))
           .order_by(_p.created_at, _p.ref))
_STABLES = (select(_p.ref, _p.salt, _p.value)
            .where(_p.subject == bindparam("subject"), _p.kind == bindparam("kind"))
            .order_by(_p.created_at, _p.ref))
_LOG = insert(privacy_log)
_LOGGED = select(privacy_log).where(_l.subject_digest == bindparam("digest")).order_by(_l.id)
_ERASURES = select(privacy_log).where(_l.action == "erased").order_by(_l.id)
_OF_CLOSED = (_RECORD.join(processes, processes.c.id == _p.process_id)
              .where(_p.kind.in_(bindparam("kinds", expanding=True)), _p.value.is_not(None),
                     processes.c.phase.in_(bindparam("phases", expanding=True)),
                     processes.c.phase_entered_at <= bindparam("by"))
              .order_by(_p.process_id, _p.created_at, _p.ref))
# an erasure names at most this many references per statement (SQLite's default limit of
# bound parameters is 32,766; PostgreSQL's 65,535)
CHUNK = 5000


class SqlPersonalData:
    """The privacy store on one connection (inside the unit of work's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection
        self.erased = False   # whether this unit erased a value (``checkpoint`` after commit)
        # this unit's stable values, by kind, subject, value and process
        self._stable: dict[tuple[str, str, str, int | None], Personal] = {}

    def record(self, item: Personal, process_id: int | None, at: datetime) -> None:
        self.conn.execute(_ADD, {"ref": item.ref, "subject": item.subject, "kind": item.kind,
                                 "process_id": process_id, "value": item.value,
                                 "salt": item.salt, "created_at": at, "erased_at": None})

    def stable(self, item: Stable, at: datetime, process_id: int | None = None) -> Personal:
        key = (item.kind, item.subject, item.value, process_id)
        known = self._stable.get(key)
        if known is not None:
            return known
        rows = self.conn.execute(_STABLE, {"subject": item.subject, "kind": item.kind,
                                           "value": item.value})
        row = next((r for r in rows if r.process_id == process_id), None)
        if row is not None:
            found = Personal(row.ref, item.subject, item.kind, item.value, row.salt)
        else:
            found = Personal(new_ref(), item.subject, item.kind, item.value)
            self.record(found, process_id, at)
        self._stable[key] = found
        return found

    def stables(self, kind: str, subject: str) -> list[Personal]:
        """Every stable value of ``kind`` still held about ``subject`` (with its salt)."""
        return [Personal(row.ref, subject, kind, row.value, row.salt) for row in
                self.conn.execute(_STABLES, {"subject": subject, "kind": kind})]

    def values(self, refs: Iterable[str]) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        for part in _chunks(list(refs)):
            found.update((row.ref, row.value) for row in self.conn.execute(
                _VALUES, {"refs": part}))
        return found

    def of_subject(self, subject: str) -> list[PersonalRecord]:
        return [PersonalRecord(*row) for row in self.conn.execute(_OF, {"subject": subject})]

    def records(self, refs: Iterable[str]) -> list[PersonalRecord]:
        return [PersonalRecord(*row) for part in _chunks(list(refs))
                for row in self.conn.execute(_RECORDS, {"refs": part})]

    def of_closed(self, kinds: Iterable[str], phases: Iterable[str],
                  closed_by: datetime) -> list[PersonalRecord]:
        return [PersonalRecord(*row) for row in self.conn.execute(
            _OF_CLOSED, {"kinds": list(kinds), "phases": list(phases), "by": closed_by})]

    def erase(self, refs: Iterable[str], at: datetime) -> int:
        erased = sum(self.conn.execute(_ERASE, {"refs": part, "at": at}).rowcount
                     for part in _chunks(list(refs)))
        self._stable = {}
        self.erased = self.erased or erased > 0
        return erased

    def discard(self) -> None:
        """Forget the stable values found: the transaction was rolled back."""
        self._stable = {}

    def log(self, entry: PrivacyLogEntry) -> None:
        self.conn.execute(_LOG, {"at": entry.at, "action": entry.action, "actor": entry.actor,
                                 "subject_digest": entry.subject_digest,
                                 "refs": json.dumps(list(entry.refs)), "reason": entry.reason})

    def logged(self, subject_digest: str) -> list[PrivacyLogEntry]:
        return [_entry(row) for row in self.conn.execute(_LOGGED, {"digest": subject_digest})]

    def erasures(self) -> list[PrivacyLogEntry]:
        return [_entry(row) for row in self.conn.execute(_ERASURES)]


def _entry(row) -> PrivacyLogEntry:
    return PrivacyLogEntry(row.at, row.action, row.actor, row.subject_digest,
                           tuple(json.loads(row.refs)), row.reason)


def _chunks(refs: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(refs), CHUNK):
        yield refs[start:start + CHUNK]


def checkpoint(connection: Connection) -> None:
    """After a commit that erased values, on SQLite: copy the WAL into the database file and
    empty it, so that no older page (holding an erased value) stays in the WAL. Run on the
    driver's connection, outside any transaction; a reader elsewhere holding an old
    snapshot makes it wait (``busy_timeout``) and then leaves the rest to the next
    checkpoint. Nothing to do on PostgreSQL."""
    if connection.dialect.name == "sqlite":
        raw: Any = connection.connection.driver_connection
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
