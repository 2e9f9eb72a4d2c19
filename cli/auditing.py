"""Handler of ``beteiligung audit export``: one process's whole audit trail as JSON lines.

The lines go to standard output or, with ``--out``, to a file that appears whole or not at all;
a summary with the chain head the process row records goes to standard error (standard output
with ``--out``), so that standard output stays pure JSON lines. ``docs/audit.md`` says how to
verify an export without this program.
"""

from __future__ import annotations

import argparse
import sys

from ..storage.audit_trail import SqlTrailReader
from ..workflow import audit
from ..workflow.trail import read_trail
from .commands import wired
from .files import check_target, write_atomically
from .render import lang

TEXTS = {
    "done": {
        "de": "Prozess {pid}: {count} Ereignisse {where} exportiert; laut Prozess endet der "
              "Audit-Trail mit Ereignis {seq}, Hash {hash}",
        "en": "process {pid}: {count} events exported {where}; the process records its audit "
              "trail as ending with event {seq}, hash {hash}",
    },
    "file": {"de": "in die Datei {path}", "en": "to {path}"},
    "stdout": {"de": "auf die Standardausgabe", "en": "to standard output"},
    "broken": {
        "de": "Warnung: der gespeicherte Audit-Trail ist ab Ereignis {seq} gebrochen: {problem} "
              "(siehe 'beteiligung audit verify')",
        "en": "warning: the stored audit trail is broken from event {seq}: {problem} "
              "(see 'beteiligung audit verify')",
    },
}


def export(args: argparse.Namespace) -> int:
    """Write the trail; exit 0 even when it is broken (the export shows what is stored)."""
    target = check_target(args.out) if args.out else None
    env = wired()
    with env.uow() as uow:
        trail = read_trail(SqlTrailReader(uow.conn), args.id)
    data = "".join(audit.export_lines(trail.events)).encode("utf-8")
    language = lang(args)
    if target is not None:
        write_atomically(target, data)
        report = sys.stdout
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        report = sys.stderr
    where = (TEXTS["file"][language].format(path=args.out) if args.out
             else TEXTS["stdout"][language])
    print(TEXTS["done"][language].format(pid=trail.head.process_id, count=len(trail.events),
                                         where=where, seq=trail.head.seq,
                                         hash=trail.head.hash), file=report)
    if trail.broken:
        print(TEXTS["broken"][language].format(seq=trail.broken.seq,
                                               problem=trail.broken.problem), file=report)
    return 0
