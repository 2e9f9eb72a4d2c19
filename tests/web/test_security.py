"""What the security review found, each pinned down: CSRF bound to the session, sign-in
throttling, what is believed from a proxy, relative language links, bounded ids, and errors
that do not leak internals."""

from __future__ import annotations

from fastapi.testclient import TestClient
from starlette.requests import Request

from beteiligung.config.settings import WebSettings
from beteiligung.states.errors import StorageError
from beteiligung.web.app import create_app
from beteiligung.web.limits import client_key

LEAD = "anna.lehmann@hannover-stadt.de"


def test_a_signed_in_form_needs_the_sessions_token_not_the_cookies(client, web, app_env):
    web.add_user(LEAD, "Anna Lehmann")
    cookie_token = web.csrf_of(client)           # before sign-in: the double-submit cookie
    web.sign_in(client, LEAD)
    session_token = web.csrf_of(client)
    assert session_token != cookie_token
    refused = client.post("/abmelden", data={"csrf": cookie_token}, follow_redirects=False)
    assert refused.status_code == 403
    # a new sign-in gives a new token; the old session's no longer counts
    web.sign_in(client, LEAD)
    assert client.post("/abmelden", data={"csrf": session_token},
                       follow_redirects=False).status_code == 403
    assert web.post(client, "/abmelden", follow_redirects=False).status_code == 303


def test_failed_sign_ins_are_limited_per_account(client, web, clock):
    web.add_user(LEAD)
    token = web.csrf_of(client)
    wrong = {"email": LEAD, "password": "falsch falsch falsch", "csrf": token}
    for _ in range(WebSettings().sign_in_failures_per_account):
        assert client.post("/anmelden", data=wrong).status_code == 401
    right = wrong | {"password": web.PASSWORD}
    assert client.post("/anmelden", data=right).status_code == 429
    clock.advance(minutes=16)
    assert client.post("/anmelden", data=right, follow_redirects=False).status_code == 303


def test_the_trusted_header_counts_once_and_proto_only_from_the_proxy(make_client, web):
    trusting = make_client(trusted_header="X-Remote-User", trusted_proxies="testclient")
    twice = [("X-Remote-User", LEAD), ("X-Remote-User", "koordination@hannover-stadt.de")]
    page = trusting.get("/anmelden", headers=twice)
    assert "Angemeldet als" not in page.text
    web.add_user(LEAD)
    secure = web.sign_in(trusting, LEAD).headers["set-cookie"]
    assert "Secure" not in secure
    behind = trusting.post("/anmelden", headers={"X-Forwarded-Proto": "https"}, data={
        "email": LEAD, "password": web.PASSWORD, "csrf": web.csrf_of(trusting)},
        follow_redirects=False)
    assert "Secure" in behind.headers["set-cookie"]
    direct = make_client(trusted_proxies="10.0.0.1")
    web.csrf_of(direct)
    not_behind = direct.post("/anmelden", headers={"X-Forwarded-Proto": "https"}, data={
        "email": LEAD, "password": web.PASSWORD, "csrf": web.csrf_of(direct)},
        follow_redirects=False)
    assert "Secure" not in not_behind.headers["set-cookie"]


def _request(peer: str, forwarded: list[str]) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request({"type": "http", "client": (peer, 1234), "headers": headers})


def test_the_rate_limit_key_is_what_the_proxy_saw_and_an_ipv6_64():
    web = WebSettings(trusted_proxies="127.0.0.1")
    assert client_key(_request("127.0.0.1", ["6.6.6.6", "1.2.3.4"]), web) == "1.2.3.4"
    assert client_key(_request("9.9.9.9", ["6.6.6.6"]), web) == "9.9.9.9"
    assert client_key(_request("2001:db8:1:2:aaaa::1", []), web) == "2001:db8:1:2::/64"
    assert client_key(_request("2001:db8:1:2:bbbb::9", []), web) == "2001:db8:1:2::/64"


def test_the_language_switch_is_a_relative_link(client):
    page = client.get("//evil.example/x")
    assert page.status_code == 404
    assert "//evil.example" not in page.text and 'href="?lang=en"' in page.text


def test_a_huge_deadline_id_is_not_found_not_a_crash(client, web, app_env):
    web.add_user(LEAD)
    pid = web.journey.new_process(app_env).id
    web.sign_in(client, LEAD)
    answer = web.post(client, f"/intern/verfahren/{pid}/fristen/99999999999999999999/entfallen",
                      {"reason": "weil"})
    assert answer.status_code == 404


def test_a_database_failure_says_so_without_its_details(app_env):
    def broken():
        raise StorageError("cannot open the database: password for user 'geheim' at db.intern")

    with TestClient(create_app(app_env.__class__(**{**app_env.__dict__, "uow": broken}))) as c:
        for path in ("/", "/api/v1/public/processes"):
            answer = c.get(path)
            assert answer.status_code == 503 and "geheim" not in answer.text
            assert answer.headers["content-security-policy"].startswith("default-src 'none'")
