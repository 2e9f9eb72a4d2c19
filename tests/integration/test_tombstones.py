"""Ten years after it closed, a process goes whole, trail and all, and leaves a tombstone with
its trail's last hash (issue 13, point 5), on the real databases.

What must hold: nothing of it is left in any table (nor in the SQLite file and its WAL), the
database refuses to delete audit events of a process without a tombstone and to change a
tombstone, ``audit verify`` passes and counts the removal, an anchor written before still
passes, and a tombstone that was edited, removed or forged is found. A process whose trail
does not verify is kept, as evidence.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import IntegrityError

from beteiligung.states.errors import NotFound
from beteiligung.states.retention import Retention
from beteiligung.storage.schema import process_tombstones
from beteiligung.workflow import anchor as anchors
from beteiligung.workflow import participation, process
from beteiligung.workflow.audit_check import bury, tombstone_hash, verify_store
from beteiligung.workflow.ports import OutgoingMessage
from beteiligung.workflow.retention import apply_retention

RETENTION = Retention()          # the shipped periods: 3653 days for closed processes
JUST = timedelta(microseconds=1)
RESIDENT = "ole.ostermann@example.org"
TEXT = "Die Linde an der Ecke Kanalstraße bitte stehen lassen"
TABLES = {"processes": "id", "audit_events": "process_id", "deadlines": "process_id",
          "outbox": "process_id", "personal_data": "process_id"}


def _closed(env, clock, journey) -> tuple[int, object]:
    """A process through to ``closed``, with a resident's suggestion and an e-mail."""
    pid = journey.new_process(env).id
    journey.advance_to(env, pid, "pre_reporting", clock)
    participation.submit_suggestion(env, pid, TEXT, RESIDENT, "client", max_chars=2000)
    with env.uow() as uow:
        uow.outbox.enqueue(OutgoingMessage(f"test:{pid}", "reminder", [RESIDENT], [],
                                           "Ihre Anregung", TEXT, f"<p>{TEXT}</p>",
                                           process_id=pid), clock())
        uow.commit()
    case = journey.advance_to(env, pid, "closed", clock)
    return pid, case.phase_entered_at


def _rows(engine, pid: int) -> dict[str, int]:
    with engine.connect() as conn:
        return {table: conn.execute(text(f"SELECT COUNT(*) FROM {table} WHERE {column} = :p"),
                                    {"p": pid}).scalar_one()
                for table, column in TABLES.items()}


def _report(env, anchor=None):
    keys = env.audit_keys() if env.audit_keys else None
    with env.uow() as uow:
        report = verify_store(uow.processes, keys, anchors.watch(anchor) if anchor else None,
                              env.lifecycle.definition.terminal_phases)
        if anchor is not None:
            existing = {h.process_id for h in uow.processes.chain_heads()}
            anchors.check(anchor, report, keys, existing)
    return report


def _anchor(env, now):
    keys = env.audit_keys() if env.audit_keys else None
    with env.uow() as uow:
        heads = list(uow.processes.chain_heads())
        cases = list(uow.processes.cases())
    return anchors.build(heads, cases[-1], now, keys)


