"""Accounts on the real databases with the real argon2id hasher: what the ``users`` table
holds, the unique address, the role check, and rehashing on sign-in."""

from __future__ import annotations

from dataclasses import replace

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from beteiligung.config.passwords import Argon2PasswordHasher
from beteiligung.states.errors import Conflict
from beteiligung.storage.sql import SqlUnitOfWork
from beteiligung.workflow import accounts

COORDINATOR = "koordination@hannover-stadt.de"
LEAD = "anna.lehmann@hannover-stadt.de"
PASSWORD = "Ein langes Passwort ü"


def _row(engine, email: str):
    with engine.connect() as conn:
        return conn.execute(text("SELECT * FROM users WHERE email = :e"), {"e": email}).one()


def test_an_added_user_is_stored_with_an_argon2id_hash_and_signs_in(env, engine, clock):
    added = accounts.add_user(env, COORDINATOR, "Anna.Lehmann@Hannover-Stadt.de", "Anna",
                              PASSWORD)

    row = _row(engine, LEAD)
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    assert (row.id, row.name, row.role, bool(row.active), row.created_by) == (
        added.id, "Anna", "lead", True, COORDINATOR)
    assert accounts.verify_password(env, LEAD, PASSWORD) == added
    assert added.created_at == clock.now
    assert accounts.verify_password(env, LEAD, PASSWORD.upper()) is None
    assert accounts.verify_password(env, "nobody@hannover-stadt.de", PASSWORD) is None


def test_a_disabled_user_no_longer_signs_in(env, engine, clock):
    accounts.add_user(env, COORDINATOR, LEAD, "Anna", PASSWORD)
    clock.advance(hours=2)
    accounts.disable_user(env, COORDINATOR, LEAD)

    row = _row(engine, LEAD)
    assert (bool(row.active), row.disabled_by) == (False, COORDINATOR)
    assert accounts.verify_password(env, LEAD, PASSWORD) is None
    with SqlUnitOfWork(engine) as uow:
        assert uow.users.get(LEAD).disabled_at == clock.now


def test_the_same_address_twice_is_a_conflict_and_the_transaction_goes_on(env, engine):
    first = accounts.add_user(env, COORDINATOR, LEAD, "Anna", PASSWORD)
    with SqlUnitOfWork(engine) as uow:
        user = uow.users.get(LEAD)
        with pytest.raises(Conflict, match="exists already"):
            uow.users.add(replace(user, name="Someone else"), "hash")
        # the refused insert did not abort the transaction (PostgreSQL would otherwise)
        uow.users.set_password_hash(first.id, "changed")
        uow.commit()
    assert (_row(engine, LEAD).name, _row(engine, LEAD).password_hash) == ("Anna", "changed")


def test_the_database_refuses_an_unknown_role(engine, clock):
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("INSERT INTO users (email, name, password_hash, role, active, "
                          "created_at, created_by) VALUES ('x@y.de', 'X', 'h', 'admin', "
                          ":t, :at, 'k@y.de')"), {"t": True, "at": clock.now})


def test_a_weaker_hash_is_replaced_on_sign_in(env, engine):
    weak = Argon2PasswordHasher(PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    accounts.add_user(replace(env, passwords=weak), COORDINATOR, LEAD, "Anna", PASSWORD)
    old = _row(engine, LEAD).password_hash
    assert "m=8192,t=1,p=1" in old

    assert accounts.verify_password(env, LEAD, PASSWORD) is not None

    new = _row(engine, LEAD).password_hash
    assert new != old and "m=65536,t=3,p=4" in new
    assert accounts.verify_password(env, LEAD, PASSWORD) is not None
    assert _row(engine, LEAD).password_hash == new


def test_the_argon2_hasher_answers_false_for_a_malformed_hash():
    hasher = Argon2PasswordHasher()
    assert hasher.verify("not a hash", PASSWORD) is False
    assert hasher.needs_rehash("not a hash") is True
    assert hasher.dummy_hash() == hasher.dummy_hash()
    assert hasher.verify(hasher.dummy_hash(), PASSWORD) is False
