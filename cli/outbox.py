"""Handlers of the outbox commands: deliver, list, retry (they parse, call and print).

Import rule: an entrypoint; it may import any layer.
"""

from __future__ import annotations

import argparse
import sys

from ..config.bootstrap import build_env, build_sender
from ..config.settings import load_settings
from ..notifications.dispatch import deliver as deliver_due
from ..states.errors import Busy
from ..workflow import outbox
from ..workflow.ports import OutboxEntry
from .commands import wired
from .entry import parse_moment
from .render import lang, local, print_json, table

NOTHING_DELIVERED = 9
"""The exit code of a delivery that had messages due and sent none of them (the mail server
is down or refuses them all): a cron job or a monitor sees it without reading the line."""
TEXTS = {
    "report": {"de": "gesendet {sent}, später erneut {retried}, fehlgeschlagen {failed}, "
                     "übersprungen {skipped}",
               "en": "sent {sent}, to retry {retried}, failed {failed}, skipped {skipped}"},
    "warnings": {"de": " ({n} mit abgelehnten Empfängern)",
                 "en": " ({n} with refused recipients)"},
    "busy": {"de": "die Datenbank war mit einer anderen Zustellung beschäftigt; der Rest geht "
                   "beim nächsten Lauf hinaus",
             "en": "the database was busy with another delivery; the rest goes out next run"},
    "none": {"de": "keine fällige E-Mail konnte zugestellt werden: 'outbox list --status "
                   "failed' und die Einstellungen [mail] prüfen",
             "en": "none of the due e-mails could be delivered: check 'outbox list --status "
                   "failed' and the [mail] settings"},
}


def deliver(args: argparse.Namespace) -> int:
    """Send what is due; exit ``NOTHING_DELIVERED`` when messages were due and none went out
    (retried or failed), 5 when another delivery kept the database busy before any did."""
    settings = load_settings()
    sender = build_sender(settings)
    report = deliver_due(wired(settings), sender, settings.mail,
                         parse_moment("--now", args.now))
    language = lang(args)
    counts = {"sent": len(report.sent), "retried": len(report.retried),
              "failed": len(report.failed), "skipped": len(report.skipped)}
    warnings = (TEXTS["warnings"][language].format(n=len(report.warnings))
                if report.warnings else "")
    print(TEXTS["report"][language].format(**counts) + warnings)
    if report.busy:
        print(TEXTS["busy"][language])
    if report.sent:
        return 0
    if report.retried or report.failed:
        print(f"beteiligung: {TEXTS['none'][language]}", file=sys.stderr)
        return NOTHING_DELIVERED
    return Busy.exit_code if report.busy else 0


def _plain(entry: OutboxEntry) -> dict:
    m = entry.message
    stamp = lambda at: at.isoformat() if at else None  # noqa: E731
    return {"id": entry.id, "status": entry.status, "kind": m.kind, "to": m.to, "cc": m.cc,
            "subject": m.subject, "process_id": m.process_id, "deadline_id": m.deadline_id,
            "step": m.step, "attempts": entry.attempts,
            "next_attempt_at": stamp(entry.next_attempt_at),
            "leased_until": stamp(entry.leased_until), "last_error": entry.last_error,
            "created_at": stamp(entry.created_at), "sent_at": stamp(entry.sent_at)}


def list_(args: argparse.Namespace) -> int:
    entries = outbox.list_messages(build_env(load_settings()), args.status)
    if args.json:
        print_json([_plain(e) for e in entries])
        return 0
    language = lang(args)
    rows = [[str(e.id), e.status, str(e.attempts),
             local(e.sent_at if e.status == "sent" else e.next_attempt_at, language),
             ", ".join(e.message.to + e.message.cc), e.message.subject
             + (f" [{e.last_error}]" if e.last_error else "")] for e in entries]
    table(rows, ["ID", "STATUS", "ATTEMPTS", "SENT/NEXT", "TO", "SUBJECT"])
    return 0


def retry(args: argparse.Namespace) -> int:
    outbox.retry_message(wired(), args.actor, args.id)
    if args.json:
        print_json({"id": args.id, "status": "queued"})
        return 0
    print(f"message {args.id} queued again")
    return 0
