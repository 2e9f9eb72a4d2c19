"""The public view of a case (``workflow.public``): only what is published, nothing private.

Cases are built by hand here, so each rule is checked on the one field it is about; the
whole lifecycle on a real database is walked in tests/integration/test_public_export.py.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from beteiligung.states.case import (
    Activity,
    Case,
    Concept,
    ConceptVersion,
    Decision,
    Evaluation,
    Goal,
    GoalEvaluation,
    InterimResults,
    Person,
    Report,
    Suggestion,
)
from beteiligung.states.codec import to_plain
from beteiligung.states.deadlines import DeadlineRules
from beteiligung.workflow import public
from beteiligung.workflow.participation import CommentPeriod, open_period
from beteiligung.workflow.public import public_view, published_processes

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEAD = Person("Anna Lehmann", "anna.private@example.org")
DEPUTY = Person("Jonas Vertretung", "jonas.private@example.org")


def concept(summary: str, goals: tuple[str, ...] = ("Z1",)) -> Concept:
    return Concept(topic="Marktplatz", summary=summary, easy_language_summary="Leicht",
                   project_goal="Schattiger Platz", participation_goal="Wünsche aufnehmen",
                   goals=[Goal(g, f"Ziel {g}", f"Indikator {g}", f"Wert {g}",
                               date(2026, 6, 30)) for g in goals])


def case(**changes) -> Case:
    base = Case(7, "Lindener Marktplatz", "Umgestaltung", "FB 67", "Dezernat V",
                ["Linden-Limmer"], "administration", LEAD, DEPUTY, T0, "2026.1",
                phase="concept", phase_entered_at=T0 + timedelta(days=1))
    return dataclasses.replace(base, **changes)


def published(number: int, summary: str, lead: Person | None = LEAD,
              goals: tuple[str, ...] = ("Z1",)) -> ConceptVersion:
    return ConceptVersion(number, T0 + timedelta(days=number), f"Notiz {number}",
                          concept(summary, goals), lead, DEPUTY)


def text_of(view) -> str:
    return json.dumps(to_plain(view), ensure_ascii=False)


def keys(value) -> set[str]:
    """Every key anywhere in a plain JSON tree."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def test_a_new_process_shows_its_basic_data_and_no_person():
    view = public_view(case(phase="initiated"))
    assert (view.id, view.title, view.subject, view.department, view.districts) == (
        7, "Lindener Marktplatz", "Umgestaltung", "FB 67", ("Linden-Limmer",))
    assert (view.phase, view.created_at, view.phase_entered_at) == (
        "initiated", T0, T0 + timedelta(days=1))
    assert view.contact == public.PublicContact("FB 67", None)
    assert view.concept is None and view.decision is None and view.evaluation is None
    text = text_of(view)
    for private in ("Anna", "Jonas", "@", "Dezernat V"):
        assert private not in text


def test_the_draft_is_never_shown_only_the_latest_published_version():
    draft_only = case(concept_draft=concept("DRAFT-ONLY"))
    assert public_view(draft_only).concept is None
    assert "DRAFT-ONLY" not in text_of(public_view(draft_only))

    later = case(concept_draft=concept("CHANGED-DRAFT"),
                 concept_versions=[published(1, "FIRST-VERSION"),
                                   published(2, "SECOND-VERSION")])
    view = public_view(later)
    assert view.concept is not None
    assert (view.concept.version, view.concept.summary, view.concept.change_note) == (
        2, "SECOND-VERSION", "Notiz 2")
    assert view.concept.published_at == T0 + timedelta(days=2)
    assert view.concept.first_published_at == T0 + timedelta(days=1)
    assert [g.id for g in view.concept.goals] == ["Z1"]
    text = text_of(view)
    assert "CHANGED-DRAFT" not in text and "FIRST-VERSION" not in text


