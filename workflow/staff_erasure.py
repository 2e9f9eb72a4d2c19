"""Erasing a staff address (Art. 17 DSGVO): a lead, deputy or account holder who has gone.

A staff address is one that leads or deputises a process, has an account, is a coordinator's
or acted in the audit trail. The trail names its people by reference only
(``workflow.actors``), so an erasure nulls their records and no hash changes. ``places``
finds where an address is held as staff and says what must happen first; ``erase`` does the
rest of a staff erasure, inside the coordinator's unit of work
(``workflow.privacy_requests.erase``):

- the processes it leads or deputises (all closed by then) lose it as lead or deputy, and
  every process lose it from their concept versions (it is recorded once per process it was
  named in, ``workflow.actors.PER_PROCESS``), with the erasure's event (the state hash
  follows);
- its sessions and API tokens are deleted, its account too (where it created or disabled
  other accounts, "gelöscht" takes its place);
- the bodies of e-mails to others that name its address or its full name (an escalation
  naming the lead) are blanked; a name of one word is too common a string to search for;
- every process it acted in gets the erasure's event naming the references.

Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from ..states.case import Case, Person
from ..states.errors import BadInput
from .actors import STAFF_NAME
from .core import Env, event, normalise_email
from .ports import UnitOfWork
from .privacy_port import PersonalRecord

ERASED_MARK = "gelöscht"
ACTION = "personal_data_erased"


@dataclass(frozen=True)
class StaffPlaces:
    """Where a staff address is held: the processes it led or deputised, those it acted in,
    and whether it has an account."""

    led: tuple[int, ...]
    acted: tuple[int, ...]
    account: bool

    @property
    def processes(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.led) | set(self.acted)))


def places(env: Env, uow: UnitOfWork, address: str, refuse: bool = True
           ) -> StaffPlaces | None:
    """Where ``address`` is held as staff (``None``: it is not), or ``BadInput`` saying
    what to do first: hand over its open processes, take it out of the coordinators,
    disable its account. ``refuse=False`` (a replay, which repeats what was decided) finds
    the places and refuses nothing."""
    summaries = uow.processes.list(person=address)
    if not refuse:
        acted = tuple(a.process_id for a in uow.processes.acted(address))
        user = uow.users.get(address)
        if not (summaries or acted or user):
            return None
        return StaffPlaces(tuple(p.id for p in summaries), acted, user is not None)
    open_ = [p for p in summaries if env.lifecycle.definition.is_open(p.phase)]
    if open_:
        names = ", ".join(f"{p.id} „{p.title}“" for p in open_)
        raise BadInput(
            f"{address} leads or deputises open processes: hand over {names} first "
            "(process edit ID --lead-email or --deputy-email)",
            {"de": f"{address} leitet oder vertritt noch offene Verfahren: zuerst "
                   f"{names} übergeben (process edit ID --lead-email oder --deputy-email)",
             "en": f"{address} leads or deputises open processes: hand over {names} first "
                   "(process edit ID --lead-email or --deputy-email)"})
    if address in env.coordinators:
        raise BadInput(
            f"{address} is a coordinator: take it out of 'coordinators' in the settings "
            "first, then erase it",
            {"de": f"{address} ist als Koordination eingetragen: zuerst aus "
                   "'coordinators' in den Einstellungen nehmen, dann löschen",
             "en": f"{address} is a coordinator: take it out of 'coordinators' in the "
                   "settings first, then erase it"})
    user = uow.users.get(address)
    if user is not None and user.active:
        raise BadInput(
            f"{address} has an active account: disable it first with 'user disable "
            f"{address}', then erase it",
            {"de": f"{address} hat ein aktives Konto: zuerst mit 'user disable {address}' "
                   "sperren, dann löschen",
             "en": f"{address} has an active account: disable it first with 'user disable "
                   f"{address}', then erase it"})
    acted = tuple(a.process_id for a in uow.processes.acted(address))
    if not (summaries or acted or user):
        return None
    return StaffPlaces(tuple(p.id for p in summaries), acted, user is not None)


def without(case: Case, address: str) -> list[str]:
    """Take ``address`` out of ``case`` as lead and deputy, in its concept versions too;
    which roles it had (``lead``, ``deputy``)."""
    def theirs(person: Person | None) -> bool:
        return person is not None and normalise_email(person.email) == address

    roles = [role for role in ("lead", "deputy") if theirs(getattr(case, role))]
    for role in roles:
        setattr(case, role, None)
    named = [i for i, v in enumerate(case.concept_versions) if theirs(v.lead) or theirs(v.deputy)]
    for i in named:
        version = case.concept_versions[i]
        case.concept_versions[i] = replace(
            version, lead=None if theirs(version.lead) else version.lead,
            deputy=None if theirs(version.deputy) else version.deputy)
    return roles + (["concept"] if named else [])


def erase(env: Env, uow: UnitOfWork, actor: str, address: str, held: StaffPlaces,
          records: list[PersonalRecord], now: datetime,
          extra: dict[str, bool] | None = None) -> int:
    """Everything of a staff erasure but the values themselves (the caller erases the
    records and logs it); one event per process concerned, naming the references. How
    many sessions and tokens were deleted."""
    stable = [r.ref for r in records if r.process_id is None]
    own: dict[int, list[str]] = {}
    for record in records:
        if record.process_id is not None:
            own.setdefault(record.process_id, []).append(record.ref)
    names = [r.value for r in records if r.kind == STAFF_NAME and r.value]
    user = uow.users.get(address)
    if user is not None:
        names.append(user.name)
    full_names = [name for name in names if len(name.split()) > 1]
    touched = sorted(set(held.processes) | set(own))
    for pid in touched:
        case = uow.processes.get(pid)
        refs = stable + own.get(pid, [])
        roles = without(case, address)   # in a process it no longer leads: its old versions
        payload = {"refs": refs} | ({"roles": roles} if roles else {}) | (extra or {})
        step = event(env, now, actor, ACTION, case.phase, case.phase, "", payload)
        if roles:
            uow.processes.save(case, step)
        else:
            uow.processes.record(case, step)
    tokens = uow.tokens.erase(address)
    uow.users.erase(address, ERASED_MARK)
    uow.outbox.erase_mentions([address, *full_names])
    return tokens
