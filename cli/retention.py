"""Handler of ``beteiligung retention run``: remove what ``config/retention.toml`` says is kept
no longer (``workflow.retention``), and say per kind how much. Exit 1 when a process that was
due is kept because its audit trail does not verify.
Import rule: an entrypoint; it may import any layer.
"""

from __future__ import annotations

import argparse

from ..config.bootstrap import system_clock
from ..states.retention import KINDS
from ..workflow.retention import apply_retention
from .commands import wired
from .entry import parse_moment
from .render import lang, local, print_json

TEXTS = {
    "done": {"de": "{when}: Aufbewahrungsfristen angewandt, entfernt:",
             "en": "{when}: retention applied, removed:"},
    "dry": {"de": "{when}: Aufbewahrungsfristen geprüft, würde entfernen (nichts geändert):",
            "en": "{when}: retention checked, would remove (nothing changed):"},
    "kind": {"de": "  {label}: {count} (Frist: {days} Tag(e))",
             "en": "  {label}: {count} (period: {days} day(s))"},
    "buried": {"de": "  entfernte Verfahren: {ids} (Grabsteine zeigt 'audit verify')",
               "en": "  processes removed: {ids} ('audit verify' shows their tombstones)"},
    "kept": {"de": "nicht entfernt, weil ihr Prüfpfad gebrochen ist: Verfahren {ids}; mit "
                   "'audit verify' prüfen und klären, dann erneut ausführen",
             "en": "not removed because their audit trail is broken: processes {ids}; check "
                   "with 'audit verify' and resolve, then run again"},
}


def run(args: argparse.Namespace) -> int:
    env = wired()
    now = parse_moment("--now", args.now) or system_clock()
    done = apply_retention(env, env.retention, now, dry_run=args.dry_run)
    if args.json:
        print_json({"now": now.isoformat(), "dry_run": done.dry_run, "removed": done.removed,
                    "processes": list(done.processes), "buried": list(done.buried),
                    "kept": list(done.kept)})
        return 1 if done.kept else 0
    language = lang(args)
    print(TEXTS["dry" if done.dry_run else "done"][language].format(
        when=local(now, language)))
    for kind, (_, de, en) in KINDS.items():
        print(TEXTS["kind"][language].format(label=de if language == "de" else en,
                                             count=done.removed[kind],
                                             days=getattr(env.retention, kind)))
    if done.buried:
        print(TEXTS["buried"][language].format(ids=", ".join(map(str, done.buried))))
    if done.kept:
        print(TEXTS["kept"][language].format(ids=", ".join(map(str, done.kept))))
        return 1
    return 0
