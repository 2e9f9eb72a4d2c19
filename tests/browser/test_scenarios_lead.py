"""A process lead's day in a real browser: sign in through the form, open the process, take
the step into the concept phase, fill in part of the concept, be refused the next step with
every reason on the page, publish the concept and, once its public comment period has
ended, take the step after all.

The process is set up through the use cases (``site.journey``); everything the lead does is
done with clicks and typing, found by labels and roles, so the labels are proved too.
"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from beteiligung.states.deadlines import concept_comments_end
from beteiligung.workflow import content

TITLE = "Spielplatz Klagesmarkt"
CONCEPT_PHASE = "Erstellung des Beteiligungskonzepts"
TO_CONCEPT = "Weiter zur Phase „Erstellung des Beteiligungskonzepts“"
TO_PRE_REPORTING = "Weiter zur Phase „Vorberichterstattung“"


def phase_line(page):
    return page.locator("p.phase strong")


def step(page, label: str):
    """The block of one next step on the process page, by its heading."""
    return page.locator(".step").filter(has=page.get_by_role("heading", name=label))


def step_response(page, button: str):
    """Click a step's button; the POST's response once its page has loaded."""
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    return posted.value


def test_a_lead_is_refused_with_reasons_then_publishes_and_goes_on(site, page, axe, shot,
                                                                    sign_in):
    journey = site.journey
    pid = journey.new_process(site.env, title=TITLE).id
    journey.advance_to(site.env, pid, "begleitgruppe", site.clock)
    journey.fill_phase(site.env, pid, site.clock)          # the Begleitgruppe is installed
    site.add_user(journey.LEAD.email, journey.LEAD.name)

    page.goto("/anmelden")
    shot(page, "03-anmelden")
    sign_in(page, journey.LEAD.email)
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(f"{site.url}/intern/verfahren/{pid}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(phase_line(page)).to_have_text("Einrichtung der Projektbegleitgruppe")
    expect(step(page, TO_CONCEPT)).to_contain_text("Alle Voraussetzungen sind erfüllt.")
    shot(page, "04-prozessseite")
    axe.assert_none(page)

    # the Begleitgruppe is there: the step into the concept phase is taken
    assert step_response(page, TO_CONCEPT).status == 303
    expect(page.get_by_role("status")).to_contain_text(f"jetzt in der Phase „{CONCEPT_PHASE}“")
    expect(phase_line(page)).to_have_text(CONCEPT_PHASE)

    # part of the concept, typed into the form and saved
    page.get_by_role("navigation", name="Inhalte").get_by_role(
        "link", name="Beteiligungskonzept").click()
    expect(page).to_have_url(f"{site.url}/intern/verfahren/{pid}/konzept")
    page.get_by_label("Thema", exact=True).fill("Neugestaltung des Spielplatzes")
    page.get_by_label("Beteiligungsgegenstand", exact=True).fill(
        "Spielgeräte, Wege und Bepflanzung")
    page.get_by_label("Ziel des Vorhabens", exact=True).fill("Ein Spielplatz für alle Alter")
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_role("status")).to_have_text("Der Entwurf wurde gespeichert.")
    expect(page.get_by_label("Thema", exact=True)).to_have_value(
        "Neugestaltung des Spielplatzes")
    assert journey.current(site.env, pid).concept_draft.topic == "Neugestaltung des Spielplatzes"
    shot(page, "05-konzept")
    axe.assert_none(page)

    # the next step is refused, and the page says every reason
    page.get_by_role("link", name=re.compile("^Zurück zur Verfahrensseite")).click()
    refused = step_response(page, TO_PRE_REPORTING)
    assert refused.status == 422
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Der Schritt wurde nicht ausgeführt.")
    expect(alert).to_contain_text(f"in der Phase „{CONCEPT_PHASE}“ abgelehnt, es fehlt:")
    reasons = alert.get_by_role("listitem")
    assert reasons.count() >= 2, reasons.all_inner_texts()
    expect(reasons.filter(has_text="Das Beteiligungskonzept ist nicht veröffentlicht"))\
        .to_be_visible()
    expect(reasons.filter(has_text="Im Beteiligungskonzept fehlt der Abschnitt").first)\
        .to_be_visible()
    expect(phase_line(page)).to_have_text(CONCEPT_PHASE)   # still where it was
    shot(page, "06-verweigert", full_page=False)   # the refusal; the page below is 04's
    axe.assert_none(page)

    # the rest of the concept comes from the example file; the lead publishes it
    content.load_concept(site.env, journey.LEAD.email, pid, journey.complete_concept())
    page.get_by_role("navigation", name="Inhalte").get_by_role(
        "link", name="Beteiligungskonzept").click()
    page.get_by_label(re.compile("^Was hat sich geändert")).fill("Erste Fassung")
    page.get_by_role("button", name="Veröffentlichen", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Eine neue Version wurde veröffentlicht.")
    versions = page.get_by_role("table")
    expect(versions.get_by_role("rowheader", name="1")).to_be_visible()
    expect(versions).to_contain_text("Erste Fassung")

    # the public comment period on the concept runs first; once it has ended, the step is
    # taken (the session of four weeks ago has ended too: the lead signs in again)
    page.get_by_role("link", name=re.compile("^Zurück zur Verfahrensseite")).click()
    expect(step(page, TO_PRE_REPORTING)).to_contain_text(
        "Die Kommentierungsfrist zum Konzept läuft noch bis")
    case = journey.current(site.env, pid)
    site.clock.now = concept_comments_end(case, site.env.deadline_rules) + timedelta(minutes=1)
    sign_in(page, journey.LEAD.email)
    page.goto(f"/intern/verfahren/{pid}")
    assert step_response(page, TO_PRE_REPORTING).status == 303
    expect(page.get_by_role("status")).to_contain_text(
        "Das Verfahren ist jetzt in der Phase „Vorberichterstattung“")
    expect(phase_line(page)).to_have_text("Vorberichterstattung")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert journey.current(site.env, pid).phase == "pre_reporting"
    shot(page, "09-weitergeschaltet")
