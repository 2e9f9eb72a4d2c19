"""Handler of ``beteiligung reminders run``."""

from __future__ import annotations

import argparse

from ..config.bootstrap import build_composer, system_clock
from ..config.settings import load_settings
from ..workflow.reminders import sweep
from .commands import wired
from .entry import parse_moment
from .render import lang, local, print_json


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    composer = build_composer(settings)
    now = parse_moment("--now", args.now) or system_clock()
    report = sweep(wired(settings), composer, now, dry_run=args.dry_run)
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
