"""The audit chain: the hash recipe, the verification of stored trails, and their export.

Recipe 1 (``docs/audit.md`` spells it out so that a third party can verify an export without
this code): the SHA-256, in hex, of the UTF-8 bytes of the JSON object ``{"process_id", "seq",
"at", "actor", "action", "from_phase", "to_phase", "reason", "payload", "prev_hash"}``
serialised with sorted keys, separators ``(",", ":")`` and ``ensure_ascii=False``; ``at`` is
ISO 8601 in UTC with a ``Z`` and microseconds. The first event's ``prev_hash`` is 64 zeros.
Recipe 2 (events from revision 0009 on) adds ``state``, the hash of the case's stored state
after the event (``storage.audit_state``), to the hashed object.
Changing the recipe or the export's fields means changing ``docs/audit.md`` and its test.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..states.messages import BERLIN
from .ports import AuditEvent, NewEvent
from .signing import AuditKeys

GENESIS = "0" * 64


def format_at(at: datetime) -> str:
    """The canonical text of an event time: UTC, microseconds, ``Z``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value: Any) -> str:
    """The canonical JSON text used for payloads and hashes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(process_id: int, seq: int, event: NewEvent | AuditEvent, prev_hash: str,
               state: str | None = None) -> str:
    """The hash of one event chained to ``prev_hash``; ``state`` (the hash of the case's
    state after the event, recipe 2, from revision 0009 on) is hashed when it is given."""
    body = {
        "process_id": process_id, "seq": seq, "at": format_at(event.at), "actor": event.actor,
        "action": event.action, "from_phase": event.from_phase, "to_phase": event.to_phase,
        "reason": event.reason, "payload": event.payload, "prev_hash": prev_hash,
    }
    if state is not None:
        body["state"] = state
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def chain(process_id: int, seq: int, event: NewEvent, prev_hash: str,
          state: str | None = None, keys: AuditKeys | None = None) -> AuditEvent:
    """The stored form of ``event`` as number ``seq`` after ``prev_hash``, binding ``state``
    and signed with the current key of ``keys`` when they are given."""
    digest = event_hash(process_id, seq, event, prev_hash, state)
    key_id, mac = keys.sign(digest) if keys else (None, None)
    return AuditEvent(process_id, seq, event.at, event.actor, event.action, event.from_phase,
                      event.to_phase, event.reason, event.payload, prev_hash, digest, state,
                      key_id, mac)


@dataclass(frozen=True)
class Break:
    """The first broken place of one process's chain (``process_id`` 0: the case registry or
    the database as a whole). ``problem`` is the English text; ``code`` and ``params`` let an
    entrypoint say it in its language (``cli.audit_texts``)."""

    process_id: int
    seq: int
    problem: str
    code: str = ""
    params: tuple[tuple[str, Any], ...] = ()


def iter_timeline(events: Iterable[AuditEvent]) -> Iterator[dict[str, Any]]:
    """Events as plain dicts for ``history --json``."""
    for e in events:
        yield {"seq": e.seq, "at": format_at(e.at), "actor": e.actor, "action": e.action,
               "from_phase": e.from_phase, "to_phase": e.to_phase, "reason": e.reason,
               "payload": e.payload, "hash": e.hash}


HASHED = ("process_id", "seq", "at", "actor", "action", "from_phase", "to_phase", "reason",
          "payload", "prev_hash")


def export_record(event: AuditEvent) -> dict[str, Any]:
    """One line of ``audit export``: every hashed field, the hash, and the local time.

    ``at_local`` (Europe/Berlin, with its offset) is for reading only and is not hashed.
    ``state`` (hashed) and ``key_id``/``mac`` (the signature of ``hash``) are there on events
    written from revision 0009 on.
    """
    record = {"process_id": event.process_id, "seq": event.seq, "at": format_at(event.at),
              "at_local": event.at.astimezone(BERLIN).isoformat(timespec="seconds"),
              "actor": event.actor, "action": event.action, "from_phase": event.from_phase,
              "to_phase": event.to_phase, "reason": event.reason, "payload": event.payload,
              "prev_hash": event.prev_hash, "hash": event.hash}
    if event.state is not None:
        record["state"] = event.state
    if event.mac is not None:
        record |= {"key_id": event.key_id, "mac": event.mac}
    return record


def export_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The JSON lines of an export, each ending in a newline (UTF-8 text, not escaped)."""
    for event in events:
        yield json.dumps(export_record(event), ensure_ascii=False, separators=(",", ":")) + "\n"
