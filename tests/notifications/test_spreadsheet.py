"""Formulas in CSV cells (OWASP "CSV injection"): ``Dialect.row``, where every CSV row of
beteiligung is written, defuses text a spreadsheet would run and leaves our numbers numbers."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from beteiligung.notifications.spreadsheet import DIALECTS, defuse

ATTACKS = ["=HYPERLINK(\"https://böse.example\";\"klick\")", "+1+cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
           "  =1+1", "\n=1+1", "\u00a0=1+1", "\uff1d1+1", "-5"]


@pytest.mark.parametrize("text", ATTACKS)
def test_text_that_could_start_a_formula_gets_an_apostrophe(text):
    assert defuse(text) == "'" + text


@pytest.mark.parametrize("text", ["Lindener Marktplatz", "Straße = Weg", "a-b", "", " x",
                                  "2026-03-01", "B-12-3"])
def test_other_text_is_left_alone(text):
    assert defuse(text) == text


@pytest.mark.parametrize("number", [-3, 0, 17, -1.5, Decimal("-2.25")])
def test_our_numbers_stay_numbers_also_negative_ones(number):
    assert defuse(number) is number
    for name, dialect in DIALECTS.items():
        line = dialect.row(["x", number])
        assert line.endswith(str(number)) and "'" not in line, name


def test_anything_else_is_written_as_defused_text():
    class Named:
        def __str__(self) -> str:
            return "=1+1"

    assert defuse(Named()) == "'=1+1"
    assert defuse(True) == "True" and defuse(None) is None
    assert defuse(date(2026, 3, 1)) == "2026-03-01"


def test_a_row_in_both_dialects_reads_back_defused():
    for dialect in DIALECTS.values():
        line = dialect.row(["=1+1", -4, "Text; mit \"Zitat\"\nund Zeile"], "\r\n")
        cells = next(csv.reader(io.StringIO(line), delimiter=dialect.delimiter))
        assert cells == ["'=1+1", "-4", "Text; mit \"Zitat\"\nund Zeile"]
