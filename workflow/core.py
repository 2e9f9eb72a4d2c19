"""What every use case shares: the wiring it receives and the one way a case is changed.

``change`` is the skeleton of every write: load, check permission (a refusal is audited, up
to a limit per person: ``workflow.refusals``),
apply the change, save the case and its audit event in one transaction.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from ..states.addresses import EMAIL, normalise_email
from ..states.case import Case
from ..states.deadlines import DeadlineRules
from ..states.departments import Register
from ..states.errors import BadInput, Busy, Conflict, NotPermitted
from ..states.guards import GUARDS, GuardContext
from ..states.lifecycle import Lifecycle
from ..states.reminders import Policy
from ..states.retention import Retention
from . import deadline_sync
from .ports import Clock, NewEvent, PasswordHasher, UnitOfWork
from .privacy_port import ErasureLog
from .refusals import RefusalTally, record_refusal
from .sealing import seal
from .signing import AuditKeys

T = TypeVar("T")


def weekday(day: date) -> bool:
    """Monday to Friday (bootstrap passes the calendar with Lower Saxony's holidays)."""
    return day.weekday() < 5


@dataclass(frozen=True)
class Env:
    """Everything a use case needs from outside, built once by ``config.bootstrap``."""

    uow: Callable[[], UnitOfWork]
    clock: Clock
    lifecycle: Lifecycle
    coordinators: frozenset[str] = frozenset()
    districts: tuple[str, ...] = ()
    departments: Register = field(default_factory=Register)
    deadline_rules: DeadlineRules = DeadlineRules()
    policy: Policy = Policy()
    working_day: Callable[[date], bool] = weekday
    language: str = "de"
    passwords: PasswordHasher | None = None
    # The operating-system user of a command-line run: ``--as`` is declared, not proven, so
    # every event the CLI writes records who ran it beside whom they said they were.
    os_user: str = ""
    # Refusals left off the audit trail past a limit per person and process (the web sets
    # one: ``workflow.refusals``); ``None`` appends every refusal.
    refusals: RefusalTally | None = None
    # The audit keys that exist (``config.audit_keys``), for verifying signatures; ``None``
    # (or a call that finds none) verifies without them and notes it.
    audit_keys: Callable[[], AuditKeys | None] | None = None
    # The erasure log outside the database (``workflow.privacy_port.ErasureLog``); ``None``
    # keeps erasures in the database's own log only (the fakes' tests)
    erasure_log: ErasureLog | None = None
    # How long each kind of data is kept (``config/retention.toml``, checked at start-up)
    retention: Retention = Retention()
    # The composer of the e-mail to a resident whose suggestion is answered
    # (``workflow.answer_notice``), built when first needed; ``None``: no such e-mail
    answer_mail: Callable[[], Any] | None = None

    def context(self, now: datetime | None = None, reason: str = "") -> GuardContext:
        """What the guards may know at ``now`` (the clock's time unless given)."""
        return GuardContext(self.clock() if now is None else now, reason, self.deadline_rules)


def event(env: Env, at: datetime, actor: str, action: str, from_phase: str | None,
          to_phase: str | None, reason: str = "", payload: dict[str, Any] | None = None
          ) -> NewEvent:
    """The audit event of a change by ``actor``, with the operating-system user of a
    command-line run (``Env.os_user``) in its payload."""
    payload = dict(payload or {})
    if env.os_user:
        payload["os_user"] = env.os_user
    return NewEvent(at, actor, action, from_phase, to_phase, reason, payload)


def check_email(field: str, value: str) -> str:
    """The address, or ``BadInput`` naming the field."""
    value = value.strip()
    if not EMAIL.match(value) or len(value) > 320:
        raise BadInput(f"{field}: {value!r} is not an e-mail address (like name@hannover-stadt.de)")
    return value


def require_actor(actor: str) -> str:
    """The acting person's address, or ``BadInput`` saying how to give it."""
    if not actor or not actor.strip():
        raise BadInput("no actor: pass --as EMAIL or set BETEILIGUNG_USER")
    return check_email("actor", actor)


def may_change(env: Env, case: Case, actor: str) -> bool:
    """Lead, deputy or coordinator."""
    who = normalise_email(actor)
    allowed = {normalise_email(p.email) for p in (case.lead, case.deputy) if p and p.email}
    return who in allowed or who in env.coordinators


RETRIES = 3


def in_unit(env: Env, process_id: int, body: Callable[[UnitOfWork, Case], T]) -> T:
    """Run ``body`` on the freshly loaded case inside one unit of work.

    When the database was busy with another writer (on SQLite, any write since this unit's
    snapshot began), the unit is run again; if this very process changed meanwhile, that is
    a real ``Conflict`` and nothing is retried.
    """
    first_version: int | None = None
    for attempt in range(RETRIES):
        try:
            with env.uow() as uow:
                case = uow.processes.get(process_id)
                env.lifecycle.require_known(case)
                if first_version is None:
                    first_version = case.version
                elif case.version != first_version:
                    raise Conflict(f"process {process_id} was changed by someone else "
                                   "meanwhile: nothing was saved; look at it again and retry")
                return body(uow, case)
        except Busy:
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


Then = Callable[[UnitOfWork, Case, datetime], object]


def change(env: Env, actor: str, process_id: int, action: str,
           apply: Callable[[Case], dict[str, Any]], *, document: bool = True,
           then: Then | None = None) -> Case:
    """Load the case, authorise ``actor``, ``apply`` the change and store it with its event.

    ``apply`` mutates the case and returns the audit payload (what changed); it raises
    ``BadInput`` to refuse, in which case nothing is written. ``then`` runs after the save,
    in the same transaction (the e-mail that follows the change: an outbox row).
    """
    actor = require_actor(actor)

    def body(uow: UnitOfWork, case: Case) -> Case:
        authorise(env, uow, case, actor, action)
        save_change(env, uow, case, actor, action, apply, document, then)
        return case

    return in_unit(env, process_id, body)


def save_change(env: Env, uow: UnitOfWork, case: Case, actor: str, action: str,
                apply: Callable[[Case], dict[str, Any]], document: bool = True,
                then: Then | None = None) -> None:
    """``change`` after its permission check: apply, keep the phase's entry conditions, store
    the case with its audit event and commit. Only for a caller that has decided on its own
    who may act (the public suggestion form, ``workflow.participation``)."""
    if not env.lifecycle.definition.is_open(case.phase):
        raise BadInput(f"process {case.id} is {case.phase}: it can no longer be changed")
    ctx = env.context()
    held = [g for g in _entry_guards(env, case) if not GUARDS[g](case, ctx)]
    payload = apply(case)
    broken = [u for g in held for u in GUARDS[g](case, ctx)]
    if broken:
        raise BadInput(f"this change would undo what phase '{case.phase}' requires: "
                       + " ".join(u.text() for u in broken))
    phase, now = case.phase, env.clock()
    payload = record_personal(uow, case, payload, now)
    deadlines = deadline_sync.sync(env, uow, case, now)
    if deadlines:
        payload = payload | {"deadlines": deadlines}
    uow.processes.save(case, event(env, now, actor, action, phase, phase, "", payload),
                       document=document)
    if then is not None:
        then(uow, case, now)
    uow.commit()


def record_personal(uow: UnitOfWork, case: Case, payload: dict[str, Any],
                    now: datetime) -> dict[str, Any]:
    """Hand the payload's personal values to the privacy store; the payload keeps their
    references and commitments only (``workflow.sealing``)."""
    payload, items = seal(payload)
    for item in items:
        uow.personal.record(item, case.id, now)
    return payload


def _entry_guards(env: Env, case: Case) -> tuple[str, ...]:
    phase = case.paused_phase if case.paused_phase else case.phase
    return env.lifecycle.entry_guards(phase)


def authorise(env: Env, uow: UnitOfWork, case: Case, actor: str, action: str) -> None:
    """Raise ``NotPermitted`` unless ``actor`` may change ``case``; the refusal is audited
    (within the limit of ``workflow.refusals``)."""
    if may_change(env, case, actor):
        return
    record_refusal(env.refusals, uow, case, event(
        env, env.clock(), actor, "permission_refused", case.phase, case.phase, "",
        {"attempted": action}))
    raise NotPermitted(f"{actor} may not change process {case.id}: only its lead, its deputy "
                       "or a coordinator may")
