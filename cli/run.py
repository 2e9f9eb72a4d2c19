"""Handler of ``beteiligung run``: the scheduler with the sweep, delivery and digest jobs."""

from __future__ import annotations

import argparse
import logging

from ..config.bootstrap import build_composer, build_env, build_sender, system_clock
from ..config.settings import load_settings


def run(args: argparse.Namespace) -> int:
    from ..notifications.dispatch import deliver
    from ..notifications.scheduler import Jobs, run_forever
    from ..workflow.reminders import queue_digest, sweep

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = load_settings()
    env, composer = build_env(settings), build_composer(settings)
    sender = build_sender(settings)

    def sweep_job(now) -> str:
        report = sweep(env, composer, now)
        return f"queued {len(report.queued)}, newly missed {len(report.missed)}"

    def deliver_job(now) -> str:
        return str(deliver(env, sender, settings.mail, now))

    def digest_job(now) -> str:
        message = queue_digest(env, composer, now)
        return f"digest queued to {', '.join(message.to)}" if message else "nothing overdue"

    reminders = settings.reminders
    run_forever(Jobs(sweep_job, deliver_job, digest_job, system_clock, reminders.sweep_minutes,
                     reminders.deliver_minutes, reminders.hour))
    return 0
