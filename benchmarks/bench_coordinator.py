"""Coordinator benchmark: ``audit stuck`` and the quarterly report over 100,000 processes.

What it does:

1. Seeds P processes (``--processes``, default 100,000) with the helpers of ``bench_core.py``
   (real processes made through the use cases, cloned with their own audit chains), then gives
   them the times of a living city: every open process entered its phase some time within
   that phase's dwell limit and was last changed within the last month, except a share
   (``--stuck``, default 5 %) that stays in its phase one to three times too long, many of them
   without a change for months. Closed and cancelled processes ended up to four years ago.
2. Seeds D = P x ``--deadlines-per-process`` (default 5) deadlines with the helpers of
   ``bench_reminders.py`` (``DeadlineFactory``, ``insert_deadlines``), on the open processes,
   about 1 % of them due around the day of the audit, 0.1 % a week overdue; then closes 60 %
   of them as met, long ago (as a year of work leaves them), marks the overdue ones missed (as
   the sweep does), gives every process in ``interim_results`` its comment period (those of
   the stuck ones long over), and queues and fails a few e-mails (``--failed``, default 50).
3. Times ``cli.oversight.collect`` (the function ``beteiligung audit stuck`` calls: one unit of
   work, the reader, the rules) ``--repeats`` times, interleaved with a bare
   ``SELECT count(*) FROM processes`` in the same run, and prints both medians and their
   ratio; then the whole command in process (settings, wiring, the table, output discarded),
   each query of the reader alone, and the Python heap peak of one ``collect``
   (``tracemalloc``): the work streams, it does not load the processes.
4. Times ``beteiligung report quarterly`` for the quarter of the audit day as the command does
   it (``cli.reports.stuck_counts``, ``cli.reports.build``, rendered as HTML), interleaved with
   a bare ``SELECT count(*) FROM audit_events`` (the table it scans), and its heap peak.

Targets (issue 4): ``audit stuck`` answers in under a second at 100,000 processes (the script
marks it met or MISSED; it never fails a build); the quarterly report in a few seconds.

Usage (from the repository root):

    .venv/bin/python benchmarks/bench_coordinator.py                    # 100,000, ~1 minute
    .venv/bin/python benchmarks/bench_coordinator.py --processes 2000   # a smoke run, seconds
    .venv/bin/python benchmarks/bench_coordinator.py --processes 10000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/test

Without ``--database-url`` the database is a SQLite file in a temporary folder, removed at the
end (``--keep`` keeps it); a PostgreSQL URL gets a new schema, dropped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.util
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import bindparam, insert, text, update

from beteiligung.cli.oversight import collect
from beteiligung.storage.oversight import SqlOversightReader
from beteiligung.storage.schema import deadlines, processes
from beteiligung.storage.sql import SqlUnitOfWork
from beteiligung.workflow.oversight import NOT_TASKS, Limits, day_start
from beteiligung.workflow.ports import OutgoingMessage
from beteiligung.workflow.reminders import SYSTEM

HERE = Path(__file__).resolve().parent
TARGET_SECONDS = 1.0
CHUNK = 5000


def _load(name: str):
    """A sibling benchmark as a module (``bench_reminders`` loads ``bench_core`` itself)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bench_reminders = _load("bench_reminders")
bench_core = bench_reminders.bench_core
NOW = bench_reminders.NOW
AS_OF = NOW.astimezone(bench_reminders.BERLIN).date()


# --------------------------------------------------------------------------------------------
# 1. Seeding
# --------------------------------------------------------------------------------------------

def process_times(limit: int | None, stuck: bool,
                  rng: random.Random) -> tuple[datetime, datetime]:
    """(phase_entered_at, updated_at) of a process as of ``NOW``."""
    if limit is None:                       # closed or cancelled: ended some time ago
        entered = NOW - timedelta(days=rng.uniform(30, 1500))
        return entered, entered
    if stuck:
        entered = NOW - timedelta(days=limit * rng.uniform(1.05, 3.0))
        updated = NOW - timedelta(days=rng.uniform(0, 200))
    else:
        entered = NOW - timedelta(days=limit * rng.uniform(0.0, 0.9))
        updated = NOW - timedelta(days=rng.uniform(0, 30))
    return entered, max(entered, updated)


