"""Ten years after it closed, a process goes whole, trail and all, and leaves a tombstone with
its trail's last hash (issue 13, point 5), on the real databases.

What must hold: nothing of it is left in any table (nor in the SQLite file and its WAL), the
database refuses to delete audit events of a process without a tombstone and to change a
tombstone, ``audit verify`` passes and counts the removal, an anchor written before still
passes, and a tombstone that was edited, removed or forged is found. A process whose trail
does not verify is kept, as evidence.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import IntegrityError

from beteiligung.states.errors import NotFound
from beteiligung.states.retention import Retention
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
        report = verify_store(uow.processes, keys, anchors.watch(anchor) if anchor else None)
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


def test_verify_finds_a_tombstone_forged_for_a_living_process(env, engine, clock, journey):
    pid = journey.new_process(env).id
    with env.uow() as uow:
        head = uow.processes.head(pid)
    # what someone with the runtime role could insert: well hashed, but without the key
    forged = bury(head, clock(), clock() + timedelta(days=4000), 3653, None)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO process_tombstones (process_id, phase, closed_at, final_seq, "
            "final_hash, removed_at, kept_days, hash) VALUES (:process_id, :phase, "
            ":closed_at, :final_seq, :final_hash, :removed_at, :kept_days, :hash)"),
            {"process_id": pid, "phase": forged.phase, "closed_at": forged.closed_at,
             "final_seq": forged.final_seq, "final_hash": forged.final_hash,
             "removed_at": forged.removed_at, "kept_days": forged.kept_days,
             "hash": forged.hash})
    report = _report(env)
    assert [(b.process_id, b.code) for b in report.breaks] == [(pid, "unsigned")]


def test_an_anchor_past_the_tombstone_is_a_break(env, engine, clock, journey):
    pid, closed_at = _closed(env, clock, journey)
    anchor = _anchor(env, clock())
    apply_retention(env, RETENTION, closed_at + timedelta(days=3653))
    [place] = [p for p in anchor["processes"] if p["process_id"] == pid]
    place["seq"] += 1
    anchor.pop("mac", None)
    report = _report(env, anchor)
    assert [(b.process_id, b.code) for b in report.breaks] == [(pid, "anchor_buried")]
