"""The guard matrix: for each rule, a case that the guard refuses and one it allows.

Every row starts from a case on which every guard holds (``full_case`` in conftest), breaks
one thing (or several, to show that every unmet condition is reported at once) and names the
exact ``Unmet`` list the guard must return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from beteiligung.states.case import (
    Activity,
    Begleitgruppe,
    Budget,
    Case,
    Concept,
    Evaluation,
    Goal,
    Member,
    Person,
    Stakeholders,
    Suggestion,
)
from beteiligung.states.guards import GUARDS, REQUIRED_SECTIONS, GuardContext, Unmet

NOW = datetime(2026, 9, 18, 9, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
CTX = GuardContext(NOW)


def U(code: str, **params: object) -> Unmet:
    return Unmet(code, params)


def _set(**changes: object) -> Callable[[Case], None]:
    def mutate(case: Case) -> None:
        for name, value in changes.items():
            setattr(case, name, value)
    return mutate


def _draft(**changes: object) -> Callable[[Case], None]:
    def mutate(case: Case) -> None:
        case.concept_draft = replace(case.concept_draft, **changes)
    return mutate


def _both_concepts(**changes: object) -> Callable[[Case], None]:
    """Change draft and published version alike (so only the changed rule is affected)."""
    def mutate(case: Case) -> None:
        case.concept_draft = replace(case.concept_draft, **changes)
        version = case.concept_versions[-1]
        case.concept_versions[-1] = replace(version, concept=replace(version.concept, **changes))
    return mutate


def _decision(**changes: object) -> Callable[[Case], None]:
    def mutate(case: Case) -> None:
        case.decision = replace(case.decision, **changes)
    return mutate


def _open_suggestions(*targets: str) -> Callable[[Case], None]:
    def mutate(case: Case) -> None:
        start = len(case.suggestions) + 1
        for offset, target in enumerate(targets):
            case.suggestions.append(Suggestion(start + offset, target, "Idee", NOW))
    return mutate


def _deadline(at: datetime) -> Callable[[Case], None]:
    def mutate(case: Case) -> None:
        case.interim_results[-1] = replace(case.interim_results[-1], comment_deadline=at)
    return mutate


def _version(**changes: object) -> Callable[[Case], None]:
    def mutate(case: Case) -> None:
        case.concept_versions[-1] = replace(case.concept_versions[-1], **changes)
    return mutate


def _chain(*mutations: Callable[[Case], None]) -> Callable[[Case], None]:
    def mutate(case: Case) -> None:
        for m in mutations:
            m(case)
    return mutate


ALL_SECTIONS = [U("concept_section_missing", section=path) for path in REQUIRED_SECTIONS]

REFUSED = [
    # R1: lead and deputy (name and e-mail) and the department are named
    pytest.param("R1", "lead_and_deputy_named", _set(lead=None, deputy=Person("", "d@h.de")),
                 [U("lead_missing"), U("deputy_missing")], id="R1-lead-and-deputy-missing"),
    pytest.param("R1", "lead_and_deputy_named", _set(lead=Person("Anna", "")),
                 [U("lead_missing")], id="R1-lead-without-email"),
    pytest.param("R1", "department_named", _set(department="   "),
                 [U("department_missing")], id="R1-department-blank"),
    pytest.param("R1", "concept_published", _version(lead=None, deputy=None),
                 [U("concept_contacts_missing")], id="R1-published-without-contacts"),
    # R2: the Projektbegleitgruppe is installed, with an internal member and a requester
    pytest.param("R2", "begleitgruppe_installed", _set(begleitgruppe=Begleitgruppe()),
                 [U("begleitgruppe_requester_missing"), U("begleitgruppe_no_members")],
                 id="R2-empty-group"),
    pytest.param("R2", "begleitgruppe_installed",
                 _set(begleitgruppe=Begleitgruppe(None, [Member("Kai", "BI", "external")])),
                 [U("begleitgruppe_requester_missing"), U("begleitgruppe_no_internal")],
                 id="R2-only-external-no-requester"),
    # R4: SMART goals
    pytest.param("R4", "concept_complete", _draft(goals=[]), [U("concept_no_goals")],
                 id="R4-no-goals"),
    pytest.param("R4", "concept_complete",
                 _draft(goals=[Goal("Z1", "Viele", "", "", None),
                               Goal("Z2", "", "Zahl", "300", None)]),
                 [U("goal_incomplete", goal="Z1", missing="indicator, target, due"),
                  U("goal_incomplete", goal="Z2", missing="description, due")],
                 id="R4-two-goals-incomplete"),
    # R5: the concept is published as it stands; every comment on it is answered
    pytest.param("R5", "concept_published", _set(concept_versions=[]),
                 [U("concept_not_published")], id="R5-not-published"),
    pytest.param("R5", "concept_published",
                 _chain(_draft(topic="Neues Thema"), _version(deputy=None)),
                 [U("concept_unpublished_changes"), U("concept_contacts_missing")],
                 id="R5-unpublished-changes-and-contacts"),
    pytest.param("R5", "concept_suggestions_answered",
                 _open_suggestions("concept", "interim_results", "concept"),
                 [U("suggestions_unanswered", count=2, target="concept", numbers="3, 5")],
                 id="R5-concept-suggestions-open"),
    # R6: every section of the concept is filled
    pytest.param("R6", "concept_complete", _set(concept_draft=Concept()),
                 [*ALL_SECTIONS, U("concept_section_missing", section="decision_makers"),
                  U("concept_no_goals")], id="R6-empty-concept-all-at-once"),
    pytest.param("R6", "concept_complete", _draft(scope=" ", decision_makers=[]),
                 [U("concept_section_missing", section="scope"),
                  U("concept_section_missing", section="decision_makers")],
                 id="R6-scope-and-makers-missing"),
    pytest.param("R6", "concept_complete", _set(concept_draft=None), [U("concept_missing")],
                 id="R6-no-concept"),
    # R7: stakeholder analysis, target groups, forums checked, accessibility
    pytest.param("R7", "concept_diverse",
                 _draft(stakeholders=Stakeholders(), accessibility=[]),
                 [U("concept_section_missing", section="stakeholders.analysis"),
                  U("concept_section_missing", section="stakeholders.target_groups"),
                  U("concept_section_missing", section="stakeholders.forums_checked"),
                  U("concept_section_missing", section="accessibility")],
                 id="R7-no-diversity-all-at-once"),
    pytest.param("R7", "concept_diverse", _set(concept_draft=None), [U("concept_missing")],
                 id="R7-no-concept"),
    # R8: interim results of this round, the deadline passed, every suggestion answered
    pytest.param("R8", "interim_results_published", _set(dialogue_round=2),
                 [U("interim_results_missing", round=2)], id="R8-no-results-this-round"),
    pytest.param("R8", "comment_deadline_passed",
                 _deadline(datetime(2026, 9, 30, 21, 59, tzinfo=UTC)),
                 [U("comment_deadline_open", deadline=datetime(2026, 9, 30, 21, 59, tzinfo=UTC))],
                 id="R8-deadline-open-shown-in-berlin-time"),
    pytest.param("R8", "comment_deadline_passed", _deadline(NOW + timedelta(microseconds=1)),
                 [U("comment_deadline_open", deadline=NOW + timedelta(microseconds=1))],
                 id="R8-deadline-just-ahead"),
    pytest.param("R8", "all_suggestions_answered",
                 _open_suggestions("interim_results", "concept"),
                 [U("suggestions_unanswered", count=1, target="concept", numbers="4"),
                  U("suggestions_unanswered", count=1, target="interim_results", numbers="3")],
                 id="R8-both-targets-open"),
    # R9: pre-report before, post-report after
    pytest.param("R9", "pre_report_published", _set(pre_report=None), [U("pre_report_missing")],
                 id="R9-pre-report-missing"),
    pytest.param("R9", "post_report_published", _set(post_report=None),
                 [U("post_report_missing")], id="R9-post-report-missing"),
    # R10: decided by the named makers, deviation justified and published, implementation named
    pytest.param("R10", "decision_by_named_makers", _set(decision=None),
                 [U("decision_missing")], id="R10-no-decision"),
    pytest.param("R10", "decision_by_named_makers", _decision(decided_by="Rat der Stadt"),
                 [U("decision_maker_not_named", decided_by="Rat der Stadt",
                    makers="Stadtbezirksrat Linden-Limmer")], id="R10-maker-not-named"),
    pytest.param("R10", "decision_by_named_makers",
                 _chain(_draft(decision_makers=["Rat"]), _decision(decided_by="Rat")),
                 [U("decision_maker_not_named", decided_by="Rat",
                    makers="Stadtbezirksrat Linden-Limmer")],
                 id="R10-maker-only-in-unpublished-draft"),
    pytest.param("R10", "decision_by_named_makers", _set(concept_versions=[]),
                 [U("decision_maker_not_named", decided_by="Stadtbezirksrat Linden-Limmer",
                    makers="-")], id="R10-no-published-concept"),
    pytest.param("R10", "deviation_justified",
                 _decision(follows_results=False, justification="  ", published_at=None),
                 [U("deviation_unjustified"), U("decision_unpublished")],
                 id="R10-deviation-unjustified-and-unpublished"),
    pytest.param("R10", "deviation_justified", _set(decision=None), [U("decision_missing")],
                 id="R10-deviation-no-decision"),
    pytest.param("R10", "implementation_responsible_named",
                 _decision(implementation_responsible=" "), [U("implementation_unassigned")],
                 id="R10-implementation-unassigned"),
    pytest.param("R10", "implementation_responsible_named", _set(decision=None),
                 [U("implementation_unassigned")], id="R10-implementation-no-decision"),
    # R11: every SMART goal of the published concept is evaluated
    pytest.param("R11", "every_goal_evaluated", _set(evaluation=Evaluation()),
                 [U("goal_not_evaluated", goal="Z1"), U("goal_not_evaluated", goal="Z2")],
                 id="R11-no-goal-evaluated"),
    pytest.param("R11", "every_goal_evaluated",
                 _both_concepts(goals=[Goal("Z1", "a", "b", "c", NOW.date()),
                                       Goal("Z3", "a", "b", "c", NOW.date())]),
                 [U("goal_not_evaluated", goal="Z3")], id="R11-new-goal-not-evaluated"),
    # R15 (and R3): staff, costs, time; moderation selection and financing when external
    pytest.param("R15", "concept_resourced",
                 _draft(budget=Budget(costs="10 Euro", external_moderation=True)),
                 [U("concept_section_missing", section="budget.staff"),
                  U("concept_section_missing", section="budget.time"),
                  U("concept_section_missing", section="budget.moderation_selection"),
                  U("concept_section_missing", section="budget.moderation_financing")],
                 id="R15-no-resources-all-at-once"),
    pytest.param("R15", "concept_complete",
                 _draft(budget=Budget("Stelle", "", "Zeit")),
                 [U("concept_section_missing", section="budget.costs")],
                 id="R15-costs-missing"),
    pytest.param("R15", "concept_resourced", _set(concept_draft=None), [U("concept_missing")],
                 id="R15-no-concept"),
    # R5: the public comment period on the concept has ended before pre-reporting begins
    pytest.param("R5", "concept_comment_period_ended",
                 _version(published_at=NOW - timedelta(days=3)),
                 [U("concept_comment_period_open",
                    deadline=datetime(2026, 10, 13, 23, 59, 59, tzinfo=BERLIN))],
                 id="R5-comment-period-28-days-from-first-publication"),
    pytest.param("R5", "concept_comment_period_ended",
                 _set(concept_comments_until=NOW + timedelta(seconds=1)),
                 [U("concept_comment_period_open", deadline=NOW + timedelta(seconds=1))],
                 id="R5-comment-period-as-fixed-at-publication"),
    # R10: the decision is dated when it was taken
    pytest.param("R10", "decision_dated", _decision(decided_on=date(2026, 9, 19)),
                 [U("decision_in_future", decided_on=date(2026, 9, 19))],
                 id="R10-decision-dated-tomorrow"),
    pytest.param("R10", "decision_dated", _decision(decided_on=date(2026, 5, 20)),
                 [U("decision_before_interim_results", decided_on=date(2026, 5, 20),
                    published=datetime(2026, 5, 21, 9, 0, tzinfo=UTC))],
                 id="R10-decision-before-the-interim-results"),
    pytest.param("R10", "decision_dated", _set(decision=None), [U("decision_missing")],
                 id="R10-undated-no-decision"),
    # the dialogue and the reason for hold/cancel
    pytest.param("dialogue", "dialogue_activities_recorded", _set(dialogue_round=2),
                 [U("activities_missing", round=2)], id="dialogue-round-2-without-activity"),
    pytest.param("dialogue", "dialogue_activities_recorded",
                 _set(activities=[Activity(1, "Werkstatt", "on_site", date(2026, 9, 26), "A"),
                                  Activity(1, "Online", "online", date(2026, 9, 19), "B")]),
                 [U("activities_not_yet_held", round=1, first=date(2026, 9, 19))],
                 id="dialogue-activities-all-ahead"),
]

ALLOWED = [
    pytest.param("lead_and_deputy_named", _set(), id="R1-named"),
    pytest.param("department_named", _set(), id="R1-department"),
    pytest.param("begleitgruppe_installed",
                 _set(begleitgruppe=Begleitgruppe("politics", [Member("E", "FB", "internal")])),
                 id="R2-internal-only"),
    pytest.param("concept_complete", _set(), id="R4-R6-complete"),
    pytest.param("concept_diverse", _set(), id="R7-diverse"),
    pytest.param("concept_resourced",
                 _draft(budget=Budget("Stelle", "10 Euro", "Zeit", external_moderation=False)),
                 id="R15-no-external-moderation-needs-no-selection"),
    pytest.param("concept_published", _set(), id="R5-published-as-it-stands"),
    pytest.param("concept_published", _set(concept_draft=None), id="R5-published-no-draft"),
    pytest.param("concept_suggestions_answered", _open_suggestions("interim_results"),
                 id="R5-only-interim-suggestion-open"),
    pytest.param("all_suggestions_answered", _set(), id="R8-all-answered"),
    pytest.param("interim_results_published", _set(), id="R8-published"),
    pytest.param("comment_deadline_passed", _deadline(NOW), id="R8-deadline-exactly-now"),
    pytest.param("comment_deadline_passed", _set(interim_results=[]), id="R8-no-results"),
    pytest.param("pre_report_published", _set(), id="R9-pre"),
    pytest.param("post_report_published", _set(), id="R9-post"),
    pytest.param("decision_by_named_makers", _set(), id="R10-named-maker"),
    pytest.param("deviation_justified",
                 _decision(follows_results=False, justification="Kosten zu hoch"),
                 id="R10-deviation-justified"),
    pytest.param("implementation_responsible_named", _set(), id="R10-implementation"),
    pytest.param("every_goal_evaluated", _set(), id="R11-all-evaluated"),
    pytest.param("every_goal_evaluated", _set(concept_versions=[]), id="R11-no-goals-published"),
    pytest.param("dialogue_activities_recorded", _set(), id="dialogue-activity"),
    pytest.param("dialogue_activities_recorded",
                 _set(activities=[Activity(1, "Werkstatt", "on_site", date(2026, 9, 18), "A"),
                                  Activity(1, "Online", "online", date(2026, 10, 1), "B")]),
                 id="dialogue-one-activity-today-counts"),
    pytest.param("concept_comment_period_ended", _set(concept_comments_until=NOW),
                 id="R5-comment-period-ends-now"),
    pytest.param("concept_comment_period_ended", _set(concept_versions=[]),
                 id="R5-no-period-before-publication"),
    pytest.param("decision_dated", _decision(decided_on=date(2026, 9, 18)),
                 id="R10-decided-today"),
    pytest.param("decision_dated", _decision(decided_on=date(2026, 5, 21)),
                 id="R10-decided-the-day-of-the-interim-results"),
]


@pytest.mark.parametrize(("rule", "name", "mutate", "expected"), REFUSED)
def test_guard_refuses_with_every_unmet_condition(make_case, rule, name, mutate, expected):
    case = make_case()
    assert GUARDS[name](case, CTX) == [], f"{name} must hold on the full case"
    mutate(case)
    assert GUARDS[name](case, CTX) == expected


@pytest.mark.parametrize(("name", "mutate"), ALLOWED)
def test_guard_allows(make_case, name, mutate):
    case = make_case()
    mutate(case)
    assert GUARDS[name](case, CTX) == []


def test_every_registered_guard_holds_on_the_full_case(make_case):
    case = make_case()
    for name, guard in GUARDS.items():
        ctx = GuardContext(NOW, reason="Grund") if name == "reason_given" else CTX
        assert guard(case, ctx) == [], name


def test_every_guard_has_a_refused_row():
    refused = {p.values[1] for p in REFUSED} | {"reason_given"}
    assert refused == set(GUARDS)


def test_every_rule_of_the_brief_is_in_the_matrix():
    assert {p.values[0] for p in REFUSED} >= {"R1", "R2", "R4", "R5", "R6", "R7", "R8", "R9",
                                              "R10", "R11", "R15"}


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_reason_given_refuses_a_blank_reason(make_case, reason):
    assert GUARDS["reason_given"](make_case(), GuardContext(NOW, reason)) == [
        U("reason_missing")]


def test_reason_given_allows_a_reason(make_case):
    assert GUARDS["reason_given"](make_case(), GuardContext(NOW, "Haushaltssperre")) == []


def test_a_case_with_nothing_reports_every_unmet_condition_of_each_guard(make_case):
    case = make_case()
    case.lead = case.deputy = None
    case.department = ""
    case.begleitgruppe = Begleitgruppe()
    case.concept_draft = None
    case.concept_versions = []
    case.decision = None
    unmet = {name: [u.code for u in GUARDS[name](case, CTX)] for name in GUARDS}
    assert unmet["lead_and_deputy_named"] == ["lead_missing", "deputy_missing"]
    assert unmet["begleitgruppe_installed"] == ["begleitgruppe_requester_missing",
                                                "begleitgruppe_no_members"]
    assert unmet["concept_complete"] == ["concept_missing"]
    assert unmet["concept_published"] == ["concept_not_published"]
    assert unmet["deviation_justified"] == ["decision_missing"]


def test_unmet_text_renders_its_parameters():
    unmet = U("goal_incomplete", goal="Z7", missing="indicator, due")
    assert "„Z7“ fehlt: Indikator, Termin" in unmet.text("de")
    assert "'Z7' lacks: Indicator, Due date" in unmet.text("en")
    assert unmet.text("de") != unmet.text("en")


def test_a_comment_period_not_fixed_at_publication_follows_the_configured_days(case):
    """A process published before the end was stored: the guard counts the configured
    ``concept_comment_days``, as its stored deadline does, not the built-in 28."""
    from beteiligung.states.deadlines import DeadlineRules

    case.concept_comments_until = None
    case.concept_versions[-1] = replace(case.concept_versions[-1],
                                        published_at=NOW - timedelta(days=12))
    guard = GUARDS["concept_comment_period_ended"]
    assert guard(case, GuardContext(NOW, rules=DeadlineRules(concept_comment_days=10))) == []
    assert [u.code for u in guard(case, CTX)] == ["concept_comment_period_open"]