def set_times(engine, env, phase_of: dict[int, str], stuck_share: float) -> set[int]:
    """Give every process its times; return the ids of the stuck ones."""
    definition = env.lifecycle.definition
    hold = Limits().hold_days
    rng = random.Random(20260310)
    stuck: set[int] = set()
    statement = (update(processes).where(processes.c.id == bindparam("b_id"))
                 .values(phase_entered_at=bindparam("b_entered"),
                         updated_at=bindparam("b_updated")))
    rows = []
    for pid, phase in sorted(phase_of.items()):
        spec = definition.phases[phase]
        limit = None if spec.terminal else hold if spec.pause else spec.dwell_days
        is_stuck = limit is not None and rng.random() < stuck_share
        if is_stuck:
            stuck.add(pid)
        entered, updated = process_times(limit, is_stuck, rng)
        rows.append({"b_id": pid, "b_entered": entered, "b_updated": updated})
    for start in range(0, len(rows), CHUNK):
        with engine.begin() as conn:
            conn.execute(statement, rows[start:start + CHUNK])
    return stuck


def seed_deadlines(engine, url: str, env, phase_of: dict[int, str], per_process: int,
                   stuck: set[int]) -> dict:
    """The deadlines: open ones from ``bench_reminders``, then history, missed, interim."""
    open_pids = sorted(p for p, phase in phase_of.items()
                       if not env.lifecycle.definition.phases[phase].terminal)
    total = len(phase_of) * per_process
    rng = random.Random(20260311)
    due_ids = sorted(rng.sample(range(1, total + 1), max(10, total // 100)))
    factory = bench_reminders.DeadlineFactory(env, open_pids, phase_of, due_ids)
    bench_reminders.insert_deadlines(engine, url, factory, 1, total + 1)
    c = deadlines.c
    long_ago = NOW - timedelta(days=400)
    with engine.begin() as conn:
        # a year of work: most deadlines were met and closed long ago
        conn.execute(update(deadlines).where(c.id % 17 < 10, c.id.not_in(due_ids))
                     .values(status="met", due_at=long_ago, closed_at=long_ago,
                             next_remind_at=None))
        # the sweep marks a deadline missed with its first overdue reminder, a week after
        conn.execute(update(deadlines).where(c.closed_at.is_(None), c.status == "open",
                                             c.due_at < NOW - timedelta(days=6))
                     .values(status="missed"))
    interim = [pid for pid in open_pids if phase_of[pid] == "interim_results"]
    rows = []
    for pid in interim:
        over = rng.uniform(35, 120) if pid in stuck else rng.uniform(-20, 20)
        due = NOW - timedelta(days=over)
        rows.append({"process_id": pid, "kind": "interim_comments", "ref": "round 2",
                     "title": "Kommentierungsfrist der Zwischenergebnisse (Runde 2)",
                     "due_at": due, "status": "open", "managed": True, "reason": "",
                     "last_step": -1, "next_remind_at": due + timedelta(days=7), "version": 1,
                     "created_at": due - timedelta(days=21), "closed_at": None})
    with engine.begin() as conn:
        if rows:
            conn.execute(insert(deadlines), rows)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return {"deadlines": total + len(rows), "due": len(due_ids), "interim": len(rows)}


def fail_messages(engine, open_pids: list[int], count: int) -> None:
    """``count`` e-mails about open processes, queued and failed for good."""
    rng = random.Random(20260312)
    with SqlUnitOfWork(engine) as uow:
        for i, pid in enumerate(rng.sample(open_pids, min(count, len(open_pids)))):
            uow.outbox.enqueue(OutgoingMessage(
                f"bench:failed:{i}", "reminder", ["anna.lehmann@hannover-stadt.de"], [],
                "Erinnerung", "Text", "<p>Text</p>", process_id=pid),
                NOW - timedelta(days=rng.uniform(1, 30)))
        for entry in uow.outbox.claim(NOW, 300, count):
            uow.outbox.mark_failed(entry.id, "550 5.1.1 mailbox unavailable")
        uow.commit()


# --------------------------------------------------------------------------------------------
# 2. Measuring
# --------------------------------------------------------------------------------------------

def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1e3


def measure(url: str, repeats: int) -> dict:
    env, _, _, engine = bench_reminders.make_env(url)
    limits = Limits()
    findings = collect(env, limits, AS_OF)       # warm-up: statements compiled, pages cached
    stuck_s, count_s = [], []
    for i in range(repeats):
        for side in (("stuck", "count") if i % 2 == 0 else ("count", "stuck")):
            gc.collect()
            t0 = time.perf_counter()
            if side == "stuck":
                collect(env, limits, AS_OF)
                stuck_s.append(time.perf_counter() - t0)
            else:
                with engine.connect() as conn:
                    total = conn.execute(text("SELECT count(*) FROM processes")).scalar()
                count_s.append(time.perf_counter() - t0)
    out = {"findings": len(findings), "processes_found": len({f.process_id for f in findings}),
           "by_code": dict(Counter(f.code for f in findings).most_common()),
           "by_severity": dict(Counter(f.severity for f in findings)),
           "stuck_ms": _median_ms(stuck_s), "stuck_max_ms": max(stuck_s) * 1e3,
           "count_ms": _median_ms(count_s), "count": total}
    out["ratio"] = out["stuck_ms"] / out["count_ms"]
    out["queries_ms"] = measure_queries(env, engine, limits, findings, repeats)
    out["cli_ms"] = measure_cli(url, repeats)
    gc.collect()
    tracemalloc.start()
    collect(env, limits, AS_OF)
    out["heap_peak_kib"] = tracemalloc.get_traced_memory()[1] / 1024
    tracemalloc.stop()
    out["quarterly"] = measure_quarterly(env, url, AS_OF, repeats)
    engine.dispose()
    return out


def measure_queries(env, engine, limits: Limits, findings: list, repeats: int) -> dict:
    """Each query of the reader alone (median ms): where the time goes."""
    definition = env.lifecycle.definition
    day = lambda days: day_start(AS_OF - timedelta(days=days))  # noqa: E731
    pause = definition.pause_phase
    cutoffs = {name: day(limits.hold_days if name == pause else p.dwell_days)
               for name, p in definition.phases.items() if not p.terminal}
    running = [name for name, p in definition.phases.items()
               if not p.terminal and name != pause]
    ids = sorted({f.process_id for f in findings})
    quiet = sorted({f.process_id for f in findings if f.code == "idle"})
    terminal = [p.name for p in definition.phases.values() if p.terminal]
    calls = {
        "entered_before (dwell and hold limits)": lambda r: list(r.entered_before(cutoffs)),
        "unchanged_since (idle limit)": lambda r: list(
            r.unchanged_since(running, day(limits.idle_days))),
        "last_activity (the idle ones)": lambda r: r.last_activity(quiet, SYSTEM),
        "overdue_deadlines": lambda r: list(r.overdue_deadlines(day_start(AS_OF), NOT_TASKS)),
        "missing_email": lambda r: list(r.missing_email(terminal)),
        "failed_messages": lambda r: list(r.failed_messages()),
        "outside (phases not in the definition)": lambda r: list(
            r.outside(list(definition.phases), definition.pause_phase)),
        "districts (processes with a finding)": lambda r: r.districts(ids),
    }
    out = {}
    with SqlUnitOfWork(engine) as uow:
        reader = SqlOversightReader(uow.conn)
        for name, call in calls.items():
            rows = call(reader)
            samples = []
            for _ in range(max(3, repeats)):
                t0 = time.perf_counter()
                call(reader)
                samples.append(time.perf_counter() - t0)
            out[name] = {"ms": _median_ms(samples), "rows": len(rows)}
    return out


def measure_cli(url: str, repeats: int) -> dict:
    """``beteiligung audit stuck --as-of ...`` in this process and as a fresh command, output
    discarded (median ms): settings, wiring, the work, the table."""
    from beteiligung.cli.main import main as cli

    argv = ["audit", "stuck", "--as-of", AS_OF.isoformat()]
    saved = {k: os.environ.get(k) for k in ("BETEILIGUNG_DATABASE_URL", "BETEILIGUNG_CONFIG")}
    os.environ["BETEILIGUNG_DATABASE_URL"] = url
    os.environ.pop("BETEILIGUNG_CONFIG", None)
    in_process, fresh = [], []
    try:
        for i in range(repeats + 1):
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                code = cli(argv)
            assert code == 0, code
            if i:
                in_process.append(time.perf_counter() - t0)
        exe = shutil.which("beteiligung", path=str(Path(sys.executable).parent))
        for _ in range(3 if exe else 0):
            t0 = time.perf_counter()
            subprocess.run([exe, *argv], check=True, stdout=subprocess.DEVNULL)
            fresh.append(time.perf_counter() - t0)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return {"in_process_ms": _median_ms(in_process),
            "command_ms": _median_ms(fresh) if fresh else None}


def measure_quarterly(env, url: str, as_of: date, repeats: int) -> dict:
    """``beteiligung report quarterly`` for the quarter of ``as_of``, as the command does it:
    the stuck counts, the report built in one transaction (``cli.reports.build``) and rendered
    as HTML; beside ``SELECT count(*)`` of the audit table it scans, and its heap peak."""
    from beteiligung.cli.reports import build, stuck_counts
    from beteiligung.notifications.quarterly import render_quarterly
    from beteiligung.workflow.quarterly import Quarter

    quarter = Quarter(as_of.year, (as_of.month - 1) // 3 + 1)

    def report() -> int:
        built = build(env, quarter, stuck_counts(env, quarter, Limits()))
        return len(render_quarterly(built, "html", "de"))

    size = report()  # warm-up
    report_s, count_s = [], []
    for i in range(repeats):
        for side in (("report", "count") if i % 2 == 0 else ("count", "report")):
            gc.collect()
            t0 = time.perf_counter()
            if side == "report":
                report()
                report_s.append(time.perf_counter() - t0)
            else:
                with env.uow() as uow:
                    events = uow.conn.execute(text("SELECT count(*) FROM audit_events")).scalar()
                count_s.append(time.perf_counter() - t0)
    gc.collect()
    tracemalloc.start()
    report()
    peak = tracemalloc.get_traced_memory()[1] / 1024
    tracemalloc.stop()
    return {"label": f"beteiligung report quarterly --quarter {quarter} (HTML, {size:,} bytes)",
            "ms": _median_ms(report_s), "count_ms": _median_ms(count_s), "events": events,
            "heap_peak_kib": peak}


# --------------------------------------------------------------------------------------------
# 3. The run and the report
# --------------------------------------------------------------------------------------------

def run(args: argparse.Namespace, folder: Path) -> dict:
    t0 = time.perf_counter()
    templates = bench_core.build_templates(folder)
    _say(f"templates: {len(templates)} phases made through the use cases in "
         f"{time.perf_counter() - t0:.1f} s")
    with bench_core.database(args.database_url, folder, args.processes, args.keep) as (url,
                                                                                        engine):
        t0 = time.perf_counter()
        seeded = bench_core.seed(engine, templates, args.processes)
        phase_of = {pid: phase for phase, pids in seeded["by_phase"].items() for pid in pids}
        env, _, _, _ = bench_reminders.make_env(url)
        stuck = set_times(engine, env, phase_of, args.stuck)
        made = seed_deadlines(engine, url, env, phase_of, args.deadlines_per_process, stuck)
        open_pids = sorted(p for p, phase in phase_of.items()
                           if not env.lifecycle.definition.phases[phase].terminal)
        fail_messages(engine, open_pids, args.failed)
        result = {"processes": args.processes, "audit_events": seeded["events"],
                  "stuck_seeded": len(stuck), "failed": args.failed, "as_of": AS_OF.isoformat(),
                  "seed_s": time.perf_counter() - t0} | made
        with engine.connect() as conn:
            result["server"] = (f"{engine.dialect.name} "
                                + ".".join(map(str, conn.dialect.server_version_info or ())))
        _say(f"seeded {args.processes:,} processes and {made['deadlines']:,} deadlines in "
             f"{result['seed_s']:.1f} s; measuring ...")
        result["db_mib"] = bench_reminders._db_mib(url)
        result |= measure(url, args.repeats)
        if args.keep and url.startswith("sqlite"):
            _say(f"database kept: {url}")
    return result


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _row(label: str, value: str, width: int = 58) -> str:
    return f"  {label:<{width}} {value}"


def report(r: dict) -> None:
    line = "-" * 100
    print(line)
    print("beteiligung coordinator benchmark (benchmarks/bench_coordinator.py)")
    print(f"machine: {bench_core.machine()}")
    size = f", {r['db_mib']:,.0f} MiB on disk" if r.get("db_mib") else ""
    print(f"database: {r['server']}; {r['processes']:,} processes ({r['stuck_seeded']:,} seeded "
          f"stuck), {r['audit_events']:,} audit events, {r['deadlines']:,} deadlines "
          f"({r['due']:,} due around the day, {r['interim']:,} interim periods), "
          f"{r['failed']} failed e-mails{size}; seeded in {r['seed_s']:.1f} s")
    print(line)
    print(f"audit stuck --as-of {r['as_of']}: {r['findings']:,} findings in "
          f"{r['processes_found']:,} processes; median of the runs, interleaved")
    verdict = "met" if r["cli_ms"]["in_process_ms"] < TARGET_SECONDS * 1e3 else "MISSED"
    print(_row("cli.oversight.collect (what the command calls)",
               f"{r['stuck_ms']:9.1f} ms   (slowest {r['stuck_max_ms']:.1f} ms)"))
    print(_row("SELECT count(*) FROM processes", f"{r['count_ms']:9.1f} ms   "
               f"({r['count']:,} rows)"))
    print(_row("ratio audit stuck / count(*)", f"{r['ratio']:9.1f} x"))
    print(_row("beteiligung audit stuck (in process, table printed)",
               f"{r['cli_ms']['in_process_ms']:9.1f} ms"))
    if r["cli_ms"]["command_ms"] is not None:
        print(_row("beteiligung audit stuck (a new process, start-up included)",
                   f"{r['cli_ms']['command_ms']:9.1f} ms"))
    print(_row(f"target: the command (in process) under {TARGET_SECONDS:.0f} s", verdict))
    q = r["quarterly"]
    print(_row(q["label"], f"{q['ms']:9.1f} ms"))
    print(_row("SELECT count(*) FROM audit_events", f"{q['count_ms']:9.1f} ms   "
               f"({q['events']:,} rows)"))
    print(_row("ratio report / count(*) of audit_events",
               f"{q['ms'] / q['count_ms']:9.1f} x"))
    print(_row("Python heap peak of one report (tracemalloc)",
               f"{q['heap_peak_kib']:9,.0f} KiB"))
    print("each query of the reader alone")
    for name, m in r["queries_ms"].items():
        print(_row(f"  {name}", f"{m['ms']:9.2f} ms   ({m['rows']:,} rows)"))
    print(_row("Python heap peak of one collect (tracemalloc)",
               f"{r['heap_peak_kib']:9,.0f} KiB"))
    print("findings: " + ", ".join(f"{v:,} {k}" for k, v in r["by_severity"].items()) + "; "
          + ", ".join(f"{v:,} {k}" for k, v in r["by_code"].items()))
    print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=100_000,
                        help="processes to seed (default 100000; 2000 for a smoke run)")
    parser.add_argument("--deadlines-per-process", type=int, default=5,
                        help="deadlines to seed per process (default 5)")
    parser.add_argument("--stuck", type=float, default=0.05,
                        help="share of the open processes left stuck (default 0.05)")
    parser.add_argument("--failed", type=int, default=50, help="failed e-mails (default 50)")
    parser.add_argument("--repeats", type=int, default=9,
                        help="timed runs of each side (default 9)")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL server to use (a new schema, dropped after); "
                             "default: a temporary SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.processes < 200:
        parser.error("--processes: at least 200 (the phase mix needs them)")
    folder = Path(tempfile.mkdtemp(prefix="beteiligung-bench-coordinator-"))
    started = time.perf_counter()
    try:
        result = run(args, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    report(result)
    print(f"whole run: {time.perf_counter() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": bench_core.machine()} | result,
                                              indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
