"""The requests of a data subject: an Auskunft (Art. 15 DSGVO) and a Löschung (Art. 17).

- ``disclose``: everything held about an address, as one plain document (``privacy
  export``): the suggestions it wrote with their answers, the processes it leads or is
  deputy of, the Begleitgruppen it is (or was) a member of (found through the privacy
  store's records of a member's name or address whose subject it is), the e-mails queued
  or sent to it, its account and its tokens (never a secret or its hash), and how many audit
  events of which process name it as their actor. The disclosure is audited without the
  data: an event naming the references in each process concerned, and a line of the
  privacy log.
- ``erase``: removes the address's values from the privacy store (the suggestions keep their
  number, target and official answer; their text and author read as erased), appends an
  event naming only the references to each process concerned, and logs the erasure, so
  that ``replay`` can repeat it after an older backup is restored (the erasure log outside
  the database, ``Env.erasure_log``, is written before the erasure commits). Erasing twice is
  not an error: the second time there is nothing left.

Both are for coordinators only. A staff address (one with an account, a process, a
coordinator's, or the actor of any audit event) is erased by ``workflow.staff_erasure``
as well: it is refused while it leads or deputises an open process (naming those
processes, to be handed over first), is a coordinator's or has an active account.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..states.case import Case
from ..states.codec import to_plain
from ..states.errors import BadInput, NotFound
from ..states.limits import visible
from ..states.personal import KINDS
from . import actors, staff_erasure
from .accounts import require_coordinator
from .audit import format_at
from .core import Env, check_email, normalise_email
from .ports import ProcessSummary, UnitOfWork
from .privacy import digest, name_references
from .privacy_port import Erased, PersonalRecord, PrivacyLogEntry

SCHEMA = "beteiligung.privacy-export/1"


@dataclass(frozen=True)
class Erasure:
    """What ``erase`` did: how many values it removed, from which processes; ``nothing_left``
    when everything had been erased before."""

    address: str
    values: int
    processes: tuple[int, ...]
    nothing_left: bool = False
    erased_before: tuple[datetime, ...] = ()
    emails: int = 0   # e-mails the address was taken out of (their bodies blanked)
    tokens: int = 0   # sessions and API tokens deleted (a staff address)
    staff: bool = False   # whether it was a staff address (``workflow.staff_erasure``)
    account: bool = False   # whether it had an account (deleted)


@dataclass
class Disclosure:
    """What ``disclose`` found: the export document and the counts for its summary."""

    address: str
    document: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)


def _address(email: str) -> str:
    try:
        return normalise_email(check_email("EMAIL", email))
    except BadInput:
        shown = email.strip()
        raise BadInput(texts={
            "de": f"EMAIL: {shown!r} ist keine E-Mail-Adresse (wie name@hannover-stadt.de)",
            "en": f"EMAIL: {shown!r} is not an e-mail address (like name@hannover-stadt.de)",
        }) from None


def disclose(env: Env, actor: str, email: str) -> Disclosure:
    """Everything held about ``email`` (Art. 15); ``NotFound`` when nothing is or was."""
    actor = require_coordinator(env, actor, "disclose personal data")
    address = _address(email)
    now = env.clock()
    with env.uow() as uow:
        records = uow.personal.of_subject(address)
        document: dict[str, Any] = {
            "schema": SCHEMA, "address": address, "generated_at": format_at(now),
            "suggestions": _suggestions(uow, records),
            "processes": [_role(p, address) for p in uow.processes.list(person=address)]
            + _memberships(uow, records),
            "emails": _emails(uow, address),
            "account": _account(uow, address),
            "tokens": _tokens(uow, address),
            "audit_events": [{"process_id": a.process_id, "events": a.events,
                              "first_at": format_at(a.first_at),
                              "last_at": format_at(a.last_at)}
                             for a in uow.processes.acted(address)],
            "erasures": [format_at(e.at) for e in uow.personal.logged(digest(address))
                         if e.action == "erased"],
        }
        if not any(document[k] for k in ("suggestions", "processes", "emails", "account",
                                         "tokens", "audit_events", "erasures")):
            raise _unknown(address)
        refs = tuple(r.ref for r in records)
        _audit(env, uow, actor, records, "personal_data_disclosed", now)
        uow.personal.log(PrivacyLogEntry(now, "disclosed", actor, digest(address), refs))
        uow.commit()
    counts = {k: len(document[k]) for k in ("suggestions", "emails", "tokens")}
    counts["memberships"] = sum(p["role"] in MEMBER_ROLES for p in document["processes"])
    counts["processes"] = len(document["processes"]) - counts["memberships"]
    counts["account"] = 1 if document["account"] else 0
    counts["audit_events"] = sum(a["events"] for a in document["audit_events"])
    return Disclosure(address, document, counts)


def erase(env: Env, actor: str, email: str, reason: str) -> Erasure:
    """Remove what is held about ``email`` (Art. 17) and log it; see the module's docstring."""
    actor = require_coordinator(env, actor, "erase personal data")
    address = _address(email)
    if not visible(reason):
        raise BadInput(texts={
            "de": "--reason: sagen, warum gelöscht wird (z. B. Datum und Aktenzeichen des "
                  "Antrags); das steht im Datenschutzprotokoll, nicht im Prüfpfad",
            "en": "--reason: say why the data is erased (e.g. the request's date and file "
                  "number); it goes to the privacy log, not to the audit trail"})
    now = env.clock()
    with env.uow() as uow:
        held = staff_erasure.places(env, uow, address)
        records = [r for r in uow.personal.of_subject(address) if r.value is not None]
        emails = uow.outbox.erase_address(address)
        if not records and not emails and held is None:
            before = tuple(e.at for e in uow.personal.logged(digest(address))
                           if e.action == "erased")
            if not before:
                raise _unknown(address)
            return Erasure(address, 0, (), True, before)
        if held is None:
            processes = _audit(env, uow, actor, records, "personal_data_erased", now)
            tokens = 0
        else:
            tokens = staff_erasure.erase(env, uow, actor, address, held, records, now)
            processes = held.processes
        refs = tuple(r.ref for r in records)
        erased = uow.personal.erase(refs, now)
        uow.personal.log(PrivacyLogEntry(now, "erased", actor, digest(address), refs,
                                         reason.strip()))
        if env.erasure_log is not None:  # before the commit: a crash between is replayed
            env.erasure_log.append(Erased(now, digest(address), refs))
        uow.commit()
    return Erasure(address, erased, tuple(sorted(set(processes) | _own(records))),
                   emails=emails, tokens=tokens, staff=held is not None,
                   account=held is not None and held.account)


