"""CLI tables (``cli.render.table``) print stored text, which anyone with a form may have
written: terminal escape sequences and other control characters are dropped, so a title can
neither recolour, retitle nor beep the operator's terminal, and the columns stay aligned."""

from __future__ import annotations

from argparse import Namespace

from beteiligung.cli import commands
from beteiligung.cli.render import clean, table

RED = "Markt\x1b[31mplatz\x07"


def test_a_table_drops_escapes_and_control_characters(capsys):
    table([["1", RED, "Ende"], ["22", "Park", "x"]], ["ID", "TITLE", "MORE"])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert out.splitlines() == ["ID  TITLE       MORE", "1   Marktplatz  Ende",
                                "22  Park        x"]


def test_every_kind_of_escape_goes_and_newlines_stay_as_they_were():
    assert clean("\x1b]8;;https://böse.example\x07klick\x1b]8;;\x07") == "klick"   # OSC link
    assert clean("\x1b]0;neuer Titel\x1b\\text") == "text"                          # OSC, ST
    assert clean("a\x1bcb\x9b2Jc\x7fd\x00e\rf") == "abcdef"                          # RIS, CSI
    assert clean("a\tb") == "a b"
    assert clean("gut\u202eesab") == "gutesab"                                     # bidi
    assert clean("Zeile 1\nZeile 2") == "Zeile 1\nZeile 2"
    assert clean("Grüße, 😀 ß") == "Grüße, 😀 ß"


def test_process_list_shows_a_stored_title_cleaned(env, journey, monkeypatch, capsys):
    journey.new_process(env, title="Lindener " + RED)
    monkeypatch.setattr(commands, "wired", lambda settings=None: env)
    assert commands.process_list(Namespace(state=None, json=False, lang="de")) == 0
    out = capsys.readouterr().out
    assert "Lindener Marktplatz" in out and "\x1b" not in out and "\x07" not in out


def test_an_unterminated_escape_string_takes_only_its_cell():
    assert clean("ok\x1b]0;Titel ohne Ende\n") == "ok"
    assert clean("ok\x1b[") == "ok" and clean("ok\x1b") == "ok"
