"""The Datenschutzhinweis (issue 13): one page that says what is kept, why, on which legal
basis, how long (from the retention file) and whom to ask (from the settings), linked from
the foot of every page; the suggestion form says what the optional address is for."""

from __future__ import annotations

from fastapi.testclient import TestClient

from beteiligung.config.settings import PrivacySettings, WebSettings
from beteiligung.web.app import create_app

CONTACT = "Datenschutzbeauftragte der Stadt, Trammplatz 2, 30159 Hannover"


def test_the_notice_names_purpose_basis_periods_and_the_contact(app_env):
    app = create_app(app_env, WebSettings(), privacy=PrivacySettings(contact=CONTACT))
    with TestClient(app) as client:
        page = client.get("/datenschutz")
        english = client.get("/datenschutz?lang=en").text
    assert page.status_code == 200
    text = page.text
    for part in ("Datenschutzhinweis", "Art. 6 Abs. 1 lit. e DSGVO", "freiwillig",
                 f"{app_env.retention.resident_contact} Tage nach dem Abschluss",
                 f"{app_env.retention.outbox_bodies} Tage nach dem Versand",
                 f"{app_env.retention.closed_processes} Tage nach seinem Abschluss gelöscht",
                 "Art. 15 DSGVO", "Art. 17 DSGVO", CONTACT):
        assert part in text, part
    assert "Art. 6 (1)(e) GDPR" in english and "Privacy notice" in english


def test_without_a_contact_the_notice_names_the_coordination_office(client):
    assert "Die Koordinierungsstelle Beteiligung der Stadt." in client.get("/datenschutz").text


def test_every_public_page_links_the_notice_and_the_form_says_what_the_address_is_for(
        client, web, app_env, clock):
    j = web.journey
    pid = j.new_process(app_env, title="Lindener Marktplatz").id
    j.advance_to(app_env, pid, "concept", clock)
    j.fill_phase(app_env, pid, clock)
    for path in ("/", f"/vorhaben/{pid}", "/anmelden", "/datenschutz"):
        assert 'href="/datenschutz">Datenschutzhinweis</a>' in client.get(path).text, path
    form = client.get(f"/vorhaben/{pid}").text
    assert "E-Mail-Adresse (freiwillig, für die Nachricht, wenn Ihre Anregung beantwortet " \
           "ist)" in form
    assert "schreiben wir Ihnen einmal, sobald Ihre Anregung beantwortet ist" in form
    assert '<a href="/datenschutz">Mehr dazu im Datenschutzhinweis</a>' in form
