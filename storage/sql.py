"""The SQL repository and unit of work behind the workflow's ports (SQLAlchemy Core).

Core statements rather than ORM sessions: an ``advance`` is one read, one guarded UPDATE and one
INSERT, and Core keeps that within a small factor of the bare driver (see benchmarks/).
The statements are built once, at import, with bound parameters, and every call passes only
the values: building a statement per call (``.where(c.id == 5)``, ``.values(**row)``) made
SQLAlchemy coerce each literal into a bind parameter and compute a new cache key every time,
which was half the cost of an ``advance``.
Every write is optimistic: ``UPDATE ... WHERE version = :seen`` (or ``audit_seq = :seen``);
no row updated means someone else won, and the whole unit is rolled back as a ``Conflict``.
Import rule: ``states``, ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, insert, or_, select, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

from ..states.case import Case
from ..states.codec import from_plain, to_plain
from ..states.errors import BadInput, Busy, Conflict, NotFound, StorageError
from ..workflow.audit import GENESIS, canonical, chain
from ..workflow.ports import AuditEvent, ChainHead, NewEvent, ProcessSummary
from .accounts import SqlUserRepository
from .contention import BUSY, is_contention
from .deadlines import SqlDeadlineRepository
from .outbox import SqlOutbox
from .schema import audit_events, processes
from .tokens import SqlTokenRepository

COLUMNS = ("id", "title", "department", "directorate", "phase", "phase_entered_at",
           "paused_phase", "paused_phase_entered_at", "last_hold_at", "dialogue_round",
           "cancel_reason", "definition_version", "version", "created_at")
DOCUMENT = ("subject", "districts", "origin", "lead", "deputy", "begleitgruppe",
            "project_group", "concept_draft", "concept_versions", "concept_comments_until",
            "suggestions", "pre_report", "activities", "interim_results", "decision",
            "post_report", "evaluation")
_c = processes.c
_LOAD = (select(*(_c[name] for name in COLUMNS), _c.audit_seq, _c.audit_head, _c.document)
         .where(_c.id == bindparam("pid")))
_ADD = insert(processes)
# The SET list comes from the keys of the parameters (with or without ``document``).
_SAVE = update(processes).where(_c.id == bindparam("pid"), _c.version == bindparam("seen"))
_RECORD = update(processes).where(_c.id == bindparam("pid"), _c.audit_seq == bindparam("seen"))
_APPEND = insert(audit_events)
_SUMMARY = select(_c.id, _c.title, _c.department, _c.phase, _c.phase_entered_at, _c.lead_email,
                  _c.updated_at)
_LIST_ALL = _SUMMARY.order_by(_c.id)
_LIST_PHASE = _SUMMARY.where(_c.phase == bindparam("phase")).order_by(_c.phase_entered_at, _c.id)
_EVENTS = (select(audit_events).where(audit_events.c.process_id == bindparam("pid"))
           .order_by(audit_events.c.seq))




MAX_ID = 2**31 - 1


def changed(process_id: int | None) -> str:
    """The message of a lost race (one wording for every place that detects one)."""
    which = f"process {process_id}" if process_id else "the process"
    return (f"{which} was changed by someone else at the same time: nothing was saved; look at "
            "it again and retry")


@dataclass
class _Seen:
    version: int
    audit_seq: int
    audit_head: str


class SqlProcessRepository:
    """``workflow.ports.ProcessRepository`` on one SQLAlchemy connection."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection
        self._seen: dict[int, _Seen] = {}

    def get(self, process_id: int) -> Case:
        if not 1 <= process_id <= MAX_ID:
            raise NotFound(f"no process with id {process_id}")
        row = self.conn.execute(_LOAD, {"pid": process_id}).one_or_none()
        if row is None:
            raise NotFound(f"no process with id {process_id}")
        data = json.loads(row.document)
        data.update({name: getattr(row, name) for name in COLUMNS})
        case = from_plain(Case, data)
        self._seen[process_id] = _Seen(row.version, row.audit_seq, row.audit_head)
        return case

    def add(self, case: Case, event: NewEvent) -> int:
        values = self._columns(case) | {"created_at": case.created_at,
                                        "updated_at": case.created_at, "version": 1,
                                        "audit_seq": 0, "audit_head": GENESIS,
                                        "document": self._document(case)}
        result = self.conn.execute(_ADD, values)
        case.id = int(result.inserted_primary_key[0])
        case.version = 1
        self._seen[case.id] = _Seen(1, 0, GENESIS)
        self.record(case, event)
        return case.id

    def save(self, case: Case, event: NewEvent, *, document: bool = True) -> None:
        seen = self._seen[case.id]
        stored = chain(case.id, seen.audit_seq + 1, event, seen.audit_head)
        values = self._columns(case) | {"version": seen.version + 1, "audit_seq": stored.seq,
                                        "audit_head": stored.hash, "updated_at": event.at}
        if document:
            values["document"] = self._document(case)
        result = self._write(_SAVE, values | {"pid": case.id, "seen": seen.version})
        if result.rowcount != 1:
            raise Conflict(changed(case.id))
        self._insert(stored)
        case.version = seen.version + 1
        self._seen[case.id] = _Seen(case.version, stored.seq, stored.hash)

    def record(self, case: Case, event: NewEvent) -> None:
        seen = self._seen[case.id]
        stored = chain(case.id, seen.audit_seq + 1, event, seen.audit_head)
        result = self._write(_RECORD, {"audit_seq": stored.seq, "audit_head": stored.hash,
                                       "pid": case.id, "seen": seen.audit_seq})
        if result.rowcount != 1:
            raise Conflict(changed(case.id))
        self._insert(stored)
        self._seen[case.id] = _Seen(seen.version, stored.seq, stored.hash)

    def _write(self, statement, params: dict):
        """Execute a write; another writer holding or having changed the row is a Conflict."""
        try:
            return self.conn.execute(statement, params)
        except IntegrityError as exc:
            raise Conflict(changed(params.get("pid") or params.get("process_id"))) from exc
        except DataError as exc:
            raise BadInput(f"a value does not fit the database: {_first_line(exc)}") from None
        except DBAPIError as exc:
            if is_contention(exc):
                raise Busy(BUSY) from exc
            raise

    def _insert(self, event: AuditEvent) -> None:
        self._write(_APPEND, {
            "process_id": event.process_id, "seq": event.seq, "at": event.at,
            "actor": event.actor, "action": event.action, "from_phase": event.from_phase,
            "to_phase": event.to_phase, "reason": event.reason,
            "payload": canonical(event.payload), "prev_hash": event.prev_hash,
            "hash": event.hash})

    @staticmethod
    def _columns(case: Case) -> dict:
        return {
            "title": case.title, "department": case.department,
            "directorate": case.directorate, "phase": case.phase,
            "phase_entered_at": case.phase_entered_at, "paused_phase": case.paused_phase,
            "paused_phase_entered_at": case.paused_phase_entered_at,
            "last_hold_at": case.last_hold_at,
            "dialogue_round": case.dialogue_round, "cancel_reason": case.cancel_reason,
            "lead_email": case.lead.email.lower() if case.lead else "",
            "deputy_email": case.deputy.email.lower() if case.deputy else "",
            "definition_version": case.definition_version,
        }

    @staticmethod
    def _document(case: Case) -> str:
        return json.dumps({name: to_plain(getattr(case, name)) for name in DOCUMENT},
                          ensure_ascii=False, separators=(",", ":"))

    def list(self, phase: str | None = None,
             person: str | None = None) -> list[ProcessSummary]:
        if person is not None:
            query = _LIST_ALL if phase is None else _LIST_PHASE
            rows = self.conn.execute(query.where(or_(_c.lead_email == person,
                                                     _c.deputy_email == person)),
                                     {"phase": phase})
        elif phase is None:
            rows = self.conn.execute(_LIST_ALL)
        else:
            rows = self.conn.execute(_LIST_PHASE, {"phase": phase})
        return [ProcessSummary(*row) for row in rows]

    def events(self, process_id: int) -> list[AuditEvent]:
        return [_event(row) for row in self.conn.execute(_EVENTS, {"pid": process_id})]

    def chain_heads(self) -> Iterator[ChainHead]:
        c = processes.c
        for row in self.conn.execute(select(c.id, c.audit_seq, c.audit_head, c.phase)):
            yield ChainHead(row.id, row.audit_seq, row.audit_head, row.phase)

    def all_events(self) -> Iterator[AuditEvent]:
        query = select(audit_events).order_by(audit_events.c.process_id, audit_events.c.seq)
        result = self.conn.execution_options(stream_results=True, yield_per=2000).execute(query)
        for row in result:
            yield _event(row)


