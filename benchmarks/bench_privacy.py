"""Erasure benchmark (issue 13): erasing one subject in a database of 100,000 processes.

What it does:

1. Seeds P processes (default 100,000) with their audit trails through ``bench_core.py``
   (templates made by the use cases, cloned), and ``--others`` personal values of other
   subjects (default 200,000) straight into ``personal_data``, spread over the processes.
2. ``--repeats`` times (default 5): a new resident writes ``--suggestions`` suggestions
   (default 3) into as many processes that take comments, through the use cases (outside the
   timing); then ``workflow.privacy_requests.erase`` for that address is timed, as
   ``beteiligung privacy erase`` calls it (``build_env``).
   Then, as often, a staff address (issue 13, point 3): a lead with an account that created
   and led ``--led`` processes (default 2), now cancelled, is disabled and erased the same way
   (outside the timing: creating them; timed: the erasure with its events, the roles taken
   out of the processes, the account and its tokens).
3. Baselines measured in the same run: a full scan of ``audit_events`` looking for the
   address in the payloads (``WHERE payload LIKE``: what an erasure that searched the trail
   would have to do, and must not) and loading one case (``process.get_process``).
4. Every statement the erasure sent is recorded and explained (``EXPLAIN QUERY PLAN`` on
   SQLite, ``EXPLAIN`` on PostgreSQL); the plans are printed, and a plan that scans
   ``audit_events`` (or ``personal_data``) without an index is flagged.

Target: under 1 s per erasure, and no scan of the audit table. The script marks it met or
MISSED; it never fails a build.

Usage (from the repository root):

    .venv/bin/python benchmarks/bench_privacy.py
    .venv/bin/python benchmarks/bench_privacy.py --processes 10000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import importlib.util
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, text

from beteiligung.config.audit_keys import AuditSettings
from beteiligung.config.bootstrap import build_env
from beteiligung.config.settings import PrivacySettings, Settings, load_settings
from beteiligung.states.case import Person
from beteiligung.workflow import accounts, content, privacy_requests, process

HERE = Path(__file__).resolve().parent
COORDINATOR = "koordination@hannover-stadt.de"
TARGET_SECONDS = 1.0
OPEN_FOR_COMMENTS = ("concept", "pre_reporting", "dialogue")


def _load_bench_core():
    spec = importlib.util.spec_from_file_location("bench_core", HERE / "bench_core.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_core"] = module
    spec.loader.exec_module(module)
    return module


bench_core = _load_bench_core()


def _seed_others(engine, processes: int, count: int, at) -> None:
    rows = [{"ref": "p" + secrets.token_hex(16), "subject": f"person{i}@example.org",
             "kind": "suggestion_text", "process_id": 1 + i % processes,
             "value": f"Anregung Nummer {i}", "salt": secrets.token_hex(16),
             "created_at": at, "erased_at": None} for i in range(count)]
    with engine.begin() as conn:
        for start in range(0, len(rows), 20_000):
            conn.execute(text(
                "INSERT INTO personal_data (ref, subject, kind, process_id, value, salt, "
                "created_at, erased_at) VALUES (:ref, :subject, :kind, :process_id, :value, "
                ":salt, :created_at, :erased_at)"), rows[start:start + 20_000])


def _explain(conn, statement: str, parameters) -> list[str]:
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return [row[-1] for row in rows]
    rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
    return [row[0] for row in rows]


def _scans(plan: list[str]) -> bool:
    """Whether a plan reads a big table from end to end."""
    for line in plan:
        for table in ("audit_events", "personal_data"):
            if (f"SCAN {table}" in line and "USING" not in line) or \
                    f"Seq Scan on {table}" in line:
                return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=100_000)
    parser.add_argument("--others", type=int, default=200_000)
    parser.add_argument("--suggestions", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--led", type=int, default=2)
    parser.add_argument("--database-url")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-privacy-"))
    templates = bench_core.build_templates(folder)
    with bench_core.database(args.database_url, folder, args.processes) as (url, engine):
        t0 = time.perf_counter()
        seeded = bench_core.seed(engine, templates, args.processes)
        clock = bench_core._Clock()
        clock.now = max(t.row["updated_at"] for t in templates.values()) + timedelta(days=1)
        _seed_others(engine, args.processes, args.others, clock())
        print(f"seeded {args.processes:,} processes, {seeded['events']:,} audit events and "
              f"{args.others:,} personal values in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr, flush=True)
        base = load_settings({})
        settings = Settings(url, frozenset({COORDINATOR}), base.districts,
                            audit=AuditSettings(keys=f"b1={'22' * 32}"),
                            privacy=PrivacySettings(str(folder / "erasure-log.jsonl")))
        env = build_env(settings, clock=clock, engine=engine)
        targets = [pid for phase in OPEN_FOR_COMMENTS for pid in seeded["by_phase"][phase]]
        erase_times: list[float] = []
        staff_times: list[float] = []
        statements: dict[str, list] = {}

        def timed(kind: str, times: list[float], address: str):
            seen: list[tuple[str, object]] = []

            def record(conn, cursor, statement, parameters, context, executemany) -> None:
                seen.append((statement, parameters))

            event.listen(engine, "before_cursor_execute", record)
            t = time.perf_counter()
            done = privacy_requests.erase(env, COORDINATOR, address, "Benchmark")
            times.append(time.perf_counter() - t)
            event.remove(engine, "before_cursor_execute", record)
            statements[kind] = seen
            return done

        for round_ in range(args.repeats):
            address = f"bewohnerin{round_}@example.org"
            for pid in targets[round_ * args.suggestions:(round_ + 1) * args.suggestions]:
                content.add_suggestion(env, COORDINATOR, pid, "concept",
                                       f"Anregung von {address}", address)
            done = timed("resident", erase_times, address)
            assert done.values == 2 * args.suggestions, done
            staff = Person(f"Ehemalige {round_}", f"ehemalige{round_}@hannover-stadt.de")
            accounts.add_user(env, COORDINATOR, staff.email, staff.name, "ein langes Passwort")
            for i in range(args.led):
                pid = process.create_process(env, staff.email, process.ProcessInput(
                    f"Verfahren {round_}-{i}", lead=staff), confirm_duplicate=True).id
                process.advance(env, COORDINATOR, pid, "cancel", reason="Benchmark")
            accounts.disable_user(env, COORDINATOR, staff.email)
            done = timed("staff", staff_times, staff.email)
            assert done.staff and len(done.processes) == args.led, done
        scan_times, load_times = [], []
        for _ in range(args.repeats):
            with engine.connect() as conn:
                t = time.perf_counter()
                conn.execute(text("SELECT count(*) FROM audit_events WHERE payload LIKE "
                                  ":needle"), {"needle": "%bewohnerin0@%"}).scalar_one()
                scan_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            process.get_process(env, targets[0])
            load_times.append(time.perf_counter() - t)
        erase, staff_erase, scan, load = (statistics.median(x) for x in (
            erase_times, staff_times, scan_times, load_times))
        print(f"\nErasing one subject ({args.suggestions} suggestions, "
              f"{2 * args.suggestions} values) among {args.processes:,} processes, "
              f"{seeded['events']:,} audit events, {args.others:,} other values "
              f"({url.split('?')[0].split(':')[0]}):")
        print(f"  erase, median of {args.repeats}:      {erase * 1000:8.1f} ms "
              f"(each: {', '.join(f'{x * 1000:.0f}' for x in erase_times)} ms)")
        print(f"  erase a former lead ({args.led} processes, account): "
              f"{staff_erase * 1000:8.1f} ms "
              f"(each: {', '.join(f'{x * 1000:.0f}' for x in staff_times)} ms)")
        print(f"  baseline: search audit_events:  {scan * 1000:8.1f} ms "
              f"(erase / search = {erase / scan:.3f}, former lead / search = "
              f"{staff_erase / scan:.3f})")
        print(f"  baseline: load one case:        {load * 1000:8.1f} ms "
              f"(erase / load = {erase / load:.1f})")
        scanned = False
        with engine.connect() as conn:
            for kind, seen in statements.items():
                print(f"\nThe {len(seen)} statements of the last {kind} erasure and their "
                      "plans:")
                for statement, parameters in seen:
                    head = " ".join(statement.split())[:110]
                    if head.split()[0].upper() not in ("SELECT", "UPDATE", "INSERT",
                                                       "DELETE"):
                        continue
                    plan = _explain(conn, statement, parameters)
                    scanned = scanned or _scans(plan)
                    print(f"  {head}")
                    for line in plan:
                        print(f"      {line}")
        met = max(erase, staff_erase) < TARGET_SECONDS and not scanned
        print(f"\nTarget: under {TARGET_SECONDS:.0f} s and no scan of audit_events or "
              f"personal_data: {'met' if met else 'MISSED'}"
              f"{' (a plan scans a table)' if scanned else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
