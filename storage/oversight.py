"""The SQL side of ``audit stuck``: ``workflow.oversight.OversightReader`` on one connection.

Every query is a range on an index, so its cost follows the rows it finds, not the table:

- phases: ``phase = :p AND phase_entered_at < :cut`` per open phase
  (``ix_processes_phase_entered``); phases the definition lacks are found as the gaps between
  its phase names on that index;
- the last event of a process: ``audit_events (process_id, seq = processes.audit_seq)``, the
  unique index, for the few processes not changed for a long time;
- overdue deadlines: ``ix_deadlines_open_status_due`` on ``(status, due_at)`` over open
  deadlines only (a partial index, migration 0005: closed deadlines, the most of them, are not
  in it);
- missing e-mail addresses: ``ix_processes_lead_email`` and ``ix_processes_deputy_email``;
- failed e-mails: ``ix_outbox_status_next_attempt`` (``status = 'failed'``);
- repeated pauses: ``ix_processes_last_hold_at`` for the processes paused recently, then
  their own events (migration 0008).

Case documents are not decoded: the districts of the processes with a finding are read from
the head of theirs (see ``districts``).
Import rule: ``states``, ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from datetime import UTC, datetime
from itertools import islice

from sqlalchemy import Connection, String, and_, bindparam, func, select, type_coerce

from ..workflow.oversight_facts import DeadlineFacts, FailedMessage, ProcessFacts
from .schema import audit_events, deadlines, outbox, processes

CHUNK = 1000
HEAD = 1000                 # characters of a document read for its districts
KEY = '"districts":'
DECODER = json.JSONDecoder()
_p, _d, _e, _o = processes.c, deadlines.c, audit_events.c, outbox.c


def _raw(column):
    """A time column as the driver gives it (see ``_utc``)."""
    return type_coerce(column, String).label(column.name)


def _utc(value) -> datetime:
    """A stored time as an aware UTC datetime. SQLite gives the text ``UtcDateTime`` stored
    (naive UTC), parsed here for a tenth of what the column type's processor costs, which
    was a third of the whole command; PostgreSQL gives a datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value + "+00:00")   # 6x faster than .replace(tzinfo)
    return value.astimezone(UTC)


_FACTS = select(_p.id, _p.title, _p.department, _p.directorate, _p.phase, _p.paused_phase,
                _raw(_p.phase_entered_at), _raw(_p.updated_at), _raw(_p.created_at),
                _p.lead_email, _p.deputy_email, _p.definition_version)
_ENTERED = _FACTS.where(_p.phase == bindparam("phase"),
                        _p.phase_entered_at < bindparam("cut"))
_UNCHANGED = _ENTERED.where(_p.updated_at < bindparam("cut"))
_IDS = _p.id.in_(bindparam("ids", expanding=True))
_BY_ID = _FACTS.where(_IDS)
_NOT_IN = _p.phase.not_in(bindparam("skip", expanding=True))
_NO_LEAD = _FACTS.where(_p.lead_email == "", _NOT_IN)
_NO_DEPUTY = _FACTS.where(_p.deputy_email == "", _p.lead_email != "", _NOT_IN)
# the gaps between two phase names, below the first and above the last
_BETWEEN = _FACTS.where(_p.phase > bindparam("low"), _p.phase < bindparam("high"))
_BELOW = _FACTS.where(_p.phase < bindparam("high"))
_ABOVE = _FACTS.where(_p.phase > bindparam("low"))
_PAUSED_OUTSIDE = _FACTS.where(_p.phase == bindparam("pause"),
                               _p.paused_phase.not_in(bindparam("known", expanding=True)))
_LAST = (select(_e.process_id, _raw(_e.at), _e.actor)
         .select_from(processes.join(audit_events, and_(_e.process_id == _p.id,
                                                        _e.seq == _p.audit_seq)))
         .where(_IDS))
