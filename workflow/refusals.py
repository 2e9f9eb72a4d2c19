"""Refused attempts on the audit trail, limited per person and process.

A refused step (``transition_refused``) or a refused change by someone who may not change the
process (``permission_refused``) is appended to that process's trail, so the trail shows who
tried what. Without a limit any signed-in person could fill another lead's trail (200
refusals in 7.5 s through the web). With a ``RefusalTally`` in ``Env.refusals`` (the web
application sets one from ``[web] refusals_recorded`` and ``refusal_minutes``), a refusal is
appended only while the trail holds fewer than ``limit`` refusals by the same person within
the last ``window``; further ones are counted instead. The person always gets the full
refusal (every reason); only the trail entry is left out.

Whether the limit is reached is read from the stored trail (its last events), so it holds
across worker processes and counts the command line's refusals too. The count of those left
out is kept in the process that left them out and written to the trail with the next refusal
by that person on that process that is appended (``unrecorded``: how many since the one
before), or, when the application stops, as an event of its own (``refusals_counted``). The
command line (no tally) appends every refusal: each run is one attempt, and it has no later
moment to write a count at.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..states.case import Case
from .actors import for_staff
from .ports import AuditEvent, NewEvent, UnitOfWork

REFUSALS = frozenset({"permission_refused", "transition_refused"})
COUNTED = "refusals_counted"


@dataclass(frozen=True)
class RefusalLimit:
    """At most ``count`` refusals by one person on one process within ``window``."""

    count: int = 5
    window: timedelta = timedelta(minutes=60)


class RefusalTally:
    """The limit, and the refusals this process left off the trail, by (person, process)."""

    def __init__(self, limit: RefusalLimit = RefusalLimit()) -> None:
        self.limit = limit
        self._left_out: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def full(self, trail: Iterable[AuditEvent], actor: str, now: datetime) -> bool:
        """Whether ``trail`` (oldest first) holds ``limit`` refusals by ``actor`` within the
        window before ``now``."""
        since, seen = now - self.limit.window, 0
        for stored in reversed(list(trail)):
            if stored.at <= since:
                break
            if stored.action in REFUSALS and stored.actor.strip().lower() == actor:
                seen += 1
                if seen >= self.limit.count:
                    return True
        return False

    def leave_out(self, key: tuple[str, int]) -> None:
        with self._lock:
            self._left_out[key] = self._left_out.get(key, 0) + 1

    def pending(self, key: tuple[str, int]) -> int:
        with self._lock:
            return self._left_out.get(key, 0)

    def written(self, key: tuple[str, int], count: int) -> None:
        """``count`` of the left-out refusals of ``key`` are now on the trail."""
        with self._lock:
            left = self._left_out.get(key, 0) - count
            if left > 0:
                self._left_out[key] = left
            else:
                self._left_out.pop(key, None)

    def all_pending(self) -> dict[tuple[str, int], int]:
        with self._lock:
            return dict(self._left_out)


def record_refusal(tally: RefusalTally | None, uow: UnitOfWork, case: Case,
                   refusal: NewEvent) -> bool:
    """Append ``refusal`` to the trail and commit, unless the limit is reached: then count it
    (nothing is written). Whether it was appended."""
    if tally is None:
        uow.processes.record(case, refusal)
        uow.commit()
        return True
    actor, pid = refusal.actor.strip().lower(), case.id
    if pid is None:  # not stored: nothing to refuse onto
        raise ValueError("a refusal needs a stored case")
    key = (actor, pid)
    if tally.full(for_staff(uow, uow.processes.events(pid)), actor, refusal.at):
        tally.leave_out(key)
        return False
    carried = tally.pending(key)
    if carried:
        refusal = replace(refusal, payload={**refusal.payload, "unrecorded": carried})
    uow.processes.record(case, refusal)
    uow.commit()
    tally.written(key, carried)   # only once committed: a failed write keeps the count
    return True
