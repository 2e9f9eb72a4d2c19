"""The quarterly report's fold, on hand-built process facts (no database): quarters in Berlin
time, every number as of the quarter's end, the medians, and what is listed."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from beteiligung.config.settings import HERE
from beteiligung.states.case import Activity, Decision
from beteiligung.states.definition import load_definition
from beteiligung.states.errors import BadInput
from beteiligung.workflow.quarterly import (
    ActivityRecorded,
    DecisionPublished,
    DecisionRecorded,
    OverdueCount,
    PhaseChange,
    ProcessFacts,
    Quarter,
    median_days,
    quarterly_report,
)

DEFINITION = load_definition(HERE / "process_definition.toml")
Q3 = Quarter(2026, 3)
AFTER_Q3 = datetime(2026, 11, 2, 12, tzinfo=UTC)


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def walk(start: str, *steps: tuple[int, str]) -> list[PhaseChange]:
    """Created in 'initiated' at ``start``; then each (days later, new phase)."""
    moment = at(start)
    changes = [PhaseChange(moment, None, "initiated")]
    for days, phase in steps:
        moment += timedelta(days=days)
        changes.append(PhaseChange(moment, changes[-1].to_phase, phase))
    return changes


MAIN = ["begleitgruppe", "concept", "pre_reporting", "dialogue", "interim_results", "decision",
        "evaluation", "closed"]


class FakeReader:
    """The read port over a list, filtered by ``until`` as the SQL reader does."""

    def __init__(self, processes: list[ProcessFacts], overdue: list[OverdueCount] = ()) -> None:
        self.items, self.counts, self.asked = processes, list(overdue), []

    def processes(self, until):
        self.asked.append(until)
        for item in self.items:
            kept = tuple(f for f in item.facts if f.at < until)
            if kept:
                yield item._replace(facts=kept)

    def overdue(self, moment):
        self.asked.append(moment)
        return self.counts


def facts(pid: int, title: str, directorate: str, department: str, *events) -> ProcessFacts:
    flat = [e for group in events for e in (group if isinstance(group, list) else [group])]
    return ProcessFacts(pid, title, department, directorate, tuple(sorted(flat, key=_at)))


def _at(fact) -> datetime:
    return fact.at


def deviating(day: str, justification: str = "Die Folgekosten übersteigen den Haushalt."):
    return DecisionRecorded(at(day), Decision("Rat", date.fromisoformat(day), "Entwurf B",
                                              False, justification, "FB 61.3"))


def scenario() -> list[ProcessFacts]:
    """Nine processes around the third quarter of 2026 (1 July to 30 September)."""
    return [
        # closed in May: before the quarter; stays of 10 days each
        facts(1, "Marktplatz", "Dezernat VI", "FB 61",
              walk("2026-03-02", *[(10, p) for p in MAIN])),
        # created in the quarter, in pre-reporting at its end: planned
        facts(2, "Spielplatz", "Dezernat III", "FB 51",
              walk("2026-07-06", (10, "begleitgruppe"), (10, "concept"), (20, "pre_reporting"))),
        # in dialogue at the end with an activity next quarter; moved on after the end
        facts(3, "Radweg", "Dezernat VI", "FB 66",
              walk("2026-04-01", (5, "begleitgruppe"), (5, "concept"), (5, "pre_reporting"),
                   (5, "dialogue"), (200, "interim_results")),
              ActivityRecorded(at("2026-05-01"), Activity(1, "Werkstatt", "on_site",
                                                          date(2026, 11, 12), "Freizeitheim")),
              ActivityRecorded(at("2026-05-02"), Activity(1, "Online-Dialog", "online",
                                                          date(2026, 9, 1), "hannover.de"))),
        # a departing decision published in the quarter; in evaluation at the end
        facts(4, "Bibliothek", "Dezernat III", "FB 41",
              walk("2026-02-02", *[(20, p) for p in MAIN[:6]], (60, "evaluation")),
              deviating("2026-07-10"), DecisionPublished(at("2026-07-15"))),
        # a departing decision recorded but unpublished
        facts(5, "Schulhof", "Dezernat III", "FB 51",
              walk("2026-05-04", *[(10, p) for p in MAIN[:6]]), deviating("2026-09-01")),
        # cancelled in the quarter
        facts(6, "Parkanlage", "Dezernat V", "FB 67",
              walk("2026-01-12", (30, "begleitgruppe"), (190, "cancelled"))),
        # on hold at the end
        facts(7, "Brücke", "Dezernat V", "FB 67",
              walk("2026-03-10", (83, "on_hold"))),
        # created after the end: not in the report
        facts(8, "Neubau", "Dezernat VI", "FB 61", walk("2026-10-05")),
        # published in the quarter, following the results; then published again after
        facts(9, "Uferweg", "Dezernat VI", "FB 61",
              walk("2026-01-05", *[(20, p) for p in MAIN[:6]]),
              DecisionRecorded(at("2026-08-01"), Decision("Rat", date(2026, 8, 1), "wie "
                                                          "empfohlen", True)),
              DecisionPublished(at("2026-08-02"))),
    ]


def report(**kwargs):
    reader = FakeReader(scenario(), [OverdueCount("Dezernat V", "FB 67", 2),
                                     OverdueCount("Dezernat VI", "FB 66", 1)])
    return quarterly_report(reader, Q3, DEFINITION, kwargs.pop("now", AFTER_Q3), **kwargs)


@pytest.mark.parametrize(("text", "year", "number"), [("2026Q4", 2026, 4), ("2027q1", 2027, 1),
                                                      (" 2026Q2 ", 2026, 2),
                                                      ("2026-Q1", 2026, 1), ("2026-q3", 2026, 3)])
def test_a_quarter_is_read_from_year_and_number(text, year, number):
    assert Quarter.parse(text) == Quarter(year, number)


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "26Q1", "2026--Q1", "1999Q4", "Q4",
                                  "2026Q4x", "2026 Q1", ""])
def test_anything_else_is_bad_input_naming_the_form(text):
    with pytest.raises(BadInput, match="is not a quarter like 2026Q4"):
        Quarter.parse(text)


def test_quarters_begin_and_end_at_midnight_in_berlin():
    q4 = Quarter(2026, 4)
    assert q4.start == datetime(2026, 9, 30, 22, tzinfo=UTC)     # summer time
    assert q4.end == datetime(2026, 12, 31, 23, tzinfo=UTC)      # winter time
    assert (q4.first_day, q4.last_day) == (date(2026, 10, 1), date(2026, 12, 31))
    assert q4.next == Quarter(2027, 1) and str(q4.next) == "2027Q1"
    assert Quarter(2026, 1).last_day == date(2026, 3, 31)
    assert q4.holds(date(2026, 12, 31)) and not q4.holds(date(2027, 1, 1))


@pytest.mark.parametrize(("hours", "expected"), [
    (Counter(), None), (Counter({24: 1}), 1.0), (Counter({24: 2, 48: 1}), 1.0),
    (Counter({24: 1, 48: 1}), 1.5), (Counter({1: 1, 12: 1, 240: 2}), 5.25),
    (Counter({0: 3, 2400: 1}), 0.0)])
def test_the_median_of_a_histogram_of_hours_is_in_days(hours, expected):
    assert median_days(hours) == expected


def test_processes_are_counted_as_they_stood_at_the_end_of_the_quarter():
    r = report()
    assert r.moment == Q3.end and not r.provisional
    assert {k: v for k, v in r.phase_counts.items() if v} == {
        "closed": 1, "pre_reporting": 1, "dialogue": 1, "evaluation": 1, "decision": 2,
        "cancelled": 1, "on_hold": 1}
    lines = {(b.directorate, line.department): line for b in r.directorates
             for line in b.departments}
    assert sorted(lines) == [("Dezernat III", "FB 41"), ("Dezernat III", "FB 51"),
                             ("Dezernat V", "FB 67"), ("Dezernat VI", "FB 61"),
                             ("Dezernat VI", "FB 66")]
    assert dict(lines["Dezernat III", "FB 51"].counts) == {"running": 1, "decision": 1}
    assert dict(lines["Dezernat VI", "FB 61"].counts) == {"closed": 1, "decision": 1}
    assert dict(lines["Dezernat VI", "FB 66"].counts) == {"running": 1}  # not interim results
    assert dict(lines["Dezernat V", "FB 67"].counts) == {"cancelled": 1, "on_hold": 1}
    assert lines["Dezernat V", "FB 67"].ended_in_quarter == Counter({"cancelled": 1})
    assert lines["Dezernat VI", "FB 61"].ended_in_quarter == Counter()  # closed in May
    assert [line.new for line in lines.values()] == [0, 1, 0, 0, 0]    # only Spielplatz
    assert (lines["Dezernat V", "FB 67"].overdue, lines["Dezernat VI", "FB 66"].overdue) == (2, 1)
    total = r.total
    assert (total.total, total.open, total.new, total.overdue) == (8, 6, 1, 3)
    assert [(b.directorate, b.total.total) for b in r.directorates] == [
        ("Dezernat III", 3), ("Dezernat V", 2), ("Dezernat VI", 3)]
    assert r.categories == ("preparation", "running", "decision", "evaluation", "on_hold",
                            "closed", "cancelled")


def test_the_planned_participation_lists_pre_reporting_and_next_quarters_activities():
    r = report()
    assert [(p.id, p.phase) for p in r.planned] == [(2, "pre_reporting"), (3, "dialogue")]
    assert r.planned[0].activities == ()
    [activity] = r.planned[1].activities     # the one in September is not next quarter
    assert (activity.on, activity.format, activity.mode) == (date(2026, 11, 12), "Werkstatt",
                                                             "on_site")


def test_departing_decisions_published_in_the_quarter_are_listed_with_their_justification():
    r = report()
    [deviation] = r.deviations
    assert (deviation.id, deviation.title, deviation.department) == (4, "Bibliothek", "FB 41")
    assert deviation.justification == "Die Folgekosten übersteigen den Haushalt."
    assert deviation.published_at == at("2026-07-15")
    assert (r.unpublished_deviations, r.decisions_published) == (1, 2)


def test_departments_without_a_closed_process_have_no_evaluation_yet():
    r = report()
    assert [(line.department, line.total, line.counts["evaluation"])
            for line in r.without_evaluation] == [("FB 41", 1, 1), ("FB 51", 2, 0),
                                                  ("FB 67", 2, 0), ("FB 66", 1, 0)]


def days(d: int, h: int = 0) -> float:
    return (d * 24 + h) / 24


def middle(*stays: float) -> float:
    """The median of two middle stays in days, to the float the report computes."""
    return pytest.approx(sum(stays) / len(stays))


def test_the_median_time_per_phase_counts_every_stay_the_running_ones_up_to_the_end():
    # the quarter ends 30 September 22:00 UTC; the stays still running then count up to it
    times = {s.phase: (s.stays, s.median_days) for s in report().stay_times}
    assert times["initiated"] == (8, 15.0)      # 5,10,10,10 | 20,20,30,83
    assert times["begleitgruppe"] == (7, 10.0)  # 5,10,10,10,20,20,190
    assert times["concept"] == (6, 15.0)        # 5,10,10 | 20,20,20
    assert times["pre_reporting"] == (6, 15.0)  # 5,10,10 | 20,20 and Spielplatz's 46d13h
    assert times["dialogue"] == (5, 20.0)       # 10,10,20,20 and Radweg's 162d13h, running
    assert times["interim_results"] == (4, 15.0)
    # 10 (Marktplatz), 60 (Bibliothek) | Schulhof's 89d13h and Uferweg's 148d13h, running
    assert times["decision"] == (4, middle(days(60), days(89, 13)))
    assert times["evaluation"] == (2, middle(days(10), days(60, 13)))   # Bibliothek's runs
    assert times["on_hold"] == (1, middle(days(121, 13)))   # the Brücke, on hold since 1 June
    assert "closed" not in times and "cancelled" not in times


def test_a_process_stuck_for_305_days_shows_in_the_time_per_phase():
    stuck = facts(1, "Festgefahren", "Dezernat V", "FB 67",
                  PhaseChange(Q3.end - timedelta(days=305), None, "initiated"))
    r = quarterly_report(FakeReader([stuck]), Q3, DEFINITION, AFTER_Q3)
    times = {s.phase: (s.stays, s.median_days) for s in r.stay_times}
    assert times["initiated"] == (1, 305.0)
    assert times["concept"] == (0, None)


def test_a_running_quarter_is_provisional_and_counted_as_of_now():
    now = datetime(2026, 8, 10, 12, tzinfo=UTC)
    r = report(now=now)
    assert r.provisional and r.moment == now
    assert r.phase_counts["cancelled"] == 0 and r.phase_counts["begleitgruppe"] == 1
    assert r.phase_counts["concept"] == 1 and r.phase_counts["pre_reporting"] == 0
    assert [d.id for d in r.deviations] == [4]


def test_the_reader_is_asked_for_everything_before_the_moment_only():
    reader = FakeReader(scenario())
    quarterly_report(reader, Q3, DEFINITION, AFTER_Q3)
    assert reader.asked == [Q3.end, Q3.end]
    now = datetime(2026, 8, 10, 12, tzinfo=UTC)
    quarterly_report(reader, Q3, DEFINITION, now)
    assert reader.asked[2:] == [now, now]


def test_a_quarter_that_has_not_begun_is_refused():
    with pytest.raises(BadInput, match="2026Q3 has not begun yet"):
        report(now=datetime(2026, 6, 30, 21, 59, tzinfo=UTC))


def test_stuck_counts_go_on_their_department_and_unknown_ones_are_kept_apart():
    r = report(stuck={"FB 51": 2, "FB 66": 1, "FB 99": 4, "FB 41": 0})
    assert r.stuck_given and r.stuck_unmatched == {"FB 99": 4}
    stuck = {line.department: line.stuck for b in r.directorates for line in b.departments}
    assert stuck == {"FB 41": 0, "FB 51": 2, "FB 66": 1, "FB 61": 0, "FB 67": 0}
    assert r.total.stuck == 3
    plain = report()
    assert not plain.stuck_given and plain.total.stuck is None


def test_facts_after_the_moment_are_ignored_even_when_the_reader_sends_them():
    class Careless(FakeReader):
        def processes(self, until):
            yield from self.items

    r = quarterly_report(Careless(scenario()), Q3, DEFINITION, AFTER_Q3)
    assert r.total.total == 8 and r.phase_counts["interim_results"] == 0
    assert r.phase_counts["dialogue"] == 1