def _event(row) -> AuditEvent:
    return AuditEvent(row.process_id, row.seq, row.at, row.actor, row.action, row.from_phase,
                      row.to_phase, row.reason, json.loads(row.payload), row.prev_hash, row.hash)


class SqlUnitOfWork:
    """One connection and one transaction; rolls back unless ``commit`` was called."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> SqlUnitOfWork:
        try:
            self.conn = self.engine.connect()
            self.tx = self.conn.begin()
        except OperationalError as exc:
            raise StorageError(f"cannot open the database: {_first_line(exc)}") from None
        self.processes = SqlProcessRepository(self.conn)
        self.deadlines = SqlDeadlineRepository(self.conn)
        self.outbox = SqlOutbox(self.conn)
        self.users = SqlUserRepository(self.conn)
        self.tokens = SqlTokenRepository(self.conn)
        return self

    def commit(self) -> None:
        """Commit what was done so far; further work in this unit starts a new transaction."""
        try:
            self.conn.commit()
        except DBAPIError as exc:
            if is_contention(exc):
                self.conn.rollback()
                raise Busy(BUSY) from exc
            raise

    def rollback(self) -> None:
        """Throw away what was done since the last commit."""
        self.conn.rollback()

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self.conn.in_transaction():
                self.conn.rollback()
        finally:
            self.conn.close()
        if isinstance(exc, IntegrityError):
            raise Conflict(changed(None)) from exc
        if isinstance(exc, DBAPIError) and is_contention(exc):
            raise Busy(BUSY) from exc
        if isinstance(exc, DataError):
            raise BadInput(f"a value does not fit the database: {_first_line(exc)}") from None
        if isinstance(exc, OperationalError):
            raise StorageError(f"database error: {_first_line(exc)}") from exc


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", exc)
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
