"""Who acted, as the audit trail keeps it: a person by reference, never by address.

Every event names its actor. A person (an address) is kept in the chain as
``ref:<reference>:<commitment>``: the reference of a ``personal_data`` record of kind
``actor`` whose subject and value are the address, and the commitment of that value
(``workflow.sealing``). The same person gets the same record every time (``Stable``), so an
erasure nulls one row and no hash changes. The system's own actor (``beteiligung@system``)
and the public form's (``public``) are no one's data and stay as they are.

A payload may hold ``Stable`` values too: a lead's or deputy's name and address in
``process_created`` and ``process_edited``, the operating-system user of a command-line run.
``pseudonymise`` replaces actor and those values when the events are appended (storage's
ledger, one place for every use case); ``resolve`` gives them back for staff, an erased one
as ``ERASED`` (the actor) or ``{"erased": true}`` (a payload value).
Import rule: ``states`` and ``workflow``'s ports and sealing only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from ..states.addresses import EMAIL, normalise_email
from .ports import AuditEvent, NewEvent, UnitOfWork
from .privacy_port import Personal, Stable
from .sealing import commitment, sealed, sealed_refs
from .sealing import resolve as resolve_payload

PREFIX = "ref:"
# the kinds of stable personal values (``personal_data.kind``)
ACTOR = "actor"
OS_USER = "os_user"
STAFF_NAME = "staff_name"     # a lead's or deputy's name
STAFF_EMAIL = "staff_email"   # a lead's or deputy's address
KINDS = (ACTOR, OS_USER, STAFF_NAME, STAFF_EMAIL)
# a lead or deputy is recorded once per process that names them (an actor once for all), so
# that an erasure finds every process whose documents name them
PER_PROCESS = (STAFF_NAME, STAFF_EMAIL)
# what ``resolve`` puts where an erased person acted
ERASED = ""

# the record of a stable value, for one process (``PER_PROCESS`` kinds) or for none
Lookup = Callable[[Stable, "int | None"], Personal]


def is_person(actor: str) -> bool:
    """Whether ``actor`` is a person's address (and so is kept by reference)."""
    return bool(EMAIL.match(actor.strip()))


def of(actor: str) -> Stable:
    """The stable personal value an actor's address is kept as."""
    address = normalise_email(actor)
    return Stable(ACTOR, address, address)


def kept(item: Personal) -> str:
    """What the ``actor`` column holds for the actor record ``item``."""
    return f"{PREFIX}{item.ref}:{commitment(item.salt, item.value)}"


def ref_of(actor: str) -> str | None:
    """The reference in an ``actor`` column's value, ``None`` for a plain one."""
    if not actor.startswith(PREFIX):
        return None
    parts = actor.split(":")
    return parts[1] if len(parts) == 3 else None


def pseudonymise(event: NewEvent, lookup: Lookup, process_id: int) -> NewEvent:
    """``event`` of process ``process_id`` as the trail keeps it: its actor by reference
    when a person, each ``Stable`` of its payload sealed, and the operating-system user
    sealed as the actor's."""
    def find(item: Stable) -> Personal:
        return lookup(item, process_id if item.kind in PER_PROCESS else None)

    actor = kept(find(of(event.actor))) if is_person(event.actor) else event.actor
    payload = dict(event.payload)
    os_user = payload.get(OS_USER)
    if isinstance(os_user, str) and os_user:
        owner = normalise_email(event.actor) if is_person(event.actor) else event.actor
        payload[OS_USER] = Stable(OS_USER, owner, os_user)
    return replace(event, actor=actor, payload=_seal(payload, find))


def _seal(value: Any, find: Callable[[Stable], Personal]) -> Any:
    if isinstance(value, Stable):
        return sealed(find(value))
    if isinstance(value, dict):
        return {key: _seal(item, find) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_seal(item, find) for item in value]
    return value


def refs(events: Iterable[AuditEvent]) -> list[str]:
    """The references the events name, as actor or in their payloads."""
    found: list[str] = []
    for e in events:
        ref = ref_of(e.actor)
        if ref:
            found.append(ref)
        found += sealed_refs(e.payload)
    return found


def resolve(events: list[AuditEvent], values: dict[str, str | None]) -> list[AuditEvent]:
    """The events for staff: each actor kept by reference as its address (``ERASED`` when
    it was erased), each sealed payload value shown with its value or as erased."""
    shown = []
    for e in events:
        ref = ref_of(e.actor)
        actor = e.actor if ref is None else (values.get(ref) or ERASED)
        payload = resolve_payload(e.payload, values) if sealed_refs(e.payload) else e.payload
        shown.append(e if (actor, payload) == (e.actor, e.payload)
                     else replace(e, actor=actor, payload=payload))
    return shown


def shown(value: Any) -> Any:
    """A payload value as ``resolve`` left it, for text: a sealed one as its value (``None``
    when erased), anything else as it is."""
    if isinstance(value, dict) and "ref" in value and "c" in value:
        return value.get("value")
    return value


def for_staff(uow: UnitOfWork, events: list[AuditEvent]) -> list[AuditEvent]:
    """``resolve`` with the values of the privacy store (one query, none when no event
    names a reference)."""
    named = refs(events)
    return resolve(events, uow.personal.values(named)) if named else events
