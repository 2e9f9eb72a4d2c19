"""Which deadlines a case calls for, derived from the case alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from beteiligung.states.case import Suggestion
from beteiligung.states.deadlines import Deadline, DeadlineRules, closing_status, expected

RULES = DeadlineRules(answer_days=30, concept_comment_days=28, evaluation_days=365)


def test_evaluation_phase_calls_for_its_dwell_limit_and_the_evaluation(case, definition):
    found = expected(case, definition, RULES)
    assert set(found) == {("phase", f"evaluation@{case.phase_entered_at.isoformat()}"),
                          ("evaluation", "evaluation")}
    phase = found[("phase", f"evaluation@{case.phase_entered_at.isoformat()}")]
    assert phase.due_at == case.phase_entered_at + timedelta(days=180)
    evaluation = found[("evaluation", "evaluation")]
    # decided 2026-09-01 + 365 days, to the end of that day in Berlin (22:59:59 UTC in summer)
    assert evaluation.due_at == datetime(2027, 9, 1, 21, 59, 59, tzinfo=UTC)


def test_concept_phase_with_a_published_concept_opens_the_comment_period(case, definition):
    concept = replace(case, phase="concept", decision=None)
    found = expected(concept, definition, RULES)
    comments = found[("concept_comments", "concept")]
    assert comments.due_at.astimezone(UTC).date() == (
        case.concept_versions[0].published_at + timedelta(days=28)).date()


def test_interim_results_phase_uses_the_published_comment_deadline(case, definition):
    interim = replace(case, phase="interim_results", decision=None)
    found = expected(interim, definition, RULES)
    assert found[("interim_comments", "round 1")].due_at == \
        case.interim_results[0].comment_deadline


def test_each_unanswered_suggestion_has_an_answer_deadline(case, definition):
    received = datetime(2026, 5, 4, 10, tzinfo=UTC)
    open_one = Suggestion(3, "interim_results", "Brunnen", received)
    found = expected(replace(case, suggestions=[*case.suggestions, open_one]), definition,
                     RULES)
    answer = found[("suggestion_answer", "3")]
    assert answer.due_at == datetime(2026, 6, 3, 21, 59, 59, tzinfo=UTC)
    assert ("suggestion_answer", "1") not in found  # answered


def test_closed_and_cancelled_processes_call_for_nothing(case, definition):
    assert expected(replace(case, phase="closed"), definition, RULES) == {}
    assert expected(replace(case, phase="cancelled"), definition, RULES) == {}


def test_a_deadline_closes_as_met_on_time_and_missed_when_late():
    due = datetime(2026, 6, 30, 12, tzinfo=UTC)
    deadline = Deadline(1, 7, "custom", "x", "Frist", due, due - timedelta(days=40))
    assert closing_status(deadline, due) == "met"
    assert closing_status(deadline, due + timedelta(seconds=1)) == "missed"
    deadline.status = "missed"
    assert closing_status(deadline, due - timedelta(days=1)) == "missed"


def test_a_comment_period_closes_as_met_after_it_ended():
    due = datetime(2026, 6, 30, 12, tzinfo=UTC)
    period = Deadline(1, 7, "interim_comments", "round 1", "Frist", due, due)
    assert closing_status(period, due + timedelta(days=3)) == "met"
    period.status = "missed"
    assert closing_status(period, due + timedelta(days=30)) == "missed"


def test_a_comment_period_left_before_its_end_is_recorded_as_cut_short():
    due = datetime(2026, 6, 30, 12, tzinfo=UTC)
    period = Deadline(1, 7, "concept_comments", "concept", "Frist", due, due)
    assert closing_status(period, due - timedelta(seconds=1)) == "cut_short"
    assert closing_status(period, due) == "met"
