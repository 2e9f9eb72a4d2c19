"""The reads behind the quarterly report (``workflow.quarterly.QuarterlyReader``), in SQLAlchemy
Core on one connection.

The report needs the columns of ``processes`` and five kinds of audit event; it never decodes a
process document. Two ordered streams are read side by side and merged by process id: the
processes (id, title, department, directorate) and their audit events of those kinds. Only the
payloads of dialogue activities and decisions are fetched and decoded (a CASE leaves every other
payload in the database), and both results are streamed in batches, so memory stays flat
however many processes there are. Overdue deadlines are counted by the database.
Import rule: ``states``, ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, DateTime, bindparam, case, func, or_, select, type_coerce

from ..states.case import Activity, Decision
from ..workflow.quarterly import (
    ActivityRecorded,
    DecisionPublished,
    DecisionRecorded,
    Fact,
    OverdueCount,
    PhaseChange,
    ProcessFacts,
)
from .schema import audit_events, deadlines, processes

BATCH = 5000
DECODED = ("dialogue_activity_recorded", "decision_recorded")
ACTIONS = ("process_created", "transition", *DECODED, "decision_published")

_p, _e, _d = processes.c, audit_events.c, deadlines.c
_PROCESSES = (select(_p.id, _p.title, _p.department, _p.directorate)
              .where(_p.created_at < bindparam("until")).order_by(_p.id))
# ``at`` without the UtcDateTime wrapper (it cost a Python call per event; the zone is put on
# in ``_fact`` instead): naive UTC from SQLite, aware from PostgreSQL.
_EVENTS = (select(_e.process_id, type_coerce(_e.at, DateTime()).label("at"), _e.action,
                  _e.from_phase, _e.to_phase,
                  case((_e.action.in_(DECODED), _e.payload), else_=None).label("payload"))
           .where(_e.action.in_(ACTIONS), _e.at < bindparam("until"))
           .order_by(_e.process_id, _e.seq))
_OVERDUE = (select(_p.directorate, _p.department, func.count().label("n"))
            .select_from(deadlines.join(processes, _p.id == _d.process_id))
            .where(_d.created_at < bindparam("moment"), _d.due_at < bindparam("moment"),
                   or_(_d.closed_at.is_(None), _d.closed_at >= bindparam("moment")))
            .group_by(_p.directorate, _p.department))


class SqlQuarterlyReader:
    """``workflow.quarterly.QuarterlyReader`` on one SQLAlchemy connection (in the unit of
    work's transaction, so both streams see one snapshot)."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection

    def _stream(self, statement, params: dict) -> Iterator:
        """The rows, fetched a batch at a time (row-by-row fetching doubled the report's time)."""
        streaming = self.conn.execution_options(stream_results=True, yield_per=BATCH)
        for batch in streaming.execute(statement, params).partitions():
            yield from batch

    def processes(self, until: datetime) -> Iterator[ProcessFacts]:
        by_process = groupby(self._stream(_EVENTS, {"until": until}), key=itemgetter(0))
        pending = next(by_process, None)
        for pid, title, department, directorate in self._stream(_PROCESSES, {"until": until}):
            while pending is not None and pending[0] < pid:
                pending = next(by_process, None)
            facts: tuple[Fact, ...] = ()
            if pending is not None and pending[0] == pid:
                facts = tuple(map(_fact, pending[1]))
                pending = next(by_process, None)
            yield ProcessFacts(pid, title, department, directorate, facts)

    def overdue(self, moment: datetime) -> Iterator[OverdueCount]:
        for row in self.conn.execute(_OVERDUE, {"moment": moment}):
            yield OverdueCount(row.directorate, row.department, row.n)


def _fact(row) -> Fact:
    at, action = row[1], row[2]
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    if action == "transition":
        return PhaseChange(at, row[3], row[4])
    return _OTHER[action](at, row)


_OTHER: dict[str, Callable[[datetime, Any], Fact]] = {
    "process_created": lambda at, row: PhaseChange(at, None, row[4]),
    "decision_published": lambda at, row: DecisionPublished(at),
    "decision_recorded": lambda at, row: DecisionRecorded(
        at, _decision(json.loads(row[5])["decision"])),
    "dialogue_activity_recorded": lambda at, row: ActivityRecorded(
        at, _activity(json.loads(row[5])["activity"])),
}


def _activity(data: dict) -> Activity:
    return Activity(data["round"], data["format"], data["mode"], date.fromisoformat(data["on"]),
                    data["place"])


def _decision(data: dict) -> Decision:
    return Decision(data["decided_by"], date.fromisoformat(data["decided_on"]), data["summary"],
                    data["follows_results"], data["justification"],
                    data["implementation_responsible"])