def _staff_of(env: Env, uow: UnitOfWork, records: list[PersonalRecord]
              ) -> tuple[str, staff_erasure.StaffPlaces] | None:
    """The staff address whose restored records these are, with its places, if any."""
    for subject in {r.subject for r in records if r.kind in actors.KINDS and r.subject}:
        held = staff_erasure.places(env, uow, subject, refuse=False)
        if held is not None:
            return subject, held
    return None


def _own(records: list[PersonalRecord]) -> set[int]:
    return {r.process_id for r in records if r.process_id is not None}


@dataclass(frozen=True)
class Replay:
    """What ``replay`` did: erasures in the log, values erased again, processes concerned."""

    logged: int
    values: int
    processes: tuple[int, ...]


def replay(env: Env, actor: str) -> Replay:
    """Apply every erasure of the erasure log again (after an older backup of the database
    was restored): each value the log names that the database holds again is erased, with
    its audit event and privacy log line as at the first time. Doing it twice changes
    nothing the second time."""
    actor = require_coordinator(env, actor, "replay erasures")
    if env.erasure_log is None:
        raise BadInput("no erasure log is configured ([privacy] erasure_log)")
    entries = env.erasure_log.entries()
    now = env.clock()
    values, touched = 0, set[int]()
    with env.uow() as uow:
        for entry in entries:
            held = uow.personal.values(entry.refs)
            refs = tuple(ref for ref in entry.refs if held.get(ref) is not None)
            if not refs:
                continue
            records = uow.personal.records(refs)
            staff = _staff_of(env, uow, records)
            if staff is None:
                touched.update(_audit(env, uow, actor, records, "personal_data_erased", now,
                                      replayed=True))
            else:   # the account, tokens and roles came back with the backup too
                address, places = staff
                staff_erasure.erase(env, uow, actor, address, places, records, now,
                                    {"replayed": True})
                touched.update(places.processes, _own(records))
            values += uow.personal.erase(refs, now)
            uow.personal.log(PrivacyLogEntry(now, "erased", actor, entry.subject_digest,
                                             refs, "privacy replay"))
        uow.commit()
    return Replay(len(entries), values, tuple(sorted(touched)))


