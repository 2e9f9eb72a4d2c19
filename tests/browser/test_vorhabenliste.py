"""The public Vorhabenliste in a real browser: what a visitor sees, and axe-core finds nothing
to fix, empty and with processes in several phases, in German and English."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_empty_vorhabenliste_passes_axe(page, axe, shot, lang):
    answer = page.goto(f"/?lang={lang}")
    assert answer.status == 200
    assert page.locator("html").get_attribute("lang") == lang
    assert page.get_by_role("heading", level=1).count() == 1
    shot(page, f"vorhabenliste-leer-{lang}")
    axe.assert_none(page)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_vorhabenliste_with_processes_passes_axe(site, page, axe, shot, lang):
    journey = site.journey
    titles = {"initiated": "Lindener Marktplatz", "dialogue": "Spielplatz Klagesmarkt",
              "decision": "Radweg Podbielskistraße"}
    for phase, title in titles.items():
        pid = journey.new_process(site.env, title=title).id
        journey.advance_to(site.env, pid, phase, site.clock)
    answer = page.goto(f"/?lang={lang}")
    assert answer.status == 200
    for title in titles.values():
        assert page.get_by_text(title).first.is_visible(), title
    assert "@" not in page.content()  # no staff e-mail address is public
    shot(page, f"vorhabenliste-{lang}")
    axe.assert_none(page)
