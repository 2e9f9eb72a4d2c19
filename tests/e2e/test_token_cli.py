"""``beteiligung token create`` and ``token revoke`` through the installed command: the secret
is printed once on stdout (the hint on stderr), it opens the API (checked through the use case
on the same database), a mistake is one line and an exit code, and revoking ends it."""

from __future__ import annotations

import pytest

from beteiligung.config.bootstrap import build_env
from beteiligung.config.settings import Settings
from beteiligung.storage.engine import make_engine
from beteiligung.workflow import sessions

COORDINATOR = "koordination@hannover-stadt.de"
LEAD = "anna.lehmann@hannover-stadt.de"
OTHER = "jonas.weber@hannover-stadt.de"


@pytest.fixture
def token(make_cli):
    return make_cli("token")


@pytest.fixture
def identify(db_url):
    engine = make_engine(db_url)
    env = build_env(Settings(db_url, frozenset({COORDINATOR}), ("Mitte",)), engine=engine)
    yield lambda secret: sessions.identify(env, sessions.API, secret)
    engine.dispose()


def one_error(done) -> str:
    [line] = done.stderr.splitlines()
    assert line.startswith("beteiligung: error: "), line
    return line


def test_a_lead_creates_a_token_of_their_own_shown_once(token, identify):
    done = token("create", LEAD, "--label", "Skript Bürgerportal", "--days", "30")
    [secret] = done.stdout.splitlines()
    assert secret.startswith("btg_") and len(secret) > 40
    [hint] = done.stderr.splitlines()
    assert "only this once" in hint and secret not in hint
    assert identify(secret).email == LEAD
    again = token("create", LEAD, "--label", "Skript Bürgerportal")
    assert again.stdout.strip() != secret


def test_a_lead_may_not_create_a_token_for_someone_else(token, identify):
    done = token("create", OTHER, "--label", "fremd", check=6)
    assert "only a coordinator may" in one_error(done)
    assert done.stdout == ""


def test_a_coordinator_creates_and_revokes_anyones_token(token, identify):
    as_coordinator = ("--as", COORDINATOR)
    secret = token("create", OTHER, "--label", "Fachverfahren", *as_coordinator).stdout.strip()
    assert identify(secret).email == OTHER
    done = token("revoke", OTHER, *as_coordinator)
    assert done.stdout == f"1 token(s) and session(s) of {OTHER} revoked\n"
    assert identify(secret) is None
    again = token("revoke", OTHER, *as_coordinator, check=4)
    assert "no live tokens" in one_error(again)


def test_a_lead_revokes_their_own_tokens(token, identify):
    first = token("create", LEAD, "--label", "eins").stdout.strip()
    second = token("create", LEAD, "--label", "zwei").stdout.strip()
    assert token("revoke", LEAD).stdout.startswith("2 token(s)")
    assert identify(first) is None and identify(second) is None


@pytest.mark.parametrize(("args", "message"), [
    (("--label", " "), "label: 1 to"),
    (("--label", "x", "--days", "0"), "days: a token lives 1 to"),
    (("--label", "x", "--days", "99999"), "days: a token lives 1 to"),
])
def test_bad_values_are_one_line_and_exit_2(token, args, message):
    done = token("create", LEAD, *args, check=2)
    assert message in one_error(done)
    assert done.stdout == ""


def test_without_an_actor_it_says_how_to_give_one(make_cli):
    token = make_cli("token", env={"BETEILIGUNG_USER": None})
    done = token("create", LEAD, "--label", "x", check=2)
    assert "no actor: pass --as EMAIL or set BETEILIGUNG_USER" in one_error(done)


def test_a_missing_label_is_a_usage_error(token):
    done = token("create", LEAD, check=2)
    assert "--label" in done.stderr and done.stdout == ""
