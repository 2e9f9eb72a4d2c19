"""The lifecycle machine on plain cases: check, options, fire, entry guards and the diagram."""

from __future__ import annotations

import copy
import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from beteiligung.states.case import Activity, Case, Person
from beteiligung.states.errors import TransitionRefused
from beteiligung.states.guards import GuardContext, Unmet
from beteiligung.states.lifecycle import mermaid

NOW = datetime(2026, 9, 18, 9, 0, tzinfo=UTC)
CTX = GuardContext(NOW)
OPEN_PHASES = ["initiated", "begleitgruppe", "concept", "pre_reporting", "dialogue",
               "interim_results", "decision", "evaluation"]
MAIN = [("initiated", "set_up_begleitgruppe", "begleitgruppe"),
        ("begleitgruppe", "draft_concept", "concept"),
        ("concept", "start_pre_reporting", "pre_reporting"),
        ("pre_reporting", "open_dialogue", "dialogue"),
        ("dialogue", "present_interim_results", "interim_results"),
        ("interim_results", "go_to_decision", "decision"),
        ("decision", "start_evaluation", "evaluation"),
        ("evaluation", "close", "closed")]


def bare_case(phase: str = "initiated") -> Case:
    """A case with nothing entered yet."""
    return Case(1, "Platz", "", "", "", [], "administration", None, None, NOW, "2026.1",
                phase=phase, phase_entered_at=NOW)


def _at(case: Case, phase: str) -> Case:
    case.phase = phase
    return case


@pytest.mark.parametrize(("source", "trigger", "dest"), MAIN)
def test_main_path_step_fires_on_a_full_case(lifecycle, make_case, source, trigger, dest):
    case = _at(make_case(), source)
    later = datetime(2026, 9, 19, tzinfo=UTC)
    transition = lifecycle.fire(case, trigger, GuardContext(later))
    assert (case.phase, transition.source, transition.dest) == (dest, source, dest)
    assert case.phase_entered_at == later


@pytest.mark.parametrize(("source", "trigger", "dest"), MAIN[:-1])
def test_main_path_step_is_refused_on_a_bare_case_listing_its_unmet_rules(
        lifecycle, source, trigger, dest):
    case = bare_case(source)
    before = copy.deepcopy(case)
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.fire(case, trigger, CTX)
    assert refused.value.trigger == trigger and refused.value.phase == source
    assert refused.value.unmet, "refused by its guards, not as an unknown trigger"
    verdict = lifecycle.check(case, trigger, CTX)
    assert list(verdict.unmet) == refused.value.unmet
    assert case == before


def test_refused_steps_report_every_unmet_rule_at_once(lifecycle):
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.fire(bare_case("initiated"), "set_up_begleitgruppe", CTX)
    assert refused.value.unmet == [Unmet("lead_missing"), Unmet("deputy_missing"),
                                   Unmet("department_missing")]
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.fire(bare_case("concept"), "start_pre_reporting", CTX)
    assert [u.code for u in refused.value.unmet] == [
        "concept_missing", "concept_missing", "concept_missing", "concept_not_published"]
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.fire(bare_case("decision"), "start_evaluation", CTX)
    assert [u.code for u in refused.value.unmet] == [
        "decision_missing", "decision_missing", "decision_missing",
        "implementation_unassigned", "post_report_missing"]


def test_trigger_not_available_from_the_phase_is_refused_without_unmet(lifecycle, make_case):
    case = _at(make_case(), "concept")
    before = copy.deepcopy(case)
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.fire(case, "close", CTX)
    assert refused.value.unmet == []
    assert (refused.value.trigger, refused.value.phase) == ("close", "concept")
    message = str(refused.value)
    assert "'close' is not possible from phase 'concept'" in message
    assert "start_pre_reporting, hold, cancel" in message
    assert case == before


def test_unknown_trigger_is_refused(lifecycle):
    with pytest.raises(TransitionRefused, match="'to_closed' is not possible"):
        lifecycle.fire(bare_case(), "to_closed", CTX)


@pytest.mark.parametrize("terminal", ["closed", "cancelled"])
def test_terminal_phase_has_no_triggers(lifecycle, terminal):
    assert lifecycle.triggers(terminal) == []
    assert lifecycle.options(bare_case(terminal), CTX) == []
    with pytest.raises(TransitionRefused, match="possible: none"):
        lifecycle.fire(bare_case(terminal), "cancel", GuardContext(NOW, "x"))


