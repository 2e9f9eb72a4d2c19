"""Departments on the real databases: a free-text department stored before the register and
the register's entry are one row of the quarterly report and one department of
``audit stuck``; a text the register does not know keeps a row of its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from beteiligung.cli.oversight import collect
from beteiligung.cli.reports import build, stuck_counts
from beteiligung.config.settings import load_settings
from beteiligung.states.departments import Register
from beteiligung.workflow import process
from beteiligung.workflow.oversight import Limits
from beteiligung.workflow.quarterly import Quarter

REGISTER = Register(load_settings({}).departments)
GREEN = "Umwelt und Stadtgrün (67)"


def _free_text(env, kit, title: str, department: str, directorate: str) -> int:
    """A process as stored before the register: its department as the lead typed it."""
    return process.create_process(env, kit.LEAD.email, process.ProcessInput(
        title, "", department, directorate, ("Mitte",), "administration", kit.LEAD,
        kit.DEPUTY)).id


def _made(env, clock, kit) -> tuple[object, dict[str, int]]:
    ids = {"typed": _free_text(env, kit, "Parkanlage", "FB 67", "Dez. V"),
           "entry": kit.new_process(env),
           "unknown": _free_text(env, kit, "Stadtgarten", "Grünamt", "Dez. V")}
    clock.advance(days=75)                   # 'initiated' allows 60 days: every one is stuck
    return replace(env, departments=REGISTER), ids


def test_one_row_per_department_in_the_quarterly_report(env, clock, kit):
    registered, _ = _made(env, clock, kit)
    quarter = Quarter(2026, 2)
    report = build(registered, quarter, stuck_counts(registered, quarter, Limits()))
    rows = {(b.directorate, line.department): line for b in report.directorates
            for line in b.departments}
    assert set(rows) == {("Dezernat V", GREEN), ("Dez. V", "Grünamt")}
    green = rows["Dezernat V", GREEN]
    assert (green.total, green.stuck, green.overdue) == (2, 2, 2)
    assert (rows["Dez. V", "Grünamt"].total, rows["Dez. V", "Grünamt"].stuck) == (1, 1)
    unregistered = build(env, quarter, stuck_counts(env, quarter, Limits()))
    assert len([line for b in unregistered.directorates for line in b.departments]) == 3


def test_audit_stuck_names_the_entry_and_filters_by_any_of_its_names(env, clock, kit):
    registered, ids = _made(env, clock, kit)
    day = (clock.now + timedelta(hours=1)).date()
    found = {f.process_id: (f.department, f.directorate)
             for f in collect(registered, Limits(), day)}
    assert found == {ids["typed"]: (GREEN, "Dezernat V"), ids["entry"]: (GREEN, "Dezernat V"),
                     ids["unknown"]: ("Grünamt", "Dez. V")}
    for typed in ("67", "FB 67", GREEN, "Umwelt und Stadtgrün"):
        only = {f.process_id for f in collect(registered, Limits(), day, department=typed)}
        assert only == {ids["typed"], ids["entry"]}, typed
    assert {f.process_id for f in collect(registered, Limits(), day, department="Grünamt")} == {
        ids["unknown"]}
