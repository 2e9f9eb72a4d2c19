"""The audit chain: the hash recipe, the verification of stored trails, and their export.

Recipe (``docs/audit.md`` spells it out so that a third party can verify an export without
this code): the SHA-256, in hex, of the UTF-8 bytes of the JSON object ``{"process_id", "seq",
"at", "actor", "action", "from_phase", "to_phase", "reason", "payload", "prev_hash"}``
serialised with sorted keys, separators ``(",", ":")`` and ``ensure_ascii=False``; ``at`` is
ISO 8601 in UTC with a ``Z`` and microseconds. The first event's ``prev_hash`` is 64 zeros.
Changing the recipe or the export's fields means changing ``docs/audit.md`` and its test.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from ..states.errors import NotFound
from ..states.messages import BERLIN
from .ports import AuditEvent, ChainHead, NewEvent

GENESIS = "0" * 64


def format_at(at: datetime) -> str:
    """The canonical text of an event time: UTC, microseconds, ``Z``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value: Any) -> str:
    """The canonical JSON text used for payloads and hashes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(process_id: int, seq: int, event: NewEvent | AuditEvent, prev_hash: str) -> str:
    """The hash of one event chained to ``prev_hash``."""
    body = {
        "process_id": process_id, "seq": seq, "at": format_at(event.at), "actor": event.actor,
        "action": event.action, "from_phase": event.from_phase, "to_phase": event.to_phase,
        "reason": event.reason, "payload": event.payload, "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def chain(process_id: int, seq: int, event: NewEvent, prev_hash: str) -> AuditEvent:
    """The stored form of ``event`` as number ``seq`` after ``prev_hash``."""
    digest = event_hash(process_id, seq, event, prev_hash)
    return AuditEvent(process_id, seq, event.at, event.actor, event.action, event.from_phase,
                      event.to_phase, event.reason, event.payload, prev_hash, digest)


@dataclass(frozen=True)
class Break:
    """The first broken place of one process's chain."""

    process_id: int
    seq: int
    problem: str


def verify(heads: Iterable[ChainHead], events: Iterable[AuditEvent]) -> tuple[int, list[Break]]:
    """Check every chain; return how many events were checked and the first break of each.

    ``events`` must come ordered by process and sequence; ``heads`` says where each chain ends,
    so a removed last event is found too.
    """
    expected = {h.process_id: h for h in heads}
    breaks: dict[int, Break] = {}
    checked = 0
    state: dict[int, tuple[int, str, str | None]] = {}
    for event in events:
        checked += 1
        pid = event.process_id
        if pid in breaks:
            continue
        seq, prev, _ = state.get(pid, (0, GENESIS, None))
        problem = _problem(event, seq, prev)
        if problem:
            breaks[pid] = Break(pid, event.seq, problem)
        state[pid] = (event.seq, event.hash, event.to_phase or event.from_phase)
    for pid, head in expected.items():
        if pid not in breaks:
            seq, last, phase = state.get(pid, (0, GENESIS, None))
            problem = _end_problem(seq, last, head) or _phase_problem(seq, phase, head)
            if problem:
                breaks[pid] = problem
    return checked, sorted(breaks.values(), key=lambda b: b.process_id)


def _end_problem(seq: int, last: str, head: ChainHead) -> Break | None:
    """Compare where a chain ends with where its process row says it ends."""
    pid = head.process_id
    if seq < head.seq:
        return Break(pid, seq + 1, f"trail ends at event {seq}, expected {head.seq}: "
                     "events were removed from the end")
    if seq > head.seq:
        return Break(pid, head.seq + 1, f"trail goes on to event {seq}, expected {head.seq}: "
                     "events were added after the end")
    if last != head.hash:
        return Break(pid, seq, "the last event is not the one recorded: it was replaced")
    return None


def _phase_problem(seq: int, phase: str | None, head: ChainHead) -> Break | None:
    """The process row's phase must be where its trail leads (the row was not edited)."""
    if head.phase and phase and head.phase != phase:
        return Break(head.process_id, seq, f"the process is in phase '{head.phase}', but its "
                     f"trail ends in phase '{phase}': the process row was edited")
    return None


def _problem(event: AuditEvent, last_seq: int, prev: str) -> str:
    if event.seq != last_seq + 1:
        return f"expected event {last_seq + 1}, found {event.seq}: events removed or inserted"
    if event.prev_hash != prev:
        return "its link to the previous event does not match: an event was removed or inserted"
    if event_hash(event.process_id, event.seq, event, event.prev_hash) != event.hash:
        return "its content does not match its hash: the event was edited"
    return ""


def iter_timeline(events: Iterable[AuditEvent]) -> Iterator[dict[str, Any]]:
    """Events as plain dicts for ``history --json``."""
    for e in events:
        yield {"seq": e.seq, "at": format_at(e.at), "actor": e.actor, "action": e.action,
               "from_phase": e.from_phase, "to_phase": e.to_phase, "reason": e.reason,
               "payload": e.payload, "hash": e.hash}


class TrailReader(Protocol):
    """Reads one process's trail and the head its process row records (for ``export``)."""

    def head(self, process_id: int) -> ChainHead | None:
        """Where the process's chain should end, or ``None`` when there is no such process."""

    def events(self, process_id: int) -> Iterable[AuditEvent]:
        """The process's audit events, ordered by sequence number."""


@dataclass(frozen=True)
class Trail:
    """One process's whole trail as stored, the head its row records, and its first break."""

    head: ChainHead
    events: list[AuditEvent]
    broken: Break | None


def read_trail(reader: TrailReader, process_id: int) -> Trail:
    """The trail of one process, checked; ``NotFound`` when there is no such process.

    The trail is returned as stored even when it is broken: an export must show what is
    there, and ``broken`` says what the verification found.
    """
    head = reader.head(process_id)
    if head is None:
        raise NotFound(f"no process with id {process_id}")
    events = list(reader.events(process_id))
    _, breaks = verify([head], events)
    return Trail(head, events, breaks[0] if breaks else None)


HASHED = ("process_id", "seq", "at", "actor", "action", "from_phase", "to_phase", "reason",
          "payload", "prev_hash")


def export_record(event: AuditEvent) -> dict[str, Any]:
    """One line of ``audit export``: every hashed field, the hash, and the local time.

    ``at_local`` (Europe/Berlin, with its offset) is for reading only and is not hashed.
    """
    return {"process_id": event.process_id, "seq": event.seq, "at": format_at(event.at),
            "at_local": event.at.astimezone(BERLIN).isoformat(timespec="seconds"),
            "actor": event.actor, "action": event.action, "from_phase": event.from_phase,
            "to_phase": event.to_phase, "reason": event.reason, "payload": event.payload,
            "prev_hash": event.prev_hash, "hash": event.hash}


def export_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The JSON lines of an export, each ending in a newline (UTF-8 text, not escaped)."""
    for event in events:
        yield json.dumps(export_record(event), ensure_ascii=False, separators=(",", ":")) + "\n"