def test_refused_fire_leaves_the_case_unchanged(lifecycle, make_case):
    case = _at(make_case(), "interim_results")
    case.interim_results[-1] = dataclasses.replace(
        case.interim_results[-1], comment_deadline=datetime(2026, 12, 1, tzinfo=UTC))
    before = copy.deepcopy(case)
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.fire(case, "go_to_decision", CTX)
    assert [u.code for u in refused.value.unmet] == ["comment_deadline_open"]
    assert case == before
    assert case.phase_entered_at == before.phase_entered_at


def test_no_state_machine_attributes_are_put_on_cases(lifecycle, make_case):
    case = _at(make_case(), "initiated")
    fields = {f.name for f in dataclasses.fields(Case)}
    for _, trigger, _ in MAIN:
        lifecycle.fire(case, trigger, CTX)
        assert set(vars(case)) == fields
    paused = bare_case("concept")
    lifecycle.fire(paused, "hold", GuardContext(NOW, "Pause"))
    lifecycle.fire(paused, "resume", CTX)
    triggers = {t.trigger for t in lifecycle.definition.transitions}
    for fired in (case, paused):
        names = set(dir(fired))
        assert not [n for n in names if n.startswith(("to_", "is_", "may_", "trigger"))]
        assert not triggers & names
        assert set(vars(fired)) == fields
    assert lifecycle.machine.models == []


@pytest.mark.parametrize("phase", OPEN_PHASES)
def test_hold_and_resume_return_to_the_paused_phase(lifecycle, make_case, phase):
    case = _at(make_case(), phase)
    case.phase_entered_at = entered = NOW - timedelta(days=50)
    round_before = case.dialogue_round
    lifecycle.fire(case, "hold", GuardContext(NOW, "Haushaltssperre"))
    assert (case.phase, case.paused_phase) == ("on_hold", phase)
    assert (case.phase_entered_at, case.paused_phase_entered_at) == (NOW, entered)
    assert case.last_hold_at == NOW
    assert lifecycle.triggers("on_hold") == ["resume", "cancel"]
    later = NOW + timedelta(days=13)
    lifecycle.fire(case, "resume", GuardContext(later))
    assert (case.phase, case.paused_phase, case.paused_phase_entered_at) == (phase, None, None)
    # the phase's clock goes on: 50 days before the pause count, the 13 on hold do not
    assert later - case.phase_entered_at == timedelta(days=50)
    assert case.last_hold_at == NOW
    assert case.dialogue_round == round_before


def test_resume_of_a_pause_from_before_the_clock_was_kept_starts_the_clock(lifecycle,
                                                                            make_case):
    case = _at(make_case(), "concept")
    lifecycle.fire(case, "hold", GuardContext(NOW, "Pause"))
    case.paused_phase_entered_at = None  # as stored before migration 0008
    later = NOW + timedelta(days=3)
    lifecycle.fire(case, "resume", GuardContext(later))
    assert (case.phase, case.phase_entered_at) == ("concept", later)


def test_cancel_while_on_hold_forgets_the_paused_clock(lifecycle, make_case):
    case = _at(make_case(), "concept")
    lifecycle.fire(case, "hold", GuardContext(NOW, "Pause"))
    lifecycle.fire(case, "cancel", GuardContext(NOW + timedelta(days=1), "Entfällt"))
    assert (case.phase, case.paused_phase, case.paused_phase_entered_at) == (
        "cancelled", None, None)


def test_hold_needs_a_reason(lifecycle, make_case):
    case = _at(make_case(), "dialogue")
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.fire(case, "hold", CTX)
    assert refused.value.unmet == [Unmet("reason_missing")]
    assert case.phase == "dialogue" and case.paused_phase is None


def test_hold_is_not_available_while_on_hold(lifecycle, make_case):
    case = _at(make_case(), "dialogue")
    lifecycle.fire(case, "hold", GuardContext(NOW, "Pause"))
    with pytest.raises(TransitionRefused, match="not possible from phase 'on_hold'"):
        lifecycle.fire(case, "hold", GuardContext(NOW, "noch mal"))


def test_resume_without_a_paused_phase_is_refused(lifecycle):
    case = bare_case("on_hold")
    verdict = lifecycle.check(case, "resume", CTX)
    assert not verdict.allowed
    assert [u.code for u in verdict.unmet] == ["not_paused_here"]
    with pytest.raises(TransitionRefused):
        lifecycle.fire(case, "resume", CTX)
    assert case.phase == "on_hold"


@pytest.mark.parametrize("phase", [*OPEN_PHASES, "on_hold"])
def test_cancel_records_the_reason(lifecycle, make_case, phase):
    case = _at(make_case(), phase)
    if phase == "on_hold":
        case.paused_phase = "dialogue"
    lifecycle.fire(case, "cancel", GuardContext(NOW, "Projekt gestrichen"))
    assert case.phase == "cancelled"
    assert case.cancel_reason == "Projekt gestrichen"
    assert case.paused_phase is None


