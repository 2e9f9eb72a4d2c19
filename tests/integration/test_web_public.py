"""The web application's public side (``web.app``) on SQLite and PostgreSQL: the Vorhabenliste
as a page and as JSON, with filters, published data only, and the security headers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from beteiligung.states.case import Person
from beteiligung.web.app import create_app
from beteiligung.workflow import process

LEAD = Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")


@pytest.fixture
def client(env, kit):
    kit.new_process(env, "Neugestaltung des Lindener Marktplatzes")
    process.create_process(env, LEAD.email, process.ProcessInput(
        "Spielplatz <am> Klagesmarkt", "Neue Spielgeräte", "FB 51", "Dezernat III",
        ("Mitte",), "administration", LEAD, None))
    with TestClient(create_app(env)) as client:
        yield client


def test_the_page_lists_what_is_published_with_security_headers(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="de">' in page.text
    assert "Neugestaltung des Lindener Marktplatzes" in page.text
    assert "Spielplatz &lt;am&gt; Klagesmarkt" in page.text and "<am>" not in page.text
    assert "@" not in page.text  # no e-mail address, ever
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert '<html lang="en">' in client.get("/", params={"lang": "en"}).text


def test_filters_by_district_department_and_phase(client):
    mitte = client.get("/", params={"district": "Mitte"}).text
    assert "Spielplatz" in mitte and "Lindener Marktplatz" not in mitte
    data = client.get("/api/v1/public/processes", params={"department": "FB 51"}).json()
    assert [p["title"] for p in data["processes"]] == ["Spielplatz <am> Klagesmarkt"]
    everything = client.get("/api/v1/public/processes").json()["processes"]
    assert len(everything) == 2 and "@" not in str(everything)
    none = client.get("/api/v1/public/processes", params={"phase": "decision"}).json()
    assert none["processes"] == []


@pytest.mark.parametrize(("params", "says"), [
    ({"phase": "nirgends"}, "phase: 'nirgends' is not a phase"),
    ({"district": "Atlantis"}, "district: 'Atlantis' is not a Stadtbezirk"),
])
def test_a_bad_filter_is_a_400_with_its_reason(client, params, says):
    answer = client.get("/api/v1/public/processes", params=params)
    assert answer.status_code == 400 and says in answer.json()["error"]
    assert client.get("/", params=params).status_code == 400


def test_health(client):
    assert client.get("/healthz").text == "ok"
