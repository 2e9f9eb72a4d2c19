"""In-memory implementations of the workflow's ports, for fast use-case tests.

``FakeStore`` is the "database": committed cases, audit trails and chain heads. Each
``FakeUnitOfWork`` stages its writes and applies them on ``commit``; leaving the ``with`` block
without a commit throws them away. Cases are deep-copied on the way in and out, so a test (or a
use case) holding a case object cannot change what is stored behind the repository's back.

The optimistic lock works like the SQL one: ``get`` remembers the version and the audit head
it saw; ``save`` and ``record`` (and again ``commit``) refuse with ``Conflict`` when someone
else committed in between.

This module is loaded by ``tests/workflow/conftest.py`` (pytest runs with
``--import-mode=importlib``); tests reach it through the ``fakes`` fixture.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime

from beteiligung.config.settings import HERE
from beteiligung.states.case import Case
from beteiligung.states.deadlines import Deadline
from beteiligung.states.definition import load_definition
from beteiligung.states.errors import Conflict, NotFound
from beteiligung.states.lifecycle import Lifecycle
from beteiligung.states.personal import fill, refs_of
from beteiligung.workflow import actors
from beteiligung.workflow.audit import GENESIS, chain
from beteiligung.workflow.audit_check import register
from beteiligung.workflow.core import Env
from beteiligung.workflow.ports import (
    Acted,
    AuditEvent,
    CaseEntry,
    ChainHead,
    NewEvent,
    ProcessSummary,
    Token,
    Tombstone,
    User,
)
from beteiligung.workflow.privacy_port import (
    Personal,
    PersonalRecord,
    PrivacyLogEntry,
    Stable,
    new_ref,
)

DEFINITION_PATH = HERE / "process_definition.toml"
DISTRICTS = ("Mitte", "Linden-Limmer", "Nord")
COORDINATOR = "koordination@hannover-stadt.de"

# What ``save(..., document=False)`` writes: the lifecycle columns only (as storage.sql does).
# Everything else of the case is kept as it was stored, so a use case that changes the document
# but saves with document=False loses that change here too.
LIFECYCLE_FIELDS = ("phase", "phase_entered_at", "paused_phase", "dialogue_round",
                    "cancel_reason", "title", "department", "directorate",
                    "definition_version")


@dataclass
class _Head:
    version: int
    seq: int
    hash: str
    updated_at: datetime


@dataclass
class FakeStore:
    """The committed state shared by every unit of work of one ``Env``."""

    cases: dict[int, Case] = field(default_factory=dict)
    events: dict[int, list[AuditEvent]] = field(default_factory=dict)
    deadlines: dict[int, Deadline] = field(default_factory=dict)
    heads: dict[int, _Head] = field(default_factory=dict)
    users: dict[str, tuple[User, str]] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    personal: dict[str, PersonalRecord] = field(default_factory=dict)
    salts: dict[str, str] = field(default_factory=dict)
    privacy_log: list[PrivacyLogEntry] = field(default_factory=list)
    next_id: int = 1
    commits: int = 0
    rollbacks: int = 0

    def all_events(self) -> list[AuditEvent]:
        """Every committed event, by process and sequence."""
        return [e for pid in sorted(self.events) for e in self.events[pid]]

    def shown(self, process_id: int) -> list[AuditEvent]:
        """The committed trail of one process as staff see it: actors and sealed values
        resolved from the privacy store (``workflow.actors.resolve``)."""
        trail = self.events[process_id]
        values = {ref: record.value for ref, record in self.personal.items()}
        return actors.resolve(trail, values)

    def chain_heads(self) -> list[ChainHead]:
        """Where each committed chain should end."""
        return [ChainHead(pid, h.seq, h.hash) for pid, h in sorted(self.heads.items())]

    def case(self, process_id: int) -> Case:
        """A copy of the committed case (for assertions)."""
        return copy.deepcopy(self.cases[process_id])


@dataclass
class _Seen:
    version: int
    seq: int
    hash: str


class FakeProcessRepository:
    """``workflow.ports.ProcessRepository`` over a ``FakeStore`` and one unit's staged writes."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self._cases: dict[int, Case] = {}
        self._events: dict[int, list[AuditEvent]] = {}
        self._heads: dict[int, _Head] = {}
        self._base: dict[int, _Head | None] = {}
        self._seen: dict[int, _Seen] = {}
        self._next_id = store.next_id
        self.personal: FakePersonalData | None = None

    # -- reading: staged writes first, then what is committed
    def _head(self, pid: int) -> _Head | None:
        return self._heads.get(pid) or self.store.heads.get(pid)

    def _case(self, pid: int) -> Case | None:
        return self._cases.get(pid) or self.store.cases.get(pid)

    def _trail(self, pid: int) -> list[AuditEvent]:
        return self.store.events.get(pid, []) + self._events.get(pid, [])

    def get(self, process_id: int) -> Case:
        case = self._case(process_id)
        if case is None:
            raise NotFound(f"no process with id {process_id}")
        head = self._head(process_id)
        assert head is not None
        self._seen[process_id] = _Seen(head.version, head.seq, head.hash)
        self._base.setdefault(process_id, self.store.heads.get(process_id))
        case = copy.deepcopy(case)
        refs = refs_of(case)
        if refs and self.personal is not None:
            fill(case, self.personal.values(refs))
        return case

    def add(self, case: Case, event: NewEvent) -> int:
        pid = self._next_id
        self._next_id += 1
        case.id, case.version = pid, 1
        self._cases[pid] = copy.deepcopy(case)
        self._heads[pid] = _Head(1, 0, GENESIS, case.created_at)
        self._base[pid] = None
        self._seen[pid] = _Seen(1, 0, GENESIS)
        self.record(case, event)
        return pid

    def _check(self, pid: int, seen: _Seen, *, version: bool) -> _Head:
        head = self._head(pid)
        assert head is not None
        if (version and head.version != seen.version) or head.seq != seen.seq:
            raise Conflict(f"process {pid} was changed by someone else meanwhile")
        return head

    def _append(self, pid: int, event: NewEvent, seen: _Seen) -> AuditEvent:
        personal = self.personal
        if personal is not None:   # as storage's ledger does (``workflow.actors``)
            event = actors.pseudonymise(
                event, lambda item, p: personal.stable(item, event.at, p), pid)
        stored = chain(pid, seen.seq + 1, event, seen.hash)
        self._events.setdefault(pid, []).append(stored)
        return stored

    def save(self, case: Case, event: NewEvent, *, document: bool = True) -> None:
        pid = case.id
        assert pid is not None, "save needs a case that was added or loaded"
        seen = self._seen[pid]
        self._check(pid, seen, version=True)
        if document:
            stored_case = copy.deepcopy(case)
        else:
            stored_case = copy.deepcopy(self._case(pid))
            for name in LIFECYCLE_FIELDS:
                setattr(stored_case, name, copy.deepcopy(getattr(case, name)))
        stored = self._append(pid, event, seen)
        stored_case.version = seen.version + 1
        self._cases[pid] = stored_case
        self._heads[pid] = _Head(seen.version + 1, stored.seq, stored.hash, event.at)
        case.version = seen.version + 1
        self._seen[pid] = _Seen(case.version, stored.seq, stored.hash)

    def record(self, case: Case, event: NewEvent) -> None:
        pid = case.id
        assert pid is not None
        seen = self._seen[pid]
        head = self._check(pid, seen, version=False)
        stored = self._append(pid, event, seen)
        self._heads[pid] = _Head(head.version, stored.seq, stored.hash, head.updated_at)
        self._seen[pid] = _Seen(seen.version, stored.seq, stored.hash)

    def list(self, phase: str | None = None,
             person: str | None = None) -> list[ProcessSummary]:
        ids = sorted(set(self.store.cases) | set(self._cases))
        rows = []
        for pid in ids:
            case, head = self._case(pid), self._head(pid)
            assert case is not None and head is not None
            if phase is not None and case.phase != phase:
                continue
            people = {p.email.lower() for p in (case.lead, case.deputy) if p}
            if person is not None and person not in people:
                continue
            rows.append(ProcessSummary(pid, case.title, case.department, case.phase,
                                       case.phase_entered_at or case.created_at,
                                       case.lead.email.lower() if case.lead else "",
                                       head.updated_at))
        if phase is not None:
            rows.sort(key=lambda r: (r.phase_entered_at, r.id))
        return rows

    def titled(self, title: str) -> list[ProcessSummary]:
        return [row for row in self.list() if row.title.casefold() == title.casefold()]

    def events(self, process_id: int) -> list[AuditEvent]:
        return list(self._trail(process_id))

    def chain_heads(self) -> Iterator[ChainHead]:
        for pid in sorted(set(self.store.heads) | set(self._heads)):
            head = self._head(pid)
            assert head is not None
            yield ChainHead(pid, head.seq, head.hash)

    def all_events(self) -> Iterator[AuditEvent]:
        for pid in sorted(set(self.store.events) | set(self._events)):
            yield from self._trail(pid)

    def cases(self) -> Iterator[CaseEntry]:
        """The case registry, derived: every process in id order (SQL keeps it as a table)."""
        prev = GENESIS
        for seq, pid in enumerate(sorted(set(self.store.heads) | set(self._heads)), start=1):
            case = self._case(pid)
            assert case is not None
            entry = register(seq, pid, case.created_at, prev, None)
            prev = entry.hash
            yield entry

    def safeguards(self) -> list[str]:
        return []

    def acted(self, address: str) -> list[Acted]:
        found = []
        for pid in sorted(set(self.store.events) | set(self._events)):
            trail = self._trail(pid)
            if self.personal is not None:
                trail = actors.resolve(trail, self.personal.values(actors.refs(trail)))
            mine = [e for e in trail if e.actor.strip().lower() == address]
            if mine:
                found.append(Acted(pid, len(mine), mine[0].at, mine[-1].at))
        return found

    def head(self, process_id: int) -> ChainHead:
        head = self._head(process_id)
        if head is None:
            raise NotFound(f"no process with id {process_id}")
        return ChainHead(process_id, head.seq, head.hash)

    def closed_before(self, phases: list[str], closed_by: datetime) -> list[ProcessSummary]:
        due = [row for phase in phases for row in self.list(phase)
               if row.phase_entered_at <= closed_by]
        return sorted(due, key=lambda r: (r.phase_entered_at, r.id))   # oldest first, as SQL

    def remove(self, process_id: int, at: datetime, kept_days: int) -> Tombstone:
        raise NotImplementedError("the fakes keep every process: removal after the retention "
                                  "period runs on SQL (tests/integration/test_tombstones.py)")

    def tombstones(self) -> Iterator[Tombstone]:
        return iter(())

    def tombstone(self, process_id: int) -> Tombstone | None:
        return None

    # -- the unit of work's end
    def _apply(self) -> None:
        for pid, base in self._base.items():
            if pid in self._heads and self.store.heads.get(pid) != base:
                raise Conflict(f"process {pid} was changed by someone else meanwhile")
        self.store.cases.update(self._cases)
        for pid, events in self._events.items():
            self.store.events.setdefault(pid, []).extend(events)
        self.store.heads.update(self._heads)
        self.store.next_id = max(self.store.next_id, self._next_id)
        self._discard()

    def _discard(self) -> None:
        self._cases, self._events, self._heads = {}, {}, {}
        self._base = {}


