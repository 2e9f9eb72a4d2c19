"""Reminder benchmark: the sweep at 100,000 and 1,000,000 open deadlines, delivery, memory.

What it does:

1. Seeds P real processes (default 100,000) into a fresh, migrated database with the helpers of
   ``bench_core.py`` (templates made through the use cases, then cloned with their own audit
   chains), and then N open deadlines straight into the ``deadlines`` table with ``executemany``
   (raw ``sqlite3`` in big transactions on SQLite). Every deadline belongs to a process in an
   open phase. All but ``--due`` of them (default 1,000) have their next reminder months ahead;
   the due ones are spread over the steps of the default policy, each checked with
   ``states.reminders.latest_due``: the "14 days before" step (some a day late, as after
   downtime), "3 days before", "on the day", and the first overdue step, 7 days after (an
   escalation that also marks the deadline missed and writes an audit event).
2. For each N of ``--deadlines`` (ascending; the database grows from one to the next and the
   same deadlines are due in each), in a child process, so that its peak RSS is the sweep's:
   ``workflow.reminders.sweep(env, composer, now)`` as ``beteiligung reminders run`` calls it
   (``build_env``, ``build_composer``), timed ``--repeats`` times, the due deadlines, their
   processes and the outbox restored between runs (outside the timing). Also the time of the
   due query alone. Then in a second child the same sweep once under ``tracemalloc`` (Python
   heap peak). It prints the time per N and the ratio of the largest to the smallest N: the
   sweep's cost must follow the due reminders, not the deadlines.
3. Delivery: M reminders (``--messages``, default 1,000) queued by a real sweep are sent to an
   aiosmtpd ``Controller`` on 127.0.0.1 (in this process, in its own thread, while a child
   process measures) whose handler counts what arrives. In the child, round by round with the
   order flipped every round: ``notifications.dispatch.deliver`` with an ``SmtpSender``
   (``tls="none"``) and the settings' batch size, ``deliver`` with one batch of M (one
   connection), and a baseline that sends the same e-mails (the bytes the sweep rendered into
   the outbox, to the same recipients) with ``aiosmtplib``'s ``sendmail`` directly over one
   reused connection. The baseline's bytes are read before its clock starts and dropped after
   it stops. A fourth side, for information, builds and flattens each e-mail from its parts in
   the sending loop, as ``deliver`` did before the outbox kept the rendered bytes: it shows what
   rendering at the sweep saves delivery. The outbox is put back to ``queued`` between rounds
   (outside the timing). It prints messages per second and the ratio to the baseline
   (target: at least 80 %) and checks that the server received exactly what was sent.

Targets (issue 3): the sweep at 1,000,000 deadlines not much slower than at 100,000 (the script
calls a ratio up to 1.5 "met"); delivery at least 80 % of the baseline. It marks them met or
MISSED; it never fails a build. ``--profile`` adds a cProfile of one sweep and one delivery.

Usage (from the repository root):

    .venv/bin/python benchmarks/bench_reminders.py
    .venv/bin/python benchmarks/bench_reminders.py --deadlines 100000 --messages 2000 --profile
    .venv/bin/python benchmarks/bench_reminders.py --processes 10000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/test

Without ``--database-url`` the database is a SQLite file in a temporary folder, removed at the
end (``--keep`` keeps it); a PostgreSQL URL gets a new schema, dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import importlib.util
import io
import json
import pickle
import pstats
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, func, insert, select, text, update

from beteiligung.config.bootstrap import build_composer, build_env
from beteiligung.config.settings import MailSettings, Settings, load_settings
from beteiligung.states.deadlines import end_of_day
from beteiligung.states.reminders import latest_due, next_step
from beteiligung.storage.engine import make_engine
from beteiligung.storage.schema import audit_events, deadlines, outbox, processes
from beteiligung.workflow.reminders import sweep

HERE = Path(__file__).resolve().parent
BERLIN = ZoneInfo("Europe/Berlin")
# Tuesday, 10 March 2026, 09:00 in Hannover: a working day in Lower Saxony, one hour after the
# policy's reminder hour (08:00), so the steps of the day are due.
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=BERLIN).astimezone(UTC)
COORDINATORS = frozenset({"koordination@hannover-stadt.de",
                          "beteiligung.leitung@hannover-stadt.de"})
SENDER = "Beteiligung Hannover <beteiligung@hannover-stadt.de>"
ENVELOPE = "beteiligung@hannover-stadt.de"
# The due deadlines: (name, due day, reminder step that is due, share). Steps of the default
# policy: 0 = 14 days before, 1 = 3 days before, 2 = on the day, 3 = 7 days overdue (escalation,
# the deadline becomes missed). "late" is the 14-days step of a deadline due on Monday 23 March:
# it was due on Monday 9 March, a day before ``NOW`` (a sweep catching up).
DUE_MIX = (("14 days before", date(2026, 3, 24), 0, 0.3),
           ("14 days before, a day late", date(2026, 3, 23), 0, 0.1),
           ("3 days before", date(2026, 3, 13), 1, 0.3),
           ("on the day", date(2026, 3, 10), 2, 0.2),
           ("7 days overdue (escalation, missed)", date(2026, 3, 3), 3, 0.1))
FAR_DAYS = 700          # far-future deadlines are due 30 .. 30 + FAR_DAYS days after NOW
SQLITE_CHUNK = 200_000  # deadlines per transaction (raw sqlite3)
CORE_CHUNK = 20_000     # deadlines per executemany (SQLAlchemy Core, PostgreSQL)
SWEEP_TARGET = 1.5      # "not much slower": largest N at most 1.5x the smallest


def _load_bench_core():
    """``bench_core.py`` as a module (its templates, seeding and database helpers)."""
    spec = importlib.util.spec_from_file_location("bench_core", HERE / "bench_core.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_core"] = module
    spec.loader.exec_module(module)
    return module


bench_core = _load_bench_core()


# --------------------------------------------------------------------------------------------
# 1. Settings and wiring, as ``beteiligung reminders run`` and ``outbox deliver`` build them
# --------------------------------------------------------------------------------------------

def make_settings(url: str, mail: MailSettings | None = None) -> Settings:
    base = load_settings({})
    return Settings(url, COORDINATORS, base.districts, base.language, base.definition,
                    mail=mail or replace(base.mail, base_url="https://beteiligung.hannover.de"),
                    reminders=base.reminders)


def make_env(url: str, mail: MailSettings | None = None):
    settings = make_settings(url, mail)
    engine = make_engine(url)
    return build_env(settings, engine=engine), build_composer(settings), settings, engine


# --------------------------------------------------------------------------------------------
# 2. Seeding the deadlines
# --------------------------------------------------------------------------------------------

COLUMNS = ("id", "process_id", "kind", "ref", "title", "due_at", "status", "managed", "reason",
           "last_step", "next_remind_at", "version", "created_at", "closed_at")


class DeadlineFactory:
    """The rows of deadline ids 1..N, the same for the same id whatever N is."""

    def __init__(self, env, open_pids: list[int], phase_of: dict[int, str], due_ids: list[int]):
        self.env = env
        self.open_pids = open_pids
        self.phase_of = phase_of
        self.labels = {name: p.label_de for name, p in env.lifecycle.definition.phases.items()}
        self.created = NOW - timedelta(days=40)
        self.due: dict[int, tuple] = {}
        self.due_kinds: Counter = Counter()
        self._far: dict[int, tuple[datetime, datetime]] = {}
        self.patterns = [self._pattern(name, day, index) for name, day, index, _ in DUE_MIX]
        self.make_due(due_ids, record=True)

    def _pattern(self, name: str, day: date, index: int) -> tuple:
        """(name, due_at, last_step, next_remind_at) with step ``index`` due at ``NOW``."""
        due_at = end_of_day(datetime.combine(day, dtime(12), tzinfo=BERLIN)).astimezone(UTC)
        policy, working = self.env.policy, self.env.working_day
        step = next_step(policy, due_at, working, index - 1)
        found = latest_due(policy, due_at, working, index - 1, NOW)
        assert step is not None and step.index == index and step.at <= NOW, (name, step)
        assert found is not None and found.index == index, (name, found)
        return name, due_at, index - 1, step.at

    def make_due(self, ids: list[int], record: bool = False) -> None:
        """Give ``ids`` the due patterns of DUE_MIX, in proportion."""
        shares = [share for *_, share in DUE_MIX]
        counts = [round(len(ids) * s) for s in shares]
        counts[0] += len(ids) - sum(counts)
        k = 0
        for pattern, count in zip(self.patterns, counts, strict=True):
            for deadline_id in ids[k:k + count]:
                self.due[deadline_id] = pattern
                if record:
                    self.due_kinds[pattern[0]] += 1
            k += count

    def _far_times(self, deadline_id: int) -> tuple[datetime, datetime]:
        offset = 30 + (deadline_id * 7919) % FAR_DAYS
        if offset not in self._far:
            due_at = end_of_day(NOW + timedelta(days=offset)).astimezone(UTC)
            first = next_step(self.env.policy, due_at, self.env.working_day, -1)
            self._far[offset] = (due_at, first.at)
        return self._far[offset]

    def pid(self, deadline_id: int) -> int:
        return self.open_pids[(deadline_id * 2654435761) % len(self.open_pids)]

    def row(self, deadline_id: int) -> dict:
        pid = self.pid(deadline_id)
        which = deadline_id % 10
        if which < 6:
            phase = self.phase_of[pid]
            kind, ref = "phase", f"{phase}@bench-{deadline_id}"
            title = f"Phase „{self.labels[phase]}“"
        elif which < 9:
            number = deadline_id % 7 + 1
            kind, ref, title = "suggestion_answer", str(number), f"Antwort auf Anregung {number}"
        else:
            kind, ref, title = "custom", "Stellungnahme", "Stellungnahme an den Bezirksrat"
        if deadline_id in self.due:
            _, due_at, last_step, next_at = self.due[deadline_id]
        else:
            (due_at, next_at), last_step = self._far_times(deadline_id), -1
        return {"id": deadline_id, "process_id": pid, "kind": kind, "ref": ref, "title": title,
                "due_at": due_at, "status": "open", "managed": kind != "custom", "reason": "",
                "last_step": last_step, "next_remind_at": next_at, "version": 1,
                "created_at": self.created, "closed_at": None}


def _sqlite_time(value: datetime | None, cache: dict) -> str | None:
    """How SQLAlchemy's SQLite DateTime stores a UTC time (naive, microseconds)."""
    if value is None:
        return None
    if value not in cache:
        cache[value] = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return cache[value]


