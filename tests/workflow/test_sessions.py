"""Sessions, API tokens and the trusted header on the fakes: what signs in, for how long,
and that a disabled account is refused by every route."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from beteiligung.states.errors import BadInput, NotFound, NotPermitted
from beteiligung.workflow import accounts, sessions

COORDINATOR = "koordination@hannover-stadt.de"
LEAD = "anna.lehmann@hannover-stadt.de"
PASSWORD = "correct horse battery"


class PlainHasher:
    def hash(self, password: str) -> str:
        return "h$" + password

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == "h$" + password

    def needs_rehash(self, password_hash: str) -> bool:
        return False

    def dummy_hash(self) -> str:
        return "h$\x00"


@pytest.fixture
def env(fake):
    env = replace(fake.env, passwords=PlainHasher())
    accounts.add_user(env, COORDINATOR, LEAD, "Anna Lehmann", PASSWORD)
    return env


def test_a_right_password_opens_a_session_that_identifies_the_lead(env, fake):
    secret, who = sessions.sign_in(env, LEAD.upper(), PASSWORD, hours=8)

    assert who == sessions.Identity(LEAD, "Anna Lehmann", False)
    assert sessions.identify(env, sessions.SESSION, secret) == who
    assert secret not in str(fake.store.tokens)  # only the hash is kept
    assert list(fake.store.tokens) == [sessions.digest(secret)]


@pytest.mark.parametrize("email,password", [(LEAD, "wrong password!!"),
                                            ("nobody@hannover-stadt.de", PASSWORD)])
def test_a_wrong_address_or_password_opens_nothing(env, fake, email, password):
    assert sessions.sign_in(env, email, password, hours=8) is None
    assert fake.store.tokens == {}


def test_a_session_ends_at_its_expiry_and_on_sign_out(env, clock):
    secret, _ = sessions.sign_in(env, LEAD, PASSWORD, hours=8)
    clock.now += timedelta(hours=8) - timedelta(seconds=1)
    assert sessions.identify(env, sessions.SESSION, secret) is not None
    clock.now += timedelta(seconds=1)
    assert sessions.identify(env, sessions.SESSION, secret) is None

    other, _ = sessions.sign_in(env, LEAD, PASSWORD, hours=8)
    sessions.sign_out(env, other)
    assert sessions.identify(env, sessions.SESSION, other) is None


def test_disabling_the_account_refuses_its_session_token_and_header(env):
    secret, _ = sessions.sign_in(env, LEAD, PASSWORD, hours=8)
    token = sessions.create_api_token(env, LEAD, LEAD, "Skript")
    assert sessions.trusted(env, LEAD) is not None

    accounts.disable_user(env, COORDINATOR, LEAD)

    assert sessions.identify(env, sessions.SESSION, secret) is None
    assert sessions.identify(env, sessions.API, token) is None
    assert sessions.trusted(env, LEAD) is None


def test_a_session_secret_is_no_api_token_and_the_reverse(env):
    secret, _ = sessions.sign_in(env, LEAD, PASSWORD, hours=8)
    token = sessions.create_api_token(env, LEAD, LEAD, "Skript")

    assert token.startswith("btg_")
    assert sessions.identify(env, sessions.API, secret) is None
    assert sessions.identify(env, sessions.SESSION, token) is None
    assert sessions.identify(env, sessions.API, token).email == LEAD


def test_only_a_coordinator_creates_tokens_for_others(env):
    with pytest.raises(NotPermitted):
        sessions.create_api_token(env, LEAD, COORDINATOR, "fremd")
    token = sessions.create_api_token(env, COORDINATOR, LEAD, "für Anna", days=30)
    assert sessions.identify(env, sessions.API, token).email == LEAD


def test_an_api_token_expires_after_its_days(env, clock):
    token = sessions.create_api_token(env, LEAD, LEAD, "Skript", days=1)
    clock.now += timedelta(days=1)
    assert sessions.identify(env, sessions.API, token) is None


@pytest.mark.parametrize("label,days,message", [("", 30, "label"), ("x", 0, "days"),
                                                ("x", 100000, "days")])
def test_bad_token_requests_name_what_is_wrong(env, label, days, message):
    with pytest.raises(BadInput, match=message):
        sessions.create_api_token(env, LEAD, LEAD, label, days)


def test_revoking_ends_every_token_of_the_address(env):
    token = sessions.create_api_token(env, LEAD, LEAD, "Skript")
    secret, _ = sessions.sign_in(env, LEAD, PASSWORD, hours=8)

    assert sessions.revoke_api_tokens(env, LEAD, LEAD) == 2
    assert sessions.identify(env, sessions.API, token) is None
    assert sessions.identify(env, sessions.SESSION, secret) is None
    with pytest.raises(NotFound):
        sessions.revoke_api_tokens(env, LEAD, LEAD)


def test_the_trusted_header_needs_no_account_but_a_valid_address(env):
    assert sessions.trusted(env, "Bernd.Koch@hannover-stadt.de") == sessions.Identity(
        "bernd.koch@hannover-stadt.de", "bernd.koch@hannover-stadt.de", False)
    assert sessions.trusted(env, COORDINATOR).coordinator
    assert sessions.trusted(env, "not an address") is None


def test_a_session_needs_an_account_and_unknown_secrets_identify_no_one(env):
    assert sessions.identify(env, sessions.SESSION, "made-up") is None
    assert sessions.identify(env, sessions.SESSION, "") is None
    assert sessions.identify(env, sessions.SESSION, "x" * 1000) is None


def test_the_csrf_token_belongs_to_its_session():
    assert sessions.csrf_token("a") == sessions.csrf_token("a") != sessions.csrf_token("b")