_LAST_BY_PEOPLE = (select(_e.process_id, func.max(_e.at).label("at"))
                   .where(_e.process_id.in_(bindparam("ids", expanding=True)),
                          _e.actor != bindparam("ignore"))
                   .group_by(_e.process_id))
_DEADLINE = select(_d.id, _d.process_id, _d.kind, _d.ref, _d.title, _raw(_d.due_at),
                   _d.status)
# "closed_at IS NULL" as in the partial index ix_deadlines_open_status_due (migration 0005)
_OPEN = and_(_d.closed_at.is_(None), _d.kind.not_in(bindparam("ignore", expanding=True)))
_DUE_BEFORE = _DEADLINE.where(_OPEN, _d.status == "open", _d.due_at < bindparam("before"))
_MISSED = _DEADLINE.where(_OPEN, _d.status == "missed")
# the processes paused recently (ix_processes_last_hold_at), then their steps into the pause
# from their own events (the (process_id, seq) index): never a scan of the whole trail (as a
# join, SQLite's planner chose to walk audit_events and look each process up)
_PAUSED_SINCE = select(_p.id).where(_p.last_hold_at >= bindparam("since"))
_RECENT_HOLDS = (select(_e.process_id, _raw(_e.at))
                 .where(_e.process_id.in_(_PAUSED_SINCE.scalar_subquery()),
                        _e.action == "transition", _e.to_phase == bindparam("pause"),
                        _e.at >= bindparam("since")))
_FAILED = (select(_o.id, _o.process_id, _raw(_o.created_at), _o.subject, _o.last_error)
           .where(_o.status == "failed", _o.process_id.is_not(None)).order_by(_o.id))
_HEADS = select(_p.id, func.substr(_p.document, 1, bindparam("n"))).where(_IDS)
_DOCUMENTS = select(_p.id, _p.document).where(_IDS)
_HAS_DEPARTMENT = select(_p.id).where(_p.department == bindparam("department")).limit(1)
_DEPARTMENTS = select(_p.department).distinct().order_by(_p.department)


def _facts(row) -> ProcessFacts:
    return ProcessFacts(row[0], row[1], row[2], row[3], row[4], row[5], _utc(row[6]),
                        _utc(row[7]), _utc(row[8]), row[9], row[10], row[11])


def _districts_in(head: str) -> tuple[str, ...] | None:
    """The districts from the head of a document; ``None`` when they are not in it whole.
    (``"districts":`` cannot occur inside a JSON string: a quote there is escaped.)"""
    at = head.find(KEY)
    if at < 0:
        return None
    try:
        names, _ = DECODER.raw_decode(head, at + len(KEY))
    except ValueError:
        return None
    return tuple(names) if isinstance(names, list) else None


def _chunks(ids: Collection[int]) -> Iterator[list[int]]:
    items = iter(sorted(ids))
    while chunk := list(islice(items, CHUNK)):
        yield chunk


