"""Handler of ``beteiligung export public``: the Vorhabenliste (R14) as open data.

Composes the read: ``storage.public.SqlPublicProcesses`` streams the cases in one snapshot,
``workflow.public`` keeps what is published, ``notifications.public_list`` renders it, and the
pieces are written as they come (UTF-8). With ``--out`` the file is written to a temporary
file beside it and renamed over it only when everything was written: on any error the old
file stays as it was and no partial file is left, and the command says where it wrote. A CSV
is for German Excel unless ``--csv-dialect plain`` is given.
Import rule: an entrypoint; it may import any layer.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import closing
from typing import BinaryIO

from ..notifications.public_list import render
from ..states.errors import BadInput
from ..storage.public import SqlPublicProcesses
from ..workflow.core import Env
from ..workflow.public import published_processes
from .commands import wired
from .files import atomic_file, check_target
from .reports import sql_unit

DONE = {"de": "Vorhabenliste ({fmt}) geschrieben: {target}",
        "en": "Public list ({fmt}) written to {target}"}


def export(args: argparse.Namespace) -> int:
    """Write the public list in ``--format`` to ``--out`` or standard output."""
    fmt = getattr(args, "format", None) or "json"
    out = getattr(args, "out", None)
    csv_dialect = getattr(args, "csv_dialect", None)
    if csv_dialect and fmt != "csv":
        raise BadInput(texts={"de": "--csv-dialect gehört zu --format csv",
                              "en": "--csv-dialect goes with --format csv"})
    target = check_target(out) if out else None
    env = wired()
    language = getattr(args, "lang", None) or env.language
    if target is None:
        write_public(env, fmt, language, sys.stdout.buffer, csv_dialect)
        sys.stdout.buffer.flush()
        return 0
    with atomic_file(target) as sink:
        write_public(env, fmt, language, sink, csv_dialect)
    print(DONE.get(language, DONE["de"]).format(fmt=fmt, target=target))
    return 0


def write_public(env: Env, fmt: str, language: str, sink: BinaryIO,
                 csv_dialect: str | None = None) -> None:
    """Render the public list of every process into ``sink``, one piece at a time."""
    phases = {name: phase.label(language)
              for name, phase in env.lifecycle.definition.phases.items()}
    with env.uow() as uow:
        source = SqlPublicProcesses(sql_unit(uow).conn)
        with closing(published_processes(source)) as entries:
            for piece in render(fmt, entries, language=language, phases=phases,
                                generated_at=env.clock(), csv_dialect=csv_dialect):
                sink.write(piece.encode("utf-8"))
