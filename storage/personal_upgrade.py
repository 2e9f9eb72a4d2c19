"""Revision 0011's work: the personal values written before revision 0010 move out of the
case documents and the audit payloads into the privacy store, and each chain is re-sealed.

For each process whose trail or document still holds a plain personal value:

1. every event's payload gets, in place of each value (a suggestion's text and author, a
   member's name), its reference and commitment (``workflow.sealing``), the value going to
   ``personal_data``;
2. the document's suggestions and members name the references their events got, their
   values blank (``states.personal.strip``);
3. from the first changed event on, each event's hash is computed again (its ``state``, the
   hash of the case as it was then, stays as recorded) and signed with the current key when
   there are keys; without keys the chain's signatures are removed, all of them, so that
   ``audit verify`` notes an unsigned trail rather than a break;
4. an event ``personal_data_moved`` is appended by ``beteiligung@system``, binding the
   state as it is now and naming the old head (``old_seq``, ``old_head``), so that an export
   taken before the upgrade can still be matched to the trail as it was.

The append-only safeguards are lifted for this transaction only (the migration runs as the
tables' owner) and are in force again when it commits.
Import rule: ``states``, ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, text, update

from ..states.personal import strip
from ..workflow.audit import canonical, event_hash
from ..workflow.ports import NewEvent
from ..workflow.privacy import personal, subject_of
from ..workflow.privacy_port import Personal
from ..workflow.reminders import SYSTEM
from ..workflow.sealing import sealed
from ..workflow.signing import AuditKeys
from .audit_state import current_state
from .personal import SqlPersonalData
from .schema import audit_events, processes

ACTION = "personal_data_moved"
_e, _p = audit_events.c, processes.c


class _Moved:
    """The personal values found in one process, by where the document needs them."""

    def __init__(self) -> None:
        self.items: list[tuple[Personal, datetime]] = []
        self.suggestions: dict[int, dict[str, str]] = {}  # number -> field -> reference
        self.members: dict[str, str] = {}                 # name -> reference

    def take(self, kind: str, value: str, subject: str, at: datetime) -> dict[str, str]:
        item = personal(kind, value, subject)
        self.items.append((item, at))
        return sealed(item)


def _payload(action: str, payload: dict[str, Any], at: datetime,
             moved: _Moved) -> dict[str, Any] | None:
    """The payload with its personal values sealed, or ``None`` when it holds none."""
    if action == "suggestion_received" and isinstance(payload.get("text"), str):
        author = str(payload.get("author") or "").strip()
        subject = subject_of(author)
        new = {k: v for k, v in payload.items() if k != "author"}
        new["text"] = moved.take("suggestion_text", payload["text"], subject, at)
        refs = {"text": new["text"]["ref"]}
        if author:
            new["author"] = moved.take("suggestion_author", author, subject, at)
            refs["author"] = new["author"]["ref"]
        moved.suggestions[int(payload.get("number", 0))] = refs
        return new
    member = payload.get("member")
    if action == "begleitgruppe_member_added" and isinstance(member, dict) \
            and isinstance(member.get("name"), str):
        name = moved.take("member_name", member["name"], subject_of(member["name"]), at)
        moved.members[member["name"]] = name["ref"]
        return payload | {"member": member | {"name": name}}
    if action == "begleitgruppe_member_removed" and isinstance(member, str):
        return payload | {"member": moved.take("member_name", member, subject_of(member), at)}
    return None


def _document(document: dict[str, Any], at: datetime, moved: _Moved) -> bool:
    """Give the document's holders their references; whether anything changed."""
    changed = False
    for item in document.get("suggestions") or ():
        if item.get("refs"):
            continue
        refs = moved.suggestions.get(int(item.get("number", 0)), {})
        subject = subject_of(str(item.get("author") or ""))
        for name, kind in (("text", "suggestion_text"), ("author", "suggestion_author")):
            if name not in refs and str(item.get(name) or ""):
                refs[name] = moved.take(kind, str(item[name]), subject, at)["ref"]
        item["refs"], item["erased"], changed = refs, [], True
    for member in (document.get("begleitgruppe") or {}).get("members") or ():
        if member.get("refs"):
            continue
        ref = moved.members.get(member.get("name", "")) or moved.take(
            "member_name", member["name"], subject_of(member["name"]), at)["ref"]
        member["refs"], member["erased"], changed = {"name": ref}, [], True
    strip(document)
    return changed


