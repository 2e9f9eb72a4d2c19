"""Keyboard use of the pages in the site layout, in a real browser: from the top, Tab reaches
the skip link first, then the header's links in reading order, then the page's content; the
skip link shows when focused and moves the focus to the main content."""

from __future__ import annotations

import pytest

DESCRIBE = """e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
  + (e.getAttribute('href') !== null ? '[' + e.getAttribute('href') + ']' : '')"""
FOCUSED = f"() => ({DESCRIBE})(document.activeElement)"
IN_MAIN = "() => document.querySelector('main').contains(document.activeElement)"
PAGES = {"/": "vorhabenliste", "/anmelden": "anmelden"}


def tab_through(page, times: int) -> list[str]:
    """What has the focus after each of ``times`` presses of Tab."""
    seen = []
    for _ in range(times):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
    return seen


def with_a_process(site) -> None:
    """One process on the Vorhabenliste, so its content has something to focus."""
    pid = site.journey.new_process(site.env).id
    site.journey.advance_to(site.env, pid, "dialogue", site.clock)


@pytest.mark.parametrize("path", PAGES)
def test_tab_from_the_top_reaches_the_skip_link_then_the_navigation(site, page, path):
    with_a_process(site)
    page.goto(path)
    header_links = page.locator("header a").evaluate_all(f"els => els.map({DESCRIBE})")
    assert "a[/]" in header_links and "a[/anmelden]" in header_links, header_links
    order = tab_through(page, 1 + len(header_links) + 1)
    assert order[0] == "a[#inhalt]", order
    assert order[1:-1] == header_links, order
    assert page.evaluate(IN_MAIN), order  # and then the page's own content


@pytest.mark.parametrize("path", PAGES)
def test_the_skip_link_shows_when_focused_and_jumps_to_the_content(site, page, shot, path):
    with_a_process(site)
    page.goto(path)
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    assert skip.bounding_box()["x"] < 0  # off-screen until focused
    page.keyboard.press("Tab")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    shot(page, f"{PAGES[path]}-sprunglink")
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED) == "main#inhalt"
    page.keyboard.press("Tab")
    assert page.evaluate(IN_MAIN), page.evaluate(FOCUSED)
