"""The CSRF token before sign-in is signed with the server's secret, so an equal cookie and
token made up by someone else (a neighbouring host can plant the cookie) do not pass; over
HTTPS its cookie is ``__Host-`` prefixed, which no other host can set."""

from __future__ import annotations

from pathlib import Path

import pytest

from beteiligung.config.settings import load_settings
from beteiligung.states.errors import BadInput
from beteiligung.workflow import process

LEAD = "anna.lehmann@hannover-stadt.de"
SECRET = "s" * 40
HOST = "testserver.local"  # where the test client keeps the server's cookies


def _sign_in(client, web, token: str):
    return client.post("/anmelden", data={"email": LEAD, "password": web.PASSWORD,
                                          "csrf": token}, follow_redirects=False)


def _cookie_header(answer, name: str) -> str:
    found = [v for v in answer.headers.get_list("set-cookie") if v.startswith(name + "=")]
    assert len(found) == 1, answer.headers.get_list("set-cookie")
    return found[0]


def test_a_forged_equal_pair_is_refused_and_nothing_is_written(client, web, app_env, clock):
    web.add_user(LEAD)
    client.cookies.set("btg_csrf", "abc", domain=HOST)
    answer = _sign_in(client, web, "abc")
    assert answer.status_code == 403 and "btg_session" not in answer.headers.get(
        "set-cookie", "")
    j = web.journey
    pid = j.new_process(app_env, title="Lindener Marktplatz").id
    j.advance_to(app_env, pid, "concept", clock)
    j.fill_phase(app_env, pid, clock)
    before = len(process.get_process(app_env, pid).suggestions)
    form = client.post(f"/vorhaben/{pid}/anregung", data={"text": "gefälscht", "csrf": "abc"})
    assert form.status_code == 403
    assert len(process.get_process(app_env, pid).suggestions) == before


def test_an_unsigned_cookie_is_replaced_by_a_signed_one(client, web):
    web.add_user(LEAD)
    client.cookies.set("btg_csrf", "abc", domain=HOST)
    page = client.get("/anmelden")
    assert "btg_csrf=" in page.headers["set-cookie"]
    token = web.csrf_of(client)
    assert token != "abc" and client.cookies.get("btg_csrf") == token
    assert _sign_in(client, web, token).status_code == 303


def test_a_token_signed_elsewhere_does_not_pass(make_client, web):
    web.add_user(LEAD)
    here, elsewhere = make_client(), make_client()   # each its own random secret
    foreign = web.csrf_of(elsewhere)
    here.cookies.set("btg_csrf", foreign, domain=HOST)
    assert _sign_in(here, web, foreign).status_code == 403
    shared_a, shared_b = make_client(csrf_secret=SECRET), make_client(csrf_secret=SECRET)
    token = web.csrf_of(shared_a)           # several workers that share the setting agree
    shared_b.cookies.set("btg_csrf", token, domain=HOST)
    assert _sign_in(shared_b, web, token).status_code == 303


def test_over_https_the_cookie_is_host_prefixed(make_client, web):
    web.add_user(LEAD)
    client = make_client(base_url="https://testserver")
    cookie = _cookie_header(client.get("/anmelden"), "__Host-btg_csrf")
    assert "Secure" in cookie and "Path=/" in cookie and "domain" not in cookie.lower()
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert _sign_in(client, web, web.csrf_of(client)).status_code == 303


def test_over_https_a_plain_cookie_planted_beside_it_does_not_count(make_client, web):
    web.add_user(LEAD)
    plain = make_client(csrf_secret=SECRET)
    token = web.csrf_of(plain)              # a valid pair, but in the cookie any host can set
    https = make_client(csrf_secret=SECRET, base_url="https://testserver")
    https.cookies.set("btg_csrf", token, domain=HOST)
    assert _sign_in(https, web, token).status_code == 403


def test_behind_a_trusted_proxy_its_https_counts_from_others_not(make_client):
    behind = make_client(peer="10.0.0.5", trusted_proxies="10.0.0.5")
    https = {"X-Forwarded-Proto": "https"}
    assert _cookie_header(behind.get("/anmelden", headers=https), "__Host-btg_csrf")
    direct = make_client(peer="10.0.0.9", trusted_proxies="10.0.0.5")
    cookie = _cookie_header(direct.get("/anmelden", headers=https), "btg_csrf")
    assert "Secure" not in cookie


def test_the_secret_is_a_setting_that_must_be_long(tmp_path: Path):
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    base = {"BETEILIGUNG_CONFIG": str(empty)}
    assert load_settings(base).web.csrf_secret == ""
    assert load_settings(base | {"BETEILIGUNG_WEB_CSRF_SECRET": SECRET}).web.csrf_secret \
        == SECRET
    with pytest.raises(BadInput, match="csrf_secret"):
        load_settings(base | {"BETEILIGUNG_WEB_CSRF_SECRET": "kurz"})