def test_a_closed_process_goes_whole_after_ten_years_leaving_its_last_hash(
        env, engine, clock, journey, db_url):
    pid, closed_at = _closed(env, clock, journey)
    open_pid = journey.new_process(env).id
    anchor = _anchor(env, clock())
    due = closed_at + timedelta(days=3653)

    early = apply_retention(env, RETENTION, due - JUST)   # the contact data go meanwhile
    assert early.removed["closed_processes"] == 0 and _rows(engine, pid)["processes"] == 1
    trail = process.history(env, pid)
    assert trail[-1].action == "personal_data_expired"
    dry = apply_retention(env, RETENTION, due, dry_run=True)
    assert dry.removed["closed_processes"] == 1 and _rows(engine, pid)["audit_events"] > 0

    done = apply_retention(env, RETENTION, due)
    assert (done.removed["closed_processes"], done.buried, done.kept) == (1, (pid,), ())
    assert _rows(engine, pid) == dict.fromkeys(TABLES, 0)
    with env.uow() as uow:
        tombstone = uow.processes.tombstone(pid)
        assert uow.processes.get(open_pid).id == open_pid
        with pytest.raises(NotFound) as gone:
            uow.processes.get(pid)
    assert tombstone is not None
    assert (tombstone.final_seq, tombstone.final_hash) == (trail[-1].seq, trail[-1].hash)
    assert (tombstone.phase, tombstone.closed_at, tombstone.kept_days) == (
        "closed", closed_at, 3653)
    assert tombstone.mac is not None and tombstone_hash(tombstone) == tombstone.hash
    assert "entfernt" in gone.value.text("de") and "3653" in gone.value.text("de")

    report = _report(env, anchor)
    assert report.ok, report.breaks
    assert list(report.buried) == [pid]
    assert process.verify_audit(env)[1] == []
    if make_url(db_url).get_backend_name() == "sqlite":
        path = Path(make_url(db_url).database or "")
        wal = path.with_name(path.name + "-wal")
        data = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        assert TEXT.encode("utf-8") not in data and RESIDENT.encode() not in data
    again = apply_retention(env, RETENTION, due + timedelta(days=4000))
    assert again.removed["closed_processes"] == 0 and again.buried == ()


def test_open_processes_stay_however_old(env, engine, clock, journey):
    pid = journey.new_process(env).id
    journey.advance_to(env, pid, "pre_reporting", clock)
    done = apply_retention(env, RETENTION, clock() + timedelta(days=40_000))
    assert done.removed["closed_processes"] == 0 and _rows(engine, pid)["processes"] == 1


def test_a_process_whose_trail_is_broken_is_kept(env, engine, clock, journey, unguarded):
    pid, closed_at = _closed(env, clock, journey)
    with unguarded(engine) as conn:
        conn.execute(text("UPDATE audit_events SET reason = 'nachträglich' "
                          "WHERE process_id = :p AND seq = 2"), {"p": pid})
    done = apply_retention(env, RETENTION, closed_at + timedelta(days=3653))
    assert (done.buried, done.kept, done.removed["closed_processes"]) == ((), (pid,), 0)
    assert _rows(engine, pid)["audit_events"] > 0
    with env.uow() as uow:
        assert uow.processes.tombstone(pid) is None


def test_the_database_deletes_no_event_without_a_tombstone_and_keeps_tombstones(
        env, engine, clock, journey):
    live = journey.new_process(env).id
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE process_id = :p"), {"p": live})
    assert _rows(engine, live)["audit_events"] == 1
    pid, closed_at = _closed(env, clock, journey)
    apply_retention(env, RETENTION, closed_at + timedelta(days=3653))
    for statement in ("UPDATE process_tombstones SET kept_days = 0",
                      "DELETE FROM process_tombstones"):
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(statement))
    with env.uow() as uow:
        assert uow.processes.tombstone(pid) is not None


@pytest.mark.parametrize("tamper, code", [
    ("UPDATE process_tombstones SET kept_days = 10", "buried_edited"),
    ("DELETE FROM process_tombstones", "vanished"),
])
def test_verify_finds_a_changed_or_removed_tombstone(env, engine, clock, journey, unguarded,
                                                     tamper, code):
    pid, closed_at = _closed(env, clock, journey)
    apply_retention(env, RETENTION, closed_at + timedelta(days=3653))
    with unguarded(engine) as conn:
        conn.execute(text(tamper))
    report = _report(env)
    assert [(b.process_id, b.code) for b in report.breaks] == [(pid, code)]


INSERT_TOMBSTONE = process_tombstones.insert()   # its times stored as the program does


