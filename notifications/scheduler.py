"""``beteiligung run``: APScheduler drives the sweep, the delivery, the weekly digest and the
nightly retention run.

The job store is in memory; every job is an idempotent function of the database and ``now``,
so several ``run`` processes on one PostgreSQL database are safe because the jobs are, not
because the scheduler is. Missed runs are coalesced into one (``misfire_grace_time=None``),
the sweep runs at once on start to catch up, and SIGTERM or SIGINT shut down cleanly.
Import rule: ``states``, ``workflow``, this package and ``apscheduler``.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

log = logging.getLogger("beteiligung.run")


@dataclass(frozen=True)
class Jobs:
    """The jobs, each a function of ``now``, and their timing."""

    sweep: Callable[[datetime], str]
    deliver: Callable[[datetime], str]
    digest: Callable[[datetime], str]
    clock: Callable[[], datetime]
    sweep_minutes: int
    deliver_minutes: int
    digest_hour: int
    retention: Callable[[datetime], str] | None = None   # nightly at RETENTION_HOUR


RETENTION_HOUR = 3  # Europe/Berlin: after midnight, before anyone works


def _logged(name: str, job: Callable[[datetime], str], clock: Callable[[], datetime]):
    def run() -> None:
        try:
            log.info("%s: %s", name, job(clock()))
        except Exception:  # a failing run is logged; the next one tries again
            log.exception("%s failed", name)
    return run


def build_scheduler(jobs: Jobs, *, background: bool = False):
    """A scheduler with the sweep (at once, then every few minutes), the delivery, the
    Monday digest at the reminder hour and the retention run every night, Europe/Berlin:
    blocking (``beteiligung run``), or in a thread of its own beside the web server
    (``beteiligung serve``)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    now = jobs.clock()
    kind = BackgroundScheduler if background else BlockingScheduler
    scheduler = kind(timezone="Europe/Berlin", job_defaults={
        "coalesce": True, "misfire_grace_time": None, "max_instances": 1})
    scheduler.add_job(_logged("sweep", jobs.sweep, jobs.clock), IntervalTrigger(
        minutes=jobs.sweep_minutes, start_date=now), id="sweep", next_run_time=now)
    scheduler.add_job(_logged("deliver", jobs.deliver, jobs.clock), IntervalTrigger(
        minutes=jobs.deliver_minutes, start_date=now), id="deliver", next_run_time=now)
    scheduler.add_job(_logged("digest", jobs.digest, jobs.clock), CronTrigger(
        day_of_week="mon", hour=jobs.digest_hour, timezone="Europe/Berlin"), id="digest")
    if jobs.retention is not None:
        scheduler.add_job(_logged("retention", jobs.retention, jobs.clock), CronTrigger(
            hour=RETENTION_HOUR, timezone="Europe/Berlin"), id="retention")
    return scheduler


def run_forever(jobs: Jobs) -> None:
    """Start the scheduler and block until SIGTERM or SIGINT."""
    scheduler = build_scheduler(jobs)

    def stop(signum, _frame) -> None:
        log.info("received signal %s: shutting down", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("running: sweep every %s min, delivery every %s min, digest Mondays at %s:00",
             jobs.sweep_minutes, jobs.deliver_minutes, jobs.digest_hour)
    scheduler.start()
    log.info("stopped")