class FakeDeadlineRepository:
    """``workflow.ports.DeadlineRepository`` in memory: staged, applied on commit."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self._staged: dict[int, Deadline] = {}

    def _current(self) -> dict[int, Deadline]:
        return self.store.deadlines | self._staged

    def for_process(self, process_id: int) -> list[Deadline]:
        return [copy.deepcopy(d) for _, d in sorted(self._current().items())
                if d.process_id == process_id]

    def get(self, deadline_id: int) -> Deadline | None:
        found = self._current().get(deadline_id)
        return copy.deepcopy(found) if found else None

    def get_many(self, deadline_ids: list[int]) -> dict[int, Deadline]:
        found = {i: self.get(i) for i in deadline_ids}
        return {i: d for i, d in found.items() if d is not None}

    def add(self, deadline: Deadline) -> int:
        deadline.id = max(self._current(), default=0) + 1
        deadline.version = 1
        self._staged[deadline.id] = copy.deepcopy(deadline)
        return deadline.id

    def update(self, deadline: Deadline, *, strict: bool = True) -> bool:
        stored = self._current().get(deadline.id)
        if stored is None or stored.version != deadline.version:
            if strict:
                raise Conflict(f"deadline {deadline.id} was changed meanwhile")
            return False
        deadline.version += 1
        self._staged[deadline.id] = copy.deepcopy(deadline)
        return True

    def due(self, now: datetime, limit: int) -> list[int]:
        due = sorted((d.next_remind_at, i) for i, d in self._current().items()
                     if d.next_remind_at is not None and d.next_remind_at <= now)
        return [i for _, i in due[:limit]]

    def overdue(self, now: datetime) -> list[Deadline]:
        late = [d for d in self._current().values() if d.closed_at is None and d.due_at < now]
        return [copy.deepcopy(d) for d in sorted(late, key=lambda d: (d.due_at, d.id))]

    def _apply(self) -> None:
        self.store.deadlines.update(self._staged)
        self._staged = {}


class FakeUserRepository:
    """``workflow.ports.UserRepository`` on ``FakeStore.users``, staged until commit."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self._staged: dict[str, tuple[User, str]] = {}

    def _current(self) -> dict[str, tuple[User, str]]:
        return {**self.store.users, **self._staged}

    def _by_id(self, user_id: int) -> tuple[User, str]:
        return next(v for v in self._current().values() if v[0].id == user_id)

    def get(self, email: str) -> User | None:
        found = self._current().get(email)
        return None if found is None else found[0]

    def credentials(self, email: str) -> tuple[User, str] | None:
        return self._current().get(email)

    def add(self, user: User, password_hash: str) -> int:
        if user.email in self._current():
            raise Conflict(f"a user {user.email} exists already")
        user_id = len(self._current()) + 1
        self._staged[user.email] = (replace(user, id=user_id), password_hash)
        return user_id

    def disable(self, user_id: int, at: datetime, by: str) -> None:
        user, password_hash = self._by_id(user_id)
        self._staged[user.email] = (replace(user, active=False, disabled_at=at,
                                            disabled_by=by), password_hash)

    def erase(self, email: str, mark: str) -> bool:
        raise NotImplementedError("erasures run on SQL (tests/integration/test_staff_erasure.py)")

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        user, _ = self._by_id(user_id)
        self._staged[user.email] = (user, password_hash)

    def _apply(self) -> None:
        self.store.users.update(self._staged)
        self._staged = {}


