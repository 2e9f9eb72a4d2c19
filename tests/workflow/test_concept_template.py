"""The commented concept template: every section with its German name, read back as written
(an untouched template is the draft it came from), and a filled-in one passes the guards."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from beteiligung.config.settings import HERE
from beteiligung.states.case import Case
from beteiligung.states.concept_sections import SECTIONS, TABLES
from beteiligung.states.guards import GUARDS, GuardContext
from beteiligung.workflow.concept_file import parse_concept
from beteiligung.workflow.concept_template import (
    concept_template,
    starting_concept,
    toml_text,
)

EXAMPLE = parse_concept((HERE / "example_concept.toml").read_text(encoding="utf-8"))
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_every_section_is_there_with_its_german_name_and_rule():
    text = concept_template(starting_concept(None, "Park", "Bäume"), 3, "Park", "konzept-3.toml")
    for section in SECTIONS:
        key = section.path.rpartition(".")[2]
        assert re.search(rf"^# {re.escape(section.de)}\b.*\n{key} = ", text, re.M), section.path
        if section.rule:
            assert f"# {section.de} ({section.rule})" in text
    for table, (german, _) in TABLES.items():
        assert f"# ── {german} ──\n[{table}]" in text
    assert "# ── SMART-Ziele (R4)" in text and "\n[[goals]]\n" in text
    assert "#   beteiligung concept load 3 konzept-3.toml" in text
    assert 'topic = "Park"' in text and 'subject_matter = "Bäume"' in text


def test_the_english_template_says_the_same_in_english():
    text = concept_template(EXAMPLE, 3, "Park", "k.toml", "en")
    assert "# Topic (R6): what it is about, in one sentence\ntopic = " in text
    assert "Thema" not in text and parse_concept(text) == EXAMPLE


@pytest.mark.parametrize("value", ['Er sagte "ja" \\ nein', "Zeile 1\nZeile 2\n", 'Ende"',
                                   'Ende\n"', "Tab\tund\x7fund\x01", "a\r\nb", "'''\"\"\""])
def test_any_text_survives_the_round_trip(value):
    concept = replace(EXAMPLE, summary=value, accessibility=[value, "zwei"])
    assert parse_concept(concept_template(concept, 1, "T", "k.toml")) == concept
    assert parse_concept(f"topic = {toml_text(value)}").topic == value


def test_an_untouched_template_loads_as_written():
    text = concept_template(starting_concept(None, "Park", ""), 3, "Park", "k.toml")
    concept = parse_concept(text, "k.toml")
    assert concept.topic == "Park" and [g.id for g in concept.goals] == ["Z1"]


def _filled(text: str) -> str:
    text = re.sub(r'= ""$', '= "ausgefüllt"', text, flags=re.M)
    text = re.sub(r"= \[\]$", '= ["ausgefüllt"]', text, flags=re.M)
    text = text.replace("external_moderation = false", "external_moderation = true")
    return text.replace("#due = 2027-06-30", "due = 2027-06-30")


def test_a_filled_in_template_passes_every_concept_guard():
    case = Case(1, "Park", "", "", "", [], "administration", None, None, NOW, "2026.1",
                "concept")
    empty = concept_template(starting_concept(None, "Park", ""), 1, "Park", "k.toml")
    case.concept_draft = parse_concept(empty)
    guards = ("concept_complete", "concept_diverse", "concept_resourced")
    assert all(GUARDS[name](case, GuardContext(NOW)) for name in guards)
    case.concept_draft = parse_concept(_filled(empty))
    assert [u for name in guards for u in GUARDS[name](case, GuardContext(NOW))] == []


def test_the_template_of_a_draft_keeps_its_goals_and_dates():
    text = concept_template(EXAMPLE, 1, "T", "k.toml")
    assert text.count("\n[[goals]]\n") == 2 and "\ndue = 2026-06-30" in text
    assert "#due" not in text
    assert parse_concept(text) == EXAMPLE
