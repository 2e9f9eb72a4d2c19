"""The safety net of ``core.change``: a change that would undo what the current phase
requires (the guards of every step that led there) is refused, and nothing is written."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from beteiligung.states.errors import BadInput
from beteiligung.states.guards import Unmet
from beteiligung.workflow import content
from beteiligung.workflow.process import advance, edit_process

LEAD = "anna.lehmann@hannover-stadt.de"


def _refused(store, pid: int, call, phase: str, *codes: str) -> None:
    """``call`` is refused naming ``phase`` and the text of each unmet ``codes`` entry (a code
    without parameters, or a literal fragment of the message); nothing is written."""
    before, events = copy.deepcopy(store.cases[pid]), list(store.events[pid])
    with pytest.raises(BadInput) as refused:
        call()
    message = str(refused.value)
    assert message.startswith(f"this change would undo what phase '{phase}' requires: ")
    for code in codes:
        assert (Unmet(code).text() if " " not in code else code) in message
    assert store.cases[pid] == before
    assert store.events[pid] == events


def test_removing_the_only_internal_member_after_the_begleitgruppe_is_refused(
        env, store, at_phase):
    pid = at_phase("concept")
    (member,) = store.cases[pid].begleitgruppe.members
    _refused(store, pid, lambda: content.remove_member(env, LEAD, pid, member.name),
             "concept", "begleitgruppe_no_members")


def test_removing_a_member_is_fine_while_the_begleitgruppe_is_set_up(env, store, at_phase,
                                                                      journey, clock):
    pid = at_phase("begleitgruppe")
    journey.fill_phase(env, pid, clock)
    (member,) = store.cases[pid].begleitgruppe.members
    content.remove_member(env, LEAD, pid, member.name)
    assert store.cases[pid].begleitgruppe.members == []


def test_removing_the_deputy_is_refused_once_the_process_is_set_up(env, store, at_phase):
    pid = at_phase("begleitgruppe")
    _refused(store, pid, lambda: edit_process(env, LEAD, pid, {"deputy": None}),
             "begleitgruppe", "deputy_missing")
    _refused(store, pid, lambda: edit_process(env, LEAD, pid, {"department": " "}),
             "begleitgruppe", "department_missing")


def test_removing_the_deputy_is_fine_in_the_first_phase(env, store, pid):
    edit_process(env, LEAD, pid, {"deputy": None})
    assert store.cases[pid].deputy is None


def test_unpublished_concept_change_after_the_concept_phase_is_refused(
        env, store, at_phase, journey):
    pid = at_phase("pre_reporting")
    changed = replace(journey.complete_concept(), procedure="Nur online")
    _refused(store, pid, lambda: content.load_concept(env, LEAD, pid, changed),
             "pre_reporting", "concept_unpublished_changes")
    content.load_concept(env, LEAD, pid, changed, "Ablauf geändert: nur online")
    versions = store.cases[pid].concept_versions
    assert [v.change_note for v in versions][-1] == "Ablauf geändert: nur online"
    assert versions[-1].concept.procedure == "Nur online"


def test_incomplete_concept_after_the_concept_phase_is_refused_even_when_published(
        env, store, at_phase, journey):
    pid = at_phase("dialogue")
    incomplete = replace(journey.complete_concept(), limits="", responsibilities="")
    _refused(store, pid, lambda: content.load_concept(env, LEAD, pid, incomplete, "gekürzt"),
             "dialogue", "Im Beteiligungskonzept fehlt der Abschnitt „Grenzen der Spielräume",
             "fehlt der Abschnitt „Zuständigkeiten“")


def test_dropping_the_decision_maker_after_the_decision_is_refused(env, store, at_phase,
                                                                    journey):
    pid = at_phase("evaluation")
    concept = replace(journey.complete_concept(), decision_makers=["Rat der Stadt"])
    before = copy.deepcopy(store.cases[pid])
    # caught before the safety net: decision-makers are fixed once the dialogue opened (R10)
    with pytest.raises(BadInput, match="decision_makers: fixed since the dialogue opened"):
        content.load_concept(env, LEAD, pid, concept, "Rat entscheidet")
    assert store.cases[pid] == before


def test_safety_net_on_hold_checks_the_paused_phase(env, store, at_phase):
    pid = at_phase("concept")
    advance(env, LEAD, pid, "hold", reason="Pause")
    (member,) = store.cases[pid].begleitgruppe.members
    _refused(store, pid, lambda: content.remove_member(env, LEAD, pid, member.name),
             "on_hold", "begleitgruppe_no_members")


def test_a_safe_change_in_a_late_phase_is_taken(env, store, at_phase):
    pid = at_phase("decision")
    content.add_project_department(env, LEAD, pid, "FB 66")
    edit_process(env, LEAD, pid, {"title": "Lindener Marktplatz (neu)"})
    assert store.cases[pid].title == "Lindener Marktplatz (neu)"


@pytest.mark.parametrize("phase", ["pre_reporting", "dialogue", "interim_results"])
def test_suggestion_on_the_concept_is_taken_after_the_concept_phase(
        env, store, at_phase, phase):
    """``add_suggestion`` allows comments on the concept in these phases (R5: anyone may
    comment on the published concept), and ``all_suggestions_answered`` re-checks concept
    suggestions before the decision; so a new, still unanswered suggestion must not count as
    undoing ``concept_suggestions_answered``."""
    pid = at_phase(phase)
    content.add_suggestion(env, LEAD, pid, "concept", "Bitte auch Radwege bedenken")
    assert [s.text for s in store.cases[pid].suggestions] == ["Bitte auch Radwege bedenken"]