class FakeTokenRepository:
    """``workflow.ports.TokenRepository`` on ``FakeStore.tokens``, staged until commit."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self._staged: dict[str, Token] = {}

    def _current(self) -> dict[str, Token]:
        return {**self.store.tokens, **self._staged}

    def add(self, token: Token) -> int:
        token_id = len(self._current()) + 1
        self._staged[token.token_hash] = replace(token, id=token_id)
        return token_id

    def find(self, token_hash: str) -> Token | None:
        return self._current().get(token_hash)

    def revoke(self, token_hash: str, at: datetime) -> None:
        token = self._current().get(token_hash)
        if token is not None and token.revoked_at is None:
            self._staged[token_hash] = replace(token, revoked_at=at)

    def erase(self, email: str) -> int:
        raise NotImplementedError("erasures run on SQL (tests/integration/test_staff_erasure.py)")

    def revoke_all(self, email: str, at: datetime) -> int:
        live = [t for t in self._current().values() if t.email == email and t.revoked_at is None]
        for token in live:
            self._staged[token.token_hash] = replace(token, revoked_at=at)
        return len(live)

    def of(self, email: str, kind: str) -> list[Token]:
        return sorted((t for t in self._current().values() if t.email == email
                       and t.kind == kind), key=lambda t: -t.id)

    def _apply(self) -> None:
        self.store.tokens.update(self._staged)
        self._staged = {}


class FakePersonalData:
    """``workflow.privacy_port.PersonalData`` on ``FakeStore.personal``, staged until commit."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self._staged: dict[str, PersonalRecord] = {}
        self._log: list[PrivacyLogEntry] = []

    def _current(self) -> dict[str, PersonalRecord]:
        return {**self.store.personal, **self._staged}

    def record(self, item: Personal, process_id: int | None, at: datetime) -> None:
        assert item.ref not in self._current(), "references are unique"
        self._staged[item.ref] = PersonalRecord(item.ref, item.subject, item.kind, process_id,
                                                item.value, at)
        self.store.salts[item.ref] = item.salt

    def stable(self, item: Stable, at: datetime, process_id: int | None = None) -> Personal:
        for record in self._current().values():
            if (record.kind, record.subject, record.value, record.process_id) == (
                    item.kind, item.subject, item.value, process_id):
                return Personal(record.ref, item.subject, item.kind, item.value,
                                self.store.salts[record.ref])
        found = Personal(new_ref(), item.subject, item.kind, item.value)
        self.record(found, process_id, at)
        return found

    def values(self, refs: Iterable[str]) -> dict[str, str | None]:
        current = self._current()
        return {ref: current[ref].value for ref in refs if ref in current}

    def of_subject(self, subject: str) -> list[PersonalRecord]:
        return sorted((r for r in self._current().values() if r.subject == subject),
                      key=lambda r: (r.created_at, r.ref))

    def records(self, refs: Iterable[str]) -> list[PersonalRecord]:
        current = self._current()
        return [current[ref] for ref in refs if ref in current]

    def erase(self, refs: Iterable[str], at: datetime) -> int:
        current, erased = self._current(), 0
        for ref in refs:
            record = current.get(ref)
            if record is not None and record.value is not None:
                self._staged[ref] = replace(record, value=None, subject=None, erased_at=at)
                erased += 1
        return erased

    def log(self, entry: PrivacyLogEntry) -> None:
        self._log.append(entry)

    def logged(self, subject_digest: str) -> list[PrivacyLogEntry]:
        return [e for e in self.store.privacy_log + self._log
                if e.subject_digest == subject_digest]

    def erasures(self) -> list[PrivacyLogEntry]:
        return [e for e in self.store.privacy_log + self._log if e.action == "erased"]

    def _apply(self) -> None:
        self.store.personal.update(self._staged)
        self.store.privacy_log.extend(self._log)
        self._discard()

    def _discard(self) -> None:
        self._staged, self._log = {}, []


