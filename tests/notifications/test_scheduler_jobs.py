"""The scheduler of ``beteiligung run``: which jobs, when, and that a failing run is survived."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from beteiligung.notifications.scheduler import Jobs, _logged, build_scheduler

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday


def _jobs(calls: list) -> Jobs:
    def job(name):
        return lambda now: calls.append((name, now)) or f"{name} ok"
    return Jobs(job("sweep"), job("deliver"), job("digest"), lambda: NOW, 15, 1, 8)


def test_sweep_and_delivery_run_at_once_and_the_digest_on_monday_morning():
    scheduler = build_scheduler(_jobs([]))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"sweep", "deliver", "digest"}
    assert jobs["sweep"].next_run_time == NOW and jobs["deliver"].next_run_time == NOW
    assert jobs["sweep"].trigger.interval.total_seconds() == 15 * 60
    assert jobs["deliver"].trigger.interval.total_seconds() == 60
    fields = {f.name: str(f) for f in jobs["digest"].trigger.fields}
    assert (fields["day_of_week"], fields["hour"]) == ("mon", "8")
    assert str(jobs["digest"].trigger.timezone) == "Europe/Berlin"
    following = jobs["digest"].trigger.get_next_fire_time(None, NOW)
    assert (following.weekday(), following.hour, following.day) == (0, 8, 30)
    assert scheduler._job_defaults["misfire_grace_time"] is None
    assert scheduler._job_defaults["coalesce"] is True


def test_a_job_logs_its_result_and_a_failure_does_not_stop_the_next_run(caplog):
    calls: list = []
    caplog.set_level(logging.INFO, logger="beteiligung.run")
    _logged("sweep", _jobs(calls).sweep, lambda: NOW)()
    assert calls == [("sweep", NOW)] and "sweep: sweep ok" in caplog.text

    def broken(now):
        raise RuntimeError("database gone")

    _logged("deliver", broken, lambda: NOW)()
    assert "deliver failed" in caplog.text and "database gone" in caplog.text


def test_retention_runs_every_night_at_three_berlin_time():
    from dataclasses import replace

    calls: list = []
    scheduler = build_scheduler(replace(_jobs(calls), retention=lambda now: "removed"))
    job = {job.id: job for job in scheduler.get_jobs()}["retention"]
    following = job.trigger.get_next_fire_time(None, NOW)
    assert str(job.trigger.timezone) == "Europe/Berlin"
    # 03:00 in Berlin (winter: UTC+1) on the night after NOW
    assert following.astimezone(UTC) == datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    assert job.trigger.get_next_fire_time(following, following).day == 27


def test_run_and_serve_schedule_the_retention_of_the_settings(tmp_path):
    from beteiligung.cli.run import reminder_jobs
    from beteiligung.config.settings import Settings

    settings = Settings(f"sqlite:///{tmp_path / 'x.db'}", frozenset(), ("Mitte",),
                        embedded=True)
    jobs = reminder_jobs(settings)
    assert jobs.retention is not None
    assert jobs.retention(NOW) == ("outbox_bodies 0, sessions 0, resident_contact 0, "
                                   "closed_processes 0")
