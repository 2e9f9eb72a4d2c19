"""axe-core on every main page of the site, in German and in English, with content on them:
the public list and process pages (one open for comments, one closed with its evaluation),
the sign-in form, the staff list, forms and process page with its five content pages and the
concept's version and comparison pages, and the coordinators' pages.

One test per language visits them all and fails with the readable list of every violation,
page by page (``axe.report``'s format), so one run shows everything there is to fix.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from beteiligung.workflow import content, deadlines, outcome
from beteiligung.workflow.ports import OutgoingMessage

SUB_PAGES = ("begleitgruppe", "konzept", "anregungen", "ergebnisse", "entscheidung")
COORDINATION = ("", "/haengend", "/nachrichten", "/audit", "/quartalsbericht")


def populate(site) -> dict[str, int]:
    """An idle process (for the stuck list), a closed one, one in ``interim_results`` open for
    comments with two concept versions, an answered suggestion and a deadline of its own, and a
    failed e-mail."""
    journey, env, clock = site.journey, site.env, site.clock
    me = journey.COORDINATOR
    idle = journey.new_process(env, title="Ruhender Vorgang Nordstadt").id
    clock.advance(days=100)
    closed = journey.new_process(env, title="Spielplatz Klagesmarkt").id
    journey.advance_to(env, closed, "closed", clock)     # moves the clock past its deadline
    open_ = journey.new_process(env, title="Radweg Podbielskistraße").id
    journey.advance_to(env, open_, "concept", clock)
    journey.fill_phase(env, open_, clock)                  # version 1
    concept = journey.current(env, open_).published_concept.concept
    content.load_concept(env, me, open_, replace(concept, topic=concept.topic + " (ergänzt)"))
    content.publish_concept(env, me, open_, "Thema ergänzt")
    journey.advance_to(env, open_, "interim_results", clock)
    outcome.publish_interim_results(env, me, open_, "Drei Varianten", clock() + timedelta(
        days=14), "Herbst 2026", "Rathaus", "Stadtbezirksrat")
    content.add_suggestion(env, me, open_, "interim_results", "Mehr Querungen", "per Post")
    content.answer_suggestion(env, me, open_, 1, "rejected", "Nicht im Planungsgebiet")
    deadlines.add_deadline(env, me, open_, "Werkstatt vorbereiten", clock() + timedelta(days=3))
    failed_message(env, clock, open_)
    return {"idle": idle, "open": open_, "closed": closed}


def failed_message(env, clock, process_id: int) -> None:
    """A reminder the dispatcher gave up on (for the failed-messages page)."""
    with env.uow() as uow:
        uow.outbox.enqueue(OutgoingMessage(
            "reminder:axe", "reminder", ["anna.lehmann@hannover-stadt.de"], [],
            "Erinnerung: Konzept fällig", "Text", "<p>Text</p>", process_id=process_id),
            clock())
        for entry in uow.outbox.claim(clock(), 300, 100):
            uow.outbox.mark_failed(entry.id, "550 5.1.1 mailbox unavailable")
        uow.commit()


def shown(ids: dict[str, int]) -> dict[str, tuple[str, ...]]:
    """What some pages must show, so that axe looks at them with their content."""
    open_, closed = (f"/intern/verfahren/{ids[k]}" for k in ("open", "closed"))
    return {f"/vorhaben/{ids['open']}": ("Mehr Querungen", 'name="text"'),
            f"/vorhaben/{ids['closed']}": ("Zählung der Beiträge",),
            open_: ("Werkstatt vorbereiten",), open_ + "/anregungen": ("Nicht im Planungsgebiet",),
            open_ + "/konzept": ("Thema ergänzt",), open_ + "/ergebnisse": ("Drei Varianten",),
            open_ + "/konzept/vergleich?von=1&bis=2": ("(ergänzt)",),
            closed + "/entscheidung": ("Zählung der Beiträge",),
            "/intern/koordinierung/haengend": ("Ruhender Vorgang Nordstadt",),
            "/intern/koordinierung/nachrichten": ("mailbox unavailable",)}


def staff_pages(ids: dict[str, int]) -> list[str]:
    base = "/intern/verfahren/{}".format
    pages = ["/intern", "/intern/neu", base(ids["open"]), base(ids["open"]) + "/bearbeiten"]
    pages += [f"{base(ids['open'])}/{name}" for name in SUB_PAGES]
    pages += [base(ids["open"]) + "/konzept/version/1",
              base(ids["open"]) + "/konzept/vergleich?von=1&bis=2",
              base(ids["closed"]), base(ids["closed"]) + "/entscheidung"]
    return pages + [f"/intern/koordinierung{page}" for page in COORDINATION]


def with_lang(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_main_page_passes_axe(site, page, axe, sign_in, lang):
    ids = populate(site)
    site.add_user(site.COORDINATOR, "Kim Koordination", role="coordinator")
    public = ["/", f"/vorhaben/{ids['open']}", f"/vorhaben/{ids['closed']}", "/anmelden"]
    checked, found, must_show = [], [], shown(ids)

    def check(url: str) -> None:
        answer = page.goto(with_lang(url, lang))
        assert answer.status == 200, (url, answer.status)
        assert page.locator("html").get_attribute("lang") == lang, url
        html = page.content()
        for text in must_show.get(url, ()):
            assert text in html, (url, text)
        checked.append(url)
        violations = axe(page)
        if violations:
            found.append(f"{url} ({lang}):\n{axe.report(violations)}")

    for url in public:
        check(url)
    sign_in(page, site.COORDINATOR)
    for url in staff_pages(ids):
        check(url)
    assert checked == public + staff_pages(ids)
    assert not found, "axe violations:\n" + "\n".join(found)

