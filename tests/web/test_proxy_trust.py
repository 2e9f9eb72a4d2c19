"""Whom the application believes about the client: by default nobody is a trusted proxy, so a
local process can neither rotate ``X-Forwarded-For`` past the suggestion limit nor claim the
single sign-on header; a named proxy still is believed."""

from __future__ import annotations

from pathlib import Path

from beteiligung.config.settings import WebSettings, load_settings

LEAD = "anna.lehmann@hannover-stadt.de"
FORM = "/vorhaben/{}/anregung"


def _published(web, app_env, clock) -> int:
    j = web.journey
    pid = j.new_process(app_env, title="Lindener Marktplatz").id
    j.advance_to(app_env, pid, "concept", clock)
    j.fill_phase(app_env, pid, clock)
    return pid


def test_the_default_trusts_no_proxy(tmp_path: Path):
    assert WebSettings().trusted_proxies == ""
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    assert load_settings({"BETEILIGUNG_CONFIG": str(empty)}).web.trusted_proxies == ""


def test_a_local_process_cannot_rotate_forwarded_for_past_the_limit(make_client, web, app_env,
                                                                   clock):
    client = make_client(peer="127.0.0.1", suggestions_per_hour=5)
    pid = _published(web, app_env, clock)
    answers = [web.post(client, FORM.format(pid), {"text": f"Anregung {n}"},
                        headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
               for n in range(20)]
    assert answers.count(200) == 5 and answers.count(429) == 15


def test_a_local_process_cannot_claim_the_trusted_header(make_client, web):
    web.add_user(LEAD)
    client = make_client(peer="127.0.0.1", trusted_header="X-Remote-User")
    page = client.get("/intern", headers={"X-Remote-User": LEAD}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/anmelden")
    assert "Angemeldet als" not in client.get("/anmelden", headers={"X-Remote-User": LEAD}).text


def test_a_named_proxy_is_believed(make_client, web, app_env, clock):
    web.add_user(LEAD)
    client = make_client(peer="10.0.0.5", trusted_proxies="10.0.0.5, 10.0.0.6",
                         trusted_header="X-Remote-User", suggestions_per_hour=1)
    assert "Angemeldet als" in client.get("/anmelden", headers={"X-Remote-User": LEAD}).text
    pid = _published(web, app_env, clock)
    for address in ("192.0.2.1", "192.0.2.2"):
        assert web.post(client, FORM.format(pid), {"text": address},
                        headers={"X-Forwarded-For": address}).status_code == 200
