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

import builtins
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

from ..states.case import Case
from ..states.codec import from_plain, to_plain
from ..states.deadlines import BERLIN
from ..states.errors import BadInput, Busy, Conflict, NotFound, StorageError
from ..states.personal import fill, plain_refs, strip
from ..workflow import actors
from ..workflow.audit import GENESIS
from ..workflow.ports import (
    Acted,
    AuditEvent,
    CaseEntry,
    ChainHead,
    NewEvent,
    ProcessSummary,
    Tombstone,
)
from ..workflow.signing import AuditKeys
from . import removal
from .accounts import SqlUserRepository
from .audit_ledger import Pending, append, cases, register_case, safeguards
from .audit_state import heads_with_state
from .contention import BUSY, is_contention
from .deadlines import SqlDeadlineRepository
from .ids import inserted, stored_id
from .outbox import SqlOutbox
from .personal import SqlPersonalData, checkpoint
from .schema import audit_cases, audit_events, processes
from .tokens import SqlTokenRepository

COLUMNS = ("id", "title", "department", "directorate", "phase", "phase_entered_at",
           "paused_phase", "paused_phase_entered_at", "last_hold_at", "dialogue_round",
           "cancel_reason", "definition_version", "version", "created_at")
DOCUMENT = ("subject", "districts", "origin", "lead", "deputy", "begleitgruppe",
            "project_group", "concept_draft", "concept_versions", "concept_comments_until",
            "suggestions", "pre_report", "activities", "interim_results", "decision",
            "post_report", "evaluation")
_c = processes.c
_LOAD = (select(*(_c[name] for name in COLUMNS), _c.lead_email, _c.deputy_email, _c.audit_seq,
                 _c.audit_head, _c.document)
         .where(_c.id == bindparam("pid")))
_ADD = insert(processes)
_ADD_SQLITE = _ADD.values(id=select(func.max(func.coalesce(
    select(func.max(audit_cases.c.process_id)).scalar_subquery(), 0),
    func.coalesce(select(func.max(_c.id)).scalar_subquery(), 0)) + 1).scalar_subquery())
# The SET list comes from the keys of the parameters (with or without ``document``).
_SAVE = update(processes).where(_c.id == bindparam("pid"), _c.version == bindparam("seen"))
_SUMMARY = select(_c.id, _c.title, _c.department, _c.phase, _c.phase_entered_at, _c.lead_email,
                  _c.updated_at)
_LIST_ALL = _SUMMARY.order_by(_c.id)
_LIST_PHASE = _SUMMARY.where(_c.phase == bindparam("phase")).order_by(_c.phase_entered_at, _c.id)
_TITLED = (_SUMMARY.where(func.lower(_c.title) == func.lower(bindparam("title")))
           .order_by(_c.id))
_a = audit_events.c
# the expression index on lower(actor) of revision 0012
_ACTED = (select(_a.process_id, func.count(), func.min(_a.at), func.max(_a.at))
          .where(func.lower(_a.actor).in_(bindparam("actors", expanding=True)))
          .group_by(_a.process_id).order_by(_a.process_id))
_EVENTS = (select(audit_events).where(audit_events.c.process_id == bindparam("pid"))
           .order_by(audit_events.c.seq))




MAX_ID = 2**31 - 1
Signer = Callable[[], AuditKeys | None]


def changed(process_id: int | None) -> str:
    """The message of a lost race (one wording for every place that detects one)."""
    which = f"process {process_id}" if process_id else "the process"
    return (f"{which} was changed by someone else at the same time: nothing was saved; look at "
            "it again and retry")


