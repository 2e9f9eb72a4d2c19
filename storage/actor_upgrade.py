"""Revision 0013's work: the people the audit trail named by address before it, by
reference now (``workflow.actors``), each chain re-sealed.

For each process whose trail names a person in the clear:

1. each event's actor that is an address becomes ``ref:<reference>:<commitment>`` of the
   person's ``actor`` record (one per address, made when first needed);
2. the lead's and deputy's names and addresses in ``process_created`` and
   ``process_edited``, and the operating-system user of a command-line run, become the
   reference and commitment of their stable records;
3. the chain is hashed (and signed) again from the first changed event, and
   ``personal_data_moved`` is appended naming the old head, as revision 0011 does
   (``storage.personal_upgrade.reseal``, which also says what happens without keys).

The case documents are not part of the chain and stay as they are.
Import rule: ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from ..workflow import actors
from ..workflow.core import normalise_email
from ..workflow.ports import NewEvent
from ..workflow.privacy_port import Stable
from ..workflow.signing import AuditKeys
from .personal import SqlPersonalData
from .personal_upgrade import reseal
from .schema import audit_events, processes

REVISION = "0013"
_e, _p = audit_events.c, processes.c


def _person(value: Any) -> Any:
    """A lead or deputy as the program before 0013 wrote them, as the program now does."""
    if isinstance(value, dict) and isinstance(value.get("name"), str) \
            and isinstance(value.get("email"), str) and set(value) == {"name", "email"}:
        subject = normalise_email(value["email"])
        return {"name": Stable(actors.STAFF_NAME, subject, value["name"]),
                "email": Stable(actors.STAFF_EMAIL, subject, value["email"])}
    return value


def _payload(action: str, payload: dict[str, Any]) -> dict[str, Any]:
    if action == "process_created":
        return payload | {role: _person(payload.get(role))
                          for role in ("lead", "deputy") if role in payload}
    if action == "process_edited":
        changed = dict(payload)
        for role in ("lead", "deputy"):
            ends = payload.get(role)
            if isinstance(ends, dict):
                changed[role] = {end: _person(value) for end, value in ends.items()}
        return changed
    return payload


def _lookup(store: SqlPersonalData, at: datetime) -> actors.Lookup:
    return lambda item, pid: store.stable(item, at, pid)


def move_actors(conn: Connection, keys: AuditKeys | None, now: datetime,
                say: Callable[[str], None] = lambda _line: None) -> int:
    """Keep every person of every trail by reference; how many processes were re-sealed."""
    store = SqlPersonalData(conn)
    done = 0
    for pid in conn.execute(select(_p.id).order_by(_p.id)).scalars().all():
        rows = conn.execute(select(audit_events).where(_e.process_id == pid)
                            .order_by(_e.seq)).all()
        payloads: dict[int, Any] = {}
        kept: dict[int, str] = {}
        for row in rows:
            stored = json.loads(row.payload)
            old = NewEvent(row.at, row.actor, row.action, row.from_phase, row.to_phase,
                           row.reason, _payload(row.action, stored))
            new = actors.pseudonymise(old, _lookup(store, row.at), pid)
            if new.actor != row.actor:
                kept[row.seq] = new.actor
            if new.payload != stored:
                payloads[row.seq] = new.payload
        if not payloads and not kept:
            continue
        reseal(conn, pid, rows, payloads, keys, now, REVISION, kept)
        done += 1
    say(f"{done} process(es) re-sealed")
    return done
