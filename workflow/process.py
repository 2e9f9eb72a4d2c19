"""Use cases for the process itself: create, edit, advance, and the reads around them.

Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..states.case import ORIGINS, Case, ConceptVersion, Person
from ..states.error_texts import refuse
from ..states.errors import BadInput, Busy, NotPermitted, TransitionRefused
from ..states.lifecycle import Verdict
from ..states.limits import visible
from . import actors, audit, audit_check, deadline_sync, departments
from .core import (
    RETRIES,
    Env,
    authorise,
    change,
    check_email,
    event,
    in_unit,
    normalise_email,
    require_actor,
)
from .ports import AuditEvent, ProcessSummary, UnitOfWork
from .privacy_port import Stable
from .refusals import COUNTED, record_refusal


@dataclass(frozen=True)
class ProcessInput:
    """What a lead enters to create a process (or changes with ``edit_process``)."""

    title: str
    subject: str = ""
    department: str = ""
    directorate: str = ""
    districts: tuple[str, ...] = ()
    origin: str = "administration"
    lead: Person | None = None
    deputy: Person | None = None


# Lengths of the columns these fields are stored in (storage/schema.py).
MAX_LENGTH = {"title": 500, "department": 200, "directorate": 200}


def _validate(env: Env, data: ProcessInput) -> None:
    if not visible(data.title):
        raise BadInput("title: must not be empty (it shows no character)")
    for name, limit in MAX_LENGTH.items():
        if len(getattr(data, name)) > limit:
            raise BadInput(f"{name}: at most {limit} characters, not {len(getattr(data, name))}")
    if data.origin not in ORIGINS:
        raise BadInput(f"origin: {data.origin!r} is not one of {', '.join(ORIGINS)}")
    unknown = [d for d in data.districts if d not in env.districts]
    if unknown:
        raise BadInput(f"district: {', '.join(unknown)} unknown; known districts: "
                       f"{', '.join(env.districts)}")
    for role, person in (("lead", data.lead), ("deputy", data.deputy)):
        if person is not None:
            if not visible(person.name):
                raise BadInput(f"{role}-name: must not be empty when {role}-email is given")
            check_email(f"{role}-email", person.email)


def create_process(env: Env, actor: str, data: ProcessInput, *,
                   confirm_duplicate: bool = False) -> Case:
    """Create a process in its first phase; the actor must be its lead, deputy or a coordinator.

    The department is one of the register's (``workflow.departments``); a second process with
    the same title in the same department is refused (``DuplicateTitle``) unless
    ``confirm_duplicate``.
    """
    actor = require_actor(actor)
    _validate(env, data)
    department, directorate = departments.settle_new(env.departments, data.department,
                                                     data.directorate)
    now = env.clock()
    case = Case(None, data.title.strip(), data.subject, department, directorate,
                list(data.districts), data.origin, data.lead, data.deputy, now,
                env.lifecycle.definition.version, env.lifecycle.definition.initial, now)
    named = {normalise_email(p.email) for p in (data.lead, data.deputy) if p}
    if normalise_email(actor) not in named | env.coordinators:
        raise NotPermitted(f"{actor} may not create this process: name yourself as lead or "
                           "deputy, or ask a coordinator")
    todo = deadline_sync.plan(env, case, [], now)
    payload = _snapshot(case) | ({"deadlines": todo.payload()} if todo.open else {})
    for attempt in range(RETRIES):
        # creations take the case registry's places in turn: one that lost the race for a
        # place (Busy) starts over, with a fresh snapshot
        try:
            with env.uow() as uow:
                if not confirm_duplicate:
                    departments.refuse_same_title(uow, env.departments, case)
                created = event(env, now, actor, "process_created", None, case.phase, "",
                                payload)
                case.id = uow.processes.add(case, created)
                deadline_sync.carry_out(env, uow, case.id, todo, now)
                uow.commit()
            return case
        except Busy:
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _snapshot(case: Case) -> dict[str, Any]:
    return {"title": case.title, "subject": case.subject, "department": case.department,
            "directorate": case.directorate, "districts": case.districts, "origin": case.origin,
            "lead": _person(case.lead), "deputy": _person(case.deputy),
            "definition_version": case.definition_version}


def _person(person: Person | None) -> dict[str, Stable] | None:
    """A lead or deputy as the trail keeps them: name and address by reference, the same
    reference wherever the same person is named (``workflow.actors``)."""
    if person is None:
        return None
    subject = normalise_email(person.email)
    return {"name": Stable(actors.STAFF_NAME, subject, person.name),
            "email": Stable(actors.STAFF_EMAIL, subject, person.email)}


EDITABLE = ("title", "subject", "department", "directorate", "districts", "origin", "lead",
            "deputy")


def edit_process(env: Env, actor: str, process_id: int, changes: dict[str, Any]) -> Case:
    """Change the process's basic data; ``changes`` maps field names of ``ProcessInput``."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise BadInput(f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE)}")
    if not changes:
        raise BadInput("nothing to change: give at least one field to edit")

    def apply(case: Case) -> dict[str, Any]:
        settled = departments.settle_edit(env.departments, case, changes)
        merged = {name: getattr(case, name) for name in EDITABLE} | settled
        merged["districts"] = tuple(merged["districts"])
        _validate(env, ProcessInput(**merged))
        before = _snapshot(case)
        for name, value in settled.items():
            setattr(case, name, list(value) if name == "districts" else value)
        after = _snapshot(case)
        payload: dict[str, Any] = {k: {"from": before[k], "to": after[k]} for k in settled
                                   if before[k] != after[k]}
        if {"lead", "deputy"} & set(payload):
            version = republish_contacts(env, case)
            if version:
                payload["concept_republished_as_version"] = version
        return payload

    return change(env, actor, process_id, "process_edited", apply)


