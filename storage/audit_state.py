"""The state an audit event binds: what a person relies on in a process row and its deadlines.

The state hash is the SHA-256 of the canonical JSON (``workflow.audit.canonical``) of::

    {"process": {<STATE_COLUMNS>, "document": <the stored document's text, a string>},
     "deadlines": [{<DEADLINE_COLUMNS>}, ... by id]}

with times as ``workflow.audit.format_at`` writes them. Left out on purpose, as bookkeeping
that changes without an event: the row's ``version``, ``updated_at`` and its chain head
(``audit_seq``, ``audit_head``: the chain itself), and a deadline's reminder progress
(``last_step``, ``next_remind_at``, ``version``), which the reminder sweep advances on its own.
Every other write to these rows appends an event in its transaction (``storage.audit_ledger``),
whose ``state`` is this hash read back from the rows as stored. ``docs/audit.md`` repeats it.
Import rule: ``states``, ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, select

from ..workflow.audit import canonical, format_at
from ..workflow.ports import ChainHead
from .schema import deadlines, processes

STATE_COLUMNS = ("title", "department", "directorate", "phase", "phase_entered_at",
                 "paused_phase", "paused_phase_entered_at", "last_hold_at", "dialogue_round",
                 "cancel_reason", "lead_email", "deputy_email", "definition_version",
                 "created_at")
DEADLINE_COLUMNS = ("id", "kind", "ref", "title", "due_at", "status", "managed", "reason",
                    "created_at", "closed_at")

_p, _d = processes.c, deadlines.c
_ROW = select(_p.id, *(_p[n] for n in STATE_COLUMNS), _p.document)
_ONE = _ROW.where(_p.id == bindparam("pid"))
_DEADLINES = select(_d.process_id, *(_d[n] for n in DEADLINE_COLUMNS))
_OF_ONE = _DEADLINES.where(_d.process_id == bindparam("pid")).order_by(_d.id)
_HEADS = select(_p.id, _p.audit_seq, _p.audit_head, _p.phase, *(_p[n] for n in STATE_COLUMNS),
                _p.document).order_by(_p.id)


def _plain(value: Any) -> Any:
    if hasattr(value, "astimezone"):
        return format_at(value)
    return value


def state_of(row: Mapping[Any, Any], deadline_rows: Iterable[Mapping[Any, Any]]
             ) -> dict[str, Any]:
    """The state as plain data (see the module's docstring); ``row`` holds at least
    ``STATE_COLUMNS`` and ``document``, each deadline at least ``DEADLINE_COLUMNS``."""
    process = {name: _plain(row[name]) for name in STATE_COLUMNS}
    # the text as stored, not parsed: parsing and re-sorting an 11 KB document was most of
    # the cost of the state hash, and any change to the text is a change to the case
    process["document"] = row["document"]
    return {"process": process,
            "deadlines": [{name: _plain(d[name]) for name in DEADLINE_COLUMNS}
                          for d in deadline_rows]}


def state_hash(row: Mapping[Any, Any], deadline_rows: Iterable[Mapping[Any, Any]]) -> str:
    """The SHA-256, in hex, of the canonical JSON of the state."""
    return hashlib.sha256(canonical(state_of(row, deadline_rows)).encode("utf-8")).hexdigest()


def current_state(conn: Connection, process_id: int,
                  row: Mapping[Any, Any] | None = None,
                  deadline_rows: list[Mapping[Any, Any]] | None = None) -> str:
    """The state hash of one process as it is stored now (in the caller's transaction);
    ``row`` and ``deadline_rows``, when the caller knows them (it wrote or read them in this
    transaction), save the queries."""
    if row is None:
        row = conn.execute(_ONE, {"pid": process_id}).one()._mapping
    if deadline_rows is None:
        deadline_rows = [d._mapping for d in conn.execute(_OF_ONE, {"pid": process_id})]
    return state_hash(row, deadline_rows)


def heads_with_state(conn: Connection) -> Iterator[ChainHead]:
    """Every process's chain head with the hash of its state as stored now: two queries,
    the deadlines grouped in memory."""
    grouped: dict[int, list] = {}
    for d in conn.execute(_DEADLINES.order_by(_d.process_id, _d.id)):
        grouped.setdefault(d.process_id, []).append(d._mapping)
    for row in conn.execute(_HEADS):
        yield ChainHead(row.id, row.audit_seq, row.audit_head, row.phase,
                        state_hash(row._mapping, grouped.get(row.id, ())))
