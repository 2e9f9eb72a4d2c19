"""Storage facts the design relies on, checked on SQLite and PostgreSQL alike.

Times come back as the same aware UTC instant they went in as, whatever zone they were given
in; range queries on them count the same on both databases; and the phase list is served by
the composite index on (phase, phase_entered_at).
"""

from __future__ import annotations

import time
import warnings
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, insert, inspect, select, text
from sqlalchemy.exc import SAWarning, StatementError

from beteiligung.storage.engine import make_engine
from beteiligung.storage.schema import processes
from beteiligung.workflow import process
from beteiligung.workflow.audit import GENESIS

BERLIN = ZoneInfo("Europe/Berlin")

INSTANTS = {
    "before the spring change (CET)": datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN),
    "after the spring change (CEST)": datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN),
    "autumn, first 02:30 (CEST)": datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN),
    "autumn, second 02:30 (CET)": datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN),
    "New York, a new year in UTC": datetime(2026, 12, 31, 23, 59, 59, 999999,
                                            tzinfo=ZoneInfo("America/New_York")),
    "Kathmandu, +05:45": datetime(2026, 6, 1, 4, 0, 0, 1,
                                  tzinfo=timezone(timedelta(hours=5, minutes=45))),
    "UTC, past 2038": datetime(2038, 1, 19, 3, 14, 8, 500000, tzinfo=UTC),
}


def _row(phase: str, at: datetime, title: str = "Prozess") -> dict:
    return {"title": title, "phase": phase, "phase_entered_at": at, "definition_version": "t",
            "created_at": at, "updated_at": at, "audit_head": GENESIS, "document": "{}"}


@pytest.mark.parametrize("name", list(INSTANTS))
def test_times_round_trip_as_aware_utc(env, clock, kit, name):
    moment = INSTANTS[name]
    clock.now = moment
    pid = kit.new_process(env)

    case, _ = process.show_process(env, pid)
    (created,) = process.history(env, pid)
    (summary,) = process.list_processes(env)
    # compared in UTC: Python never calls an ambiguous wall time equal to another zone's time
    for value in (case.created_at, case.phase_entered_at, created.at,
                  summary.phase_entered_at, summary.updated_at):
        assert value.tzinfo is UTC
        assert value == moment.astimezone(UTC)
        assert value.timestamp() == moment.timestamp()
    assert process.verify_audit(env) == (1, [])


def test_the_two_autumn_half_past_twos_stay_an_hour_apart(env, clock, kit):
    first, second = (INSTANTS[f"autumn, {n} 02:30 ({z})"]
                     for n, z in (("first", "CEST"), ("second", "CET")))
    ids = []
    for moment in (first, second):
        clock.now = moment
        ids.append(kit.new_process(env))
    stored = [process.show_process(env, pid)[0].created_at for pid in ids]
    assert stored[1] - stored[0] == timedelta(hours=1)


@pytest.fixture
def far_local_zone(monkeypatch):
    """The test process believes it is in São Paulo (no DST, UTC-3)."""
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_times_do_not_depend_on_local_or_session_time_zones(db_url, settings, clock, kit,
                                                            far_local_zone):
    """Neither the machine's zone nor PostgreSQL's session ``TimeZone`` changes an instant."""
    from beteiligung.config.bootstrap import build_env

    engine = make_engine(db_url)
    if kit.dialect(db_url) == "postgresql":
        @event.listens_for(engine, "connect")
        def _zone(dbapi_connection, _record):
            dbapi_connection.execute("SET TIME ZONE 'Pacific/Chatham'")
            dbapi_connection.commit()
    try:
        env = build_env(settings, clock=clock, engine=engine)
        clock.now = INSTANTS["before the spring change (CET)"]
        pid = kit.new_process(env)
        case, _ = process.show_process(env, pid)
        assert case.created_at.tzinfo is UTC and case.created_at == clock.now.astimezone(UTC)
        with engine.connect() as conn:
            stored = conn.execute(select(processes.c.created_at)).scalar_one()
            if kit.dialect(db_url) == "postgresql":
                assert conn.exec_driver_sql("SHOW TIME ZONE").scalar() == "Pacific/Chatham"
        assert time.localtime(clock.now.timestamp()).tm_gmtoff == -3 * 3600
        assert stored.tzinfo is UTC and stored == clock.now.astimezone(UTC)
        assert process.verify_audit(env) == (1, [])
    finally:
        engine.dispose()


def test_naive_time_is_refused_and_nothing_is_stored(engine):
    with pytest.raises(StatementError, match="naive datetime"), engine.begin() as conn:
        conn.execute(insert(processes).values(**_row("concept", datetime(2026, 3, 29, 1, 30))))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(processes)).scalar() == 0