def insert_deadlines(engine, url: str, factory: DeadlineFactory, start: int, stop: int) -> None:
    """Insert deadline ids start..stop-1."""
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                       "busy_timeout=5000"):
            conn.execute(f"PRAGMA {pragma}")
        sql = (f"INSERT INTO deadlines ({', '.join(COLUMNS)}) "
               f"VALUES ({', '.join('?' * len(COLUMNS))})")
        cache: dict = {}
        times = ("due_at", "next_remind_at", "created_at", "closed_at")
        for begin in range(start, stop, SQLITE_CHUNK):
            rows = []
            for deadline_id in range(begin, min(begin + SQLITE_CHUNK, stop)):
                row = factory.row(deadline_id)
                for name in times:
                    row[name] = _sqlite_time(row[name], cache)
                rows.append(tuple(row[c] for c in COLUMNS))
            conn.execute("BEGIN")
            conn.executemany(sql, rows)
            conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return
    for begin in range(start, stop, CORE_CHUNK):
        with engine.begin() as conn:
            conn.execute(insert(deadlines), [factory.row(i)
                                             for i in range(begin, min(begin + CORE_CHUNK, stop))])
    with engine.begin() as conn:
        conn.execute(text("SELECT setval(pg_get_serial_sequence('deadlines', 'id'), "
                          "(SELECT max(id) FROM deadlines))"))
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def make_due(engine, factory: DeadlineFactory, ids: list[int]) -> None:
    """Turn far-future deadlines ``ids`` into due ones (for the delivery's own sweep)."""
    factory.make_due(ids)
    stmt = (update(deadlines).where(deadlines.c.id == bindparam("b_id"))
            .values(due_at=bindparam("b_due"), last_step=bindparam("b_last"),
                    next_remind_at=bindparam("b_next")))
    rows = []
    for deadline_id in ids:
        row = factory.row(deadline_id)
        rows.append({"b_id": deadline_id, "b_due": row["due_at"], "b_last": row["last_step"],
                     "b_next": row["next_remind_at"]})
    with engine.begin() as conn:
        conn.execute(stmt, rows)