def republish_contacts(env: Env, case: Case) -> int | None:
    """R1: the published concept names lead and deputy, so a change of either is published
    at once as a new concept version (same content, a note saying what changed)."""
    latest = case.published_concept
    if latest is None or (latest.lead, latest.deputy) == (case.lead, case.deputy):
        return None
    number = latest.number + 1
    case.concept_versions.append(ConceptVersion(
        number, env.clock(), "Ansprechperson oder Vertretung geändert", latest.concept,
        case.lead, case.deputy))
    return number


def advance(env: Env, actor: str, process_id: int, trigger: str, reason: str = "") -> Case:
    """Take ``trigger`` if every guard holds; otherwise audit the refusal (within the limit
    of ``workflow.refusals``) and raise it.

    A trigger the definition does not have at all is a typing mistake, not a refused step:
    ``BadInput``, and nothing is written.
    """
    actor = require_actor(actor)
    known = env.lifecycle.all_triggers()
    if trigger not in known:
        raise refuse("trigger_unknown", trigger=trigger, steps=", ".join(known), id=process_id)

    def body(uow: UnitOfWork, case: Case) -> Case:
        authorise(env, uow, case, actor, f"advance:{trigger}")
        now = env.clock()
        source = case.phase
        try:
            transition = env.lifecycle.fire(case, trigger, env.context(now, reason))
        except TransitionRefused as refused:
            said = {"trigger": trigger, "unmet": [u.code for u in refused.unmet]}
            record_refusal(env.refusals, uow, case, event(
                env, now, actor, "transition_refused", source, None, reason, said))
            raise
        payload: dict[str, Any] = {"trigger": trigger}
        if "next_round" in transition.effects:
            payload["round"] = case.dialogue_round
        deadlines = deadline_sync.sync(env, uow, case, now)
        if deadlines:
            payload["deadlines"] = deadlines
        uow.processes.save(case, event(env, now, actor, "transition", source, case.phase,
                                       reason, payload), document=False)
        uow.commit()
        return case

    return in_unit(env, process_id, body)


def write_refusal_counts(env: Env) -> int:
    """Write what ``env.refusals`` left off the trails and has not carried on yet, one
    ``refusals_counted`` event per person and process (when the application stops); how many
    events were written. An error (the database gone) stops it; what is not written yet
    stays counted in the tally."""
    tally, written = env.refusals, 0
    if tally is None:
        return 0
    for (actor, process_id), count in tally.all_pending().items():
        def body(uow: UnitOfWork, case: Case, actor=actor, count=count) -> None:
            uow.processes.record(case, event(env, env.clock(), actor, COUNTED, case.phase,
                                             case.phase, "", {"unrecorded": count}))
            uow.commit()

        in_unit(env, process_id, body)
        tally.written((actor, process_id), count)
        written += 1
    return written


def get_process(env: Env, process_id: int) -> Case:
    """The case, as stored (no guards evaluated)."""
    with env.uow() as uow:
        return uow.processes.get(process_id)


def show_process(env: Env, process_id: int) -> tuple[Case, list[Verdict]]:
    """The case and, for each trigger available now, what it still lacks."""
    with env.uow() as uow:
        case = uow.processes.get(process_id)
    return case, env.lifecycle.options(case, env.context())


def list_processes(env: Env, phase: str | None = None) -> list[ProcessSummary]:
    """Processes, optionally in one phase."""
    if phase is not None and phase not in env.lifecycle.definition.phases:
        raise BadInput(f"state: unknown phase {phase!r}; phases: "
                       f"{', '.join(env.lifecycle.definition.phases)}")
    with env.uow() as uow:
        return uow.processes.list(phase)


def history(env: Env, process_id: int) -> list[AuditEvent]:
    """The audit trail of one process, for staff: each person the chain names by reference
    (as actor or in a payload) is shown with their value, or as erased
    (``workflow.actors.resolve``)."""
    with env.uow() as uow:
        uow.processes.get(process_id)
        return actors.for_staff(uow, uow.processes.events(process_id))


def verify_audit(env: Env) -> tuple[int, list[audit.Break]]:
    """Check every process's audit chain, the state it binds and the case registry; return
    events checked and the first break of each (``workflow.audit_check`` for the rest)."""
    keys = env.audit_keys() if env.audit_keys else None
    with env.uow() as uow:
        report = audit_check.verify_store(uow.processes, keys,
                                          final=env.lifecycle.definition.terminal_phases)
        return report.checked, report.breaks
