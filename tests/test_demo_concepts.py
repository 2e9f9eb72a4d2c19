"""Each process of ``serve --demo`` has a concept of its own (issue 11, point 16): its topic is
the process's title, its texts differ from the others and from the Lindener Marktplatz, its
decision-makers include whoever the demo's interim results name, and every concept file is
complete enough to let its process go on."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import pytest

from beteiligung.cli.demo_texts import FILES, concept_for
from beteiligung.cli.run import demo_settings
from beteiligung.config.bootstrap import build_env
from beteiligung.states.case import Case, Person
from beteiligung.states.guards import GUARDS, GuardContext
from beteiligung.workflow.process import get_process, list_processes

MARKTPLATZ = "Neugestaltung des Lindener Marktplatzes"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    args = argparse.Namespace(dir=str(tmp_path_factory.mktemp("demo")), host="127.0.0.1",
                              port=8000)
    env = build_env(demo_settings(args))
    return {s.title: get_process(env, s.id) for s in list_processes(env)}


def test_every_demo_process_with_a_concept_has_its_own(demo):
    concepts = {title: case.published_concept.concept for title, case in demo.items()
                if case.published_concept}
    assert set(concepts) == {MARKTPLATZ, "Radverkehrskonzept Südstadt",
                             "Umgestaltung des Klagesmarkts", "Stadtteilpark Bothfeld"}
    for title, concept in concepts.items():
        assert concept.topic == title
        if title != MARKTPLATZ:
            assert "Linden" not in concept.summary + concept.subject_matter + str(
                concept.decision_makers)
    for field in ("summary", "subject_matter", "project_goal", "procedure"):
        assert len({getattr(c, field) for c in concepts.values()}) == len(concepts), field


def test_the_interim_results_name_a_decision_maker_of_the_concept(demo):
    for case in demo.values():
        for results in case.interim_results:
            assert results.decision_by in case.published_concept.concept.decision_makers


@pytest.mark.parametrize("title", sorted(FILES))
def test_every_concept_file_is_complete(title):
    lead = Person("Anna Lehmann", "anna@h.de")
    case = Case(1, title, "", "FB", "", [], "administration", lead, lead,
                datetime(2026, 1, 1, tzinfo=UTC), "2026.1", "concept",
                concept_draft=concept_for(title))
    ctx = GuardContext(datetime(2026, 1, 1, tzinfo=UTC))
    for name in ("concept_complete", "concept_diverse", "concept_resourced"):
        assert GUARDS[name](case, ctx) == [], (title, name)


def test_a_title_without_a_file_still_gets_a_concept_under_its_title():
    assert concept_for("Neuer Platz").topic == "Neuer Platz"
