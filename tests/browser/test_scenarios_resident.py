"""A resident in a real browser: from the Vorhabenliste to a process whose interim results are
open for comments, a suggestion written into the form and sent, the receipt number; then the
comment period on the results ends, and once the process has gone on to the decision the
form is gone and a form sent from a page left open is turned away.

The process is driven through the use cases (``site.journey``, ``workflow.outcome``); the
resident only clicks and types.
"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from beteiligung.workflow import outcome

TITLE = "Radweg Podbielskistraße"
SUGGESTION = "Bitte eine sichere Querung an der Lister Meile vorsehen."
TEXT_LABEL = re.compile(r"^Ihre Anregung \(Pflichtfeld")
ON_RESULTS = "Anregungen zu den Zwischenergebnissen geben, bis"


def open_for_comments(site) -> tuple[int, object]:
    """A process in ``interim_results`` whose results take comments for 14 more days; its id
    and the comment deadline."""
    journey = site.journey
    pid = journey.new_process(site.env, title=TITLE, districts=("Nord",)).id
    journey.advance_to(site.env, pid, "interim_results", site.clock)
    deadline = site.clock() + timedelta(days=14)
    outcome.publish_interim_results(site.env, journey.COORDINATOR, pid,
                                    "Drei Varianten für den Radweg", deadline, "Herbst 2026",
                                    "Rathaus, Hodlersaal", "Stadtbezirksrat Nord")
    return pid, deadline


def test_a_resident_sends_a_suggestion_within_the_period_and_not_after(site, page, axe,
                                                                         shot):
    pid, deadline = open_for_comments(site)
    journey = site.journey
    other = journey.new_process(site.env, title="Lindener Marktplatz").id  # no page yet

    page.goto("/")
    listed = page.get_by_role("table")
    expect(listed.get_by_role("link", name=TITLE)).to_be_visible()
    expect(listed.get_by_role("row", name=re.compile("Lindener Marktplatz"))).to_be_visible()
    expect(listed.get_by_role("link", name="Lindener Marktplatz")).to_have_count(0)
    assert other != pid
    shot(page, "01-vorhabenliste")

    listed.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(f"{site.url}/vorhaben/{pid}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Drei Varianten für den Radweg")).to_be_visible()
    expect(page.get_by_text(ON_RESULTS)).to_be_visible()
    axe.assert_none(page)
    page.get_by_label(TEXT_LABEL).fill(SUGGESTION)
    page.get_by_label("E-Mail-Adresse (freiwillig", exact=False).fill("mara.schulz@example.org")
    shot(page, "02-vorhaben-seite")

    page.get_by_role("button", name="Anregung absenden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Anregung")
    expect(page.get_by_role("status")).to_have_text(f"Ihre Eingangsnummer: B-{pid}-1")
    shot(page, "08-anregung-quittung")
    axe.assert_none(page)
    stored = journey.current(site.env, pid).suggestions
    assert [(s.number, s.target, s.text) for s in stored] == [
        (1, "interim_results", SUGGESTION)]

    # the deadline passes: the results take no more comments (the concept still does, by
    # the rule of workflow.content.check_open_for_comments, until the interim results phase
    # is left)
    page.get_by_role("link", name="Zurück zum Vorhaben").click()
    expect(page.get_by_text(ON_RESULTS)).to_be_visible()
    site.clock.now = deadline + timedelta(minutes=1)
    page.reload()
    expect(page.get_by_text(ON_RESULTS)).to_have_count(0)
    expect(page.get_by_text("Anregungen zum Beteiligungskonzept geben")).to_be_visible()

    # a resident fills in the form, but before it is sent the process goes on to the decision
    page.get_by_label(TEXT_LABEL).fill("Zu spät gesendet")
    journey.advance_to(site.env, pid, "decision", site.clock)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Anregung absenden").click()
    assert posted.value.status == 409
    expect(page.get_by_role("alert")).to_contain_text("keine Anregungen gegeben werden")
    shot(page, "11-anregung-abgewiesen")
    axe.assert_none(page)
    page.goto(f"/vorhaben/{pid}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("button", name="Anregung absenden")).to_have_count(0)
    expect(page.get_by_label(TEXT_LABEL)).to_have_count(0)
    expect(page.locator(f"form[action='/vorhaben/{pid}/anregung']")).to_have_count(0)
    assert [s.text for s in journey.current(site.env, pid).suggestions] == [SUGGESTION]