def test_cancel_without_reason_is_refused(lifecycle, make_case):
    case = _at(make_case(), "concept")
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.fire(case, "cancel", GuardContext(NOW, "  "))
    assert refused.value.unmet == [Unmet("reason_missing")]
    assert case.phase == "concept" and case.cancel_reason == ""


def test_hold_does_not_set_a_cancel_reason(lifecycle, make_case):
    case = _at(make_case(), "concept")
    lifecycle.fire(case, "hold", GuardContext(NOW, "Pause"))
    assert case.cancel_reason == ""


def test_start_another_round_increments_the_dialogue_round(lifecycle, make_case):
    case = _at(make_case(), "interim_results")
    lifecycle.fire(case, "start_another_round", CTX)
    assert (case.phase, case.dialogue_round) == ("dialogue", 2)
    # round 2 needs its own activities and its own interim results
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.fire(case, "present_interim_results", CTX)
    assert refused.value.unmet == [Unmet("activities_missing", {"round": 2})]
    case.activities.append(Activity(2, "Werkstatt", "online", NOW.date(), "online"))
    lifecycle.fire(case, "present_interim_results", CTX)
    assert lifecycle.check(case, "start_another_round", CTX).unmet == (
        Unmet("interim_results_missing", {"round": 2}),)


def test_start_another_round_needs_published_interim_results(lifecycle, make_case):
    case = _at(make_case(), "interim_results")
    case.interim_results = []
    with pytest.raises(TransitionRefused):
        lifecycle.fire(case, "start_another_round", CTX)
    assert case.dialogue_round == 1


def test_options_lists_every_trigger_with_what_it_lacks(lifecycle):
    case = bare_case("initiated")
    options = lifecycle.options(case, CTX)
    assert [v.transition.trigger for v in options] == ["set_up_begleitgruppe", "hold", "cancel"]
    assert [v.allowed for v in options] == [False, False, False]
    case.lead = Person("Anna", "anna@h.de")
    case.deputy = Person("Ben", "ben@h.de")
    case.department = "FB 61"
    assert lifecycle.options(case, GuardContext(NOW, "weil"))[0].allowed
    assert all(v.allowed for v in lifecycle.options(case, GuardContext(NOW, "weil")))


def test_entry_guards_accumulate_along_the_main_path(lifecycle):
    assert lifecycle.entry_guards("initiated") == ()
    assert lifecycle.entry_guards("begleitgruppe") == ("lead_and_deputy_named",
                                                       "department_named")
    assert lifecycle.entry_guards("concept")[-1] == "begleitgruppe_installed"
    assert "concept_published" in lifecycle.entry_guards("pre_reporting")
    # new suggestions may arrive after a phase was left: answering them is no invariant
    assert "concept_suggestions_answered" not in lifecycle.entry_guards("pre_reporting")
    assert "dialogue_activities_recorded" not in lifecycle.entry_guards("dialogue")
    assert "dialogue_activities_recorded" in lifecycle.entry_guards("interim_results")
    assert "comment_deadline_passed" not in lifecycle.entry_guards("interim_results")
    decision = lifecycle.entry_guards("decision")
    assert {"interim_results_published", "comment_deadline_passed"} <= set(decision)
    assert "all_suggestions_answered" not in decision
    assert "post_report_published" in lifecycle.entry_guards("evaluation")
    assert "every_goal_evaluated" in lifecycle.entry_guards("closed")
    for phase in ("on_hold", "cancelled"):
        assert lifecycle.entry_guards(phase) == ()
    for phase in [*OPEN_PHASES, "closed", "on_hold", "cancelled"]:
        assert "reason_given" not in lifecycle.entry_guards(phase)
        assert len(set(lifecycle.entry_guards(phase))) == len(lifecycle.entry_guards(phase))


@pytest.mark.parametrize("lang", ["de", "en"])
def test_mermaid_shows_every_phase_and_trigger(definition, lang):
    text = mermaid(definition, lang)
    assert text.startswith("stateDiagram-v2\n")
    assert "    [*] --> initiated" in text
    for phase in definition.phases.values():
        assert f'state "{phase.label(lang)}" as {phase.name}' in text
    for trigger, _, _ in definition.edges:
        assert f": {trigger}" in text
    assert "    evaluation --> closed: close" in text
    assert "    any_open --> on_hold: hold" in text
    assert "    on_hold --> any_open: resume" in text
    assert "    closed --> [*]" in text and "    cancelled --> [*]" in text
    assert ("jede offene Phase" in text) == (lang == "de")
    assert ("any open phase" in text) == (lang == "en")