def _count_before(engine, phase: str, bound: datetime) -> int:
    c = processes.c
    query = select(func.count()).where(c.phase == phase, c.phase_entered_at < bound)
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def test_phase_and_time_range_counts_the_instants_not_the_wall_clocks(engine):
    """Rows entered around the bound in several zones: only those earlier as instants count.

    Wall-clock text would order them differently (a Berlin 02:30 is before a New York 21:00
    of the day before as text, after it as an instant)."""
    bound = datetime(2026, 3, 29, 3, 0, tzinfo=BERLIN)  # 01:00 UTC
    utc = bound.astimezone(UTC)
    new_york, kathmandu = ZoneInfo("America/New_York"), timezone(timedelta(hours=5, minutes=45))
    entered = [
        (utc - timedelta(hours=1)).astimezone(kathmandu),     # before
        (utc - timedelta(microseconds=1)).astimezone(BERLIN),  # before, by 1 µs
        utc.astimezone(new_york),                             # at the bound: not before
        (utc + timedelta(microseconds=1)).astimezone(UTC),    # after
        (utc + timedelta(hours=2)).astimezone(new_york),      # after (20:00 the day before)
        datetime(2026, 3, 29, 1, 59, tzinfo=BERLIN),          # 00:59 UTC: before
    ]
    rows = [_row("dialogue", at, f"D{i}") for i, at in enumerate(entered)]
    rows += [_row("concept", utc - timedelta(days=1), "anderswo")]
    with engine.begin() as conn:
        conn.execute(insert(processes), rows)

    expected = sum(at < bound for at in entered)
    assert expected == 3
    for same_bound in (bound, utc, bound.astimezone(new_york)):
        assert _count_before(engine, "dialogue", same_bound) == expected
    assert _count_before(engine, "concept", bound) == 1
    assert _count_before(engine, "decision", bound) == 0


def test_phase_list_is_ordered_by_instant(env, engine):
    base = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
    zones = [ZoneInfo("America/New_York"), BERLIN, UTC, timezone(timedelta(hours=14))]
    entered = [(base + timedelta(minutes=17 * i)).astimezone(zones[i % 4]) for i in range(12)]
    shuffled = entered[5:] + entered[:5]
    with engine.begin() as conn:
        conn.execute(insert(processes), [_row("dialogue", at, at.isoformat())
                                         for at in shuffled])
    listed = process.list_processes(env, phase="dialogue")
    assert [s.phase_entered_at for s in listed] == sorted(at.astimezone(UTC) for at in entered)
    assert [s.title for s in listed] == [at.isoformat() for at in sorted(entered)]


def test_processes_indexes_are_the_composite_phase_index_and_the_lookups(engine):
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes("processes")}
    assert indexes == {
        "ix_processes_phase_entered": ["phase", "phase_entered_at"],
        "ix_processes_lead_email": ["lead_email"],
        "ix_processes_deputy_email": ["deputy_email"],
        "ix_processes_department": ["department"],
        "ix_processes_last_hold_at": ["last_hold_at"],
    }
    with warnings.catch_warnings():   # SQLite cannot reflect the index on lower(actor)
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        uniques = inspect(engine).get_unique_constraints("audit_events")
    assert [(u["name"], u["column_names"]) for u in uniques] == [
        ("uq_audit_events_process_seq", ["process_id", "seq"])]


PHASES = ("initiated", "begleitgruppe", "concept", "pre_reporting", "dialogue",
          "interim_results", "decision", "evaluation", "closed", "cancelled")


@pytest.fixture
def many(engine) -> int:
    """20,000 processes over every phase; 'pre_reporting' holds only 1 in 100. Analysed."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    common = [p for p in PHASES if p != "pre_reporting"]
    rows = [_row("pre_reporting" if i % 100 == 0 else common[i % len(common)],
                 start + timedelta(minutes=37 * i), f"P{i}") for i in range(20_000)]
    with engine.begin() as conn:
        conn.execute(insert(processes), rows)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE processes" if engine.dialect.name == "postgresql"
                          else "ANALYZE"))
    return sum(r["phase"] == "pre_reporting" for r in rows)


def _plan(engine, statement: str, parameters) -> str:
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        result = conn.exec_driver_sql(prefix + statement, parameters)
        if engine.dialect.name == "sqlite":
            return "\n".join(row[-1] for row in result)
        return "\n".join(row[0] for row in result)


def _captured(engine, call):
    """Run ``call`` and return the one SELECT on ``processes`` it sent, with its parameters."""
    sent = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "processes" in statement:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert len(sent) == 1, sent
    return result, sent[0]


def test_list_processes_in_a_phase_uses_the_composite_index(env, engine, many):
    listed, (statement, parameters) = _captured(
        engine, lambda: process.list_processes(env, phase="pre_reporting"))
    assert len(listed) == many == 200

    plan = _plan(engine, statement, parameters)
    assert "ix_processes_phase_entered" in plan, plan
    if engine.dialect.name == "sqlite":
        assert "(phase=?)" in plan and "TEMP B-TREE" not in plan, plan
    else:
        assert "Seq Scan" not in plan, plan


def test_phase_and_time_range_query_uses_both_index_columns(env, engine, many):
    bound = datetime(2024, 6, 1, tzinfo=BERLIN)
    counted, (statement, parameters) = _captured(
        engine, lambda: _count_before(engine, "pre_reporting", bound))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    assert counted == sum(1 for i in range(0, 20_000, 100)
                          if start + timedelta(minutes=37 * i) < bound) == 60

    plan = _plan(engine, statement, parameters)
    if engine.dialect.name == "sqlite":
        assert "ix_processes_phase_entered (phase=? AND phase_entered_at<?)" in plan, plan
    else:
        assert "ix_processes_phase_entered" in plan, plan
        assert "phase_entered_at <" in plan, plan
