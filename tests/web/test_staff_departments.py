"""The department select of the process form and the confirmation of a second process of one
title, on the real app and databases with the default register of departments; the API
validates the department the same way and lists the register."""

from __future__ import annotations

import html
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from beteiligung.config.settings import WebSettings, load_settings
from beteiligung.states.departments import Register
from beteiligung.web.app import create_app
from beteiligung.workflow import process, sessions

LEAD = "anna.lehmann@hannover-stadt.de"
REGISTER = Register(load_settings({}).departments)
FIELDS = {"title": "Stadtteilpark Bothfeld", "department": "Umwelt und Stadtgrün (67)",
          "origin": "administration", "lead_name": "Anna Lehmann", "lead_email": LEAD}


@pytest.fixture
def reg_env(app_env):
    return replace(app_env, departments=REGISTER)


@pytest.fixture
def anna(reg_env, web):
    with TestClient(create_app(reg_env, WebSettings())) as client:
        web.add_user(LEAD, "Anna Lehmann")
        web.sign_in(client, LEAD)
        yield client


def test_the_form_offers_the_register_grouped_by_directorate(anna):
    form = anna.get("/intern/neu").text
    assert '<select id="department" name="department"' in form
    assert '<optgroup label="Dezernat V">' in form
    assert '<option value="Umwelt und Stadtgrün (67)">Umwelt und Stadtgrün (67)</option>' in form
    assert 'name="directorate"' not in form
    assert "Das Dezernat ergibt sich aus dem Fachbereich." in form


def test_a_second_process_of_one_title_comes_back_with_a_confirmation(anna, web, reg_env):
    first = web.post(anna, "/intern/neu", FIELDS, follow_redirects=False)
    assert first.status_code == 303
    (made,) = process.list_processes(reg_env)
    stored = process.get_process(reg_env, made.id)
    assert (stored.department, stored.directorate) == ("Umwelt und Stadtgrün (67)", "Dezernat V")

    again = web.post(anna, "/intern/neu", FIELDS)
    assert again.status_code == 400
    page = html.unescape(again.text)
    assert ("Im Fachbereich „Umwelt und Stadtgrün (67)“ gibt es schon einen Prozess "
            f"„Stadtteilpark Bothfeld“ (Prozess {made.id})") in page
    assert 'name="confirm_duplicate" type="checkbox"' in again.text
    assert '<option value="Umwelt und Stadtgrün (67)" selected>' in again.text
    assert len(process.list_processes(reg_env)) == 1

    confirmed = web.post(anna, "/intern/neu", FIELDS | {"confirm_duplicate": "1"},
                         follow_redirects=False)
    assert confirmed.status_code == 303 and len(process.list_processes(reg_env)) == 2
    assert 'name="confirm_duplicate"' not in anna.get("/intern/neu").text


def test_editing_a_free_text_department_keeps_it_until_it_is_changed(anna, web, app_env,
                                                                    reg_env):
    pid = web.journey.new_process(app_env, department="Grünamt", directorate="Dez. 5").id
    form = anna.get(f"/intern/verfahren/{pid}/bearbeiten").text
    assert '<option value="Grünamt" selected>Grünamt (nicht im Fachbereichsverzeichnis)' in form
    fields = {"title": "Neuer Titel", "department": "Grünamt", "origin": "administration",
              "lead_name": "Anna Lehmann", "lead_email": LEAD, "deputy_name": "Jonas Weber",
              "deputy_email": "jonas.weber@hannover-stadt.de", "districts": ["Linden-Limmer"]}
    saved = web.post(anna, f"/intern/verfahren/{pid}/bearbeiten", fields,
                     follow_redirects=False)
    assert saved.status_code == 303
    case = process.get_process(reg_env, pid)
    assert (case.title, case.department, case.directorate) == ("Neuer Titel", "Grünamt",
                                                               "Dez. 5")
    web.post(anna, f"/intern/verfahren/{pid}/bearbeiten", fields | {"department": "Tiefbau (66)"})
    case = process.get_process(reg_env, pid)
    assert (case.department, case.directorate) == ("Tiefbau (66)", "Dezernat VI")


def test_an_unknown_department_is_refused_in_the_page_language(anna, web):
    refused = web.post(anna, "/intern/neu", FIELDS | {"department": "Grünflächenamt"})
    assert refused.status_code == 400
    assert "„Grünflächenamt“ ist nicht im Fachbereichsverzeichnis" in html.unescape(refused.text)


def test_the_api_lists_the_register_and_validates_the_department(reg_env, web):
    web.add_user(LEAD, "Anna Lehmann")
    secret = sessions.create_api_token(reg_env, LEAD, LEAD, "Test", 30)
    headers = {"Authorization": f"Bearer {secret}"}
    with TestClient(create_app(reg_env, WebSettings())) as api:
        listed = api.get("/api/v1/departments", headers=headers).json()
        assert {"code": "67", "name": "Umwelt und Stadtgrün", "directorate": "Dezernat V",
                "label": "Umwelt und Stadtgrün (67)"} in listed
        body = {"title": "Radweg", "department": "FB 66", "lead": {"name": "Anna",
                                                                  "email": LEAD}}
        made = api.post("/api/v1/processes", json=body, headers=headers)
        assert made.status_code == 201
        assert (made.json()["department"], made.json()["directorate"]) == ("Tiefbau (66)",
                                                                          "Dezernat VI")
        twice = api.post("/api/v1/processes", json=body, headers=headers)
        assert twice.status_code == 400
        assert "gibt es schon einen Prozess „Radweg“" in twice.json()["error"]
        assert api.post("/api/v1/processes", json=body | {"confirm_duplicate": True},
                        headers=headers).status_code == 201
        unknown = api.post("/api/v1/processes", json=body | {"department": "Radamt"},
                           headers=headers)
        assert unknown.status_code == 400 and "Radamt" in unknown.json()["error"]