class FakeUnitOfWork:
    """``workflow.ports.UnitOfWork``: staged writes, applied by ``commit``, else rolled back."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def __enter__(self) -> FakeUnitOfWork:
        self.processes = FakeProcessRepository(self.store)
        self.deadlines = FakeDeadlineRepository(self.store)
        self.users = FakeUserRepository(self.store)
        self.tokens = FakeTokenRepository(self.store)
        self.personal = FakePersonalData(self.store)
        self.processes.personal = self.personal
        return self

    def commit(self) -> None:
        self.processes._apply()
        self.deadlines._apply()
        self.users._apply()
        self.tokens._apply()
        self.personal._apply()
        self.store.commits += 1

    def rollback(self) -> None:
        self.processes._discard()
        self.deadlines._staged = {}
        self.users._staged = {}
        self.tokens._staged = {}
        self.personal._discard()

    def __exit__(self, *exc: object) -> None:
        if self.processes._cases or self.processes._events or self.processes._heads:
            self.store.rollbacks += 1
        self.processes._discard()
        self.deadlines._staged = {}
        self.users._staged = {}
        self.tokens._staged = {}
        self.personal._discard()


@dataclass
class FakeEnv:
    """An ``Env`` on the fakes, with handles on its store and clock."""

    env: Env
    store: FakeStore
    clock: Callable[[], datetime]


def make_env(clock: Callable[[], datetime], *, coordinators: Iterable[str] = (COORDINATOR,),
             districts: tuple[str, ...] = DISTRICTS,
             lifecycle: Lifecycle | None = None) -> FakeEnv:
    """An ``Env`` whose units of work are ``FakeUnitOfWork`` on a fresh ``FakeStore``."""
    store = FakeStore()
    lifecycle = lifecycle or default_lifecycle()
    env = Env(uow=lambda: FakeUnitOfWork(store), clock=clock, lifecycle=lifecycle,
              coordinators=frozenset(coordinators), districts=districts)
    return FakeEnv(env, store, clock)


_LIFECYCLE: list[Lifecycle] = []


def default_lifecycle() -> Lifecycle:
    """The lifecycle of ``config/process_definition.toml`` (built once; it is stateless)."""
    if not _LIFECYCLE:
        _LIFECYCLE.append(Lifecycle(load_definition(DEFINITION_PATH)))
    return _LIFECYCLE[0]