def move_personal_data(conn: Connection, keys: AuditKeys | None, now: datetime,
                       say: Callable[[str], None] = lambda _line: None) -> int:
    """Move and re-seal every process that needs it; how many processes were re-sealed."""
    store = SqlPersonalData(conn)
    done = 0
    for pid, raw in conn.execute(select(_p.id, _p.document).order_by(_p.id)).all():
        rows = conn.execute(select(audit_events).where(_e.process_id == pid)
                            .order_by(_e.seq)).all()
        moved = _Moved()
        payloads = {row.seq: _payload(row.action, json.loads(row.payload), row.at, moved)
                    for row in rows}
        document = json.loads(raw)
        if not _document(document, rows[-1].at if rows else now, moved) and not any(
                payloads.values()):
            continue
        for item, at in moved.items:
            store.record(item, pid, at)
        conn.execute(update(processes).where(_p.id == pid).values(
            document=json.dumps(document, ensure_ascii=False, separators=(",", ":"))))
        reseal(conn, pid, rows, payloads, keys, now)
        done += 1
    say(f"{done} process(es) re-sealed")
    return done


def reseal(conn: Connection, pid: int, rows: Sequence[Any], payloads: dict[int, Any],
           keys: AuditKeys | None, now: datetime, revision: str = "0011",
           actors: dict[int, str] | None = None) -> None:
    """Hash (and sign) the chain of ``pid`` again from the first event whose payload
    (``payloads``, by seq; ``None``: unchanged) or actor (``actors``, by seq) changed, and
    append ``personal_data_moved`` naming the old head and ``revision``."""
    actors = actors or {}
    signed = any(row.mac for row in rows)
    first = min([seq for seq, p in payloads.items() if p is not None] + list(actors),
                default=None)
    prev, old_head = "0" * 64, rows[-1].hash if rows else "0" * 64
    for row in rows:
        payload = payloads.get(row.seq)
        if payload is None:
            payload = json.loads(row.payload)
        actor = actors.get(row.seq, row.actor)
        if first is None or row.seq < first:
            if keys is None and signed:
                _write(conn, row.id, payload, row.hash, row.prev_hash, None, actor)
            prev = row.hash
            continue
        item = NewEvent(row.at, actor, row.action, row.from_phase, row.to_phase,
                        row.reason, payload)
        digest = event_hash(pid, row.seq, item, prev, row.state)
        _write(conn, row.id, payload, digest, prev, keys.sign(digest) if keys else None,
               actor)
        prev = digest
    seq = rows[-1].seq + 1 if rows else 1
    phase = conn.execute(select(_p.phase).where(_p.id == pid)).scalar_one()
    state = current_state(conn, pid)
    item = NewEvent(now, SYSTEM, ACTION, phase, phase, "",
                    {"old_seq": seq - 1, "old_head": old_head, "revision": revision})
    digest = event_hash(pid, seq, item, prev, state)
    key_id, mac = keys.sign(digest) if keys else (None, None)
    conn.execute(audit_events.insert().values(
        process_id=pid, seq=seq, at=now, actor=SYSTEM, action=ACTION, from_phase=phase,
        to_phase=phase, reason="", payload=canonical(item.payload),
        prev_hash=prev, hash=digest, state=state, key_id=key_id, mac=mac))
    conn.execute(update(processes).where(_p.id == pid).values(audit_seq=seq,
                                                               audit_head=digest))


def _write(conn: Connection, row_id: int, payload: dict[str, Any], digest: str, prev: str,
           signature: tuple[str, str] | None, actor: str) -> None:
    key_id, mac = signature if signature else (None, None)
    conn.execute(update(audit_events).where(_e.id == row_id).values(
        actor=actor, payload=canonical(payload), hash=digest, prev_hash=prev,
        key_id=key_id, mac=mac))


def run(attributes: dict, conn: Connection,
        work: Callable[[Connection, AuditKeys | None, datetime], int]) -> None:
    """A revision's upgrade that re-seals chains (0011, 0013): ``work`` with the keys and
    the time that ``beteiligung db upgrade`` passes (``attributes``), the append-only
    safeguards lifted meanwhile."""
    keys = attributes.get("audit_keys")
    now = attributes.get("now") or datetime.now(UTC)
    restore = lift_safeguards(conn)
    work(conn, keys() if callable(keys) else keys, now)
    restore()


def lift_safeguards(conn: Connection) -> Callable[[], None]:
    """Let this transaction rewrite ``audit_events``; the returned function restores the
    safeguards (call it before the commit)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))

        def enable() -> None:
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))

        return enable
    triggers = conn.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = "
        "'audit_events'")).all()
    for name, _ in triggers:
        conn.execute(text(f'DROP TRIGGER "{name}"'))

    def restore() -> None:
        for _, sql in triggers:
            conn.execute(text(sql))

    return restore