class SqlProcessRepository:
    """``workflow.ports.ProcessRepository`` on one SQLAlchemy connection; its events are
    chained, bound to the case's state and signed with ``keys`` at ``flush``."""

    def __init__(self, connection: Connection, keys: Signer | None = None) -> None:
        self.conn = connection
        self.signer = keys
        self._seen: dict[int, int] = {}   # process id -> the version read
        self._pending: dict[int, Pending] = {}
        self._rows: dict[int, dict] = {}  # each row as this unit read or wrote it (the state)
        self._new: set[int] = set()       # the processes created in this unit
        self.removed = False              # whether this unit removed a process (``remove``)
        # the privacy store the actors and stable values go to (``workflow.actors``)
        self.personal = SqlPersonalData(connection)

    def get(self, process_id: int) -> Case:
        if not 1 <= process_id <= MAX_ID:
            raise NotFound(f"no process with id {process_id}")
        row = self.conn.execute(_LOAD, {"pid": process_id}).one_or_none()
        if row is None:
            raise _missing(self.conn, process_id)
        case = decode(self.conn, row)
        self._seen[process_id] = row.version
        self._rows[process_id] = dict(row._mapping)
        if not self._pending.get(process_id, Pending(0, "")).events:
            self._pending[process_id] = Pending(row.audit_seq, row.audit_head)
        return case

    def add(self, case: Case, event: NewEvent) -> int:
        values = self._columns(case) | {"created_at": case.created_at,
                                        "updated_at": case.created_at, "version": 1,
                                        "audit_seq": 0, "audit_head": GENESIS,
                                        "document": self._document(case)}
        # SQLite gives the highest id again once its row is gone (no AUTOINCREMENT), and a
        # process removed after its retention period keeps its id in the registry; the id is
        # computed inside the INSERT, so that the write is still the unit's first statement
        add = _ADD_SQLITE if self.conn.dialect.name == "sqlite" else _ADD
        pid = case.id = inserted(self.conn.execute(add, values))
        case.version = 1
        self._seen[pid] = 1
        self._rows[pid] = values
        self._new.add(pid)
        self._pending[pid] = Pending(0, GENESIS)
        register_case(self.conn, pid, case.created_at, self._keys())
        self.record(case, event)
        return pid

    def save(self, case: Case, event: NewEvent, *, document: bool = True) -> None:
        pid = stored_id(case.id)
        seen = self._seen[pid]
        values = self._columns(case) | {"version": seen + 1, "updated_at": event.at}
        if document:
            values["document"] = self._document(case)
        result = self._write(_SAVE, values | {"pid": pid, "seen": seen})
        if result.rowcount != 1:
            raise Conflict(changed(pid))
        self.record(case, event)
        case.version = seen + 1
        self._seen[pid] = case.version
        self._rows[pid] = self._rows[pid] | values

    def record(self, case: Case, event: NewEvent) -> None:
        self._pending[stored_id(case.id)].events.append(event)

    def flush(self, deadlines: SqlDeadlineRepository | None = None) -> None:
        """Append the queued events (``storage.audit_ledger``); called before each commit.
        The state they bind is built from the rows as this unit read and wrote them (the
        process row, and ``deadlines``' snapshots), else read back."""
        if not any(p.events for p in self._pending.values()):
            return
        for pid, queued in self._pending.items():
            queued.events = [self._pseudonymised(e, pid) for e in queued.events]

        def known(pid: int):
            new = pid in self._new
            return self._rows.get(pid), deadlines.known(pid, new) if deadlines else None

        moved = append(self.conn, self._pending, self._keys(), self._write, known)
        if moved is not None:
            raise Conflict(changed(moved))

    def _pseudonymised(self, event: NewEvent, process_id: int) -> NewEvent:
        return actors.pseudonymise(
            event, lambda item, pid: self.personal.stable(item, event.at, pid), process_id)

    def discard(self) -> None:
        """Forget the queued events and the rows read: the transaction was rolled back."""
        self._pending, self._rows, self._seen, self._new = {}, {}, {}, set()
        self.personal.discard()

    def _keys(self) -> AuditKeys | None:
        return self.signer() if self.signer else None

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
        # personal values stay in the privacy store: the document names their references
        return json.dumps(strip({name: to_plain(getattr(case, name)) for name in DOCUMENT}),
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

    def titled(self, title: str) -> builtins.list[ProcessSummary]:
        return [ProcessSummary(*row) for row in self.conn.execute(_TITLED, {"title": title})]

    def events(self, process_id: int) -> builtins.list[AuditEvent]:
        return [_event(row) for row in self.conn.execute(_EVENTS, {"pid": process_id})]

    def chain_heads(self) -> Iterator[ChainHead]:
        return heads_with_state(self.conn)

    def cases(self) -> Iterator[CaseEntry]:
        return cases(self.conn)

    def safeguards(self) -> builtins.list[str]:
        return safeguards(self.conn)

    def acted(self, address: str) -> builtins.list[Acted]:
        # the address as the trail keeps it (``workflow.actors``), and plain as it was
        # before revision 0013
        kept = [actors.kept(item) for item in self.personal.stables(actors.ACTOR, address)]
        return [Acted(*row) for row in self.conn.execute(_ACTED, {"actors": [address, *kept]})]

    def head(self, process_id: int) -> ChainHead:
        found = removal.head(self.conn, process_id)
        if found is None:
            raise NotFound(f"no process with id {process_id}")
        return found

    def closed_before(self, phases: builtins.list[str],
                      closed_by: datetime) -> builtins.list[ProcessSummary]:
        return removal.closed_before(self.conn, phases, closed_by)

    def remove(self, process_id: int, at: datetime, kept_days: int) -> Tombstone:
        if self._pending.get(process_id, Pending(0, "")).events:
            raise Conflict(changed(process_id))
        tombstone = removal.remove(self.conn, process_id, at, kept_days, self._keys())
        self.removed = True
        for cache in (self._seen, self._pending, self._rows):
            cache.pop(process_id, None)
        return tombstone

    def tombstones(self) -> Iterator[Tombstone]:
        return removal.tombstones(self.conn)

    def tombstone(self, process_id: int) -> Tombstone | None:
        return removal.tombstone(self.conn, process_id)

    def all_events(self) -> Iterator[AuditEvent]:
        query = select(audit_events).order_by(audit_events.c.process_id, audit_events.c.seq)
        result = self.conn.execution_options(stream_results=True, yield_per=2000).execute(query)
        for row in result:
            yield _event(row)




def _missing(conn: Connection, process_id: int) -> NotFound:
    """No process ``process_id``: never was, or removed after its retention period."""
    buried = removal.tombstone(conn, process_id)
    if buried is None:
        return NotFound(f"no process with id {process_id}")
    day = buried.removed_at.astimezone(BERLIN).date()
    return NotFound(
        f"process {process_id} was removed on {day.isoformat()}, {buried.kept_days} days "
        "after it closed, as the retention file says; its tombstone keeps its trail's last "
        "hash (audit verify)",
        {"de": f"Prozess {process_id} wurde am {day:%d.%m.%Y} entfernt, {buried.kept_days} "
               "Tage nach seinem Abschluss, wie die Aufbewahrungsdatei es vorsieht; sein "
               "Grabstein bewahrt den letzten Hash seines Trails (audit verify)",
         "en": f"process {process_id} was removed on {day.isoformat()}, {buried.kept_days} "
               "days after it closed, as the retention file says; its tombstone keeps its "
               "trail's last hash (audit verify)"})


def decode(conn: Connection, row) -> Case:
    """The case of one ``processes`` row (its columns and its JSON document), its personal
    values filled in from the privacy store (one query, only when it names any)."""
    [case] = decode_many(conn, [row])
    return case


def decode_many(conn: Connection, rows: Sequence[Any]) -> list[Case]:
    """The cases of these rows, with one query to the privacy store for all of them (none
    when they name no personal value)."""
    loaded = []
    for row in rows:
        data = json.loads(row.document)
        data.update({name: getattr(row, name) for name in COLUMNS})
        loaded.append((from_plain(Case, data), plain_refs(data)))
    refs = [ref for _, named in loaded for ref in named]
    values = SqlPersonalData(conn).values(refs) if refs else {}
    for case, named in loaded:
        if named:
            fill(case, values)
    return [case for case, _ in loaded]


def _event(row) -> AuditEvent:
    return AuditEvent(row.process_id, row.seq, row.at, row.actor, row.action, row.from_phase,
                      row.to_phase, row.reason, json.loads(row.payload), row.prev_hash, row.hash,
                      row.state, row.key_id, row.mac)


class SqlUnitOfWork:
    """One connection and one transaction; rolls back unless ``commit`` was called."""

    def __init__(self, engine: Engine, keys: Signer | None = None) -> None:
        self.engine = engine
        self.keys = keys  # the signing keys, asked for when something is to be signed

    def __enter__(self) -> SqlUnitOfWork:
        try:
            self.conn = self.engine.connect()
            self.tx = self.conn.begin()
        except OperationalError as exc:
            raise StorageError(f"cannot open the database: {_first_line(exc)}") from None
        self.processes = SqlProcessRepository(self.conn, self.keys)
        self.deadlines = SqlDeadlineRepository(self.conn)
        self.outbox = SqlOutbox(self.conn)
        self.users = SqlUserRepository(self.conn)
        self.tokens = SqlTokenRepository(self.conn)
        self.personal = self.processes.personal
        return self

    def commit(self) -> None:
        """Append the queued audit events, then commit what was done so far; further work in
        this unit starts a new transaction."""
        self.processes.flush(self.deadlines)
        try:
            self.conn.commit()
        except DBAPIError as exc:
            if is_contention(exc):
                self.conn.rollback()
                raise Busy(BUSY) from exc
            raise
        if self.personal.erased or self.processes.removed:
            # what was erased or removed must not linger in the WAL (SQLite)
            self.personal.erased = self.processes.removed = False
            checkpoint(self.conn)

    def rollback(self) -> None:
        """Throw away what was done since the last commit (with the queued audit events)."""
        self.conn.rollback()
        self.processes.discard()
        self.deadlines.discard()

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
