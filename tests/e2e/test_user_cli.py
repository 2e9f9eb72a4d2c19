"""``beteiligung user add`` and ``user disable`` through the installed command: the password
comes from ``BETEILIGUNG_NEW_PASSWORD``, a mistake is one line and an exit code, and what was
added signs in (checked through the use case on the same database)."""

from __future__ import annotations

import pytest

from beteiligung.config.bootstrap import build_env
from beteiligung.config.settings import Settings
from beteiligung.storage.engine import make_engine
from beteiligung.workflow import accounts

COORDINATOR = "koordination@hannover-stadt.de"
LEAD = "anna.lehmann@hannover-stadt.de"
NEW = "jonas.weber@hannover-stadt.de"
PASSWORD = "ein sehr langes Passwort"


@pytest.fixture
def user(make_cli):
    return make_cli("user", env={"BETEILIGUNG_USER": COORDINATOR,
                                 "BETEILIGUNG_NEW_PASSWORD": PASSWORD})


@pytest.fixture
def signs_in(db_url):
    engine = make_engine(db_url)
    env = build_env(Settings(db_url, frozenset({COORDINATOR}), ("Mitte",)), engine=engine)
    yield lambda email, password=PASSWORD: accounts.verify_password(env, email, password)
    engine.dispose()


def one_error(done) -> str:
    [line] = done.stderr.splitlines()
    assert line.startswith("beteiligung: error: ")
    return line


def test_a_coordinator_adds_a_user_who_then_signs_in(user, signs_in):
    done = user("add", "Jonas.Weber@Hannover-Stadt.de", "--name", "Jonas Weber")
    assert done.stdout == f"user {NEW} (lead) added\n"
    assert PASSWORD not in done.stdout + done.stderr
    signed_in = signs_in(NEW)
    assert (signed_in.name, signed_in.role) == ("Jonas Weber", "lead")
    assert signs_in(NEW, "a different password") is None


def test_a_coordinator_account_needs_the_coordinator_role(user, signs_in):
    done = user("add", COORDINATOR, "--name", "Koordination", check=2)
    assert "use --role coordinator" in one_error(done)
    user("add", COORDINATOR, "--name", "Koordination", "--role", "coordinator")
    assert signs_in(COORDINATOR).role == "coordinator"


def test_a_short_password_is_one_line_and_exit_2(user, signs_in):
    done = user("add", NEW, "--name", "Jonas", check=2,
                environ_={**user.environ, "BETEILIGUNG_NEW_PASSWORD": "kurz"})
    assert one_error(done) == "beteiligung: error: password: at least 12 characters, not 4"
    assert signs_in(NEW, "kurz") is None


def test_a_lead_may_not_add_users(user, signs_in):
    done = user("add", NEW, "--name", "Jonas", "--as", LEAD, check=6)
    assert "only a coordinator may" in one_error(done)
    assert signs_in(NEW) is None


def test_the_same_address_twice_is_a_conflict(user):
    user("add", NEW, "--name", "Jonas")
    done = user("add", NEW.upper(), "--name", "Jonas", check=5)
    assert one_error(done) == f"beteiligung: error: a user {NEW} exists already"


def test_a_disabled_user_no_longer_signs_in(user, signs_in):
    user("add", NEW, "--name", "Jonas")
    done = user("disable", NEW)
    assert done.stdout.startswith(f"user {NEW} disabled since ")
    assert signs_in(NEW) is None


def test_disabling_an_unknown_user_is_exit_4(user):
    done = user("disable", NEW, check=4)
    assert one_error(done) == f"beteiligung: error: no user {NEW} (see 'beteiligung user add')"
