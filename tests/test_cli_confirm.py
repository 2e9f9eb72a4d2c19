"""``advance ID cancel`` asks before a step that cannot be undone (``cli.confirm``): on a
terminal it names the process and waits for "ja"; without a terminal and without ``--yes`` it
refuses before anything is written; a step that would be refused anyway is not asked about."""

from __future__ import annotations

import argparse
import io

import pytest

from beteiligung.cli import confirm
from beteiligung.states.case import Person
from beteiligung.states.errors import BadInput
from beteiligung.workflow import process

LEAD = Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")


class Terminal(io.StringIO):
    """Standard input as a terminal, with the answer already typed."""

    def __init__(self, answer: str, tty: bool = True) -> None:
        super().__init__(answer)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.fixture
def pid(env) -> int:
    return process.create_process(env, LEAD.email, process.ProcessInput(
        "Spielplatz Nord", lead=LEAD)).id


def ask(env, monkeypatch, capsys, pid: int, answer: str, *, reason: str = "zurückgezogen",
        language: str = "de", trigger: str = "cancel", tty: bool = True) -> tuple[bool, str]:
    monkeypatch.setattr("sys.stdin", Terminal(answer, tty))
    args = argparse.Namespace(id=pid, trigger=trigger, reason=reason, yes=False)
    said = confirm.confirmed(env, args, language)
    return said, capsys.readouterr().err


@pytest.mark.parametrize("answer", ["ja\n", "J\n", "y\n", "yes\n"])
def test_on_a_terminal_yes_goes_on(env, monkeypatch, capsys, pid, answer):
    said, asked = ask(env, monkeypatch, capsys, pid, answer)
    assert said is True
    assert asked == (f"Prozess {pid} „Spielplatz Nord“ in die Phase „Abgebrochen“ bringen "
                     "(cancel)? Das kann nicht rückgängig gemacht werden. [j/N] ")


@pytest.mark.parametrize("answer", ["\n", "nein\n", "n\n", ""])
def test_anything_else_stops_and_says_so(env, monkeypatch, capsys, pid, answer):
    said, asked = ask(env, monkeypatch, capsys, pid, answer)
    assert said is False and asked.endswith(f"Nicht bestätigt: Prozess {pid} bleibt, wie er "
                                            "ist.\n")


def test_the_question_in_english(env, monkeypatch, capsys, pid):
    said, asked = ask(env, monkeypatch, capsys, pid, "no\n", language="en")
    assert said is False
    assert asked.startswith(f"Move process {pid} 'Spielplatz Nord' to phase 'Cancelled' "
                            "(cancel)? This cannot be undone. [y/N] ")


def test_without_a_terminal_it_is_refused_with_what_to_do(env, monkeypatch, capsys, pid):
    with pytest.raises(BadInput) as refused:
        ask(env, monkeypatch, capsys, pid, "ja\n", tty=False)
    assert refused.value.text("de") == (
        f"„cancel“ bringt Prozess {pid} „Spielplatz Nord“ endgültig in die Phase „Abgebrochen“ "
        "und kann nicht rückgängig gemacht werden: mit --yes bestätigen (nichts geändert)")
    assert "confirm it with --yes" in refused.value.text("en")


def test_yes_and_steps_that_can_be_undone_ask_nothing(env, monkeypatch, capsys, pid):
    monkeypatch.setattr("sys.stdin", Terminal("", tty=False))
    given = argparse.Namespace(id=pid, trigger="cancel", reason="x", yes=True)
    assert confirm.confirmed(env, given, "de") is True
    for trigger in ("hold", "set_up_begleitgruppe", "weiter"):
        said, asked = ask(env, monkeypatch, capsys, pid, "", trigger=trigger, tty=False)
        assert (said, asked) == (True, "")


def test_a_cancel_that_lacks_its_reason_is_not_asked_about(env, monkeypatch, capsys, pid):
    said, asked = ask(env, monkeypatch, capsys, pid, "", reason="")
    assert (said, asked) == (True, "")   # the refusal then says that the reason is missing


def test_in_a_script_a_cancel_that_lacks_its_reason_is_told_what_is_missing(env, monkeypatch,
                                                                            capsys, pid):
    """Without a terminal, a cancel that would be refused anyway is not answered with
    "confirm with --yes" (which would only lead to the refusal next): ``advance`` refuses it
    and says the reason is missing."""
    said, asked = ask(env, monkeypatch, capsys, pid, "", reason="", tty=False)
    assert (said, asked) == (True, "")
