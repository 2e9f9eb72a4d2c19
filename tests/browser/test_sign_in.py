"""Signing in, in a real browser: the form passes axe-core under the CSP, a real account signs
in through the form and lands on /intern with a session, a wrong password is refused."""

from __future__ import annotations

import pytest


def fill_sign_in(page, email: str, password: str):
    """Fill the form by its labels and submit it; the POST's response."""
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()
    return posted.value


def session_cookie(page):
    return next((c for c in page.context.cookies() if c["name"] == "btg_session"), None)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_sign_in_page_passes_axe(page, axe, shot, console, lang):
    answer = page.goto(f"/anmelden?lang={lang}")
    assert answer.status == 200
    assert page.locator("html").get_attribute("lang") == lang
    # the stylesheet is applied under the CSP: the header's accent border is there
    border = page.locator("header.site").evaluate("e => getComputedStyle(e).borderBottomStyle")
    assert border == "solid"
    assert not [m for m in console if "Content Security Policy" in m], console
    png = shot(page, f"anmelden-{lang}")
    assert png.name == f"anmelden-{lang}.png" and png.read_bytes()[:4] == b"\x89PNG"
    axe.assert_none(page)


def test_signing_in_through_the_form_lands_on_intern_with_a_session(site, page, axe, shot):
    site.add_user("anna.lehmann@hannover-stadt.de", "Anna Lehmann")
    page.goto("/anmelden")
    assert session_cookie(page) is None
    intern = f"{site.url}/intern"
    with page.expect_response(lambda r: r.request.method == "GET" and r.url == intern) as got:
        posted = fill_sign_in(page, "anna.lehmann@hannover-stadt.de", site.PASSWORD)
    assert posted.status == 303 and posted.headers["location"] == "/intern"
    assert got.value.status == 200 and page.url == intern
    assert page.get_by_role("heading", level=1).count() == 1
    cookie = session_cookie(page)
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.get_by_text("Anna Lehmann").first.is_visible()  # the header names who it is
    shot(page, "intern-nach-anmeldung")
    axe.assert_none(page)
    # the session holds: the sign-in form now sends a signed-in person on to /intern
    page.goto("/anmelden")
    assert page.url == f"{site.url}/intern"


def test_a_wrong_password_is_refused_with_an_alert_and_no_session(site, page, axe, shot):
    site.add_user("anna.lehmann@hannover-stadt.de", "Anna Lehmann")
    page.goto("/anmelden")
    posted = fill_sign_in(page, "anna.lehmann@hannover-stadt.de", "falsch falsch falsch")
    assert posted.status == 401
    assert page.url == f"{site.url}/anmelden"
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("E-Mail-Adresse").input_value() == "anna.lehmann@hannover-stadt.de"
    assert session_cookie(page) is None
    shot(page, "anmelden-fehlgeschlagen")
    axe.assert_none(page)
