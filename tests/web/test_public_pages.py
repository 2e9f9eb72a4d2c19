"""The public pages on the real app (SQLite and PostgreSQL): the Vorhabenliste in the site
layout with its filter form, a page per process, and the suggestion form with its receipt,
validation, honeypot, rate limit, CSRF and closed periods."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from beteiligung.states.errors import BadInput
from beteiligung.workflow import content, outcome, participation, process

PAGE = "/vorhaben/{}"
FORM = "/vorhaben/{}/anregung"


def published(web, app_env, clock, title="Lindener Marktplatz", phase="concept", **changes):
    """A process in ``phase`` with its concept published (fill_phase publishes it); in
    ``interim_results``, with results open for comments for 14 days."""
    j = web.journey
    pid = j.new_process(app_env, title=title, **changes).id
    j.advance_to(app_env, pid, phase, clock)
    if phase == "interim_results":
        open_interim_results(app_env, j.COORDINATOR, pid)
    else:
        j.fill_phase(app_env, pid, clock)
    return pid


def open_interim_results(app_env, actor, pid):
    outcome.publish_interim_results(app_env, actor, pid, "Zwischenergebnisse Runde 1",
                                    app_env.clock() + timedelta(days=14), "Herbst 2026",
                                    "Freizeitheim Linden", "Stadtbezirksrat")


def stored(app_env, pid):
    return web_case(app_env, pid).suggestions


def web_case(app_env, pid):
    case, _ = process.show_process(app_env, pid)
    return case


def send(client, web, pid, **data):
    return web.post(client, FORM.format(pid), {"text": "", "email": "", "website": ""} | data)


def test_the_list_is_a_page_of_the_site_with_a_filter_form(client, web, app_env, clock):
    pid = published(web, app_env, clock, department="FB 66 Tiefbau")
    web.journey.new_process(app_env, title="Spielplatz Nord", districts=("Nord",))
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<link rel="stylesheet" href="/static/style.css">' in page.text
    assert "<style" not in page.text and 'style="' not in page.text
    assert '<form method="get" action="/"' in page.text
    for control in ("f-district", "f-department", "f-phase"):
        assert f'<label for="{control}">' in page.text and f'id="{control}"' in page.text
    assert "<button type=\"submit\">Filter anwenden</button>" in page.text
    assert '<option value="Nord">Nord</option>' in page.text  # env.districts
    assert '<option value="FB 66 Tiefbau">FB 66 Tiefbau</option>' in page.text  # present
    assert '<option value="concept">Erstellung des Beteiligungskonzepts</option>' in page.text
    assert f'<a href="/vorhaben/{pid}">Lindener Marktplatz</a>' in page.text
    # a process without a published concept is listed, but has no page to link to
    assert "Spielplatz Nord <span" in page.text and "Konzept noch nicht veröffentlicht" in page.text
    assert "Verfahren auf dieser Seite: 1–2" in page.text and "@" not in page.text


def test_the_filter_form_filters_and_keeps_what_was_chosen(client, web, app_env, clock):
    published(web, app_env, clock, title="Konzept-Vorhaben")
    web.journey.new_process(app_env, title="Frisches Vorhaben", districts=("Nord",))
    everything = {"district": "", "department": "", "phase": ""}  # the form's "alle"
    assert "Verfahren auf dieser Seite: 1–2" in client.get("/", params=everything).text
    page = client.get("/", params=everything | {"phase": "concept"}).text
    assert "Konzept-Vorhaben" in page and "Frisches Vorhaben" not in page
    assert '<option value="concept" selected>' in page
    north = client.get("/", params={"district": "Nord"}).text
    assert "Frisches Vorhaben" in north and "Konzept-Vorhaben" not in north
    assert client.get("/", params={"phase": "nirgends"}).status_code == 400


def test_english_through_the_layouts_switch(client, web, app_env, clock):
    pid = published(web, app_env, clock)
    page = client.get("/", params={"lang": "en"}).text
    assert '<html lang="en">' in page and "Apply filter" in page and "Filter anwenden" not in page
    assert '<option value="concept">Drafting the participation concept</option>' in page
    detail = client.get(PAGE.format(pid)).text  # the language cookie now says English
    assert "Participation concept, version 1" in detail and "Your suggestion" in detail


def test_text_is_escaped_on_the_list_and_the_page(client, web, app_env, clock):
    pid = published(web, app_env, clock, title="Platz <script>alert(1)</script> & Co")
    for url in ("/", PAGE.format(pid)):
        page = client.get(url).text
        assert "<script>" not in page
        assert "Platz &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page


def test_the_page_shows_what_is_published_and_no_address(client, web, app_env, clock):
    pid = published(web, app_env, clock)
    page = client.get(PAGE.format(pid))
    assert page.status_code == 200
    text = page.text
    assert "<h1>Lindener Marktplatz</h1>" in text
    assert "Beteiligungskonzept, Version 1" in text
    assert "Der Lindener Marktplatz wird umgestaltet." in text  # the summary
    assert '<h2 id="leichte-sprache">In Leichter Sprache</h2>' in text
    assert "Der Platz in Linden wird neu gemacht." in text
    assert "Anna Lehmann (FB 61 Stadtplanung)" in text  # lead name + department
    assert "Jonas Weber" not in text and "@" not in text  # no deputy, no address


def test_without_an_easy_language_summary_there_is_no_such_section(client, web, app_env,
                                                                  clock):
    pid = published(web, app_env, clock)
    concept = replace(web.journey.complete_concept(), easy_language_summary="")
    content.load_concept(app_env, web.journey.COORDINATOR, pid, concept, "ohne Leichte Sprache")
    assert "In Leichter Sprache" not in client.get(PAGE.format(pid)).text


def test_an_unpublished_process_is_a_404_exactly_like_a_missing_one(client, web, app_env,
                                                                   clock):
    hidden = web.journey.new_process(app_env, title="Geheimes Vorhaben").id
    web.journey.advance_to(app_env, hidden, "concept", clock)
    content.load_concept(app_env, web.journey.COORDINATOR, hidden,
                         web.journey.complete_concept())  # a draft, not published
    unpublished, missing = client.get(PAGE.format(hidden)), client.get(PAGE.format(hidden + 1))
    assert unpublished.status_code == missing.status_code == 404
    assert "Geheimes Vorhaben" not in unpublished.text
    # the same page but for the path in the language switch
    assert unpublished.text.replace(f"/vorhaben/{hidden}?", "/vorhaben/N?") == \
        missing.text.replace(f"/vorhaben/{hidden + 1}?", "/vorhaben/N?")
    for odd in ("abc", "-1", "0", "9" * 30, "١"):
        assert client.get(PAGE.format(odd)).status_code == 404
    answer = send(client, web, hidden, text="Hallo")
    assert answer.status_code == 404 and web_case(app_env, hidden).suggestions == []


def test_a_suggestion_is_received_with_a_receipt_and_recorded_as_the_public(
        client, web, app_env, clock):
    pid = published(web, app_env, clock)
    page = client.get(PAGE.format(pid)).text
    assert f'<form method="post" action="/vorhaben/{pid}/anregung"' in page
    assert '<label for="text">' in page and '<label for="email">' in page
    assert re.search(r'<div class="hp" aria-hidden="true">\s*<label for="website">Dieses '
                     r'Feld bitte leer lassen</label>\s*<input id="website" name="website" '
                     r'type="text" tabindex="-1" autocomplete="off"', page)

    answer = send(client, web, pid, text="  Mehr Bäume, bitte.  ", email="ich@example.org")
    assert answer.status_code == 200
    assert f'<strong class="receipt">B-{pid}-1</strong>' in answer.text
    (item,) = stored(app_env, pid)
    assert (item.number, item.target, item.text, item.author) == (
        1, "concept", "Mehr Bäume, bitte.", "ich@example.org")
    event = process.history(app_env, pid)[-1]
    assert (event.actor, event.action) == (participation.PUBLIC_ACTOR, "suggestion_received")
    assert event.payload["author"]["value"] == "ich@example.org"  # sealed: ref and commitment
    assert process.verify_audit(app_env)[1] == []
    # unanswered: not shown yet; answered: shown with its answer, without its author
    assert "Mehr Bäume" not in client.get(PAGE.format(pid)).text
    content.answer_suggestion(app_env, web.journey.COORDINATOR, pid, 1, "rejected",
                              "Leitungen im Boden")
    shown = client.get(PAGE.format(pid)).text
    assert "Mehr Bäume, bitte." in shown and "abgelehnt" in shown
    assert "Leitungen im Boden" in shown and "@" not in shown
    anonymous = send(client, web, pid, text="Noch eine")
    assert f"B-{pid}-2" in anonymous.text and stored(app_env, pid)[1].author == ""


def test_the_form_is_offered_only_while_a_comment_period_is_open(client, web, app_env, clock):
    pid = published(web, app_env, clock, phase="interim_results")
    case = web_case(app_env, pid)
    deadline = case.current_interim_results().comment_deadline
    assert participation.comment_period(case, clock()) == "interim_results"
    page = client.get(PAGE.format(pid)).text
    assert "Anregungen zu den Zwischenergebnissen geben, bis" in page
    assert send(client, web, pid, text="Zu Runde 1").status_code == 200
    assert stored(app_env, pid)[-1].target == "interim_results"

    # past the deadline only the concept takes comments (add_suggestion's rule) ...
    clock.now = deadline + timedelta(minutes=1)
    assert participation.comment_period(web_case(app_env, pid), clock()) == "concept"
    assert "Anregungen zum Beteiligungskonzept geben" in client.get(PAGE.format(pid)).text
    # ... and in the decision phase nothing does
    web.journey.advance_to(app_env, pid, "decision", clock)
    assert participation.comment_period(web_case(app_env, pid), clock()) is None
    assert f'action="/vorhaben/{pid}/anregung"' not in client.get(PAGE.format(pid)).text
    closed = send(client, web, pid, text="Zu spät")
    assert closed.status_code == 409 and 'role="alert"' in closed.text
    assert "keine Anregungen gegeben werden" in closed.text
    assert [s.text for s in stored(app_env, pid)] == ["Zu Runde 1"]


def test_comment_period_agrees_with_add_suggestion_in_every_phase(web, app_env, clock):
    j = web.journey
    pid = j.new_process(app_env).id
    seen = []
    for phase in j.ORDER:
        j.advance_to(app_env, pid, phase, clock)
        if phase == "interim_results":
            open_interim_results(app_env, j.COORDINATOR, pid)
        for _ in ("entered", "filled"):
            period = participation.comment_period(web_case(app_env, pid), clock())
            seen.append((phase, period))
            for target in ("interim_results", "concept"):
                try:
                    content.add_suggestion(app_env, j.COORDINATOR, pid, target, "Probe")
                except BadInput:
                    assert target != period, (phase, target)
                else:
                    assert period is not None, (phase, target)
            j.fill_phase(app_env, pid, clock)
    assert ("begleitgruppe", None) in seen and ("closed", None) in seen
    assert ("interim_results", "interim_results") in seen and ("dialogue", "concept") in seen


def test_bad_input_comes_back_with_the_reasons_and_writes_nothing(make_client, web, app_env,
                                                                  clock):
    client = make_client(suggestion_max_chars=20)
    pid = published(web, app_env, clock)
    client.get(PAGE.format(pid))
    for data, says in (({"text": "   "}, "Bitte schreiben Sie Ihre Anregung"),
                       ({"text": "x" * 21}, "höchstens 20 Zeichen"),
                       ({"text": "gut", "email": "kein-adresse"}, "nicht gültig")):
        answer = send(client, web, pid, **data)
        assert answer.status_code == 400, data
        assert 'role="alert"' in answer.text and says in answer.text
        assert 'maxlength="20"' in answer.text
    assert "x" * 21 in send(client, web, pid, text="x" * 21).text  # the input is kept
    assert send(client, web, pid, text="x" * 20).status_code == 200
    assert len(stored(app_env, pid)) == 1


def test_the_honeypot_answers_like_a_success_and_writes_nothing(client, web, app_env, clock):
    pid = published(web, app_env, clock)
    before = len(process.history(app_env, pid))
    answer = send(client, web, pid, text="Billig kaufen", website="http://spam.example")
    assert answer.status_code == 200 and f"B-{pid}-1" in answer.text
    assert stored(app_env, pid) == [] and len(process.history(app_env, pid)) == before


def test_without_the_csrf_token_nothing_is_written(client, web, app_env, clock):
    pid = published(web, app_env, clock)
    client.get(PAGE.format(pid))
    answer = client.post(FORM.format(pid), data={"text": "ohne Token", "csrf": "falsch"})
    assert answer.status_code == 403 and stored(app_env, pid) == []


def test_too_many_suggestions_from_one_address_are_refused_for_an_hour(make_client, web,
                                                                     app_env, clock):
    client = make_client(suggestions_per_hour=2)
    pid = published(web, app_env, clock)
    assert send(client, web, pid, text="eins").status_code == 200
    clock.advance(minutes=30)
    assert send(client, web, pid, text="zwei").status_code == 200
    refused = send(client, web, pid, text="drei")
    assert refused.status_code == 429 and 'role="alert"' in refused.text
    assert "in der letzten Stunde schon 2 Anregungen" in refused.text
    clock.advance(minutes=31)  # the first has left the window
    assert send(client, web, pid, text="vier").status_code == 200
    assert [s.text for s in stored(app_env, pid)] == ["eins", "zwei", "vier"]


def test_the_sliding_window_counts_per_key_on_the_injected_clock():
    from beteiligung.web.limits import SlidingWindow

    now = [datetime(2026, 3, 2, 9, tzinfo=UTC)]
    window = SlidingWindow(2, lambda: now[0])
    assert window.admit("a") and window.admit("a") and not window.admit("a")
    assert window.admit("b")
    now[0] += timedelta(hours=1)
    assert window.admit("a")


def test_behind_a_trusted_proxy_the_forwarded_address_counts(make_client, web, app_env, clock):
    client = make_client(suggestions_per_hour=1, trusted_proxies="testclient")
    pid = published(web, app_env, clock)
    for address in ("192.0.2.1", "192.0.2.2"):
        headers = {"X-Forwarded-For": f"203.0.113.9, {address}"}
        assert web.post(client, FORM.format(pid), {"text": address},
                        headers=headers).status_code == 200
    again = web.post(client, FORM.format(pid), {"text": "noch mal"},
                     headers={"X-Forwarded-For": "192.0.2.1"})
    assert again.status_code == 429
    direct = make_client(suggestions_per_hour=1)  # not a trusted proxy: the header is ignored
    assert web.post(direct, FORM.format(pid), {"text": "a"},
                    headers={"X-Forwarded-For": "192.0.2.3"}).status_code == 200
    assert web.post(direct, FORM.format(pid), {"text": "b"},
                    headers={"X-Forwarded-For": "192.0.2.4"}).status_code == 429


def test_the_decisions_and_results_appear_once_published(client, web, app_env, clock):
    pid = published(web, app_env, clock, phase="decision")
    page = client.get(PAGE.format(pid)).text
    assert "Zwischenergebnisse" in page and "Anregungen bis" in page
    assert '<h2 id="entscheidung">' in page  # fill_phase published the decision
    assert f'action="/vorhaben/{pid}/anregung"' not in page


def test_the_streamed_pages_go_out_in_few_large_chunks_not_piece_by_piece():
    from beteiligung.web.public import buffered

    chunks = list(buffered(iter(["ä" * 10] * 1000), size=100))
    assert len(chunks) == 100 and b"".join(chunks).decode("utf-8") == "ä" * 10_000
    assert list(buffered(iter([]))) == []


def test_the_list_comes_in_pages_of_50_with_filters_kept(client, web, app_env, clock):
    from beteiligung.web.public import PAGE_SIZE

    for n in range(PAGE_SIZE + 3):
        web.journey.new_process(app_env, title=f"Vorhaben Nr. {n:03d}",
                                districts=("Nord",) if n % 2 else ("Mitte",))
    first = client.get("/").text
    assert "Vorhaben Nr. 000" in first and f"Vorhaben Nr. {PAGE_SIZE - 1:03d}" in first
    assert f"Vorhaben Nr. {PAGE_SIZE:03d}" not in first
    assert 'href="/?page=2" rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/", params={"page": 2}).text
    assert f"Vorhaben Nr. {PAGE_SIZE:03d}" in second and "Vorhaben Nr. 000<" not in second
    assert "Verfahren auf dieser Seite: 51–53" in second and 'rel="next"' not in second
    assert 'href="/" rel="prev"' in second
    # the district filter (applied while streaming) pages the same way, and keeps itself
    north = client.get("/", params={"district": "Nord"}).text
    assert "Verfahren auf dieser Seite: 1–26" in north and 'rel="next"' not in north
    assert "Vorhaben Nr. 001" in north and "Vorhaben Nr. 000" not in north
    both = client.get("/", params={"phase": "initiated", "page": 2}).text
    assert "Verfahren auf dieser Seite: 51–53" in both
    assert 'href="/?phase=initiated" rel="prev"' in both
    assert client.get("/", params={"page": 0}).status_code == 400


def test_the_suggestion_limit_counts_per_process(make_client, web, app_env, clock):
    """A workshop on one network comments on its own process: another process's form from
    the same address is not used up by it."""
    client = make_client(suggestions_per_hour=1)
    first = published(web, app_env, clock)
    second = published(web, app_env, clock, title="Spielplatz Fössestraße")
    assert send(client, web, first, text="eins").status_code == 200
    assert send(client, web, first, text="zwei").status_code == 429
    assert send(client, web, second, text="drei").status_code == 200
    assert [s.text for s in stored(app_env, second)] == ["drei"]
