"""The quarterly report on the real databases: nine processes made through the use cases at
known times around the third quarter of 2026, the report built as the command builds it (the SQL
reader in one unit of work), and the numbers, lists and renderings checked one by one."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from beteiligung.cli.reports import build
from beteiligung.notifications.quarterly import render_quarterly
from beteiligung.states.case import Decision
from beteiligung.workflow import deadlines, outcome, process
from beteiligung.workflow.quarterly import Quarter


def _journey():
    """``tests/workflow/journey.py``: fills in what each step of the main path lacks."""
    name = "_beteiligung_tests_workflow_journey"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "workflow" / "journey.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


JOURNEY = _journey()
COORDINATOR = JOURNEY.COORDINATOR
Q3 = Quarter(2026, 3)


@pytest.fixture
def env(env):
    """The scenario's processes stay 5 to 20 days in the concept phase: with a comment
    period of one day on their concepts (the setting ``concept_comment_days``)."""
    return replace(env, deadline_rules=replace(env.deadline_rules, concept_comment_days=1))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Scenario:
    """Processes created and moved at the times the test names (the clock is set, not run)."""

    def __init__(self, env, clock) -> None:
        self.env, self.clock = env, clock

    def new(self, when: str, title: str, department: str, directorate: str) -> int:
        self.clock.now = utc(when)
        return JOURNEY.new_process(self.env, title=title, department=department,
                                   directorate=directorate).id

    def walk(self, pid: int, *days: int) -> None:
        """For each number: fill in the phase, wait that many days after entering it, move on."""
        for stay in days:
            case = JOURNEY.fill_phase(self.env, pid, self.clock)
            self.clock.now = case.phase_entered_at + timedelta(days=stay)
            process.advance(self.env, COORDINATOR, pid, JOURNEY.MAIN_TRIGGER[case.phase])

    def decide(self, pid: int, when: str, follows: bool, publish: str | None = None) -> None:
        self.clock.now = utc(when)
        maker = JOURNEY.current(self.env, pid).published_concept.concept.decision_makers[0]
        justification = "" if follows else "Die Folgekosten übersteigen den <Haushalt> & mehr."
        outcome.record_decision(self.env, COORDINATOR, pid, Decision(
            maker, utc(when).date(), "Entwurf B", follows, justification, "FB 61.3"))
        if publish:
            self.clock.now = utc(publish)
            outcome.publish_decision(self.env, COORDINATOR, pid)

    def step(self, when: str, pid: int, trigger: str, reason: str = "") -> None:
        self.clock.now = utc(when)
        process.advance(self.env, COORDINATOR, pid, trigger, reason)


@pytest.fixture
def made(env, clock) -> dict[str, int]:
    """The processes of the third quarter of 2026 (1 July to 30 September, Berlin)."""
    s = Scenario(env, clock)
    ids = {}
    ids["A"] = s.new("2026-03-02T09:00", "Marktplatz", "FB 61", "Dezernat VI")
    s.walk(ids["A"], 10, 10, 10, 10, 10, 15, 10, 10)          # closed on 26 May
    ids["B"] = s.new("2026-07-06T09:00", "Spielplatz", "FB 51", "Dezernat III")
    s.walk(ids["B"], 10, 10, 20)                              # pre-reporting since 15 Aug
    deadlines.add_deadline(env, COORDINATOR, ids["B"], "Bericht", utc("2026-09-15T10:00"))
    deadlines.add_deadline(env, COORDINATOR, ids["B"], "Ausschuss", utc("2026-10-15T10:00"))
    ids["C"] = s.new("2026-04-01T09:00", "Radweg", "FB 66", "Dezernat VI")
    s.walk(ids["C"], 5, 5, 5, 5)                              # dialogue since 21 April
    for day, form in ((date(2026, 11, 12), "Werkstatt"), (date(2026, 9, 1), "Online-Dialog")):
        outcome.add_activity(env, COORDINATOR, ids["C"], form, "on_site", day, "Freizeitheim")
    ids["D"] = s.new("2026-02-02T09:00", "Bibliothek", "FB 41", "Dezernat III")
    s.walk(ids["D"], 20, 20, 20, 20, 20, 20)                  # decision since 2 June
    s.decide(ids["D"], "2026-07-10T09:00", follows=False, publish="2026-07-15T09:00")
    outcome.publish_report(env, COORDINATOR, ids["D"], "post", "Nachbericht")
    s.step("2026-08-01T09:00", ids["D"], "start_evaluation")
    ids["E"] = s.new("2026-05-04T09:00", "Schulhof", "FB 51", "Dezernat III")
    s.walk(ids["E"], 10, 10, 10, 10, 10, 15)                  # decision since 8 July
    s.decide(ids["E"], "2026-09-01T09:00", follows=False)     # not published
    ids["F"] = s.new("2026-01-12T09:00", "Parkanlage", "FB 67", "Dezernat V")
    s.walk(ids["F"], 30)
    s.step("2026-08-20T09:00", ids["F"], "cancel", "Vorhaben zurückgezogen")
    ids["G"] = s.new("2026-03-10T09:00", "Brücke", "FB 67", "Dezernat V")
    s.step("2026-06-01T09:00", ids["G"], "hold", "Haushaltssperre")
    ids["H"] = s.new("2026-10-05T09:00", "Neubau", "FB 61", "Dezernat VI")
    ids["I"] = s.new("2026-01-05T09:00", "Uferweg", "FB 61", "Dezernat VI")
    s.walk(ids["I"], 20, 20, 20, 20, 20, 20)                  # decision since 5 May
    s.decide(ids["I"], "2026-08-01T09:00", follows=True, publish="2026-08-02T09:00")
    s.step("2026-10-10T09:00", ids["C"], "present_interim_results")   # after the end
    clock.now = utc("2026-10-20T12:00")
    return ids


def lines(report) -> dict[str, object]:
    return {line.department: line for block in report.directorates
            for line in block.departments}


def test_the_report_counts_every_process_as_it_stood_at_the_quarters_end(env, made):
    r = build(env, Q3)
    assert r.moment == Q3.end and not r.provisional
    assert {k: v for k, v in r.phase_counts.items() if v} == {
        "pre_reporting": 1, "dialogue": 1, "decision": 2, "evaluation": 1, "on_hold": 1,
        "closed": 1, "cancelled": 1}
    by = lines(r)
    assert [(b.directorate, [line.department for line in b.departments]) for b in
            r.directorates] == [("Dezernat III", ["FB 41", "FB 51"]), ("Dezernat V", ["FB 67"]),
                                ("Dezernat VI", ["FB 61", "FB 66"])]
    assert dict(by["FB 51"].counts) == {"running": 1, "decision": 1}
    assert dict(by["FB 61"].counts) == {"closed": 1, "decision": 1}   # not Neubau (October)
    assert dict(by["FB 66"].counts) == {"running": 1}                 # moved on in October
    assert dict(by["FB 67"].counts) == {"cancelled": 1, "on_hold": 1}
    assert dict(by["FB 41"].counts) == {"evaluation": 1}
    assert by["FB 67"].ended_in_quarter["cancelled"] == 1
    assert by["FB 61"].ended_in_quarter["closed"] == 0                # closed in May
    assert {d: line.new for d, line in by.items()} == {"FB 41": 0, "FB 51": 1, "FB 67": 0,
                                                        "FB 61": 0, "FB 66": 0}
    assert (r.total.total, r.total.open) == (8, 6)


def test_overdue_deadlines_are_those_open_past_due_at_the_quarters_end(env, made):
    by = lines(build(env, Q3))
    # FB 51: the pre-reporting limit (14 Sep) and the custom one of 15 Sep (not 15 Oct);
    # FB 66: the dialogue limit of 19 Aug, closed only in October; FB 67: the pause limit of
    # 30 Aug (the cancelled process's limits were waived in August)
    assert {d: line.overdue for d, line in by.items()} == {"FB 41": 0, "FB 51": 2, "FB 67": 1,
                                                            "FB 61": 0, "FB 66": 1}


def test_planned_participation_deviations_and_departments_without_evaluation(env, made):
    r = build(env, Q3)
    assert [(p.id, p.phase) for p in r.planned] == [(made["B"], "pre_reporting"),
                                                    (made["C"], "dialogue")]
    assert [(a.on, a.format) for a in r.planned[1].activities] == [(date(2026, 11, 12),
                                                                     "Werkstatt")]
    [deviation] = r.deviations
    assert (deviation.id, deviation.title, deviation.department) == (made["D"], "Bibliothek",
                                                                     "FB 41")
    assert deviation.justification == "Die Folgekosten übersteigen den <Haushalt> & mehr."
    assert deviation.published_at == utc("2026-07-15T09:00")
    assert (r.unpublished_deviations, r.decisions_published) == (1, 2)
    assert [(line.department, line.total, line.counts["evaluation"])
            for line in r.without_evaluation] == [("FB 41", 1, 1), ("FB 51", 2, 0),
                                                  ("FB 67", 2, 0), ("FB 66", 1, 0)]


def test_the_median_time_per_phase_comes_from_the_audit_trail(env, made):
    # stays still running at the quarter's end (30 September, 22:00 UTC) count up to it
    times = {s.phase: (s.stays, s.median_days) for s in build(env, Q3).stay_times}
    day = 24.0
    assert times == {
        "initiated": (8, 15.0),        # 5 10 10 10 | 20 20 30 83
        "begleitgruppe": (7, 10.0),    # 5 10 10 10 20 20 190
        "concept": (6, 15.0),          # 5 10 10 | 20 20 20
        "pre_reporting": (6, 15.0),    # 5 10 10 | 20 20 46d13h (Spielplatz, running)
        "dialogue": (5, 20.0),         # 10 10 20 | 20 162d13h (Radweg, running)
        "interim_results": (4, 17.5),  # 15 15 | 20 20
        # 10 60 | 84d13h (Schulhof) 148d13h (Uferweg), both running
        "decision": (4, pytest.approx((60 * day + 84 * day + 13) / 2 / day)),
        "evaluation": (2, pytest.approx((10 * day + 60 * day + 13) / 2 / day)),   # Bibliothek
        "on_hold": (1, pytest.approx((121 * day + 13) / day)),    # the Brücke, since 1 June
    }


def test_a_later_run_reports_the_same_quarter_the_same_way(env, clock, made):
    before = build(env, Q3)
    clock.now = utc("2027-01-12T10:00")
    process.advance(env, COORDINATOR, made["G"], "resume")
    JOURNEY.progress(env, made["B"], clock)                   # opens the dialogue
    after = build(env, Q3)
    assert after.phase_counts == before.phase_counts
    assert [(line.department, dict(line.counts), line.overdue) for line in lines(after).values()] \
        == [(line.department, dict(line.counts), line.overdue) for line in lines(before).values()]
    assert after.stay_times == before.stay_times and after.planned == before.planned
    q4 = build(env, Quarter(2026, 4))
    assert q4.phase_counts["on_hold"] == 1 and q4.phase_counts["interim_results"] == 1
    assert q4.total.new == 1 and q4.total.total == 9


def test_the_html_is_one_self_contained_accessible_file(env, made):
    html = render_quarterly(build(env, Q3), "html", "de")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="de">' in html
    assert "<title>Quartalsbericht Beteiligung 2026Q3</title>" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "url("):
        assert forbidden not in html.lower()
    assert "@media print" in html and "<style>" in html
    charts = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(charts) == 3
    for chart in charts:
        assert 'role="img"' in chart and re.search(r"<title id=\"[^\"]+\">[^<]+</title>", chart)
        assert re.search(r"<desc id=\"[^\"]+\">[^<]+</desc>", chart)
    assert "Dialog (online und vor Ort): 1" in charts[0]          # text alternative
    assert "Zwischenergebnisse: 17,5 Tage" in charts[2]
    assert "Pausiert: 121,5 Tage" in charts[2]     # the Brücke's stay, still running, shows
    for counts in charts[:2]:                      # counts: whole-number ticks only
        ticks = re.findall(r'text-anchor="middle">([^<]+)</text>', counts)
        assert ticks and all(re.fullmatch(r"\d+", tick) for tick in ticks), ticks
    # every table scrolls inside its own box, which the keyboard reaches and which is named
    assert html.count("<table>") == html.count('<div class="scroll" role="group" '
                                               'tabindex="0" aria-label="')
    assert "übersteigen den &lt;Haushalt&gt; &amp; mehr." in html    # escaped, not markup
    assert "<Haushalt>" not in html
    assert "Stichtag: Ende des 30.09.2026" in html


def test_english_markdown_and_csv_carry_the_same_numbers(env, made):
    report = build(env, Q3)
    html = render_quarterly(report, "html", "en")
    assert '<html lang="en">' in html and "Quarterly report on participation 2026Q3" in html
    md = render_quarterly(report, "md", "de")
    assert "| Dezernat III | FB 51 | 0 | 1 | 1 | 0 | 0 | 0 | 0 | 2 | 1 | 2 |" in md
    assert "| Dezernat V | FB 67 | 0 | 0 | 0 | 0 | 1 | 0 | 1 (1) | 2 | 0 | 1 |" in md
    assert "> Die Folgekosten übersteigen den \\<Haushalt\\> & mehr." in md
    text = render_quarterly(report, "csv", "en")
    assert text.startswith("\ufeff")                    # for German Excel by default
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert list(csv.reader(io.StringIO(render_quarterly(report, "csv", "en", "plain")))) == rows
    assert rows[0][:4] == ["Quarter", "Directorate", "Department", "in preparation"]
    table = {row[2]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert list(table) == ["FB 41", "FB 51", "FB 67", "FB 61", "FB 66"]
    assert table["FB 67"]["cancelled"] == "1" and table["FB 67"]["on hold"] == "1"
    assert table["FB 67"]["cancelled (of them in the quarter)"] == "1"
    assert table["FB 51"]["overdue deadlines"] == "2" and table["FB 51"]["new in quarter"] == "1"
    assert (table["FB 61"]["has evaluation"], table["FB 41"]["has evaluation"]) == ("yes", "no")
    assert (table["FB 66"]["planned participation"], table["FB 41"]["departing decisions"]) \
        == ("1", "1")
    assert {row[0] for row in rows[1:]} == {"2026Q3"}


def test_an_empty_database_gives_a_report_of_zeros_in_every_format(env, clock):
    clock.now = utc("2026-11-02T08:00")
    report = build(env, Quarter(2026, 4))
    assert report.provisional and report.moment == clock.now
    assert (report.total.total, report.directorates, report.planned) == (0, (), ())
    assert all(s.median_days is None for s in report.stay_times)
    html = render_quarterly(report, "html", "de")
    assert "Vorläufig: Das Quartal läuft noch." in html and "02.11.2026, 09:00" in html
    assert html.count("<svg") == 2          # no department chart without departments
    md = render_quarterly(report, "md", "en")
    assert "| **All directorates** | | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |" in md
    assert render_quarterly(report, "csv", "de").count("\n") == 1   # the header only
