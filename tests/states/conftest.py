"""Fixtures for the pure tests of ``states``: a case that satisfies every rule, and the default
lifecycle. No database, no clock: every moment is a fixed datetime.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from beteiligung.config.settings import HERE
from beteiligung.states.case import (
    Activity,
    Begleitgruppe,
    Budget,
    Case,
    Concept,
    ConceptVersion,
    Decision,
    DecisionPlan,
    Evaluation,
    Goal,
    GoalEvaluation,
    InterimResults,
    Member,
    Person,
    Report,
    Stakeholders,
    Suggestion,
)
from beteiligung.states.definition import Definition, load_definition
from beteiligung.states.lifecycle import Lifecycle

DEFINITION_PATH = HERE / "process_definition.toml"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=200)
LEAD = Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")
DEPUTY = Person("Jonas Weber", "jonas.weber@hannover-stadt.de")
MAKER = "Stadtbezirksrat Linden-Limmer"


def full_concept() -> Concept:
    """A concept that satisfies R4-R7 and R15, with external moderation (R3)."""
    return Concept(
        topic="Lindener Marktplatz", subject_matter="Aufteilung und Begrünung",
        summary="Der Platz wird umgestaltet", easy_language_summary="Der Platz wird neu",
        project_goal="Mehr Schatten", participation_goal="Wünsche aufnehmen",
        scope="Sitzbereiche, Bäume", limits="Marktfläche bleibt", procedure="Auftakt, Online",
        handling_of_results="Alle Beiträge beantwortet", implementation="Bau 2027",
        responsibilities="FB 61.3", structure="Begleitgruppe begleitet, Bezirksrat entscheidet",
        decision=DecisionPlan("Stadtbezirksrat", "Freizeitheim Linden", "Herbst 2026",
                              "Grundlage der Beschlussvorlage"),
        decision_makers=[MAKER],
        goals=[Goal("Z1", "Viele beteiligen sich", "Zahl der Beiträge", "300", date(2026, 6, 30)),
               Goal("Z2", "Kinder erreichen", "Anteil Kinder", "25 %", date(2026, 6, 30))],
        budget=Budget("0,5 Stelle", "25.000 Euro", "März bis November", True,
                      "Angebotsvergleich", "Projekthaushalt"),
        stakeholders=Stakeholders("Anwohnende, Gewerbe", ["Kinder", "Ältere"],
                                  "Stadtteilrunde einbezogen"),
        accessibility=["Barrierefreie Orte", "Leichte Sprache"],
    )


def full_case() -> Case:
    """A case in phase ``evaluation`` (round 1) on which every guard holds at ``NOW``."""
    concept = full_concept()
    return Case(
        id=7, title="Lindener Marktplatz", subject="Umgestaltung", department="FB 61",
        directorate="Dezernat VI", districts=["Linden-Limmer"], origin="administration",
        lead=LEAD, deputy=DEPUTY, created_at=T0, definition_version="2026.1",
        phase="evaluation", phase_entered_at=T0 + timedelta(days=150),
        begleitgruppe=Begleitgruppe("department", [Member("Eva Stein", "FB 61", "internal"),
                                                   Member("Kai Rot", "BI Linden", "external")]),
        concept_draft=concept,
        concept_versions=[ConceptVersion(1, T0 + timedelta(days=20), "Erstveröffentlichung",
                                         full_concept(), LEAD, DEPUTY)],
        suggestions=[
            Suggestion(1, "concept", "Mehr Bäume", T0 + timedelta(days=21), "B. Bürger",
                       "accepted", "", T0 + timedelta(days=22)),
            Suggestion(2, "interim_results", "Keine Parkplätze", T0 + timedelta(days=90), "",
                       "rejected", "Parkplätze sind nicht Gegenstand",
                       T0 + timedelta(days=95)),
        ],
        pre_report=Report("Vorbericht", T0 + timedelta(days=30)),
        activities=[Activity(1, "Planungswerkstatt", "on_site", date(2026, 4, 20),
                             "Freizeitheim Linden")],
        interim_results=[InterimResults(1, "Ergebnisse", T0 + timedelta(days=80),
                                        T0 + timedelta(days=110), "Herbst", "Freizeitheim",
                                        MAKER)],
        decision=Decision(MAKER, date(2026, 9, 1), "Umgestaltung wie vorgeschlagen", True, "",
                          "FB 61.3", T0 + timedelta(days=140)),
        post_report=Report("Nachbericht", T0 + timedelta(days=145)),
        evaluation=Evaluation({"Z1": GoalEvaluation("met", "320 Beiträge"),
                               "Z2": GoalEvaluation("partly", "18 %")}, "Früher einladen"),
    )


@pytest.fixture
def case() -> Case:
    return full_case()


@pytest.fixture
def make_case() -> Callable[[], Case]:
    return full_case


@pytest.fixture(scope="session")
def definition() -> Definition:
    return load_definition(DEFINITION_PATH)


@pytest.fixture(scope="session")
def lifecycle(definition: Definition) -> Lifecycle:
    return Lifecycle(definition)