def _unknown(address: str) -> NotFound:
    return NotFound(f"no personal data is held about {address}: check the address",
                    {"de": f"über {address} sind keine personenbezogenen Daten gespeichert: "
                           "die Adresse prüfen",
                     "en": f"no personal data is held about {address}: check the address"})


def _audit(env: Env, uow: UnitOfWork, actor: str, records: list[PersonalRecord],
           action: str, now: datetime, replayed: bool = False) -> tuple[int, ...]:
    """One event per process concerned, naming only the references."""
    return name_references(env, uow, actor, records, action, now,
                           {"replayed": True} if replayed else {})


def _suggestions(uow: UnitOfWork, records: list[PersonalRecord]) -> list[dict[str, Any]]:
    cases: dict[int, Case] = {}
    found = []
    for record in records:
        if record.process_id is None or record.kind != "suggestion_text":
            continue
        case = cases.get(record.process_id) or uow.processes.get(record.process_id)
        cases[record.process_id] = case
        for item in case.suggestions:
            if item.refs.get("text") == record.ref:
                found.append({
                    "process_id": case.id, "process": case.title, "number": item.number,
                    "on": item.target, "text": item.text, "author": item.author,
                    "received_at": format_at(item.received_at), "answer": item.answer,
                    "justification": item.justification,
                    "answered_at": format_at(item.answered_at) if item.answered_at else None})
    return found


MEMBER_KINDS = tuple(kind for (holder, _), kind in KINDS.items() if holder == "member")
MEMBER_ROLES = ("member", "former_member")


def _memberships(uow: UnitOfWork, records: list[PersonalRecord]) -> list[dict[str, Any]]:
    """The Begleitgruppen the address is a member of (found by its records of a member's
    name or address), and as ``former_member`` those it was removed from (the name stays in
    the history, so it is held)."""
    by_process: dict[int, list[PersonalRecord]] = {}
    for record in records:
        if record.process_id is not None and record.kind in MEMBER_KINDS:
            by_process.setdefault(record.process_id, []).append(record)
    found = []
    for pid, held in sorted(by_process.items()):
        case = uow.processes.get(pid)
        refs = {r.ref for r in held}
        members = [m for m in case.begleitgruppe.members if refs & set(m.refs.values())]
        base = {"process_id": case.id, "process": case.title, "phase": case.phase}
        found += [base | {"role": "member", "name": m.name, "organisation": m.organisation,
                          "kind": m.kind} for m in members]
        if not members:
            names = [r.value for r in held if r.kind == "member_name" and r.value]
            found.append(base | {"role": "former_member", "name": names[-1] if names else ""})
    return found


def _role(summary: ProcessSummary, address: str) -> dict[str, Any]:
    return {"process_id": summary.id, "process": summary.title, "phase": summary.phase,
            "role": "lead" if summary.lead_email == address else "deputy"}


def _emails(uow: UnitOfWork, address: str) -> list[dict[str, Any]]:
    return [{"id": e.id, "kind": e.message.kind, "subject": e.message.subject,
             "status": e.status, "created_at": format_at(e.created_at),
             "sent_at": format_at(e.sent_at) if e.sent_at else None,
             "process_id": e.message.process_id, "text": e.message.text}
            for e in uow.outbox.addressed_to(address)]


def _account(uow: UnitOfWork, address: str) -> dict[str, Any] | None:
    user = uow.users.get(address)
    if user is None:
        return None
    plain = to_plain(user)
    return {k: plain[k] for k in ("email", "name", "role", "active", "created_at",
                                  "disabled_at")}


def _tokens(uow: UnitOfWork, address: str) -> list[dict[str, Any]]:
    return [{"kind": t.kind, "label": t.label, "created_at": format_at(t.created_at),
             "expires_at": format_at(t.expires_at) if t.expires_at else None,
             "revoked_at": format_at(t.revoked_at) if t.revoked_at else None}
            for kind in ("session", "api") for t in uow.tokens.of(address, kind)]
