"""Handlers of the deadline commands: list, add, move, waive."""

from __future__ import annotations

import argparse

from ..states.codec import to_plain
from ..workflow import deadlines
from ..workflow.timeline import WORDS
from .commands import wired
from .entry import parse_deadline
from .render import label, lang, local, print_json, table


def list_(args: argparse.Namespace) -> int:
    items = deadlines.list_deadlines(wired(), args.id)
    if args.json:
        print_json([to_plain(d) for d in items])
        return 0
    language = lang(args)
    pick = 1 if language == "en" else 0
    rows = [[str(d.id), WORDS.get(d.status, (d.status,) * 2)[pick], local(d.due_at, language),
             local(d.next_remind_at, language), KINDS.get(d.kind, (d.kind,) * 2)[pick],
             d.title + (f" ({d.reason})" if d.reason else "")] for d in items]
    table(rows, HEADERS[language == "en"])
    return 0


HEADERS = (["NR.", "STAND", "FÄLLIG", "NÄCHSTE ERINNERUNG", "ART", "TITEL"],
           ["ID", "STATUS", "DUE", "NEXT REMINDER", "KIND", "TITLE"])
KINDS = {
    "phase": ("Phasendauer", "phase length"),
    "concept_comments": ("Kommentierung Konzept", "comments on the concept"),
    "interim_comments": ("Kommentierung Zwischenergebnisse", "comments on interim results"),
    "suggestion_answer": ("Antwort auf Anregung", "answer to a suggestion"),
    "evaluation": ("Evaluation", "evaluation"),
    "custom": ("eigene Frist", "own deadline"),
}
TEXTS = {
    "moved": ("{process} {id}: Frist {deadline} ist jetzt fällig am {due}",
              "{process} {id}: deadline {deadline} now due {due}"),
    "waived": ("{process} {id}: Frist {deadline} entfällt", "{process} {id}: deadline "
               "{deadline} waived"),
}


def _say(key: str, language: str, **params: object) -> None:
    de, en = TEXTS[key]
    print((en if language == "en" else de).format(process=label("process", language), **params))


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
    _say("moved", lang(args), id=args.id, deadline=moved.id, due=local(moved.due_at, lang(args)))
    return 0


def waive(args: argparse.Namespace) -> int:
    waived = deadlines.waive_deadline(wired(), args.actor, args.id, args.deadline, args.reason)
    if args.json:
        print_json({"id": args.id, "deadline": to_plain(waived)})
        return 0
    _say("waived", lang(args), id=args.id, deadline=waived.id)
    return 0
