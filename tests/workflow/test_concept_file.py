"""Reading a concept from TOML: a file that cannot be a concept is refused naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from beteiligung.config.settings import HERE
from beteiligung.states.case import Budget, Case, Concept
from beteiligung.states.errors import BadInput
from beteiligung.states.guards import GUARDS, GuardContext
from beteiligung.workflow.concept_file import parse_concept

EXAMPLE = HERE / "example_concept.toml"
GOAL = '[[goals]]\nid = "Z1"\ndescription = "d"\nindicator = "i"\ntarget = "t"\n'


def test_example_concept_is_complete():
    concept = parse_concept(EXAMPLE.read_text(encoding="utf-8"), "example")
    assert concept.topic == "Neugestaltung des Lindener Marktplatzes"
    assert concept.decision_makers == ["Stadtbezirksrat Linden-Limmer"]
    assert [g.id for g in concept.goals] == ["Z1", "Z2"]
    assert concept.goals[0].due == date(2026, 6, 30)
    assert concept.budget.external_moderation is True
    assert concept.stakeholders.target_groups[0] == "Kinder und Jugendliche"
    now = datetime(2026, 3, 2, tzinfo=UTC)
    case = Case(1, "t", "", "FB", "", [], "administration", None, None, now, "v",
                concept_draft=concept)
    for name in ("concept_complete", "concept_diverse", "concept_resourced"):
        assert GUARDS[name](case, GuardContext(now)) == [], name


def test_a_draft_may_be_incomplete():
    assert parse_concept('topic = "Platz"\n') == Concept(topic="Platz")
    assert parse_concept("") == Concept()


def test_goal_without_due_is_a_draft_not_an_error():
    (goal,) = parse_concept(GOAL).goals
    assert (goal.id, goal.description, goal.due) == ("Z1", "d", None)


def test_sections_and_lists():
    concept = parse_concept('accessibility = ["a", "b"]\n[budget]\nstaff = "1"\n'
                            "external_moderation = false\n[decision]\nwho = \"Rat\"\n")
    assert concept.accessibility == ["a", "b"]
    assert concept.budget == Budget(staff="1")
    assert concept.decision.who == "Rat"


@pytest.mark.parametrize(("text", "message"), [
    ('topik = "Platz"\n', "unknown field 'topik' (known: "),
    ("topic = 5\n", "topic: must be text in quotes, not int"),
    ("summary = true\n", "summary: must be text in quotes, not bool"),
    ('decision_makers = "Rat"\n', 'decision_makers: must be a list of texts, like ["a", "b"]'),
    ("accessibility = [1, 2]\n", "accessibility: must be a list of texts"),
    ('decision = "Rat"\n', "decision: must be a table [decision]"),
    ('[decision]\nwhom = "Rat"\n', "unknown field 'decision.whom' (known: decision.who, "),
    ("[decision]\nwho = 1\n", "decision.who: must be text in quotes, not int"),
    ('[budget]\nexternal_moderation = "ja"\n', "budget.external_moderation: must be true or "
     "false"),
    ('[stakeholders]\ntarget_groups = "Kinder"\n', "stakeholders.target_groups: must be a list"),
    ('goals = "Z1"\n', "goals: must be [[goals]] tables"),
    ('[[goals]]\ndescription = "d"\n', 'goals[1].id: every goal needs an id, like "Z1"'),
    ('[[goals]]\nid = "  "\n', "goals[1].id: every goal needs an id"),
    ("[[goals]]\nid = 1\n", "goals[1].id: must be text in quotes, not int"),
    (GOAL + 'due = "2026-06-30"\n', "goals[1].due: must be a date without quotes, like "
     "2027-06-30"),
    (GOAL + "due = 2026-06-30T10:00:00\n", "goals[1].due: must be a date without quotes"),
    (GOAL + "due = 10:00:00\n", "goals[1].due: must be a date without quotes"),
    (GOAL + "weight = 2\n", "goals[1]: unknown field(s) weight (known: id, description, "),
    (GOAL + GOAL, "goals[2].id: 'Z1' is used twice"),
    (GOAL + '[[goals]]\nid = "Z2"\ntarget = 300\n', "goals[2].target: must be text in quotes"),
    ("topic = \n", "not valid TOML"),
])
def test_wrong_field_is_named(text, message):
    with pytest.raises(BadInput) as refused:
        parse_concept(text, "platz.toml")
    assert str(refused.value).startswith("platz.toml: ")
    assert message in str(refused.value)