class SqlOversightReader:
    """The facts of ``audit stuck`` (inside a unit of work, so every query reads one
    snapshot)."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection

    def entered_before(self, cutoffs: Mapping[str, datetime]) -> Iterator[ProcessFacts]:
        for phase, cut in cutoffs.items():
            for row in self.conn.execute(_ENTERED, {"phase": phase, "cut": cut}):
                yield _facts(row)

    def unchanged_since(self, phases: Collection[str],
                        cutoff: datetime) -> Iterator[ProcessFacts]:
        """Who has not changed since ``cutoff`` has not changed phase either: a range on the
        phase index, then ``updated_at`` on those rows."""
        for phase in phases:
            for row in self.conn.execute(_UNCHANGED, {"phase": phase, "cut": cutoff}):
                yield _facts(row)

    def last_activity(self, process_ids: Collection[int],
                      ignore_actor: str) -> dict[int, datetime]:
        """The last event of each process, by one lookup on (process_id, seq); only where that
        one is ``ignore_actor``'s are the process's events searched for an earlier one."""
        found: dict[int, datetime] = {}
        again: list[int] = []
        for chunk in _chunks(process_ids):
            for row in self.conn.execute(_LAST, {"ids": chunk}):
                if row.actor == ignore_actor:
                    again.append(row.process_id)
                else:
                    found[row.process_id] = _utc(row.at)
        for chunk in _chunks(again):
            params = {"ids": chunk, "ignore": ignore_actor}
            found.update((row.process_id, _utc(row.at))
                         for row in self.conn.execute(_LAST_BY_PEOPLE, params))
        return found

    def overdue_deadlines(self, before: datetime,
                          ignore_kinds: Collection[str]) -> Iterator[DeadlineFacts]:
        ignore = list(ignore_kinds) or [""]
        for statement in (_DUE_BEFORE, _MISSED):
            for row in self.conn.execute(statement, {"before": before, "ignore": ignore}):
                yield DeadlineFacts(row[0], row[1], row[2], row[3], row[4], _utc(row[5]),
                                    row[6])

    def missing_email(self, skip_phases: Collection[str]) -> Iterator[ProcessFacts]:
        skip = list(skip_phases) or [""]
        for statement in (_NO_LEAD, _NO_DEPUTY):
            for row in self.conn.execute(statement, {"skip": skip}):
                yield _facts(row)

    def recent_holds(self, since: datetime, pause: str) -> dict[int, list[datetime]]:
        found: dict[int, list[datetime]] = {}
        for pid, at in self.conn.execute(_RECENT_HOLDS, {"since": since, "pause": pause}):
            found.setdefault(pid, []).append(_utc(at))
        # sorted here: an ORDER BY made SQLite walk the whole trail in index order
        return {pid: sorted(times) for pid, times in found.items()}

    def failed_messages(self) -> Iterator[FailedMessage]:
        for row in self.conn.execute(_FAILED):
            yield FailedMessage(row[0], row[1], _utc(row[2]), row[3], row[4])

    def outside(self, phases: Collection[str], pause: str | None) -> Iterator[ProcessFacts]:
        """The gaps between the known phase names, each a range on the phase index: under
        any collation the gaps together hold every other name, and none of the known ones."""
        known = sorted(set(phases))
        gaps = [(_BETWEEN, {"low": low, "high": high})
                for low, high in zip(known, known[1:], strict=False)]
        gaps += [(_BELOW, {"high": known[0]}), (_ABOVE, {"low": known[-1]})] if known else []
        for statement, params in gaps:
            for row in self.conn.execute(statement, params):
                if row.phase not in known:
                    yield _facts(row)
        if pause is not None and known:
            for row in self.conn.execute(_PAUSED_OUTSIDE, {"pause": pause, "known": known}):
                yield _facts(row)

    def processes(self, process_ids: Collection[int]) -> Iterator[ProcessFacts]:
        for chunk in _chunks(process_ids):
            for row in self.conn.execute(_BY_ID, {"ids": chunk}):
                yield _facts(row)

    def districts(self, process_ids: Collection[int]) -> dict[int, tuple[str, ...]]:
        """Read from the first ``HEAD`` characters of each document, where the districts stand
        (second, after the subject): PostgreSQL then decompresses only that slice of a TOASTed
        document, a tenth of the time of the whole. A document whose districts are not in its
        head (a very long subject) is read whole."""
        found: dict[int, tuple[str, ...]] = {}
        rest: list[int] = []
        for chunk in _chunks(process_ids):
            for pid, head in self.conn.execute(_HEADS, {"ids": chunk, "n": HEAD}):
                names = _districts_in(head or "")
                if names is None:
                    rest.append(pid)
                else:
                    found[pid] = names
        for chunk in _chunks(rest):
            for pid, document in self.conn.execute(_DOCUMENTS, {"ids": chunk}):
                found[pid] = tuple(json.loads(document).get("districts") or ())
        return found

    def departments(self) -> list[str]:
        return [name for (name,) in self.conn.execute(_DEPARTMENTS)]

    def has_department(self, department: str) -> bool:
        return self.conn.execute(_HAS_DEPARTMENT, {"department": department}).first() is not None
