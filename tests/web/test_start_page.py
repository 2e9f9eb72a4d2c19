"""The lead's start page (``/intern``): per process what needs doing (overdue deadlines,
unanswered suggestions, the next step and what blocks it), in pages of 50 for a coordinator
who sees every process."""

from __future__ import annotations

from datetime import timedelta

from beteiligung.workflow import content, deadlines, process

LEAD = "anna.lehmann@hannover-stadt.de"


def card(page: str, title: str) -> str:
    """The start page's entry of the process ``title``."""
    return page.split(f">{title}</a></h3>", 1)[1].split("</ul>\n  </li>", 1)[0]


def test_each_process_says_what_needs_doing(client, web, app_env, clock):
    j, me = web.journey, web.journey.COORDINATOR
    waiting = j.new_process(app_env, title="Marktplatz", deputy=None).id
    deadlines.add_deadline(app_env, me, waiting, "Bericht an den Ausschuss",
                           clock() + timedelta(days=2))
    answering = j.new_process(app_env, title="Spielplatz").id
    j.advance_to(app_env, answering, "concept", clock)
    j.fill_phase(app_env, answering, clock)      # the concept is published
    for text in ("Mehr Schatten", "Weniger Lärm"):
        content.add_suggestion(app_env, me, answering, "concept", text)
    ready = j.new_process(app_env, title="Radweg").id
    paused = j.new_process(app_env, title="Bücherei").id
    process.advance(app_env, me, paused, "hold", "Haushaltssperre")
    ended = j.new_process(app_env, title="Brunnen").id
    process.advance(app_env, me, ended, "cancel", "Vorhaben entfällt")
    clock.advance(days=3)                        # the lead's own deadline is now overdue
    web.add_user(LEAD, "Anna Lehmann")
    web.sign_in(client, LEAD)
    anna = client

    page = anna.get("/intern").text
    first = card(page, "Marktplatz")
    assert "Frist überfällig: Bericht an den Ausschuss" in first
    assert "Nächster Schritt: <strong>Weiter zur Phase „Einrichtung der " in first
    assert "Die Vertretung fehlt" in first
    second = card(page, "Spielplatz")
    assert (f'<a href="/intern/verfahren/{answering}/anregungen">2 Anregungen sind noch nicht '
            'beantwortet</a>') in second
    assert "2 Anregung(en) zum Konzept noch unbeantwortet" in second
    assert "Frist überfällig" not in second      # a running comment period is no task
    assert "Alle Voraussetzungen sind erfüllt." in card(page, "Radweg")
    assert "<strong>Fortsetzen</strong>" in card(page, "Bücherei")
    assert "(Pausiert in der Phase Initiierung)" in card(page, "Bücherei")
    assert "Das Verfahren ist beendet" in card(page, "Brunnen")
    assert "1–5 von 5" in page and f'href="/intern/verfahren/{ready}"' in page
    assert f'href="/intern/verfahren/{ended}"' in page

    english = anna.get("/intern?lang=en").text
    assert "Deadline overdue: Bericht an den Ausschuss" in english
    assert "2 suggestions are not answered yet" in english and "Next step" in english


def test_a_coordinator_sees_every_process_in_pages_of_50(make_client, web, app_env):
    for n in range(52):
        web.journey.new_process(app_env, title=f"Verfahren {n:02d}")
    web.add_user(web.COORDINATOR, "Kim Koordination", role="coordinator")
    coordinator = make_client()
    web.sign_in(coordinator, web.COORDINATOR)

    first = coordinator.get("/intern").text
    assert first.count('<li>\n    <h3><a href="/intern/verfahren/') == 50
    assert "1–50 von 52" in first and 'href="/intern?page=2" rel="next"' in first
    assert "Seite 1 / 2" in first and 'rel="prev"' not in first
    second = coordinator.get("/intern?page=2").text
    assert second.count('<li>\n    <h3><a href="/intern/verfahren/') == 2
    assert "51–52 von 52" in second and 'href="/intern" rel="prev"' in second
    filtered = coordinator.get("/intern?phase=initiated&page=2").text
    assert 'href="/intern?phase=initiated" rel="prev"' in filtered
    assert "Keine Verfahren gefunden." in coordinator.get("/intern?page=3").text
    assert coordinator.get("/intern?page=0").status_code == 400
