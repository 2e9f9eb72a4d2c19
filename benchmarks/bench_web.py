"""Web benchmark: the public Vorhabenliste and a public process page under load, beside a
static file served by the same server in the same run.

What it does:

1. Seeds P processes (``--processes``, default 10,000) with the helpers of ``bench_core.py``:
   real processes made through the use cases, cloned with their own audit chains (half of them
   in ``initiated``, 5 % in each other phase; those from ``concept`` on have a published
   concept, so the public side has thousands of entries to show).
2. Starts ``beteiligung serve`` (uvicorn, one worker, with the reminder scheduler beside it,
   exactly as a city runs it) on a free loopback port against that database.
3. Puts a load on three URLs with ``wrk`` (``--threads``, ``--connections``, ``--duration``
   seconds each, after a short warm-up), in ``--rounds`` interleaved rounds: the stylesheet
   ``/static/style.css`` (the baseline: a static file through the same server, stack and
   middleware), the Vorhabenliste ``/`` (its first page) and the page of a process in
   ``dialogue`` (``/vorhaben/<id>``). It prints requests per second and latency (median and
   99th percentile) of each, the median over the rounds, and the ratios to the static file.

Usage (from the repository root; needs ``wrk``, Debian's package of that name):

    .venv/bin/python benchmarks/bench_web.py                       # 10,000 processes, ~2 min
    .venv/bin/python benchmarks/bench_web.py --processes 500 --duration 2 --rounds 1  # smoke
    .venv/bin/python benchmarks/bench_web.py --database-url postgresql://postgres@127.0.0.1:5432/test

Without ``--database-url`` the database is a SQLite file in a temporary folder, removed at the
end; a PostgreSQL URL gets a new schema, dropped at the end.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
SCRIPT = str(Path(sys.executable).parent / "beteiligung")
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _load_bench_core():
    spec = importlib.util.spec_from_file_location("bench_core", HERE / "bench_core.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_core"] = module
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, int]:
    """Status and body size of one GET."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - loopback
            return answer.status, len(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, 0


def start_server(url: str, folder: Path, port: int) -> subprocess.Popen:
    settings = folder / "settings.toml"
    settings.write_text("coordinators = []\n", encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BETEILIGUNG_")}
    environ |= {"BETEILIGUNG_DATABASE_URL": url, "BETEILIGUNG_CONFIG": str(settings),
                "BETEILIGUNG_MAIL_FOLDER": str(folder / "mail")}
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen([SCRIPT, "serve", "--port", str(port)], stdout=log,
                              stderr=subprocess.STDOUT, env=environ)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if fetch(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    tail = (folder / "serve.log").read_text(errors="replace")[-3000:]
    raise SystemExit(f"the server did not come up:\n{tail}")


def wrk(url: str, args: argparse.Namespace, duration: int) -> dict:
    """One wrk run: requests/s, median and p99 latency (ms), errors."""
    done = subprocess.run(["wrk", f"-t{args.threads}", f"-c{args.connections}",
                           f"-d{duration}s", "--latency", url], capture_output=True,
                          text=True, check=True)
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p: str) -> float:
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * UNITS[unit]

    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "p50": pct("50"), "p99": pct("99"),
            "non2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(0) if errors else ""}


def run(args: argparse.Namespace, folder: Path) -> dict:
    core = _load_bench_core()
    t0 = time.perf_counter()
    templates = core.build_templates(folder)
    with core.database(args.database_url, folder, args.processes) as (url, engine):
        plan = core.seed(engine, templates, args.processes)
        seeded = time.perf_counter() - t0
        page_id = plan["by_phase"]["dialogue"][len(plan["by_phase"]["dialogue"]) // 2]
        port = free_port()
        server = start_server(url, folder, port)
        base = f"http://127.0.0.1:{port}"
        targets = {"static file /static/style.css": f"{base}/static/style.css",
                   "Vorhabenliste /": f"{base}/",
                   f"process page /vorhaben/{page_id}": f"{base}/vorhaben/{page_id}"}
        try:
            sizes = {}
            for name, target in targets.items():
                status, size = fetch(target)
                if status != 200:
                    raise SystemExit(f"{target}: HTTP {status}, not 200")
                sizes[name] = size
                wrk(target, args, args.warmup)
            runs: dict[str, list[dict]] = {name: [] for name in targets}
            for _ in range(args.rounds):
                for name, target in targets.items():
                    runs[name].append(wrk(target, args, args.duration))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    return {"processes": args.processes, "seed_s": seeded, "sizes": sizes, "runs": runs,
            "machine": core.machine(), "db": "PostgreSQL" if args.database_url else "SQLite"}


def report(r: dict, args: argparse.Namespace) -> None:
    print(f"\nWeb benchmark: {r['processes']:,} processes on {r['db']} (seeded in "
          f"{r['seed_s']:.0f} s); wrk -t{args.threads} -c{args.connections} "
          f"-d{args.duration}s, {args.rounds} round(s), medians over rounds")
    print(f"  {r['machine']}")
    print(f"  {'URL':<38} {'bytes':>8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'vs static':>10}")
    static = None
    for name, runs in r["runs"].items():
        rps = statistics.median(x["rps"] for x in runs)
        p50 = statistics.median(x["p50"] for x in runs)
        p99 = statistics.median(x["p99"] for x in runs)
        static = static or rps
        errors = sum(x["non2xx"] for x in runs)
        note = f"  ({errors} non-2xx!)" if errors else ""
        print(f"  {name:<38} {r['sizes'][name]:>8,} {rps:>9,.0f} {p50:>8.2f} {p99:>8.2f} "
              f"{rps / static:>9.0%}{note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="bench-web-"))
    try:
        report(run(args, folder), args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
