"""``audit verify``'s checks: every chain, its signatures and the state it binds, the case
registry, the database's safeguards, and an anchor written earlier.

A process removed when its retention period had passed leaves a tombstone (``bury``): the
registry still names it, and the tombstone, hashed and signed, holds its trail's last hash, so
that it counts as removed, not vanished, and an anchor written before still matches.

What is found is a ``Break`` (the trail does not prove the case: exit 1) or a note (the trail
proves less than it could: a trail from before revision 0009 whose state is not bound yet, or
signatures that cannot be checked without the key). ``docs/audit.md`` lists every finding.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from .audit import GENESIS, Break, canonical, event_hash, format_at
from .ports import AuditEvent, CaseEntry, ChainHead, Tombstone
from .signing import AuditKeys

PROBLEMS = {
    "edited": "its content does not match its hash: the event was edited",
    "link": "its link to the previous event does not match: an event was removed or inserted",
    "gap": "expected event {expected}, found {found}: events removed or inserted",
    "cut": "trail ends at event {seq}, expected {head}: events were removed from the end",
    "extended": "trail goes on to event {seq}, expected {head}: events were added after the end",
    "replaced": "the last event is not the one recorded: it was replaced",
    "phase": "the process is in phase '{head}', but its trail ends in phase '{trail}': the "
             "process row was edited",
    "state": "the stored case is not the state its last event recorded: the process row, its "
             "document or its deadlines were changed without an event",
    "state_dropped": "it carries no state hash, though the events before it do: it was written "
                     "with the old recipe, behind the program's back",
    "unsigned": "it is not signed, though the events before it are: it was added without the key",
    "bad_mac": "its signature does not match: it was forged or edited without the key",
    "unknown_key": "it is signed with key '{key}', which is not among the keys: add that key, "
                   "or it was forged",
    "orphaned": "events of a process that has no record: the process row was removed",
    "vanished": "process {pid} is case {seq} of the registry but has no record: it was removed",
    "unregistered": "the process is not in the case registry: it was added behind the "
                    "program's back",
    "buried_edited": "its tombstone does not match its hash: the tombstone was edited",
    "buried_alive": "it has a tombstone but still exists: the tombstone was added behind the "
                    "program's back",
    "buried_unregistered": "it has a tombstone but was never in the case registry: the "
                           "tombstone was made up",
    "buried_open": "it was removed in phase '{phase}', which is not a final one: it was removed "
                   "while it went on",
    "buried_early": "it was removed {days} days after it closed, before its retention period of "
                    "{kept} days had passed",
    "safeguard": "the database lacks {what}: the append-only protection was removed",
    "anchor_forged": "the anchor's signature does not match: the anchor file was changed",
    "anchor_buried": "the process was anchored at event {seq}, but its tombstone names the "
                     "trail's last event as {final}: the trail was cut before it was removed",
    "anchor_vanished": "the process was anchored at event {seq} and no longer exists: it was "
                       "removed, or the database was rolled back",
    "anchor_behind": "the trail ends at {end}, before the anchored event {seq}: the database "
                     "was rolled back or the trail was cut",
    "anchor_differs": "event {seq} is not the one anchored: the trail was rewritten",
}


def finding(pid: int, seq: int, code: str, /, **params: Any) -> Break:
    """A break with its code, parameters and English text."""
    return Break(pid, seq, PROBLEMS[code].format(**params), code, tuple(params.items()))


@dataclass
class Report:
    """What ``check`` found: events checked, breaks, and the notes that are not breaks."""

    checked: int = 0
    breaks: list[Break] = field(default_factory=list)
    unbound: list[int] = field(default_factory=list)     # heads with no state hash yet
    unsigned: list[int] = field(default_factory=list)    # trails with no signature at all
    unchecked: int = 0          # signatures that could not be checked: no key present
    cases: int = 0              # registry entries checked
    # the processes removed after their retention period, by id (their tombstones checked)
    buried: dict[int, Tombstone] = field(default_factory=dict)
    # for an anchor (``watch``): the hash found at each watched place, and where each chain
    # (process 0: the registry) ends, by process id
    watched: dict[int, str] = field(default_factory=dict)
    ends: dict[int, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.breaks


@dataclass
class _Chain:
    seq: int = 0
    last: str = GENESIS
    phase: str | None = None
    state: str | None = None
    bound: bool = False
    signed: bool = False


def entry_hash(seq: int, process_id: int, at: datetime, prev_hash: str) -> str:
    """The hash of one case registry entry (``docs/audit.md``)."""
    body = {"seq": seq, "process_id": process_id, "at": format_at(at), "prev_hash": prev_hash}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def register(seq: int, process_id: int, at: datetime, prev_hash: str,
             keys: AuditKeys | None) -> CaseEntry:
    """The registry entry of a new process, signed when there are keys."""
    digest = entry_hash(seq, process_id, at, prev_hash)
    key_id, mac = keys.sign(digest) if keys else (None, None)
    return CaseEntry(seq, process_id, at, prev_hash, digest, key_id, mac)


def tombstone_hash(t: Tombstone) -> str:
    """The hash of a tombstone (``docs/audit.md``)."""
    body = {"process_id": t.process_id, "phase": t.phase, "closed_at": format_at(t.closed_at),
            "final_seq": t.final_seq, "final_hash": t.final_hash,
            "removed_at": format_at(t.removed_at), "kept_days": t.kept_days}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def bury(head: ChainHead, closed_at: datetime, removed_at: datetime, kept_days: int,
         keys: AuditKeys | None) -> Tombstone:
    """The tombstone of a process whose chain ends at ``head``, signed when there are keys."""
    unhashed = Tombstone(head.process_id, head.phase, closed_at, head.seq, head.hash,
                         removed_at, kept_days, "")
    digest = tombstone_hash(unhashed)
    key_id, mac = keys.sign(digest) if keys else (None, None)
    return replace(unhashed, hash=digest, key_id=key_id, mac=mac)


class _Signatures:
    """Signature checks shared by events and registry entries."""

    def __init__(self, keys: AuditKeys | None, report: Report) -> None:
        self.keys, self.report = keys, report

    def problem(self, key_id: str | None, digest: str, mac: str | None,
                signed_before: bool) -> tuple[str, dict[str, Any]] | None:
        if mac is None:
            return ("unsigned", {}) if signed_before else None
        if self.keys is None:
            self.report.unchecked += 1
            return None
        good = self.keys.check(key_id or "", digest, mac)
        if good is None:
            return "unknown_key", {"key": key_id}
        return None if good else ("bad_mac", {})


def check(heads: Iterable[ChainHead], events: Iterable[AuditEvent],
          cases: Iterable[CaseEntry] | None = None, keys: AuditKeys | None = None,
          missing: Iterable[str] = (), watch: dict[int, int] | None = None,
          tombstones: Iterable[Tombstone] = (),
          final: Iterable[str] | None = None) -> Report:
    """Check everything; ``cases`` is the registry (``None``: not kept, not checked);
    ``watch`` (process id, 0 for the registry -> seq) asks for the hashes at those places
    (an anchor's); ``tombstones`` are the processes removed after their retention period,
    ``final`` the phases a process may be removed in (``None``: not checked)."""
    report = Report()
    watch = watch or {}
    report.breaks += [finding(0, 0, "safeguard", what=what) for what in missing]
    expected = {h.process_id: h for h in heads}
    chains = _walk(events, report, _Signatures(keys, report), watch)
    report.ends = {pid: chain.seq for pid, chain in chains.items()}
    found: dict[int, Break] = {b.process_id: b for b in report.breaks if b.process_id}
    cases = None if cases is None else list(cases)
    # once the registry is signed, so must every tombstone be (the program signs both)
    signed = any(c.mac is not None for c in cases or ())
    registered = None if cases is None else {c.process_id for c in cases}
    for tombstone in tombstones:
        problem = _buried_problem(tombstone, expected, _Signatures(keys, report), signed,
                                  registered, final)
        if problem:
            found.setdefault(tombstone.process_id, problem)
        else:
            report.buried[tombstone.process_id] = tombstone
    for pid in chains:
        if pid not in expected and pid not in found:
            found[pid] = finding(pid, 1, "orphaned")
    for pid, head in expected.items():
        if pid not in found:
            problem = _end_problem(chains.get(pid, _Chain()), head, report)
            if problem:
                found[pid] = problem
    if cases is not None:
        found.update(_registry(cases, expected, report, _Signatures(keys, report), found,
                               watch.get(0)))
    report.breaks = ([b for b in report.breaks if not b.process_id]
                     + sorted(found.values(), key=lambda b: b.process_id))
    return report


def _walk(events: Iterable[AuditEvent], report: Report, signatures: _Signatures,
          watch: dict[int, int]) -> dict[int, _Chain]:
    chains: dict[int, _Chain] = {}
    broken: set[int] = set()
    for event in events:
        report.checked += 1
        pid = event.process_id
        if pid in broken:
            continue
        chain = chains.setdefault(pid, _Chain())
        problem = _problem(event, chain) or signatures.problem(
            event.key_id, event.hash, event.mac, chain.signed)
        if problem:
            code, params = problem
            report.breaks.append(finding(pid, event.seq, code, **params))
            broken.add(pid)
            continue
        if watch.get(pid) == event.seq:
            report.watched[pid] = event.hash
        chain.seq, chain.last = event.seq, event.hash
        chain.phase = event.to_phase or event.from_phase
        chain.state = event.state
        chain.bound = chain.bound or event.state is not None
        chain.signed = chain.signed or event.mac is not None
    return chains


def _problem(event: AuditEvent, chain: _Chain) -> tuple[str, dict[str, Any]] | None:
    if event.seq != chain.seq + 1:
        return "gap", {"expected": chain.seq + 1, "found": event.seq}
    if event.prev_hash != chain.last:
        return "link", {}
    if event_hash(event.process_id, event.seq, event, event.prev_hash,
                  event.state) != event.hash:
        return "edited", {}
    if chain.bound and event.state is None:
        return "state_dropped", {}
    return None


def _end_problem(chain: _Chain, head: ChainHead, report: Report) -> Break | None:
    """Compare where a chain ends with its process row: head, phase and state."""
    pid, seq = head.process_id, chain.seq
    if seq < head.seq:
        return finding(pid, seq + 1, "cut", seq=seq, head=head.seq)
    if seq > head.seq:
        return finding(pid, head.seq + 1, "extended", seq=seq, head=head.seq)
    if chain.last != head.hash:
        return finding(pid, seq, "replaced")
    if head.phase and chain.phase and head.phase != chain.phase:
        return finding(pid, seq, "phase", head=head.phase, trail=chain.phase)
    if chain.state is None:
        report.unbound.append(pid)
    elif head.state is not None and head.state != chain.state:
        return finding(pid, seq, "state")
    if not chain.signed:
        report.unsigned.append(pid)
    return None


def _registry(cases: Iterable[CaseEntry], expected: dict[int, ChainHead], report: Report,
              signatures: _Signatures, found: dict[int, Break],
              watch: int | None) -> dict[int, Break]:
    """The registry's own chain, then: every registered process exists, every process is
    registered. A break of the registry itself is reported as process 0."""
    seq, last, signed, registered = 0, GENESIS, False, set()
    result: dict[int, Break] = {}
    for entry in cases:
        report.cases += 1
        problem = _entry_problem(entry, seq, last) or signatures.problem(
            entry.key_id, entry.hash, entry.mac, signed)
        if problem:
            code, params = problem
            report.breaks.append(finding(0, entry.seq, code, **params))
            return result
        seq, last, signed = entry.seq, entry.hash, signed or entry.mac is not None
        report.ends[0] = seq
        if entry.seq == watch:
            report.watched[0] = entry.hash
        registered.add(entry.process_id)
        if entry.process_id not in expected and entry.process_id not in found \
                and entry.process_id not in report.buried:
            result[entry.process_id] = finding(entry.process_id, 0, "vanished",
                                               pid=entry.process_id, seq=entry.seq)
    for pid in expected:
        if pid not in registered and pid not in found:
            result[pid] = finding(pid, 0, "unregistered")
    return result


def _buried_problem(t: Tombstone, expected: dict[int, ChainHead], signatures: _Signatures,
                    signed: bool, registered: set[int] | None,
                    final: Iterable[str] | None) -> Break | None:
    """A tombstone must match its hash and signature (it must be signed once the registry
    is), name a registered process that no longer exists and ended in a final phase, and
    have waited its retention period."""
    pid = t.process_id
    if registered is not None and pid not in registered:
        return finding(pid, t.final_seq, "buried_unregistered")
    if tombstone_hash(t) != t.hash:
        return finding(pid, t.final_seq, "buried_edited")
    problem = signatures.problem(t.key_id, t.hash, t.mac, signed)
    if problem:
        code, params = problem
        return finding(pid, t.final_seq, code, **params)
    if pid in expected:
        return finding(pid, t.final_seq, "buried_alive")
    if final is not None and t.phase not in set(final):
        return finding(pid, t.final_seq, "buried_open", phase=t.phase)
    days = (t.removed_at - t.closed_at).days
    if t.removed_at - t.closed_at < timedelta(days=t.kept_days):
        return finding(pid, t.final_seq, "buried_early", days=days, kept=t.kept_days)
    return None


def _entry_problem(entry: CaseEntry, seq: int, last: str) -> tuple[str, dict[str, Any]] | None:
    if entry.seq != seq + 1:
        return "gap", {"expected": seq + 1, "found": entry.seq}
    if entry.prev_hash != last:
        return "link", {}
    if entry_hash(entry.seq, entry.process_id, entry.at, entry.prev_hash) != entry.hash:
        return "edited", {}
    return None


class Store(Protocol):
    """What ``verify_store`` reads: ``ProcessRepository``'s audit side."""

    def safeguards(self) -> list[str]: ...

    def chain_heads(self) -> Iterable[ChainHead]: ...

    def all_events(self) -> Iterable[AuditEvent]: ...

    def cases(self) -> Iterable[CaseEntry]: ...

    def tombstones(self) -> Iterable[Tombstone]: ...


def verify_store(store: Store, keys: AuditKeys | None = None,
                 watch: dict[int, int] | None = None,
                 final: Iterable[str] | None = None) -> Report:
    """Check what a repository holds, in its one transaction (one snapshot). A missing table
    is a finding of its own, and nothing else is read."""
    missing = store.safeguards()
    if any(what.startswith("the table") for what in missing):
        return Report(breaks=[finding(0, 0, "safeguard", what=what) for what in missing])
    heads = list(store.chain_heads())
    return check(heads, store.all_events(), store.cases(), keys, missing, watch,
                 store.tombstones(), final)
