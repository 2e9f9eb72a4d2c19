"""The guards that must keep holding in each phase of the default definition, pinned by hand.

``Lifecycle.entry_guards`` is computed from the definition, and the property test in
tests/workflow/test_properties.py trusts it as its oracle; this table is the independent
reading of shared/domain.md ("it may only be left when") that the computation must match.

How the table is built: a phase's entry guards are the leaving conditions of every phase
before it on the main path ``initiated -> ... -> closed``. Left out on purpose:

- ``concept_suggestions_answered`` and ``all_suggestions_answered`` (``NOT_INVARIANT``): a new
  suggestion may arrive after the phase was left, so they are no invariant of later phases;
- ``comment_deadline_passed`` before ``decision``: during ``interim_results`` the comment period
  is running; it is a condition only for going on to the decision;
- ``dialogue_activities_recorded`` and ``interim_results_published`` in ``dialogue``: another
  round starts with none of the new round's activities or results;
- ``reason_given``: ``hold`` and ``cancel`` (any phase) and ``resume`` lead nowhere new, so
  ``on_hold`` and ``cancelled`` have no entry guards of their own (for a paused process the
  phase it was paused in counts).
"""

from __future__ import annotations

import pytest

from beteiligung.states.guards import GUARDS, NOT_INVARIANT

# phase -> the guards that hold for as long as a process is in it (written out, not computed)
ENTRY_GUARDS: dict[str, set[str]] = {
    "initiated": set(),
    "begleitgruppe": {
        "lead_and_deputy_named", "department_named",
    },
    "concept": {
        "lead_and_deputy_named", "department_named",
        "begleitgruppe_installed",
    },
    "pre_reporting": {
        "lead_and_deputy_named", "department_named",
        "begleitgruppe_installed",
        "concept_complete", "concept_diverse", "concept_resourced", "concept_published",
        "concept_comment_period_ended",
    },
    "dialogue": {
        "lead_and_deputy_named", "department_named",
        "begleitgruppe_installed",
        "concept_complete", "concept_diverse", "concept_resourced", "concept_published",
        "concept_comment_period_ended",
        "pre_report_published",
    },
    "interim_results": {
        "lead_and_deputy_named", "department_named",
        "begleitgruppe_installed",
        "concept_complete", "concept_diverse", "concept_resourced", "concept_published",
        "concept_comment_period_ended",
        "pre_report_published",
        "dialogue_activities_recorded",
    },
    "decision": {
        "lead_and_deputy_named", "department_named",
        "begleitgruppe_installed",
        "concept_complete", "concept_diverse", "concept_resourced", "concept_published",
        "concept_comment_period_ended",
        "pre_report_published",
        "dialogue_activities_recorded",
        "interim_results_published", "comment_deadline_passed",
    },
    "evaluation": {
        "lead_and_deputy_named", "department_named",
        "begleitgruppe_installed",
        "concept_complete", "concept_diverse", "concept_resourced", "concept_published",
        "concept_comment_period_ended",
        "pre_report_published",
        "dialogue_activities_recorded",
        "interim_results_published", "comment_deadline_passed",
        "decision_by_named_makers", "decision_dated", "deviation_justified",
        "implementation_responsible_named",
        "post_report_published",
    },
    "closed": {
        "lead_and_deputy_named", "department_named",
        "begleitgruppe_installed",
        "concept_complete", "concept_diverse", "concept_resourced", "concept_published",
        "concept_comment_period_ended",
        "pre_report_published",
        "dialogue_activities_recorded",
        "interim_results_published", "comment_deadline_passed",
        "decision_by_named_makers", "decision_dated", "deviation_justified",
        "implementation_responsible_named",
        "post_report_published",
        "every_goal_evaluated",
    },
    "on_hold": set(),
    "cancelled": set(),
}


def test_the_table_covers_every_phase_of_the_default_definition(definition):
    assert set(ENTRY_GUARDS) == set(definition.phases)


def test_the_table_names_only_registered_invariant_guards():
    named = set().union(*ENTRY_GUARDS.values())
    assert named <= set(GUARDS)
    assert not named & NOT_INVARIANT
    assert "reason_given" not in named


def test_the_deliberate_exceptions_are_the_suggestion_guards():
    assert NOT_INVARIANT == {"concept_suggestions_answered", "all_suggestions_answered"}


@pytest.mark.parametrize("phase", list(ENTRY_GUARDS))
def test_entry_guards_match_the_table(lifecycle, phase):
    computed = lifecycle.entry_guards(phase)
    assert len(computed) == len(set(computed)), computed
    assert set(computed) == ENTRY_GUARDS[phase]
