"""The register of departments: what people type resolves to one entry, or to none."""

from __future__ import annotations

import pytest

from beteiligung.config.settings import load_settings
from beteiligung.states.departments import Department, Register

REGISTER = Register([Department("67", "Umwelt und Stadtgrün", "Dezernat V"),
                     Department("61", "Stadtplanung", "Dezernat VI"),
                     Department("52", "Sport (Bäder)", "Dezernat III")])
GREEN = REGISTER.entries[0]


@pytest.mark.parametrize("typed", [
    "67", "FB 67", "fb67", "FB. 67", "Fachbereich 67", "Umwelt und Stadtgrün",
    "umwelt  und  STADTGRÜN", "Fachbereich Umwelt und Stadtgrün", "Umwelt und Stadtgrün (67)",
    "Umwelt und Stadtgrün (FB 67)", " Umwelt und Stadtgrün ( 67 ) ", "FB 67 Umwelt und Stadtgrün",
    "67 Umwelt und Stadtgrün",
])
def test_every_way_of_naming_a_department_resolves_to_its_entry(typed):
    assert REGISTER.resolve(typed) == GREEN


@pytest.mark.parametrize("typed", ["", "  ", "68", "FB", "Grünflächenamt", "Stadtplanung (67)",
                                   "FB 67 Stadtplanung", "Umwelt (67)", "(67)"])
def test_unknown_or_contradicting_names_resolve_to_none(typed):
    assert REGISTER.resolve(typed) is None


def test_a_name_with_brackets_is_still_a_name():
    assert REGISTER.resolve("Sport (Bäder)").code == "52"
    assert REGISTER.resolve("Sport (Bäder) (52)").code == "52"


def test_canonical_puts_free_text_on_its_entry_and_leaves_unknown_text_alone():
    assert REGISTER.canonical("FB 67", "Dez. 5") == ("Umwelt und Stadtgrün (67)", "Dezernat V")
    assert REGISTER.canonical("Grünamt", "Dez. 5") == ("Grünamt", "Dez. 5")
    assert Register().canonical("FB 67", "x") == ("FB 67", "x")
    assert not Register() and REGISTER


def test_regroup_sums_the_counts_of_one_entry():
    counts = {"FB 67": 1, "Umwelt und Stadtgrün (67)": 2, "Grünamt": 4}
    assert REGISTER.regroup(counts) == {"Umwelt und Stadtgrün (67)": 3, "Grünamt": 4}


def test_the_default_register_covers_the_departments_of_the_demo_and_the_tests():
    register = Register(load_settings({}).departments)
    for code, label, directorate in [("51", "Jugend und Familie (51)", "Dezernat III"),
                                     ("61", "Stadtplanung (61)", "Dezernat VI"),
                                     ("66", "Tiefbau (66)", "Dezernat VI"),
                                     ("67", "Umwelt und Stadtgrün (67)", "Dezernat V")]:
        entry = register.resolve(code)
        assert (entry.label, entry.directorate) == (label, directorate)
        assert register.resolve(label) == entry
