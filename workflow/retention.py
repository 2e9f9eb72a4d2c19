"""Retention: remove what the retention file (``states.retention``) says is kept no longer.

``apply_retention`` is ``beteiligung retention run`` and the scheduler's nightly job. At
``now`` it removes, each kind by its period in days:

- ``outbox_bodies``: the text of each e-mail delivered, failed or skipped that long ago (what
  it was, to whom and when stay in the outbox);
- ``sessions``: sign-in sessions that ended (expired or signed out) that long ago;
- ``resident_contact``: the authors of suggestions and the names of Begleitgruppe members of
  processes closed or cancelled that long ago, from the privacy store, with an event
  ``personal_data_expired`` naming the references in each process's trail.

An item is due when its moment plus the period has come: at exactly that time it goes. With
``dry_run`` it counts what it would remove and writes nothing.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..states.retention import Retention
from .core import Env
from .ports import UnitOfWork
from .privacy import name_references
from .reminders import SYSTEM

CONTACT_KINDS = ("suggestion_author", "member_name")


@dataclass(frozen=True)
class RetentionRun:
    """What one run removed (or, as a dry run, would remove), by kind (``states.retention.KINDS``)
    and the processes whose trail got an event."""

    at: datetime
    dry_run: bool
    removed: dict[str, int]
    processes: tuple[int, ...] = ()


def apply_retention(env: Env, retention: Retention, now: datetime,
                    dry_run: bool = False) -> RetentionRun:
    """Remove what is due at ``now``; see the module's docstring."""
    with env.uow() as uow:
        bodies = uow.outbox.purge_bodies(now - timedelta(days=retention.outbox_bodies),
                                         dry_run)
        sessions = uow.tokens.purge_sessions(now - timedelta(days=retention.sessions), dry_run)
        contact, processes = _contact(env, uow, now - timedelta(
            days=retention.resident_contact), now, dry_run)
        if not dry_run:
            uow.commit()
    return RetentionRun(now, dry_run, {"outbox_bodies": bodies, "sessions": sessions,
                                       "resident_contact": contact}, processes)


def _contact(env: Env, uow: UnitOfWork, closed_by: datetime, now: datetime,
             dry_run: bool) -> tuple[int, tuple[int, ...]]:
    definition = env.lifecycle.definition
    final = tuple(p for p in definition.phases if not definition.is_open(p))
    records = uow.personal.of_closed(CONTACT_KINDS, final, closed_by)
    if dry_run or not records:
        return len(records), ()
    processes = name_references(env, uow, SYSTEM, records, "personal_data_expired", now)
    return uow.personal.erase([r.ref for r in records], now), processes
