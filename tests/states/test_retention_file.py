"""The retention file: the shipped one parses, and every kind of mistake is refused naming
the file and the line, in German and in English (issue 13)."""

from __future__ import annotations

import pytest

from beteiligung.config.settings import HERE
from beteiligung.states.errors import BadInput
from beteiligung.states.retention import Retention, parse

GOOD = """\
[outbox_bodies]
days_after_sent = 30

[sessions]
days_after_end = 1

[resident_contact]
days_after_close = 183

[closed_processes]
days_after_close = 3653
"""


def test_the_shipped_file_has_the_documented_periods():
    text = (HERE / "retention.toml").read_text(encoding="utf-8")
    assert parse(text, "retention.toml") == Retention(30, 1, 183, 3653) == parse(GOOD, "x")


@pytest.mark.parametrize(("text", "de", "en"), [
    (GOOD.replace("= 30", "= -1"), "x.toml, Zeile 2: days_after_sent muss eine ganze Zahl",
     "x.toml, line 2: days_after_sent must be a whole number"),
    (GOOD.replace("= 1\n", "= true\n"), "x.toml, Zeile 5: days_after_end muss",
     "x.toml, line 5: days_after_end must"),
    (GOOD.replace("= 183", "= 36501"), "x.toml, Zeile 8:", "x.toml, line 8: "),
    (GOOD.replace("days_after_end = 1", "days_after_end = 1\nhours = 3"),
     "x.toml, Zeile 6: [sessions] kennt hours nicht", "x.toml, line 6: [sessions] has no hours"),
    (GOOD + "\n[audit_events]\nyears = 10\n", "x.toml, Zeile 13: unbekannte Art [audit_events]",
     "x.toml, line 13: unknown kind [audit_events]"),
    (GOOD.replace("= 3653", "= 10.5"), "x.toml, Zeile 11: days_after_close muss",
     "x.toml, line 11: days_after_close must"),
    (GOOD.replace("= 3653", "= 0"), "x.toml, Zeile 11: days_after_close muss eine ganze Zahl "
     "von Tagen von 365 bis 36500 sein, nicht 0", "from 365 to 36500"),
    (GOOD.replace("[sessions]\ndays_after_end = 1\n", ""),
     "x.toml, Zeile 1: [sessions] braucht days_after_end", "[sessions] needs days_after_end"),
    (GOOD.replace("days_after_sent = 30", "days_after_sent = "), "x.toml: kein gültiges TOML",
     "x.toml: not valid TOML"),
])
def test_a_mistake_is_refused_naming_the_line(text, de, en):
    with pytest.raises(BadInput) as refused:
        parse(text, "x.toml")
    assert de in refused.value.text("de")
    assert en in refused.value.text("en")
    assert "\n" not in refused.value.text("de")


def test_a_file_from_before_closed_processes_keeps_ten_years():
    older = GOOD[:GOOD.index("[closed_processes]")]
    assert parse(older, "x.toml") == Retention(30, 1, 183, 3653)
