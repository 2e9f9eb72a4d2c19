"""Sign-in, sessions, the trusted header, CSRF and the request size limit, on the real app."""

from __future__ import annotations

LEAD = "anna.lehmann@hannover-stadt.de"


def test_signing_in_sets_a_hardened_session_cookie_and_signing_out_ends_it(client, web):
    web.add_user(LEAD, "Anna Lehmann")
    answer = web.sign_in(client, LEAD)

    cookie = answer.headers["set-cookie"]
    assert "btg_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http on loopback
    assert answer.headers["location"] == "/intern"
    assert "Angemeldet als Anna Lehmann" in client.get("/anmelden", follow_redirects=True).text

    web.post(client, "/abmelden", follow_redirects=False)
    assert "Angemeldet als" not in client.get("/").text


def test_cookies_are_secure_behind_https(make_client, web):
    web.add_user(LEAD)
    client = make_client(secure_cookies="auto")
    client.base_url = "https://testserver"
    cookie = web.sign_in(client, LEAD).headers["set-cookie"]
    assert "Secure" in cookie


def test_a_wrong_password_is_refused_without_a_session(client, web):
    web.add_user(LEAD)
    answer = client.post("/anmelden", data={"email": LEAD, "password": "falsch falsch falsch",
                                            "csrf": web.csrf_of(client)})
    assert answer.status_code == 401
    assert "Anmeldung fehlgeschlagen" in answer.text and "btg_session" not in client.cookies


def test_a_form_without_its_csrf_token_is_refused(client, web):
    web.add_user(LEAD)
    web.csrf_of(client)
    answer = client.post("/anmelden", data={"email": LEAD, "password": web.PASSWORD,
                                            "csrf": "forged"})
    assert answer.status_code == 403 and "btg_session" not in client.cookies


def test_sign_in_goes_on_only_to_a_local_page(client, web):
    web.add_user(LEAD)
    answer = client.post("/anmelden", data={"email": LEAD, "password": web.PASSWORD,
                                            "csrf": web.csrf_of(client),
                                            "next": "//evil.example/x"},
                         follow_redirects=False)
    assert answer.headers["location"] == "/intern"


def test_the_trusted_header_counts_only_when_switched_on_and_from_a_proxy(make_client):
    plain = make_client()
    headers = {"X-Remote-User": LEAD}
    assert "Angemeldet als" not in plain.get("/anmelden", headers=headers).text
    trusting = make_client(trusted_header="X-Remote-User", trusted_proxies="testclient")
    page = trusting.get("/anmelden", headers=headers)
    assert "Angemeldet als " + LEAD in page.text
    elsewhere = make_client(trusted_header="X-Remote-User", trusted_proxies="10.0.0.1")
    assert "Angemeldet als" not in elsewhere.get("/anmelden", headers=headers).text


def test_a_body_over_the_limit_is_refused_before_it_is_read(make_client):
    client = make_client(max_body_kb=16)
    answer = client.post("/anmelden", content=b"x" * (17 * 1024),
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413

    def chunks():
        for _ in range(20):
            yield b"x" * 1024

    streamed = client.post("/anmelden", content=chunks(),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert streamed.status_code == 413


def test_the_language_switch_sticks(client):
    assert '<html lang="en">' in client.get("/anmelden?lang=en").text
    assert '<html lang="en">' in client.get("/anmelden").text
    assert '<html lang="de">' in client.get("/anmelden?lang=de").text


def test_an_api_call_without_a_token_is_a_401(client):
    answer = client.get("/api/v1/processes")
    assert answer.status_code in (401, 404)
