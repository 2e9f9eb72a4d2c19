"""Handlers of the deadline commands: list, add, move, waive."""

from __future__ import annotations

import argparse

from ..states.codec import to_plain
from ..workflow import deadlines
from .commands import wired
from .entry import parse_deadline
from .render import label, lang, local, print_json, table


def list_(args: argparse.Namespace) -> int:
    items = deadlines.list_deadlines(wired(), args.id)
    if args.json:
        print_json([to_plain(d) for d in items])
        return 0
    language = lang(args)
    rows = [[str(d.id), d.status, local(d.due_at, language), local(d.next_remind_at, language),
             d.kind, d.title + (f" ({d.reason})" if d.reason else "")] for d in items]
    table(rows, ["ID", "STATUS", "DUE", "NEXT REMINDER", "KIND", "TITLE"])
    return 0


def add(args: argparse.Namespace) -> int:
    due = parse_deadline("--due", args.due)
    did = deadlines.add_deadline(wired(), args.actor, args.id, args.title, due)
    if args.json:
        print_json({"id": args.id, "deadline": did, "due_at": to_plain(due)})
    else:
        print(did)
    return 0


def move(args: argparse.Namespace) -> int:
    due = parse_deadline("--due", args.due)
    moved = deadlines.move_deadline(wired(), args.actor, args.id, args.deadline, due,
                                    args.reason)
    if args.json:
        print_json({"id": args.id, "deadline": to_plain(moved)})
        return 0
    print(f"{label('process', lang(args))} {args.id}: deadline {moved.id} due "
          f"{local(moved.due_at, lang(args))}")
    return 0


def waive(args: argparse.Namespace) -> int:
    waived = deadlines.waive_deadline(wired(), args.actor, args.id, args.deadline, args.reason)
    if args.json:
        print_json({"id": args.id, "deadline": to_plain(waived)})
        return 0
    print(f"{label('process', lang(args))} {args.id}: deadline {waived.id} waived")
    return 0
