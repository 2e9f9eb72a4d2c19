"""The process leads' pages (``web.staff``) on the real app and databases: lists, creating and
editing a process, the process page with its next steps, steps taken and refused, deadlines,
and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from beteiligung.states.case import Person
from beteiligung.workflow import deadlines, process

LEAD = "anna.lehmann@hannover-stadt.de"
OTHER = Person("Bernd Koch", "bernd.koch@hannover-stadt.de")
THIRD = Person("Cara Rose", "cara.rose@hannover-stadt.de")


@pytest.fixture
def anna(client, web):
    """The client, signed in as the lead Anna Lehmann."""
    web.add_user(LEAD, "Anna Lehmann")
    web.sign_in(client, LEAD)
    return client


def others_process(app_env, web, **changes) -> int:
    """A process that Anna neither leads nor deputises."""
    return web.journey.new_process(app_env, actor=web.COORDINATOR, lead=OTHER, deputy=THIRD,
                                   title="Bernds Verfahren", **changes).id


def events_of(app_env, pid: int) -> list:
    return process.history(app_env, pid)


@pytest.mark.parametrize("path", ["/intern", "/intern/neu", "/intern/verfahren/1",
                                  "/intern/verfahren/1/bearbeiten"])
def test_the_staff_pages_need_a_sign_in(client, path):
    answer = client.get(path, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/anmelden?next=" + path


def test_a_lead_sees_their_processes_a_coordinator_every_one(anna, make_client, web, app_env):
    mine = web.journey.new_process(app_env, title="Annas Marktplatz").id
    theirs = others_process(app_env, web)

    page = anna.get("/intern")
    assert page.status_code == 200
    assert f'href="/intern/verfahren/{mine}"' in page.text and "Annas Marktplatz" in page.text
    assert "Bernds Verfahren" not in page.text and 'href="/intern/neu"' in page.text
    filtered = anna.get("/intern?phase=concept").text
    assert "Annas Marktplatz" not in filtered and "Keine Verfahren gefunden." in filtered
    assert "Annas Marktplatz" in anna.get("/intern?phase=initiated").text
    assert anna.get("/intern?phase=nowhere").status_code == 400

    coordinator = make_client()
    web.add_user(web.COORDINATOR, "Koordination", role="coordinator")
    web.sign_in(coordinator, web.COORDINATOR)
    listing = coordinator.get("/intern").text
    assert f"/intern/verfahren/{mine}" in listing and f"/intern/verfahren/{theirs}" in listing


def test_creating_a_process_shows_the_error_then_succeeds(anna, web, app_env):
    form = anna.get("/intern/neu").text
    assert 'value="Anna Lehmann"' in form and f'value="{LEAD}"' in form
    assert 'value="Linden-Limmer"' in form and 'value="district_council_motion"' in form

    fields = {"title": "  ", "department": "FB 61 Stadtplanung", "origin": "committee",
              "districts": ["Mitte", "Nord"], "lead_name": "Anna Lehmann",
              "lead_email": LEAD, "deputy_name": "Jonas Weber",
              "deputy_email": "jonas.weber@hannover-stadt.de"}
    refused = web.post(anna, "/intern/neu", fields)
    assert refused.status_code == 400
    assert 'role="alert"' in refused.text and "title: must not be empty" in refused.text
    assert 'value="FB 61 Stadtplanung"' in refused.text
    assert 'value="Mitte" checked' in refused.text and 'value="Linden-Limmer">' in refused.text
    assert 'value="committee" selected' in refused.text
    assert process.list_processes(app_env) == []

    created = web.post(anna, "/intern/neu", fields | {"title": "Fössebad"},
                       follow_redirects=False)
    assert created.status_code == 303
    (summary,) = process.list_processes(app_env)
    assert created.headers["location"] == f"/intern/verfahren/{summary.id}?ok=process_created"
    case = process.get_process(app_env, summary.id)
    assert (case.title, case.districts, case.origin) == ("Fössebad", ["Mitte", "Nord"],
                                                         "committee")
    assert case.deputy == Person("Jonas Weber", "jonas.weber@hannover-stadt.de")
    page = anna.get(created.headers["location"])
    assert 'role="status"' in page.text and "Das Verfahren wurde angelegt." in page.text


def test_creating_for_someone_else_is_refused_with_the_form(anna, web, app_env):
    answer = web.post(anna, "/intern/neu", {"title": "Fremd", "lead_name": OTHER.name,
                                            "lead_email": OTHER.email})
    assert answer.status_code == 403 and 'role="alert"' in answer.text
    assert 'value="Fremd"' in answer.text and process.list_processes(app_env) == []


def test_the_process_page_shows_what_each_step_still_lacks(anna, web, app_env):
    pid = web.journey.new_process(app_env, deputy=None, department="").id
    page = anna.get(f"/intern/verfahren/{pid}").text

    assert "Initiierung" in page and "Nächste Schritte" in page
    assert "Die Vertretung fehlt" in page and "Der zuständige Fachbereich fehlt" in page
    assert 'name="trigger" value="set_up_begleitgruppe"' in page
    assert 'name="trigger" value="cancel"' in page  # its reason is asked on its own page
    for name, label in [("begleitgruppe", "Begleitgruppe"), ("konzept", "Beteiligungskonzept"),
                        ("anregungen", "Anregungen"),
                        ("ergebnisse", "Berichte und Zwischenergebnisse"),
                        ("entscheidung", "Entscheidung und Evaluation")]:
        assert f'<a href="/intern/verfahren/{pid}/{name}">{label}</a>' in page
    assert "Verfahren angelegt" in page and LEAD in page


def test_a_refused_step_lists_every_reason_and_writes_only_the_refusal(anna, web, app_env):
    pid = web.journey.new_process(app_env, deputy=None, department="").id
    before = events_of(app_env, pid)

    answer = web.post(anna, f"/intern/verfahren/{pid}/weiter",
                      {"trigger": "set_up_begleitgruppe"})
    assert answer.status_code == 422
    alert = answer.text.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert "nicht ausgeführt" in alert
    assert "Die Vertretung fehlt" in alert and "Der zuständige Fachbereich fehlt" in alert

    after = events_of(app_env, pid)
    assert len(after) == len(before) + 1
    assert after[-1].action == "transition_refused"
    assert set(after[-1].payload["unmet"]) == {"deputy_missing", "department_missing"}
    assert process.get_process(app_env, pid).phase == "initiated"
    assert "deputy_missing" in answer.text  # the refusal is on the timeline too


def test_an_unknown_step_is_refused_with_what_is_possible(anna, web, app_env):
    pid = web.journey.new_process(app_env).id
    answer = web.post(anna, f"/intern/verfahren/{pid}/weiter", {"trigger": "close"})
    assert answer.status_code == 422 and 'role="alert"' in answer.text
    assert "set_up_begleitgruppe" in answer.text.split('role="alert"', 1)[1]


def test_a_step_taken_moves_the_phase_and_says_so(anna, web, app_env):
    pid = web.journey.new_process(app_env).id
    answer = web.post(anna, f"/intern/verfahren/{pid}/weiter",
                      {"trigger": "set_up_begleitgruppe"}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/intern/verfahren/{pid}?ok=set_up_begleitgruppe"
    assert process.get_process(app_env, pid).phase == "begleitgruppe"
    page = anna.get(answer.headers["location"]).text
    status = page.split('role="status"', 1)[1].split("</p>", 1)[0]
    assert "Einrichtung der Projektbegleitgruppe" in status
    assert "Die Projektbegleitgruppe hat noch keine Mitglieder" in page


def test_cancelling_looks_dangerous_and_leads_to_a_confirmation_page(anna, web, app_env):
    pid = web.journey.new_process(app_env).id
    page = anna.get(f"/intern/verfahren/{pid}").text
    step = page.split('<div class="step danger">', 1)[1].split("</div>", 1)[0]
    assert "<h3>Verfahren abbrechen</h3>" in step
    assert "kann nicht rückgängig gemacht werden" in step
    assert f'<form method="get" action="/intern/verfahren/{pid}/weiter">' in step
    assert 'class="danger"' in step and 'name="reason"' not in step
    hold = page.split("<h3>Pausieren</h3>", 1)[1].split("</div>", 1)[0]
    assert 'class="danger"' not in hold and 'method="post"' in hold

    shown = anna.get(f"/intern/verfahren/{pid}/weiter?trigger=cancel")
    assert shown.status_code == 200
    assert "Dieser Schritt kann nicht rückgängig gemacht werden." in shown.text
    assert "pausieren Sie es stattdessen" in shown.text
    assert '<label for="reason-cancel">' in shown.text
    assert 'name="confirmed" value="yes"' in shown.text
    button = '<button type="submit" class="danger">Endgültig: Verfahren abbrechen</button>'
    assert button in shown.text
    # a step that can be undone has no such page
    assert anna.get(f"/intern/verfahren/{pid}/weiter?trigger=hold",
                    follow_redirects=False).status_code == 303


def test_cancelling_happens_only_when_confirmed_and_with_a_reason(anna, web, app_env):
    pid = web.journey.new_process(app_env).id
    before = len(events_of(app_env, pid))
    unconfirmed = web.post(anna, f"/intern/verfahren/{pid}/weiter",
                           {"trigger": "cancel", "reason": "Vorhaben entfällt"})
    assert unconfirmed.status_code == 200
    assert "kann nicht rückgängig gemacht werden" in unconfirmed.text
    assert ">Vorhaben entfällt</textarea>" in unconfirmed.text  # the reason is kept
    assert process.get_process(app_env, pid).phase == "initiated"
    assert len(events_of(app_env, pid)) == before  # nothing written, not even a refusal

    refused = web.post(anna, f"/intern/verfahren/{pid}/weiter",
                       {"trigger": "cancel", "confirmed": "yes"})
    assert refused.status_code == 422
    alert = refused.text.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert "Begründung nötig" in alert and "--reason" not in alert
    assert 'name="confirmed" value="yes"' in refused.text  # still the confirmation page
    assert process.get_process(app_env, pid).phase == "initiated"
    done = web.post(anna, f"/intern/verfahren/{pid}/weiter",
                    {"trigger": "cancel", "reason": "Vorhaben entfällt", "confirmed": "yes"})
    assert done.status_code == 200 and "Abgebrochen" in done.text
    assert "Grund des Abbruchs: Vorhaben entfällt" in done.text
    assert process.get_process(app_env, pid).cancel_reason == "Vorhaben entfällt"


def test_the_confirmation_page_is_only_for_those_who_may_change_the_process(anna, web, app_env):
    pid = others_process(app_env, web)
    assert anna.get(f"/intern/verfahren/{pid}/weiter?trigger=cancel").status_code == 403
    answer = web.post(anna, f"/intern/verfahren/{pid}/weiter", {"trigger": "cancel"})
    assert answer.status_code == 403 and "Bernds Verfahren" not in answer.text


def test_editing_the_basic_data(anna, web, app_env):
    pid = web.journey.new_process(app_env).id
    form = anna.get(f"/intern/verfahren/{pid}/bearbeiten").text
    assert 'value="Lindener Marktplatz"' in form and 'value="Linden-Limmer" checked' in form
    assert 'value="jonas.weber@hannover-stadt.de"' in form

    fields = {"title": "Lindener Markt", "department": "FB 61", "origin": "administration",
              "districts": ["Linden-Limmer"], "lead_name": "Anna Lehmann", "lead_email": LEAD,
              "deputy_name": "Jonas Weber", "deputy_email": "kein-mail"}
    refused = web.post(anna, f"/intern/verfahren/{pid}/bearbeiten", fields)
    assert refused.status_code == 400 and "deputy-email" in refused.text
    assert 'value="kein-mail"' in refused.text and 'role="alert"' in refused.text
    assert process.get_process(app_env, pid).title == "Lindener Marktplatz"

    saved = web.post(anna, f"/intern/verfahren/{pid}/bearbeiten",
                     fields | {"deputy_email": "jonas.weber@hannover-stadt.de"},
                     follow_redirects=False)
    assert saved.status_code == 303
    assert process.get_process(app_env, pid).title == "Lindener Markt"
    assert "Die Grunddaten wurden gespeichert." in anna.get(saved.headers["location"]).text


def test_deadlines_are_added_moved_and_waived(anna, web, app_env, clock):
    pid = web.journey.new_process(app_env).id
    base = f"/intern/verfahren/{pid}/fristen"
    added = web.post(anna, base, {"title": "Ortstermin", "due": "2026-04-01T18:00"},
                     follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"].endswith("ok=deadline_added")
    (mine,) = [d for d in deadlines.list_deadlines(app_env, pid) if d.kind == "custom"]
    assert mine.due_at == datetime(2026, 4, 1, 16, 0, tzinfo=UTC)  # summer time in Hannover
    assert "01.04.2026 18:00" in anna.get(f"/intern/verfahren/{pid}").text

    bad = web.post(anna, base, {"title": "Ortstermin", "due": "morgen"})
    assert bad.status_code == 400 and 'role="alert"' in bad.text and "due:" in bad.text

    no_reason = web.post(anna, f"{base}/{mine.id}/verschieben", {"due": "2026-03-02T11:00"})
    assert no_reason.status_code == 400 and "reason" in no_reason.text
    moved = web.post(anna, f"{base}/{mine.id}/verschieben",
                     {"due": "2026-03-02T11:00", "reason": "Raum belegt"},
                     follow_redirects=False)
    assert moved.status_code == 303
    row = _row(anna.get(f"/intern/verfahren/{pid}").text, "Ortstermin")
    assert "02.03.2026 11:00" in row and "Raum belegt" in row and "überfällig" not in row
    clock.advance(hours=2)  # 10:00 UTC is 11:00 in Hannover in winter
    row = _row(anna.get(f"/intern/verfahren/{pid}").text, "Ortstermin")
    assert "offen" in row and "überfällig" in row

    waived = web.post(anna, f"{base}/{mine.id}/entfallen", {"reason": "Nicht mehr nötig"},
                      follow_redirects=False)
    assert waived.status_code == 303
    (mine,) = [d for d in deadlines.list_deadlines(app_env, pid) if d.kind == "custom"]
    assert mine.status == "waived" and mine.reason == "Nicht mehr nötig"
    row = _row(anna.get(f"/intern/verfahren/{pid}").text, "Ortstermin")
    assert "entfallen" in row and "überfällig" not in row and "<details>" not in row


def _row(page: str, title: str) -> str:
    """The table row of the deadline ``title``."""
    return page.split(f"{title}</th>", 1)[1].split("</tr>", 1)[0]


def _post_routes(pid: int, deadline_id: int) -> list[tuple[str, dict]]:
    base = f"/intern/verfahren/{pid}"
    return [(f"{base}/weiter", {"trigger": "cancel", "reason": "weg damit"}),
            (f"{base}/bearbeiten", {"title": "Gekapert", "lead_name": OTHER.name,
                                    "lead_email": OTHER.email}),
            (f"{base}/fristen", {"title": "Fremde Frist", "due": "2026-05-01T12:00"}),
            (f"{base}/fristen/{deadline_id}/verschieben",
             {"due": "2026-06-01T12:00", "reason": "weil"}),
            (f"{base}/fristen/{deadline_id}/entfallen", {"reason": "weil"})]


def test_another_lead_gets_403_on_every_page_and_form(anna, web, app_env):
    pid = others_process(app_env, web)
    did = deadlines.add_deadline(app_env, OTHER.email, pid, "Bernds Frist",
                                 datetime(2026, 5, 1, 10, tzinfo=UTC))
    assert anna.get(f"/intern/verfahren/{pid}").status_code == 403
    assert anna.get(f"/intern/verfahren/{pid}/bearbeiten").status_code == 403
    for url, data in _post_routes(pid, did):
        answer = web.post(anna, url, data)
        assert answer.status_code == 403, url
        assert "Bernds Verfahren" not in answer.text
    case = process.get_process(app_env, pid)
    assert (case.title, case.phase) == ("Bernds Verfahren", "initiated")
    (frist,) = [d for d in deadlines.list_deadlines(app_env, pid) if d.kind == "custom"]
    assert (frist.status, frist.due_at) == ("open", datetime(2026, 5, 1, 10, tzinfo=UTC))


def test_every_form_without_its_csrf_token_is_refused(anna, web, app_env):
    pid = web.journey.new_process(app_env).id
    did = deadlines.add_deadline(app_env, LEAD, pid, "Frist", datetime(2026, 5, 1, tzinfo=UTC))
    before = len(events_of(app_env, pid))
    posts = [("/intern/neu", {"title": "Ohne Token", "lead_name": "A", "lead_email": LEAD}),
             *_post_routes(pid, did)]
    for url, data in posts:
        answer = anna.post(url, data=data)
        assert answer.status_code == 403, url
        assert anna.post(url, data=data | {"csrf": "forged"}).status_code == 403, url
    assert len(events_of(app_env, pid)) == before
    assert len(process.list_processes(app_env)) == 1


def test_titles_are_escaped(anna, web, app_env):
    pid = web.journey.new_process(app_env, title="<script>alert(1)</script>").id
    for path in ("/intern", f"/intern/verfahren/{pid}", f"/intern/verfahren/{pid}/bearbeiten"):
        text = anna.get(path).text
        assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_pages_speak_english_when_asked(anna, web, app_env):
    pid = web.journey.new_process(app_env, deputy=None).id
    listing = anna.get("/intern?lang=en").text
    assert '<html lang="en">' in listing and "New process" in listing
    page = anna.get(f"/intern/verfahren/{pid}").text  # the cookie keeps the language
    assert "Next steps" in page and "The deputy is missing" in page
    assert "Go on to phase “Setting up the Projektbegleitgruppe”" in page
    assert "Phase Initiierung" not in page and "Phase Initiation" in page


def test_the_process_page_shows_an_erased_former_lead_as_erased(anna, web, app_env):
    """Bernd created the process and handed it over to Anna; once his address is erased, the
    timeline names his step as by someone erased, never by a reference."""
    from beteiligung.workflow import privacy_requests

    pid = web.journey.new_process(app_env, actor=OTHER.email, lead=OTHER).id
    process.edit_process(app_env, web.COORDINATOR, pid,
                         {"lead": Person("Anna Lehmann", LEAD)})
    privacy_requests.erase(app_env, web.COORDINATOR, OTHER.email, "Ausgeschieden")
    page = anna.get(f"/intern/verfahren/{pid}").text
    created = page[page.index("Verfahren angelegt") - 600:page.index("Verfahren angelegt")]
    assert "gelöscht" in created, created
    assert OTHER.email not in page and "ref:p" not in page
