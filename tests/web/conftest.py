"""Fixtures for the web tests: the real application on the real databases of
``tests/conftest.py`` (SQLite and PostgreSQL), driven through Starlette's test client.

- ``app_env``: the wiring with a cheap (but real) argon2 hasher;
- ``web``: helpers to add accounts, sign in, post forms with the CSRF token, and read a form's
  hidden token; and the ``journey`` helpers of ``tests/workflow/journey.py`` (a process driven
  to any phase through the use cases);
- ``client``: a test client of ``create_app(app_env)``; ``make_client(**web_settings)`` for
  other settings (``peer=`` the address the app sees the requests come from, by default
  Starlette's ``testclient``; ``base_url=`` e.g. ``https://testserver``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from types import SimpleNamespace

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from beteiligung.config.passwords import Argon2PasswordHasher
from beteiligung.config.settings import WebSettings
from beteiligung.web.app import create_app
from beteiligung.workflow import accounts

COORDINATOR = "koordination@hannover-stadt.de"
PASSWORD = "ein sehr langes Passwort"


@pytest.fixture
def app_env(env):
    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    return replace(env, passwords=Argon2PasswordHasher(cheap))


@pytest.fixture
def make_client(app_env):
    clients = []

    def make(peer: str = "testclient", base_url: str = "http://testserver",
             **settings) -> TestClient:
        client = TestClient(create_app(app_env, WebSettings(**settings)), base_url=base_url,
                            client=(peer, 50000))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(client: TestClient) -> str:
    """This client's CSRF token as its forms carry it: the session's own when signed in,
    else the double-submit cookie's (read from a page's hidden field)."""
    page = client.get("/anmelden", follow_redirects=True).text
    found = CSRF.search(page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def add_user(env, email: str, name: str = "", role: str = "lead") -> str:
    accounts.add_user(env, COORDINATOR, email, name or email.split("@")[0], PASSWORD, role)
    return email


def sign_in(client: TestClient, email: str, password: str = PASSWORD):
    answer = client.post("/anmelden", data={"email": email, "password": password,
                                            "csrf": csrf_of(client), "next": "/intern"},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return answer


def post(client: TestClient, url: str, data: dict | None = None, **kwargs):
    """A form POST with this client's CSRF token."""
    return client.post(url, data={**(data or {}), "csrf": csrf_of(client)}, **kwargs)


@pytest.fixture
def web(app_env, journey) -> SimpleNamespace:
    return SimpleNamespace(
        COORDINATOR=COORDINATOR, PASSWORD=PASSWORD, journey=journey, csrf_of=csrf_of,
        add_user=lambda email, name="", role="lead": add_user(app_env, email, name, role),
        sign_in=sign_in, post=post)
