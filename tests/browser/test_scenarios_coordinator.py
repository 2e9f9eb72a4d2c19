"""The Koordinierungsstelle in a real browser: a process has sat in one phase for 200 days;
the coordinator signs in and lands on the stuck list, goes from the header's "Koordinierung"
to the overview and on to the stuck list, finds the process there with its reason and who
is responsible, and follows the link to its page.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

TITLE = "Lindener Marktplatz"


def test_a_coordinator_finds_an_idle_process_and_opens_it(site, page, axe, shot, sign_in):
    journey = site.journey
    pid = journey.new_process(site.env, title=TITLE).id
    fresh = journey.new_process(site.env, title="Spielplatz Nordstadt").id
    site.add_user(site.COORDINATOR, "Kim Koordination", role="coordinator")
    site.clock.advance(days=200)
    journey.progress(site.env, fresh, site.clock)        # busy today: not stuck in its phase

    sign_in(page, site.COORDINATOR)
    expect(page).to_have_url(f"{site.url}/intern/koordinierung/haengend")  # where work starts
    page.get_by_role("navigation", name="Bürgerbeteiligung Hannover").get_by_role(
        "link", name="Koordinierung").click()
    expect(page).to_have_url(f"{site.url}/intern/koordinierung")
    expect(page.get_by_role("heading", level=1)).to_have_text("Koordinierungsstelle")
    shot(page, "10-koordinierung-uebersicht")
    axe.assert_none(page)

    page.get_by_role("main").get_by_role("link", name="Hängende Verfahren").click()
    expect(page).to_have_url(f"{site.url}/intern/koordinierung/haengend")
    table = page.get_by_role("table")
    rows = table.get_by_role("row").filter(
        has=page.get_by_role("link", name=f"#{pid} {TITLE}"))
    expect(rows.filter(has_text="keine Aktivität")).to_contain_text(
        "Seit 200 Tagen kein Eintrag im Verlauf")
    row = rows.filter(has_text="Phase zu lang")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Seit 200 Tagen in der Phase „Initiierung“")
    expect(row).to_contain_text("kritisch")
    expect(row).to_contain_text(journey.LEAD.email)
    expect(table.get_by_role("row").filter(has_text=re.compile(
        r"Spielplatz Nordstadt.*Phase zu lang"))).to_have_count(0)
    shot(page, "07-koordinierung-haengend")
    axe.assert_none(page)

    row.get_by_role("link", name=f"#{pid} {TITLE}").click()
    expect(page).to_have_url(f"{site.url}/intern/verfahren/{pid}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("p.phase strong")).to_have_text("Initiierung")