def test_the_contact_is_the_department_and_the_published_leads_name_only():
    version = published(1, "x", lead=Person("Petra Published", "petra@example.org"))
    view = public_view(case(concept_versions=[version]))
    assert view.contact == public.PublicContact("FB 67", "Petra Published")
    text = text_of(view)
    assert "@" not in text and "Anna" not in text and "Jonas" not in text
    assert "email" not in keys(to_plain(view)) and "deputy" not in keys(to_plain(view))


def test_only_answered_suggestions_are_shown_and_never_their_authors():
    suggestions = [
        Suggestion(1, "concept", "OPEN-TEXT", T0, "OPEN-AUTHOR"),
        Suggestion(2, "concept", "ANSWERED-TEXT", T0, "ANSWERED-AUTHOR", "rejected",
                   "WHY-NOT", T0 + timedelta(days=3)),
        Suggestion(3, "interim_results", "SECOND-TEXT", T0, "", "accepted", "",
                   T0 + timedelta(days=4)),
    ]
    view = public_view(case(suggestions=suggestions))
    assert [(s.number, s.on, s.answer) for s in view.suggestions] == [
        (2, "concept", "rejected"), (3, "interim_results", "accepted")]
    assert view.suggestions[0].justification == "WHY-NOT"
    text = text_of(view)
    assert "ANSWERED-TEXT" in text and "SECOND-TEXT" in text
    for hidden in ("OPEN-TEXT", "OPEN-AUTHOR", "ANSWERED-AUTHOR"):
        assert hidden not in text
    assert "author" not in keys(to_plain(view))


def test_a_recorded_decision_is_shown_only_once_published():
    decision = Decision("Stadtbezirksrat", date(2026, 9, 24), "DECIDED", False, "BECAUSE",
                        "FB 67.3")
    assert public_view(case(phase="decision", decision=decision)).decision is None
    done = dataclasses.replace(decision, published_at=T0 + timedelta(days=200))
    view = public_view(case(phase="decision", decision=done))
    assert view.decision == public.PublicDecision(
        "Stadtbezirksrat", date(2026, 9, 24), "DECIDED", False, "BECAUSE", "FB 67.3",
        T0 + timedelta(days=200))


@pytest.mark.parametrize(("phase", "paused", "shown"), [
    ("evaluation", None, False),
    ("on_hold", "evaluation", False),
    ("cancelled", None, False),
    ("closed", None, True),
])
def test_the_evaluation_is_shown_once_the_process_is_closed(phase, paused, shown):
    evaluation = Evaluation({"Z2": GoalEvaluation("partly", "EVIDENCE-2"),
                             "Z1": GoalEvaluation("met", "EVIDENCE-1")}, "LESSONS")
    view = public_view(case(phase=phase, paused_phase=paused, evaluation=evaluation,
                            concept_versions=[published(1, "x", goals=("Z1", "Z2"))]))
    assert (view.evaluation is not None) is shown
    assert ("EVIDENCE-1" in text_of(view)) is shown and ("LESSONS" in text_of(view)) is shown
    if shown:
        assert [(g.goal, g.description, g.rating) for g in view.evaluation.goals] == [
            ("Z1", "Ziel Z1", "met"), ("Z2", "Ziel Z2", "partly")]


def test_reports_and_interim_results_are_shown_as_published():
    results = InterimResults(1, "ROUND-ONE", T0, T0 + timedelta(days=21), "Herbst",
                             "Freizeitheim", "Stadtbezirksrat")
    view = public_view(case(phase="decision", pre_report=Report("PRE", T0),
                            post_report=Report("POST", T0 + timedelta(days=9)),
                            interim_results=[results]))
    assert view.pre_report == public.PublicReport("PRE", T0)
    assert view.post_report == public.PublicReport("POST", T0 + timedelta(days=9))
    assert [(r.round, r.summary, r.comment_deadline) for r in view.interim_results] == [
        (1, "ROUND-ONE", T0 + timedelta(days=21))]


