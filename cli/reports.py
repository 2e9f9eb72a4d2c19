"""Handler of ``beteiligung report quarterly``: the quarterly report (Berichtswesen).

It reads in one transaction (one snapshot), renders, and writes the whole text at once: to
standard output, or with ``--out`` to a file that is replaced atomically (a temporary file in
the same folder, then a rename), so a reader never sees half a report and a failed run leaves
the old file as it was.
Import rule: an entrypoint; it may import any layer.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING

from ..config.bootstrap import build_env
from ..config.settings import load_settings
from ..states.errors import BadInput
from ..states.messages import BERLIN
from ..workflow.core import Env
from ..workflow.oversight import Limits, stuck_per_department
from ..workflow.quarterly import Quarter, quarterly_report
from ..workflow.quarterly_model import QuarterlyReport
from .files import check_target, write_atomically

if TYPE_CHECKING:
    from ..storage.sql import SqlUnitOfWork
    from ..workflow.ports import UnitOfWork


def sql_unit(uow: UnitOfWork) -> SqlUnitOfWork:
    """``uow`` as the SQL unit of work, whose connection the SQL readers (report, stuck list,
    public list) take: the port's unit of work has none; the commands are wired with the SQL
    one."""
    from ..storage.sql import SqlUnitOfWork

    if not isinstance(uow, SqlUnitOfWork):
        raise TypeError(f"the SQL readers need a SqlUnitOfWork, not {type(uow).__name__}")
    return uow


def build(env: Env, quarter: Quarter,
          stuck: Mapping[str, int] | None = None) -> QuarterlyReport:
    """The report from the database of ``env`` (``stuck``: per department, when known)."""
    from ..storage.reporting import SqlQuarterlyReader

    with env.uow() as uow:
        return quarterly_report(SqlQuarterlyReader(sql_unit(uow).conn), quarter,
                                env.lifecycle.definition, env.clock(), stuck, env.departments)


def stuck_counts(env: Env, quarter: Quarter, limits: Limits) -> dict[str, int]:
    """Open processes per department with a finding of ``audit stuck`` (warning or worse), as
    of the quarter's last day or today, whichever comes first. The findings are judged from
    the data as it is now, not rebuilt for a past day as the report's other figures are."""
    from ..storage.oversight import SqlOversightReader

    as_of = min(env.clock().astimezone(BERLIN).date(), quarter.last_day)
    with env.uow() as uow:
        return stuck_per_department(SqlOversightReader(sql_unit(uow).conn), env.lifecycle,
                                    as_of, limits)


def quarterly(args: argparse.Namespace) -> int:
    from ..notifications.quarterly import render_quarterly

    quarter = Quarter.parse(args.quarter)
    csv_dialect = getattr(args, "csv_dialect", None)
    if csv_dialect and args.format != "csv":
        raise BadInput(texts={"de": "--csv-dialect gehört zu --format csv",
                              "en": "--csv-dialect goes with --format csv"})
    target = check_target(args.out) if args.out else None
    settings = load_settings()
    env = build_env(settings)
    language = getattr(args, "lang", None) or env.language
    report = build(env, quarter, stuck_counts(env, quarter, Limits(**asdict(settings.oversight))))
    text = render_quarterly(report, args.format, language, csv_dialect)
    if target is None:
        _print_utf8(text)
        return 0
    write_atomically(target, text.encode("utf-8"))
    done = {"de": f"Quartalsbericht {quarter} geschrieben: {target}",
            "en": f"Quarterly report {quarter} written to {target}"}
    print(done[language])
    return 0


def _print_utf8(text: str) -> None:
    """The report on standard output in UTF-8, whatever the locale says."""
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    binary.write(text.encode("utf-8"))
    binary.flush()