def _row(t) -> dict:
    return {"process_id": t.process_id, "phase": t.phase, "closed_at": t.closed_at,
            "final_seq": t.final_seq, "final_hash": t.final_hash, "removed_at": t.removed_at,
            "kept_days": t.kept_days, "hash": t.hash}


def test_the_database_refuses_a_tombstone_that_does_not_fit_its_process(env, engine, clock,
                                                                        journey):
    """What the runtime role could insert to bury a process: refused unless the tombstone
    names the process as it ends now, with a period of a year or more that has passed."""
    pid = journey.new_process(env).id
    with env.uow() as uow:
        head = uow.processes.head(pid)
        entered = uow.processes.get(pid).phase_entered_at
    later = entered + timedelta(days=4000)
    fits = bury(head, entered, later, 3653, None)
    for unfit in (bury(head, entered, later, 30, None),                     # period too short
                  bury(head, entered, entered + timedelta(days=10), 3653, None),  # too soon
                  replace(fits, final_seq=head.seq - 1),                    # not its end
                  replace(fits, closed_at=entered - timedelta(days=1)),      # not its phase
                  replace(fits, process_id=pid + 100)):                     # no such process
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(INSERT_TOMBSTONE, _row(unfit))
    with env.uow() as uow:
        assert list(uow.processes.tombstones()) == []


def test_verify_finds_a_tombstone_that_got_in_behind_the_program(env, engine, clock, journey,
                                                                 unguarded):
    """A process in an open phase, buried with a tombstone that fits its row and claims a
    removal ten years on (the database cannot tell a future time from now: frozen-time
    tests and real runs look alike): verify names it, unsigned, and signed with the key."""
    pid = journey.new_process(env).id
    with env.uow() as uow:
        head = uow.processes.head(pid)
        entered = uow.processes.get(pid).phase_entered_at
    forged = bury(head, entered, entered + timedelta(days=4000), 3653, None)
    with engine.begin() as conn:
        conn.execute(INSERT_TOMBSTONE, _row(forged))
    report = _report(env)
    assert [(b.process_id, b.code) for b in report.breaks] == [(pid, "unsigned")]
    with engine.begin() as conn:   # with the tombstone in, the database lets them go
        for table in ("personal_data", "deadlines", "audit_events", "processes"):
            column = "id" if table == "processes" else "process_id"
            conn.execute(text(f"DELETE FROM {table} WHERE {column} = :p"), {"p": pid})
    report = _report(env)
    assert [(b.process_id, b.code) for b in report.breaks] == [(pid, "unsigned")]
    keys = env.audit_keys()
    signed = bury(head, entered, entered + timedelta(days=4000), 3653, keys)
    with unguarded(engine) as conn:
        conn.execute(text("DELETE FROM process_tombstones"))
        conn.execute(INSERT_TOMBSTONE, _row(signed) | {"key_id": signed.key_id,
                                                       "mac": signed.mac})
    report = _report(env)
    assert [(b.process_id, b.code) for b in report.breaks] == [(pid, "buried_open")]


def test_after_the_newest_process_is_removed_a_new_one_gets_a_new_id(env, clock, journey):
    """SQLite hands out the highest id again once its row is gone; the registry keeps it."""
    pid, closed_at = _closed(env, clock, journey)
    apply_retention(env, RETENTION, closed_at + timedelta(days=3653))
    newer = journey.new_process(env).id
    assert newer > pid and process.verify_audit(env)[1] == []


def test_an_anchor_past_the_tombstone_is_a_break(env, engine, clock, journey):
    pid, closed_at = _closed(env, clock, journey)
    anchor = _anchor(env, clock())
    apply_retention(env, RETENTION, closed_at + timedelta(days=3653))
    [place] = [p for p in anchor["processes"] if p["process_id"] == pid]
    place["seq"] += 1
    anchor.pop("mac", None)
    report = _report(env, anchor)
    assert [(b.process_id, b.code) for b in report.breaks] == [(pid, "anchor_buried")]
