"""Every section of the concept has a German and an English name, and the messages use them."""

from __future__ import annotations

import dataclasses

from beteiligung.states.case import Budget, Concept, DecisionPlan, Stakeholders
from beteiligung.states.concept_sections import BY_PATH, SECTIONS, TABLES, section_label
from beteiligung.states.guards import REQUIRED_SECTIONS, Unmet


def _paths() -> list[str]:
    tables = {"decision": DecisionPlan, "budget": Budget, "stakeholders": Stakeholders}
    paths = []
    for f in dataclasses.fields(Concept):
        if f.name in tables:
            paths += [f"{f.name}.{g.name}" for g in dataclasses.fields(tables[f.name])]
        elif f.name != "goals":
            paths.append(f.name)
    return paths


def test_every_key_of_the_concept_file_has_a_section_with_two_names():
    assert sorted(BY_PATH) == sorted(_paths()) and len(SECTIONS) == len(BY_PATH)
    for section in SECTIONS:
        assert section.de and section.en and section.de != section.path, section
        assert section.kind in ("text", "list", "flag")
    assert set(TABLES) == {p.split(".")[0] for p in BY_PATH if "." in p}
    assert set(REQUIRED_SECTIONS) <= set(BY_PATH)


def test_the_sections_the_guards_named_by_key_have_their_german_names():
    expected = {"decision_makers": "Entscheidungsträger*innen",
                "stakeholders.analysis": "Akteur*innen-Analyse",
                "stakeholders.target_groups": "Zielgruppen",
                "stakeholders.forums_checked": "Geprüfte Stadtteil- und Stadtbezirksrunden",
                "accessibility": "Barrierefreiheit", "budget.staff": "Personal",
                "budget.time": "Zeitraum", "budget.moderation_selection": "Auswahl der Moderation",
                "budget.moderation_financing": "Finanzierung der Moderation"}
    for path, name in expected.items():
        assert section_label(path) == name
        text = Unmet("concept_section_missing", {"section": path}).text("de")
        assert f"„{name}“" in text and path not in text
    assert "'Target groups'" in Unmet("concept_section_missing",
                                      {"section": "stakeholders.target_groups"}).text("en")
