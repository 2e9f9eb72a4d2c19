"""The account use cases on the fakes, with a transparent fake hasher: who may add and
disable users, the password and role rules, and what ``verify_password`` answers."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest

from beteiligung.states.errors import BadInput, Conflict, NotFound, NotPermitted
from beteiligung.workflow import accounts

COORDINATOR = "koordination@hannover-stadt.de"
LEAD = "anna.lehmann@hannover-stadt.de"
PASSWORD = "correct horse battery"


@dataclass
class FakePasswordHasher:
    """``PasswordHasher`` whose hashes show their parameter version and password; it records
    every hash it verifies against."""

    version: int = 1
    verified: list[str] = field(default_factory=list)

    def hash(self, password: str) -> str:
        return f"v{self.version}${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified.append(password_hash)
        return password_hash.split("$", 1)[1] == password

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(f"v{self.version}$")

    def dummy_hash(self) -> str:
        return "dummy$no one's password"


@pytest.fixture
def hasher() -> FakePasswordHasher:
    return FakePasswordHasher()


@pytest.fixture
def env(fake, hasher):
    return replace(fake.env, passwords=hasher)


def stored(fake, email: str):
    return fake.store.users[email]


def test_a_coordinator_adds_an_active_user_with_a_hashed_password(env, fake, clock, hasher):
    user = accounts.add_user(env, COORDINATOR.upper(), "  Anna.Lehmann@Hannover-Stadt.de ",
                             " Anna Lehmann ", PASSWORD)

    assert (user.email, user.name, user.role, user.active) == (LEAD, "Anna Lehmann", "lead",
                                                               True)
    assert (user.created_at, user.created_by, user.disabled_at) == (clock.now, COORDINATOR,
                                                                    None)
    assert stored(fake, LEAD) == (user, hasher.hash(PASSWORD))
    assert fake.store.commits == 1


@pytest.mark.parametrize("actor", [LEAD, "someone@else.de"])
def test_only_a_coordinator_may_add_a_user(env, fake, actor):
    with pytest.raises(NotPermitted, match="only a coordinator"):
        accounts.add_user(env, actor, "new@hannover-stadt.de", "New", PASSWORD)
    assert fake.store.users == {}


def test_adding_without_an_actor_says_how_to_give_one(env, fake):
    with pytest.raises(BadInput, match="--as EMAIL or set BETEILIGUNG_USER"):
        accounts.add_user(env, " ", LEAD, "Anna", PASSWORD)
    assert fake.store.users == {}


def test_a_password_needs_twelve_characters(env, fake):
    with pytest.raises(BadInput, match="password: at least 12 characters, not 11"):
        accounts.add_user(env, COORDINATOR, LEAD, "Anna", "x" * 11)
    assert fake.store.users == {}
    assert accounts.add_user(env, COORDINATOR, LEAD, "Anna", "x" * 12).active


@pytest.mark.parametrize(("email", "name", "role", "message"), [
    ("not-an-address", "Anna", "lead", "email: 'not-an-address' is not an e-mail address"),
    (LEAD, "   ", "lead", "name: must not be empty"),
    (LEAD, "Anna", "admin", "role: 'admin' is not one of lead, coordinator"),
    (LEAD, "Anna", "coordinator", "not among the coordinators in the settings"),
    (COORDINATOR, "Koordination", "lead", "is a coordinator in the settings; use --role "
                                          "coordinator"),
])
def test_bad_input_is_refused_and_nothing_is_stored(env, fake, email, name, role, message):
    with pytest.raises(BadInput, match=message):
        accounts.add_user(env, COORDINATOR, email, name, PASSWORD, role)
    assert fake.store.users == {}


def test_a_coordinator_of_the_settings_gets_the_coordinator_role(env, fake):
    user = accounts.add_user(env, COORDINATOR, COORDINATOR, "Koordination", PASSWORD,
                             "coordinator")
    assert stored(fake, COORDINATOR)[0].role == user.role == "coordinator"


def test_an_address_is_taken_whatever_its_case(env, fake):
    accounts.add_user(env, COORDINATOR, LEAD, "Anna", PASSWORD)
    with pytest.raises(Conflict, match=f"a user {LEAD} exists already"):
        accounts.add_user(env, COORDINATOR, LEAD.upper(), "Other Anna", "another password")
    assert stored(fake, LEAD)[0].name == "Anna"
    assert list(fake.store.users) == [LEAD]


def test_the_right_password_gives_the_user_whatever_the_address_case(env):
    added = accounts.add_user(env, COORDINATOR, LEAD, "Anna", PASSWORD)
    assert accounts.verify_password(env, LEAD.upper(), PASSWORD) == added
    assert accounts.verify_password(env, LEAD, PASSWORD + " ") is None
    assert accounts.verify_password(env, LEAD, "") is None


def test_an_unknown_address_is_checked_against_the_dummy_hash(env, hasher):
    assert accounts.verify_password(env, "nobody@hannover-stadt.de", PASSWORD) is None
    assert hasher.verified == [hasher.dummy_hash()]


def test_a_disabled_user_never_verifies_but_is_still_checked(env, fake, clock, hasher):
    accounts.add_user(env, COORDINATOR, LEAD, "Anna", PASSWORD)
    clock.advance(days=1)
    disabled = accounts.disable_user(env, COORDINATOR, LEAD.upper())

    assert (disabled.active, disabled.disabled_at, disabled.disabled_by) == (
        False, clock.now, COORDINATOR)
    assert stored(fake, LEAD)[0] == disabled
    assert accounts.verify_password(env, LEAD, PASSWORD) is None
    assert hasher.verified == [hasher.hash(PASSWORD)]


def test_a_hash_with_old_parameters_is_replaced_after_a_successful_check(env, fake, hasher):
    accounts.add_user(env, COORDINATOR, LEAD, "Anna", PASSWORD)
    hasher.version = 2

    assert accounts.verify_password(env, LEAD, "wrong password!") is None
    assert stored(fake, LEAD)[1] == f"v1${PASSWORD}"
    assert accounts.verify_password(env, LEAD, PASSWORD) is not None
    assert stored(fake, LEAD)[1] == f"v2${PASSWORD}"
    assert accounts.verify_password(env, LEAD, PASSWORD) is not None


def test_disabling_again_keeps_the_first_time(env, fake, clock):
    accounts.add_user(env, COORDINATOR, LEAD, "Anna", PASSWORD)
    first_time = clock.now
    first = accounts.disable_user(env, COORDINATOR, LEAD)
    clock.advance(days=3)
    again = accounts.disable_user(env, COORDINATOR, LEAD)
    assert again == first == stored(fake, LEAD)[0]
    assert again.disabled_at == first_time


def test_only_a_coordinator_may_disable_a_user(env, fake):
    accounts.add_user(env, COORDINATOR, LEAD, "Anna", PASSWORD)
    with pytest.raises(NotPermitted, match="may not disable users"):
        accounts.disable_user(env, LEAD, LEAD)
    assert stored(fake, LEAD)[0].active


def test_disabling_an_unknown_user_is_not_found(env):
    with pytest.raises(NotFound, match="no user nobody@hannover-stadt.de"):
        accounts.disable_user(env, COORDINATOR, "nobody@hannover-stadt.de")