def test_a_cancelled_process_shows_its_reason_and_what_it_had_published():
    cancelled = case(phase="cancelled", cancel_reason="Antrag zurückgezogen",
                     concept_versions=[published(1, "STILL-PUBLISHED")],
                     pre_report=Report("PRE", T0))
    view = public_view(cancelled)
    assert (view.phase, view.cancel_reason) == ("cancelled", "Antrag zurückgezogen")
    assert view.concept is not None and view.concept.summary == "STILL-PUBLISHED"
    assert view.pre_report is not None
    # a reason is shown only for a cancel (a stray value in another phase is not)
    assert public_view(case(phase="concept", cancel_reason="stray")).cancel_reason is None


def test_a_paused_process_shows_where_it_was_paused():
    view = public_view(case(phase="on_hold", paused_phase="dialogue"))
    assert (view.phase, view.paused_phase) == ("on_hold", "dialogue")


def test_every_field_of_the_view_is_documented_in_the_module_docstring():
    full = case(phase="closed", concept_versions=[published(1, "x")],
                suggestions=[Suggestion(1, "concept", "t", T0, "a", "accepted", "", T0)],
                interim_results=[InterimResults(1, "s", T0, T0, "w", "o", "b")],
                activities=[Activity(1, "Werkstatt", "on_site", date(2026, 4, 1), "Ort", "R")],
                decision=Decision("X", date(2026, 1, 1), "s", True, published_at=T0),
                pre_report=Report("p", T0), post_report=Report("q", T0),
                evaluation=Evaluation({"Z1": GoalEvaluation("met", "e")}, "l"))
    found = keys(to_plain(public_view(full)))
    assert len(found) > 40
    undocumented = sorted(k for k in found
                          if not re.search(rf"(?<![\w.]){k}(?!\w)", public.__doc__))
    assert undocumented == []


def test_processes_are_viewed_one_at_a_time_as_the_source_yields_them():
    taken: list[int] = []

    class Source:
        def cases(self) -> Iterator[Case]:
            for number in (1, 2, 3):
                taken.append(number)
                yield case(id=number)

    views = published_processes(Source())
    assert taken == []
    assert next(views).id == 1 and taken == [1]
    assert [v.id for v in views] == [2, 3] and taken == [1, 2, 3]


def test_dialogue_events_are_published_in_date_order_with_their_accessibility():
    later = Activity(1, "Werkstatt", "on_site", date(2026, 5, 2), "Marktplatz", "Rampe")
    earlier = Activity(2, "Online-Dialog", "online", date(2026, 4, 1), "online")
    view = public_view(case(phase="dialogue", activities=[later, earlier]))
    assert [(a.format, a.on, a.accessibility) for a in view.activities] == [
        ("Online-Dialog", date(2026, 4, 1), ""), ("Werkstatt", date(2026, 5, 2), "Rampe")]


def test_the_open_period_and_its_end():
    rules = DeadlineRules(concept_comment_days=28)
    first = published(1, "x")          # published on T0 + 1 day: 3 March, ends 31 March
    end = datetime(2026, 3, 31, 21, 59, 59, tzinfo=UTC)   # 23:59:59 in Berlin (CEST)
    in_concept = case(concept_versions=[first])
    assert open_period(case(), T0, rules) is None        # nothing published yet
    assert open_period(in_concept, end, rules) == CommentPeriod("concept", end)
    later = end + timedelta(seconds=1)
    assert open_period(case(phase="dialogue", concept_versions=[first]), later,
                       rules) == CommentPeriod("concept", None)
    deadline = T0 + timedelta(days=40)
    results = case(phase="interim_results", concept_versions=[first],
                   interim_results=[InterimResults(1, "s", T0, deadline, "w", "o", "b")])
    assert open_period(results, deadline, rules) == CommentPeriod("interim_results", deadline)
    assert open_period(case(phase="decision", concept_versions=[first]), T0, rules) is None
