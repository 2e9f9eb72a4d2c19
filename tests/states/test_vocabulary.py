"""The words people type for the engine's codes (``states.vocabulary``): every code has its
German and English label, a label or a code is read in any case, two codes of one vocabulary
never share a spelling, and anything else is refused naming the accepted words."""

from __future__ import annotations

from pathlib import Path

import pytest

from beteiligung.states import case
from beteiligung.states.definition import load_definition
from beteiligung.states.errors import BadInput
from beteiligung.states.vocabulary import (
    VOCABULARY,
    codes,
    help_text,
    key,
    label,
    phase_words,
    resolve,
    resolve_word,
)
from beteiligung.workflow.accounts import ROLES
from beteiligung.workflow.outbox import STATUSES
from beteiligung.workflow.oversight_facts import SEVERITIES

DEFINITION = load_definition(Path(__file__).resolve().parents[2] / "config" /
                             "process_definition.toml")


@pytest.mark.parametrize(("kind", "known"), [
    ("origin", case.ORIGINS), ("requester", case.REQUESTERS),
    ("suggestion_target", case.SUGGESTION_TARGETS), ("answer", case.ANSWERS),
    ("activity_mode", case.ACTIVITY_MODES), ("goal_rating", case.GOAL_RATINGS),
    ("severity", SEVERITIES), ("outbox_status", STATUSES), ("role", ROLES),
    ("report_kind", ("pre", "post")),
])
def test_each_vocabulary_has_exactly_the_codes_the_engine_knows(kind, known):
    assert codes(kind) == tuple(known)


@pytest.mark.parametrize(("kind", "typed", "code"), [
    ("requester", "Politik", "politics"), ("requester", "einwohner*innen", "residents"),
    ("answer", "abgelehnt", "rejected"), ("answer", "Teilweise Angenommen", "partly_accepted"),
    ("answer", "teilweise_angenommen", "partly_accepted"), ("answer", "REJECTED", "rejected"),
    ("activity_mode", "vor Ort", "on_site"), ("activity_mode", "vor-ort", "on_site"),
    ("activity_mode", "on site", "on_site"), ("activity_mode", "Online", "online"),
    ("goal_rating", "erreicht", "met"), ("goal_rating", "nicht erreicht", "not_met"),
    ("goal_rating", " not_met ", "not_met"), ("severity", "warnung", "warning"),
    ("severity", "Kritisch", "critical"), ("suggestion_target", "Konzept", "concept"),
    ("suggestion_target", "zwischenergebnisse", "interim_results"),
    ("origin", "Antrag des Stadtbezirksrats", "district_council_motion"),
    ("report_kind", "Nachbericht", "post"), ("outbox_status", "fehlgeschlagen", "failed"),
    ("role", "Koordinierungsstelle", "coordinator"),
])
def test_a_code_or_a_label_in_either_language_is_read_in_any_case(kind, typed, code):
    assert resolve(kind, typed, "--x") == code


@pytest.mark.parametrize("kind", sorted(VOCABULARY))
def test_no_two_codes_of_a_vocabulary_share_a_spelling(kind):
    seen: dict[str, str] = {}
    for word in VOCABULARY[kind]:
        for spelling in {key(s) for s in word.spellings()}:
            assert seen.setdefault(spelling, word.code) == word.code, (kind, spelling)


def test_anything_else_is_refused_in_one_line_listing_the_words_in_both_languages():
    with pytest.raises(BadInput) as refused:
        resolve("activity_mode", "Brieftaube", "--mode")
    german, english = refused.value.text("de"), refused.value.text("en")
    assert german == ("--mode: „Brieftaube“ ist nicht vorgesehen; möglich: online, vor Ort "
                      "(oder online, on_site)")
    assert english == ("--mode: 'Brieftaube' is not accepted; use one of: online, on site "
                       "(or online, on_site)")
    assert str(refused.value) == english and "\n" not in german


def test_phases_are_named_by_their_labels_from_the_definition():
    words = phase_words(DEFINITION)
    assert [w.code for w in words] == list(DEFINITION.phases)
    for typed, code in (("Initiierung", "initiated"), ("initiation", "initiated"),
                        ("Dialog", "dialogue"), ("dialog (online und vor ort)", "dialogue"),
                        ("Pausiert", "on_hold"), ("on hold", "on_hold"),
                        ("Erstellung des Beteiligungskonzepts", "concept"),
                        ("pre_reporting", "pre_reporting")):
        assert resolve_word(words, typed, "--state") == code
    with pytest.raises(BadInput) as refused:
        resolve_word(words, "Urlaub", "--state")
    assert refused.value.text("de").startswith("--state: „Urlaub“ ist nicht vorgesehen; "
                                               "möglich: Initiierung, Einrichtung der ")


def test_labels_and_help_come_from_the_same_table():
    assert label("answer", "partly_accepted") == "teilweise angenommen"
    assert label("answer", "partly_accepted", "en") == "partly accepted"
    assert label("answer", "unheard_of") == "unheard_of"
    assert help_text("activity_mode") == ("online | on_site; in German also online | vor Ort "
                                          "(any case)")
