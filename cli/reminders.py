"""Handler of ``beteiligung reminders run``."""

from __future__ import annotations

import argparse
from datetime import datetime

from ..config.bootstrap import build_composer, build_env, system_clock
from ..config.settings import load_settings
from ..states.errors import BadInput
from ..workflow.reminders import sweep
from .render import BERLIN, lang, local, print_json


def parse_now(text: str | None) -> datetime:
    """``--now``: an ISO time (Europe/Berlin when it has no offset), else the clock."""
    if not text:
        return system_clock()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(f"--now: {text!r} is not a time like 2026-05-31T08:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=BERLIN)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    composer = build_composer(settings)
    now = parse_now(args.now)
    report = sweep(build_env(settings), composer, now, dry_run=args.dry_run)
    if args.json:
        print_json({"now": now.isoformat(), "dry_run": args.dry_run,
                    "queued": [{"dedup_key": m.dedup_key, "kind": m.kind, "to": m.to,
                                "cc": m.cc, "subject": m.subject, "process_id": m.process_id,
                                "deadline_id": m.deadline_id, "step": m.step}
                               for m in report.queued],
                    "missed": report.missed, "skipped": report.skipped})
        return 0
    verb = "would queue" if args.dry_run else "queued"
    print(f"{local(now, lang(args))}: {verb} {len(report.queued)} reminder(s); "
          f"{len(report.missed)} deadline(s) newly missed")
    for m in report.queued:
        copied = f" (cc {', '.join(m.cc)})" if m.cc else ""
        print(f"  {m.kind:<10} {', '.join(m.to)}{copied}: {m.subject}")
    return 0
