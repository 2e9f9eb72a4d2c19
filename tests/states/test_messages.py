"""Every message a refused step can show renders in German and English."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime

import pytest

from beteiligung.states.case import Case
from beteiligung.states.guards import GUARDS, GuardContext
from beteiligung.states.messages import LANGUAGES, TEXTS, local_time, render

SAMPLE = {"section": "procedure", "goal": "Z1", "missing": "indicator, due",
          "count": 2, "target": "concept", "numbers": "1, 3", "round": 2,
          "deadline": "30.09.2026 23:59", "decided_by": "Rat", "makers": "Bezirksrat",
          "phase": "dialogue", "trigger": "go_to_decision", "allowed": "hold, cancel",
          "first": date(2026, 5, 9), "decided_on": date(2026, 9, 24),
          "published": datetime(2026, 6, 1, 10, 0, tzinfo=UTC)}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("code", sorted(TEXTS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_message_renders(code, lang):
    entry = TEXTS[code]
    assert set(entry) == set(LANGUAGES), f"{code} needs a text in every language"
    names = _placeholders(entry["de"])
    assert names == _placeholders(entry["en"]), f"{code}: de and en take the same parameters"
    assert names <= set(SAMPLE)
    text = render(code, {n: SAMPLE[n] for n in names}, lang)
    assert text.strip() and "{" not in text and "}" not in text
    for name in names - {"target", "section", "missing"}:  # translated, see test_concept_sections
        assert shown(SAMPLE[name], lang) in text


def shown(value: object, lang: str) -> str:
    """How a parameter appears in a text: dates and times as people here read them."""
    if isinstance(value, datetime):
        return local_time(value, lang)
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y" if lang == "de" else "%Y-%m-%d")
    return str(value)


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_german_and_english_differ(code):
    names = _placeholders(TEXTS[code]["de"])
    params = {n: SAMPLE[n] for n in names}
    assert render(code, params, "de") != render(code, params, "en")


def test_target_names_are_translated():
    params = {"count": 1, "target": "interim_results", "numbers": "4"}
    assert "zu den Zwischenergebnissen" in render("suggestions_unanswered", params, "de")
    assert "on the interim results" in render("suggestions_unanswered", params, "en")
    assert "zum Konzept" in render("suggestions_unanswered", params | {"target": "concept"})


def test_unknown_language_falls_back_to_german():
    assert render("lead_missing", {}, "fr") == TEXTS["lead_missing"]["de"]


def test_every_code_a_guard_can_return_has_a_text():
    now = datetime(2026, 3, 2, tzinfo=UTC)
    empty = Case(1, "", "", "", "", [], "administration", None, None, now, "t")
    codes = {u.code for guard in GUARDS.values() for u in guard(empty, GuardContext(now))}
    assert codes and codes <= set(TEXTS)


def test_deadlines_are_shown_in_berlin_time_in_each_language():
    due = datetime(2026, 9, 30, 21, 59, tzinfo=UTC)
    assert "30.09.2026 23:59" in render("comment_deadline_open", {"deadline": due}, "de")
    assert "2026-09-30 23:59" in render("comment_deadline_open", {"deadline": due}, "en")