# --------------------------------------------------------------------------------------------
# 3. Putting the due deadlines back between sweeps
# --------------------------------------------------------------------------------------------

def take_snapshot(engine, due_ids: list[int]) -> dict:
    """The due deadlines and their processes as they are before any sweep."""
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(
            select(deadlines).where(deadlines.c.id.in_(due_ids))).mappings()]
        pids = sorted({r["process_id"] for r in rows})
        heads = [dict(r) for r in conn.execute(
            select(processes.c.id, processes.c.audit_seq, processes.c.audit_head,
                   processes.c.version).where(processes.c.id.in_(pids))).mappings()]
        last_event = conn.execute(select(func.max(audit_events.c.id))).scalar() or 0
    return {"deadlines": rows, "processes": heads, "last_event": last_event}


def _lift_audit_guard(conn) -> list[str]:
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        return []
    triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                 "AND tbl_name = 'audit_events'")).all()
    for name, _ in triggers:
        conn.execute(text(f'DROP TRIGGER "{name}"'))
    return [sql for _, sql in triggers]


def _restore_audit_guard(conn, dropped: list[str]) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
    for sql in dropped:
        conn.execute(text(sql))


def restore(engine, snap: dict) -> None:
    """Undo a sweep: its outbox rows, its audit events, and what it changed in the rows."""
    d_cols = [c for c in COLUMNS if c != "id"]
    d_stmt = (update(deadlines).where(deadlines.c.id == bindparam("b_id"))
              .values({c: bindparam(f"b_{c}") for c in d_cols}))
    p_stmt = (update(processes).where(processes.c.id == bindparam("b_id"))
              .values(audit_seq=bindparam("b_seq"), audit_head=bindparam("b_head"),
                      version=bindparam("b_version")))
    with engine.begin() as conn:
        conn.execute(delete(outbox))
        # The harness acts as the database's owner: it lifts the append-only guard of the
        # audit table (migration 0004) for this transaction only, to take the sweep's events
        # back.
        guards = _lift_audit_guard(conn)
        conn.execute(delete(audit_events).where(audit_events.c.id > snap["last_event"]))
        _restore_audit_guard(conn, guards)
        conn.execute(d_stmt, [{f"b_{c}": r[c] for c in COLUMNS} for r in snap["deadlines"]])
        conn.execute(p_stmt, [{"b_id": r["id"], "b_seq": r["audit_seq"],
                               "b_head": r["audit_head"], "b_version": r["version"]}
                              for r in snap["processes"]])


