"""Where ``beteiligung user add`` takes the new password from: the environment variable if it
is set (even empty), else two prompts that must agree."""

from __future__ import annotations

import pytest

from beteiligung.cli import accounts
from beteiligung.states.errors import BadInput


def _prompts(monkeypatch, *answers: str) -> list[str]:
    asked: list[str] = []
    replies = iter(answers)

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return next(replies)

    monkeypatch.setattr(accounts.getpass, "getpass", getpass)
    return asked


def test_the_environment_variable_wins_and_nothing_is_asked(monkeypatch):
    asked = _prompts(monkeypatch)
    monkeypatch.setenv("BETEILIGUNG_NEW_PASSWORD", "aus der Umgebung")
    assert accounts.read_new_password() == "aus der Umgebung"
    monkeypatch.setenv("BETEILIGUNG_NEW_PASSWORD", "")
    assert accounts.read_new_password() == ""
    assert asked == []


def test_without_it_the_password_is_asked_twice(monkeypatch):
    monkeypatch.delenv("BETEILIGUNG_NEW_PASSWORD", raising=False)
    asked = _prompts(monkeypatch, "zweimal getippt", "zweimal getippt")
    assert accounts.read_new_password() == "zweimal getippt"
    assert asked == ["New password: ", "Repeat the password: "]


def test_two_different_answers_are_refused(monkeypatch):
    monkeypatch.delenv("BETEILIGUNG_NEW_PASSWORD", raising=False)
    _prompts(monkeypatch, "zweimal getippt", "zweimal getipt")
    with pytest.raises(BadInput, match="the two passwords differ"):
        accounts.read_new_password()
