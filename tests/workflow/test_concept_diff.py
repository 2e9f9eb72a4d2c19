"""``workflow.concept_diff``: two concepts compared field by field, on plain objects."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from beteiligung.states.case import Budget, Concept, DecisionPlan, Goal
from beteiligung.workflow.concept_diff import ADDED, REMOVED, SAME, compare, flatten


def goal(goal_id: str, target: str = "300 Beiträge") -> Goal:
    return Goal(goal_id, "Viele machen mit", "Zahl der Beiträge", target, date(2026, 6, 30))


def test_flatten_names_nested_sections_and_goals_by_id():
    flat = flatten(Concept(topic="Platz", decision=DecisionPlan(who="Bezirksrat"),
                           goals=[goal("Z1")]))
    assert flat["topic"] == "Platz"
    assert flat["decision.who"] == "Bezirksrat"
    assert flat["goals.Z1.target"] == "300 Beiträge"
    assert flat["goals.Z1.due"] == date(2026, 6, 30)
    assert "goals.Z1.id" not in flat and "goals" not in flat
    assert flat["budget.external_moderation"] is False


def test_equal_concepts_have_no_changes():
    assert compare(Concept(topic="a b", goals=[goal("Z1")]),
                   Concept(topic="a b", goals=[goal("Z1")])) == []


def test_a_text_field_is_compared_word_by_word():
    changes = compare(Concept(topic="Neugestaltung des alten Marktplatzes"),
                      Concept(topic="Neugestaltung des neuen grünen Marktplatzes"))
    assert [c.path for c in changes] == ["topic"]
    assert changes[0].by_line is False
    assert changes[0].parts == [(SAME, "Neugestaltung des"), (REMOVED, "alten"),
                                (ADDED, "neuen grünen"), (SAME, "Marktplatzes")]


def test_a_list_is_compared_line_by_line():
    changes = compare(Concept(accessibility=["Rampe", "Leichte Sprache"]),
                      Concept(accessibility=["Rampe", "Gebärdensprache"]))
    assert len(changes) == 1 and changes[0].by_line
    assert changes[0].parts == [(SAME, "Rampe"), (REMOVED, "Leichte Sprache"),
                                (ADDED, "Gebärdensprache")]


def test_goals_are_compared_by_id_and_an_added_goal_shows_all_its_fields():
    changes = {c.path: c.parts for c in compare(Concept(goals=[goal("Z1")]),
                                               Concept(goals=[goal("Z1", "400 Beiträge"),
                                                              goal("Z2")]))}
    assert changes["goals.Z1.target"] == [(REMOVED, "300"), (ADDED, "400"),
                                          (SAME, "Beiträge")]
    assert changes["goals.Z2.due"] == [(ADDED, "2026-06-30")]
    assert "goals.Z1.description" not in changes


def test_a_removed_goal_and_an_emptied_list_show_as_removed():
    changes = {c.path: c.parts for c in compare(
        Concept(goals=[goal("Z1")], decision_makers=["Rat"]), Concept())}
    assert changes["goals.Z1.indicator"] == [(REMOVED, "Zahl der Beiträge")]
    assert changes["decision_makers"] == [(REMOVED, "Rat")]
    assert "goals" not in changes  # an empty list of goals is no change of its own


def test_scalars_are_shown_by_the_callers_function():
    old = Concept(budget=Budget(external_moderation=False))
    new = replace(old, budget=Budget(external_moderation=True))
    changes = compare(old, new, show=lambda v: {True: "ja", False: "nein"}.get(v, str(v)))
    assert changes[0].path == "budget.external_moderation"
    assert changes[0].parts == [(REMOVED, "nein"), (ADDED, "ja")]


def test_removed_fields_keep_their_place_among_the_others():
    changes = compare(Concept(goals=[goal("Z1"), goal("Z2")], accessibility=["a"]),
                      Concept(goals=[goal("Z2")], accessibility=["b"]))
    paths = [c.path for c in changes]
    assert paths.index("goals.Z1.target") < paths.index("accessibility")