# --------------------------------------------------------------------------------------------
# 4. The measurements (child processes)
# --------------------------------------------------------------------------------------------

def _rss_mib(field: str = "VmRSS") -> float:
    """This process's resident memory now (``VmRSS``) or at its peak (``VmHWM``).

    Not ``getrusage(...).ru_maxrss``: on Linux a child started by ``subprocess`` inherits the
    high-water mark of its parent (it is carried over ``exec``), so a child of a big parent
    reports the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _profile(call, limit: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)
    return out.getvalue()


def measure_sweep(url: str, plan: dict) -> dict:
    """Time the sweep ``repeats`` times, restoring the due deadlines between runs."""
    env, composer, _, engine = make_env(url)
    snap = plan["snapshot"]
    admin = make_engine(url)    # restores on its own connection, not the sweep's
    # Warm-up: render a few reminders and compile the statements, writing nothing.
    sweep(env, composer, NOW, dry_run=True, batch=50)
    with env.uow() as uow:
        for _ in range(5):
            uow.deadlines.due(NOW, plan["due"] + 1)
        samples = []
        for _ in range(20):
            t0 = time.perf_counter()
            found = uow.deadlines.due(NOW, plan["due"] + 1)
            samples.append(time.perf_counter() - t0)
    assert len(found) == plan["due"], (len(found), plan["due"])
    rss_before = _rss_mib()
    seconds, rss_after, report = [], [], None
    for i in range(plan["repeats"]):
        if i:
            restore(admin, snap)
        gc.collect()
        t0 = time.perf_counter()
        report = sweep(env, composer, NOW)
        seconds.append(time.perf_counter() - t0)
        rss_after.append(_rss_mib())
        assert len(report.queued) == plan["due"], (len(report.queued), plan["due"])
        assert not report.skipped, report.skipped
    maxrss = _rss_mib("VmHWM")
    with env.uow() as uow:
        queued = len(uow.outbox.list("queued", plan["due"] + 10))
        left = uow.deadlines.due(NOW, 10)
    assert queued == plan["due"] and not left, (queued, left)
    out = {"seconds": seconds, "median": statistics.median(seconds),
           "queued": len(report.queued), "missed": len(report.missed),
           "kinds": dict(Counter(m.kind for m in report.queued)),
           "due_query_ms": statistics.median(samples) * 1e3,
           "rss_before_mib": rss_before, "rss_after_mib": rss_after, "maxrss_mib": maxrss}
    if plan.get("profile"):
        restore(admin, snap)
        out["profile"] = _profile(lambda: sweep(env, composer, NOW))
    admin.dispose()
    engine.dispose()
    return out


def measure_sweep_memory(url: str, plan: dict) -> dict:
    """One sweep under tracemalloc: the Python heap it needs."""
    env, composer, _, engine = make_env(url)
    sweep(env, composer, NOW, dry_run=True, batch=50)
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    report = sweep(env, composer, NOW)
    after, peak = tracemalloc.get_traced_memory()
    held = sum(len(m.subject) for m in report.queued)  # the report keeps no bodies
    queued = len(report.queued)
    del report
    gc.collect()
    released, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    engine.dispose()
    return {"queued": queued, "peak_mib": (peak - before) / 2**20,
            "held_by_report_mib": (after - released) / 2**20,
            "message_chars_mib": held / 2**20}


def _requeue(engine) -> None:
    with engine.begin() as conn:
        conn.execute(update(outbox).values(status="queued", attempts=0, next_attempt_at=NOW,
                                           leased_until=None, sent_at=None, last_error=""))


def measure_delivery(url: str, plan: dict) -> dict:
    """deliver() with SmtpSender beside aiosmtplib directly, round by round."""
    import aiosmtplib

    from beteiligung.notifications.dispatch import deliver, sender_domain, to_envelope
    from beteiligung.notifications.email import build_email, make_message_id, to_bytes
    from beteiligung.notifications.messages import Message
    from beteiligung.notifications.senders import SmtpSender, recipients

    port, m, rounds = plan["port"], plan["messages"], plan["rounds"]
    base = load_settings({}).mail
    mail = replace(base, backend="smtp", host="127.0.0.1", port=port, tls="none",
                   sender=SENDER, timeout=30.0)
    env, _, _, engine = make_env(url, mail)
    admin = make_engine(url)
    smtp = SmtpSender("127.0.0.1", port, "none", timeout=30, sender=ENVELOPE)
    with env.uow() as uow:
        entries = sorted(uow.outbox.list("queued", m + 10), key=lambda e: e.id)
    assert len(entries) == m, (len(entries), m)
    domain = sender_domain(mail.sender)

    assert all(e.message.content for e in entries), "the sweep did not render the e-mails"

    def build() -> list:
        return [to_envelope(e, mail.sender, domain, NOW) for e in entries]

    def from_parts(e):  # how deliver() built each e-mail before migration 0003
        m = e.message
        return build_email(Message(list(m.to), list(m.cc), m.subject, m.text, m.html, m.ics),
                           make_message_id(e.id, domain), mail.sender, date=NOW)

    sizes = [len(x.content) for x in build()]

    async def direct(batch) -> None:
        # the least aiosmtplib can do: the same bytes as deliver() sends, to the same
        # recipients, over one connection
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=30,
                                 use_tls=False, start_tls=False)
        await client.connect()
        for to, raw in batch:
            await client.sendmail(ENVELOPE, to, raw)
        await client.quit()

    # Each side returns its own time. The baseline's e-mails are built before its clock
    # starts and dropped after it stops: 1,000 EmailMessage objects kept alive make every
    # later garbage collection slower, which would tax the sides measured after it.
    def baseline() -> float:
        mails = [(list(x.recipients), bytes(x.content)) for x in build()]  # the same bytes
        gc.collect()
        t0 = time.perf_counter()
        asyncio.run(direct(mails))
        return time.perf_counter() - t0

    def baseline_building() -> float:
        t0 = time.perf_counter()
        asyncio.run(direct((recipients(x), to_bytes(x)) for x in (
            from_parts(e) for e in entries)))
        return time.perf_counter() - t0

    def engine_side(batch_size: int):
        def run() -> float:
            t0 = time.perf_counter()
            report = deliver(env, smtp, replace(mail, batch_size=batch_size), NOW,
                             max_batches=m // batch_size + 2)
            elapsed = time.perf_counter() - t0
            assert len(report.sent) == m and not (report.failed or report.retried
                                                  or report.skipped), report
            return elapsed
        return run

    sides = {"baseline": baseline, "baseline_building": baseline_building,
             "deliver": engine_side(mail.batch_size),
             "deliver_one_batch": engine_side(m)}
    # Warm-up: a few messages each way (imports, compiled statements, the event loop).
    asyncio.run(direct([(list(x.recipients), x.content) for x in build()[:20]]))
    deliver(env, smtp, replace(mail, batch_size=20), NOW, max_batches=1)
    _requeue(admin)
    sent = 20 + 20
    seconds: dict[str, list[float]] = {name: [] for name in sides}
    for r in range(rounds):
        order = list(sides) if r % 2 == 0 else list(reversed(sides))
        for name in order:
            gc.collect()
            seconds[name].append(sides[name]())
            sent += m
            if name.startswith("deliver"):
                _requeue(admin)
    out = {"messages": m, "rounds": rounds, "batch_size": mail.batch_size,
           "bytes_mean": statistics.mean(sizes), "bytes_min": min(sizes),
           "bytes_max": max(sizes), "sent_total": sent,
           "kinds": dict(Counter(e.message.kind for e in entries))}
    for name, values in seconds.items():
        out[name] = {"seconds": values, "median": statistics.median(values),
                     "per_second": m / statistics.median(values)}
    if plan.get("profile"):
        out["profile"] = _profile(sides["deliver"])
        out["sent_total"] += m
        _requeue(admin)
    admin.dispose()
    engine.dispose()
    return out


def child(args: argparse.Namespace) -> None:
    plan = pickle.loads(Path(args.plan).read_bytes())
    worker = {"sweep": measure_sweep, "sweep-memory": measure_sweep_memory,
              "deliver": measure_delivery}[args.worker]
    print(json.dumps(worker(args.database_url, plan)))


def run_child(worker: str, url: str, plan: dict, folder: Path) -> dict:
    path = folder / f"plan-{worker}.pickle"
    path.write_bytes(pickle.dumps(plan))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", worker,
           "--database-url", url, "--plan", str(path)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {worker} measurement failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------
# 5. The SMTP server: aiosmtpd in this process, counting what arrives
# --------------------------------------------------------------------------------------------

class CountingHandler:
    """Accepts every message and counts messages, recipients and bytes."""

    def __init__(self) -> None:
        self.messages = 0
        self.recipients = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.recipients += len(envelope.rcpt_tos)
        self.bytes += len(envelope.original_content or envelope.content or b"")
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --------------------------------------------------------------------------------------------
# 6. The run
# --------------------------------------------------------------------------------------------

def run(args: argparse.Namespace, folder: Path) -> dict:
    sizes = sorted(set(args.deadlines))
    t0 = time.perf_counter()
    templates = bench_core.build_templates(folder)
    _say(f"templates: {len(templates)} phases made through the use cases in "
         f"{time.perf_counter() - t0:.1f} s")
    result: dict = {"sizes": sizes, "processes": args.processes, "due": args.due,
                    "now": NOW.isoformat(), "sweeps": {}}
    with bench_core.database(args.database_url, folder, args.processes, args.keep) as (url,
                                                                                        engine):
        t0 = time.perf_counter()
        seeded = bench_core.seed(engine, templates, args.processes)
        result["seed_processes_s"] = time.perf_counter() - t0
        result["audit_events"] = seeded["events"]
        _say(f"seeded {args.processes:,} processes, {seeded['events']:,} audit events in "
             f"{result['seed_processes_s']:.1f} s")
        with engine.connect() as conn:
            result["server"] = (f"{engine.dialect.name} "
                                + ".".join(map(str, conn.dialect.server_version_info or ())))
        phase_of = {pid: phase for phase, pids in seeded["by_phase"].items() for pid in pids}
        open_pids = sorted(pid for pid, phase in phase_of.items()
                           if phase not in ("closed", "cancelled"))
        env, composer, _, _ = make_env(url)
        rng = random.Random(20260310)
        due_ids = sorted(rng.sample(range(1, sizes[0] + 1), args.due))
        factory = DeadlineFactory(env, open_pids, phase_of, due_ids)
        result["due_kinds"] = dict(factory.due_kinds)
        snap, done = None, 0
        for n in sizes:
            t0 = time.perf_counter()
            insert_deadlines(engine, url, factory, done + 1, n + 1)
            seconds = time.perf_counter() - t0
            _say(f"N={n:,}: inserted deadlines {done + 1:,}..{n:,} in {seconds:.1f} s; "
                 "sweeping ...")
            done = n
            if snap is None:
                snap = take_snapshot(engine, due_ids)
            else:
                restore(engine, snap)
            plan = {"snapshot": snap, "due": args.due, "repeats": args.repeats,
                    "profile": args.profile and n == sizes[-1]}
            measured = run_child("sweep", url, plan, folder)
            restore(engine, snap)
            measured["memory"] = run_child("sweep-memory", url, plan, folder)
            measured["insert_s"] = seconds
            measured["db_mib"] = _db_mib(url)
            result["sweeps"][n] = measured

        # Delivery: M reminders queued by a real sweep of M other deadlines.
        m = args.messages
        with engine.begin() as conn:
            conn.execute(delete(outbox))
        pool = sorted(set(range(1, sizes[-1] + 1)) - set(due_ids))
        make_due(engine, factory, sorted(rng.sample(pool, m)))
        queued = sweep(env, composer, NOW)
        assert len(queued.queued) == m, (len(queued.queued), m)
        from aiosmtpd.controller import Controller

        handler = CountingHandler()
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        try:
            _say(f"delivering {m:,} reminders to aiosmtpd on 127.0.0.1:{controller.port} ...")
            plan = {"port": controller.port, "messages": m, "rounds": args.rounds,
                    "profile": args.profile}
            delivery = run_child("deliver", url, plan, folder)
        finally:
            controller.stop()
        delivery["server_messages"] = handler.messages
        delivery["server_recipients"] = handler.recipients
        delivery["server_bytes"] = handler.bytes
        result["delivery"] = delivery
        if args.keep and url.startswith("sqlite"):
            _say(f"database kept: {url}")
    return result


def _db_mib(url: str) -> float | None:
    if not url.startswith("sqlite"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _row(label: str, value: str, width: int = 58) -> str:
    return f"  {label:<{width}} {value}"


def report(r: dict, args: argparse.Namespace) -> None:
    line = "-" * 100
    print(line)
    print("beteiligung reminder benchmark (benchmarks/bench_reminders.py)")
    print(f"machine: {bench_core.machine()}")
    print(f"database: {r['server']}; {r['processes']:,} processes, {r['audit_events']:,} audit "
          f"events, seeded in {r['seed_processes_s']:.1f} s")
    print(line)
    now_local = NOW.astimezone(BERLIN)
    print(f"sweep as of {now_local:%a %d %b %Y %H:%M} Europe/Berlin, {r['due']:,} deadlines due "
          f"({', '.join(f'{v:,} {k}' for k, v in r['due_kinds'].items())}); "
          f"median of {args.repeats} runs")
    sweeps = r["sweeps"]
    for n, s in sweeps.items():
        size = f", {s['db_mib']:,.0f} MiB on disk" if s["db_mib"] else ""
        print(_row(f"N = {n:>9,} open deadlines (inserted in {s['insert_s']:.1f} s{size})",
                   f"{s['median']:7.3f} s  {r['due'] / s['median']:6,.0f} reminders/s  "
                   f"due query {s['due_query_ms']:.2f} ms"))
        print(_row("    runs", ", ".join(f"{x:.3f} s" for x in s["seconds"])))
        kinds = ", ".join(f"{v:,} {k}" for k, v in sorted(s["kinds"].items()))
        print(_row("    queued", f"{s['queued']:,} ({kinds}); {s['missed']:,} marked missed"))
    ns = list(sweeps)
    if len(ns) > 1:
        ratio = sweeps[ns[-1]]["median"] / sweeps[ns[0]]["median"]
        verdict = "met" if ratio <= SWEEP_TARGET else "MISSED"
        print(_row(f"ratio N={ns[-1]:,} / N={ns[0]:,}",
                   f"{ratio:7.2f} x   (target: not much slower, <= {SWEEP_TARGET} x) {verdict}"))
    print("memory of the sweep")
    for n, s in sweeps.items():
        mem = s["memory"]
        print(_row(f"N = {n:>9,}: peak RSS of the sweep child",
                   f"{s['maxrss_mib']:7.1f} MiB (before the sweeps {s['rss_before_mib']:.1f} MiB, "
                   f"after each: {', '.join(f'{x:.1f}' for x in s['rss_after_mib'])})"))
        print(_row(f"N = {n:>9,}: Python heap peak of one sweep (tracemalloc)",
                   f"{mem['peak_mib']:7.1f} MiB (held by its report after: "
                   f"{mem['held_by_report_mib']:.1f} MiB)"))
    print(line)
    d = r["delivery"]
    kinds = ", ".join(f"{v:,} {k}" for k, v in sorted(d["kinds"].items()))
    print(f"delivery: {d['messages']:,} reminders ({kinds}; {d['bytes_mean']:,.0f} bytes on "
          f"average, {d['bytes_min']:,}-{d['bytes_max']:,}) to aiosmtpd on 127.0.0.1; median of "
          f"{d['rounds']} rounds, order flipped each round")
    b = d["baseline"]
    print(_row("baseline  aiosmtplib sendmail: the same bytes as in the outbox",
               f"{b['per_second']:7,.0f} /s   ({b['median']:.3f} s)"))
    bb = d["baseline_building"]
    print(_row("          the same, building each e-mail from its parts in the loop",
               f"{bb['per_second']:7,.0f} /s   ({bb['median']:.3f} s)  "
               f"{bb['per_second'] / b['per_second']:6.0%} of baseline (no target: the cost of "
               "building at delivery, as before 0003)"))
    for key, label in (("deliver", f"engine    deliver(), SmtpSender, batch_size "
                                   f"{d['batch_size']} (settings)"),
                       ("deliver_one_batch", f"engine    deliver(), SmtpSender, batch_size "
                                             f"{d['messages']:,} (one connection)")):
        e = d[key]
        share = e["per_second"] / b["per_second"]
        verdict = "met" if share >= 0.8 else "MISSED"
        print(_row(label, f"{e['per_second']:7,.0f} /s   ({e['median']:.3f} s)  "
                          f"{share:6.0%} of baseline (target >= 80 %) {verdict}"))
    ok = d["server_messages"] == d["sent_total"]
    verdict = "as sent" if ok else f"MISMATCH, sent {d['sent_total']:,}"
    print(_row("server received", f"{d['server_messages']:,} messages "
                                  f"({d['server_recipients']:,} recipients, "
                                  f"{d['server_bytes'] / 2**20:,.1f} MiB): "
                                  f"{verdict}"))
    print(line)
    for key, what in ((None, "sweep"), ("delivery", "deliver")):
        source = sweeps[ns[-1]] if key is None else d
        if "profile" in source:
            print(f"cProfile of one {what}")
            print(source["profile"])
            print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deadlines", type=int, nargs="+", default=[100_000, 1_000_000],
                        metavar="N", help="open deadlines; each N in turn, the database growing "
                                          "(default 100000 1000000)")
    parser.add_argument("--due", type=int, default=1000,
                        help="deadlines with a reminder due (default 1000)")
    parser.add_argument("--processes", type=int, default=100_000,
                        help="processes the deadlines belong to (default 100000)")
    parser.add_argument("--messages", type=int, default=1000,
                        help="reminders to deliver (default 1000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed sweeps per N (default 3)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="delivery rounds per side (default 3)")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL server to use (a new schema, dropped after); "
                             "default: a temporary SQLite file")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of one sweep (largest N) and one delivery")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--worker", choices=("sweep", "sweep-memory", "deliver"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        child(args)
        return 0
    if args.due > min(args.deadlines) // 2:
        parser.error("--due must be at most half of the smallest --deadlines")
    if args.messages + args.due > max(args.deadlines):
        parser.error("--messages plus --due must not exceed the largest --deadlines")
    folder = Path(tempfile.mkdtemp(prefix="beteiligung-bench-reminders-"))
    started = time.perf_counter()
    try:
        result = run(args, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    report(result, args)
    print(f"whole run: {time.perf_counter() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": bench_core.machine()} | result,
                                              indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
