"""Retention: remove what the retention file (``states.retention``) says is kept no longer.

``apply_retention`` is ``beteiligung retention run`` and the scheduler's nightly job. At
``now`` it removes, each kind by its period in days:

- ``outbox_bodies``: the text of each e-mail delivered, failed or skipped that long ago (what
  it was, to whom and when stay in the outbox);
- ``sessions``: sign-in sessions that ended (expired or signed out) that long ago;
- ``resident_contact``: the authors of suggestions and the names and contact addresses of
  Begleitgruppe members of processes closed or cancelled that long ago, from the privacy
  store, with an event ``personal_data_expired`` naming the references in each process's
  trail;
- ``closed_processes``: processes closed or cancelled that long ago, whole: trail, deadlines,
  e-mails and personal data, leaving a tombstone with the trail's last hash (``storage.removal``).
  Each trail is checked first (``workflow.audit_check``): one that does not verify is evidence,
  and is kept (``RetentionRun.kept``) until someone has looked at it.

An item is due when its moment plus the period has come: at exactly that time it goes. With
``dry_run`` it counts what it would remove and writes nothing.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..states.retention import Retention
from .audit_check import check
from .core import Env
from .ports import UnitOfWork
from .privacy import name_references
from .reminders import SYSTEM

CONTACT_KINDS = ("suggestion_author", "member_name", "member_email")


@dataclass(frozen=True)
class RetentionRun:
    """What one run removed (or, as a dry run, would remove), by kind (``states.retention.KINDS``)
    and the processes whose trail got an event."""

    at: datetime
    dry_run: bool
    removed: dict[str, int]
    processes: tuple[int, ...] = ()
    buried: tuple[int, ...] = ()    # the processes removed whole
    kept: tuple[int, ...] = ()      # due, but kept: their trail does not verify


def apply_retention(env: Env, retention: Retention, now: datetime,
                    dry_run: bool = False) -> RetentionRun:
    """Remove what is due at ``now``; see the module's docstring."""
    with env.uow() as uow:
        # whole processes first: what they take along is not expired separately
        buried, kept, due = _processes(env, uow, retention, now, dry_run)
        bodies = uow.outbox.purge_bodies(now - timedelta(days=retention.outbox_bodies),
                                         dry_run)
        sessions = uow.tokens.purge_sessions(now - timedelta(days=retention.sessions), dry_run)
        contact, processes = _contact(env, uow, now - timedelta(
            days=retention.resident_contact), now, dry_run)
        if not dry_run:
            uow.commit()
    return RetentionRun(now, dry_run, {"outbox_bodies": bodies, "sessions": sessions,
                                       "resident_contact": contact, "closed_processes": due},
                        processes, buried, kept)


def _processes(env: Env, uow: UnitOfWork, retention: Retention, now: datetime,
               dry_run: bool) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """Remove the processes due; the removed, the kept (broken trail) and how many were due
    (a dry run: would be removed, their trails unchecked)."""
    due = uow.processes.closed_before(
        env.lifecycle.definition.terminal_phases,
        now - timedelta(days=retention.closed_processes))
    if dry_run or not due:
        return (), (), len(due)
    keys = env.audit_keys() if env.audit_keys else None
    buried, kept = [], []
    for summary in due:
        trail = check([uow.processes.head(summary.id)], uow.processes.events(summary.id),
                      keys=keys)
        if trail.ok:
            uow.processes.remove(summary.id, now, retention.closed_processes)
            buried.append(summary.id)
        else:
            kept.append(summary.id)
    return tuple(buried), tuple(kept), len(buried)


def _contact(env: Env, uow: UnitOfWork, closed_by: datetime, now: datetime,
             dry_run: bool) -> tuple[int, tuple[int, ...]]:
    records = uow.personal.of_closed(CONTACT_KINDS, env.lifecycle.definition.terminal_phases,
                                     closed_by)
    if dry_run or not records:
        return len(records), ()
    processes = name_references(env, uow, SYSTEM, records, "personal_data_expired", now)
    return uow.personal.erase([r.ref for r in records], now), processes
