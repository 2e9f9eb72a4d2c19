"""A refusal names each unmet condition once, in the order the guards found them."""

from __future__ import annotations

from beteiligung.states.guards import GuardContext, Unmet
from beteiligung.states.lifecycle import distinct


def test_three_concept_guards_say_no_concept_once(lifecycle, make_case):
    case = make_case()
    case.phase, case.concept_draft, case.concept_versions = "concept", None, []
    verdict = lifecycle.check(case, "start_pre_reporting", GuardContext(case.created_at))
    codes = [u.code for u in verdict.unmet]
    assert codes == ["concept_missing", "concept_not_published"]
    (step,) = [v for v in lifecycle.options(case, GuardContext(case.created_at))
               if v.transition.trigger == "start_pre_reporting"]
    assert [u.code for u in step.unmet] == codes


def test_distinct_keeps_the_first_of_equal_conditions_and_their_order():
    a, b = Unmet("goal_not_evaluated", {"goal": "Z1"}), Unmet("goal_not_evaluated", {"goal": "Z2"})
    assert distinct([a, b, Unmet("goal_not_evaluated", {"goal": "Z1"}), a]) == (a, b)
