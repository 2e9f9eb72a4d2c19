"""A process names its department from the register (with the directorate that follows), a
free-text department stored before the register still loads and edits, and a second process
of one title in one department is created only on purpose."""

from __future__ import annotations

from dataclasses import replace

import pytest

from beteiligung.config.settings import load_settings
from beteiligung.states.case import Person
from beteiligung.states.departments import Register
from beteiligung.states.errors import BadInput
from beteiligung.workflow.departments import DuplicateTitle
from beteiligung.workflow.process import ProcessInput, create_process, edit_process

LEAD = Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")
REGISTER = Register(load_settings({}).departments)


@pytest.fixture
def reg(env):
    """The use cases' wiring with the default register of departments."""
    return replace(env, departments=REGISTER)


def _new(env, title: str = "Stadtteilpark", confirm: bool = False, **changes):
    return create_process(env, LEAD.email, ProcessInput(title, lead=LEAD, **changes),
                          confirm_duplicate=confirm)


@pytest.mark.parametrize("typed", ["67", "FB 67", "Umwelt und Stadtgrün",
                                   "Umwelt und Stadtgrün (67)"])
def test_any_form_of_a_department_is_stored_as_its_entry_with_its_directorate(reg, store, typed):
    case = _new(reg, department=typed)
    stored = store.cases[case.id]
    assert (stored.department, stored.directorate) == ("Umwelt und Stadtgrün (67)", "Dezernat V")
    assert store.events[case.id][0].payload["department"] == "Umwelt und Stadtgrün (67)"


def test_an_unknown_department_is_refused_in_either_language_and_nothing_is_written(reg, store):
    with pytest.raises(BadInput) as refused:
        _new(reg, department="Grünflächenamt")
    assert refused.value.text("de") == (
        "department: „Grünflächenamt“ ist nicht im Fachbereichsverzeichnis; Kennzahl (67), "
        "„FB 67“, Namen oder „Name (67)“ angeben (alle zeigt 'beteiligung department list')")
    assert "'beteiligung department list' shows them all" in refused.value.text("en")
    assert store.cases == {} and store.events == {}


def test_a_directorate_that_contradicts_the_register_is_refused(reg, store):
    with pytest.raises(BadInput, match="belongs to 'Dezernat V' by the register"):
        _new(reg, department="67", directorate="Dezernat VI")
    assert _new(reg, department="67", directorate="Dezernat V").directorate == "Dezernat V"
    assert store.cases[1].directorate == "Dezernat V"


def test_without_a_department_the_directorate_is_kept_as_given(reg):
    assert (_new(reg, directorate="Dezernat V").department, _new(
        reg, "Anderer Titel", directorate="Dezernat V").directorate) == ("", "Dezernat V")


def test_without_a_register_departments_are_free_text(env):
    case = _new(env, department="Planungsamt", directorate="Dez. 6")
    assert (case.department, case.directorate) == ("Planungsamt", "Dez. 6")


def test_a_free_text_department_from_before_the_register_still_edits(env, store):
    pid = _new(env, department="Grünamt", directorate="Dez. 5").id
    reg = replace(env, departments=REGISTER)
    edit_process(reg, LEAD.email, pid, {"title": "Neuer Titel", "department": "Grünamt",
                                        "directorate": "Dez. 5"})
    assert (store.cases[pid].title, store.cases[pid].department) == ("Neuer Titel", "Grünamt")
    with pytest.raises(BadInput, match="'Grünamt2' is not in the register"):
        edit_process(reg, LEAD.email, pid, {"department": "Grünamt2"})
    edit_process(reg, LEAD.email, pid, {"department": "FB 67"})
    stored = store.cases[pid]
    assert (stored.department, stored.directorate) == ("Umwelt und Stadtgrün (67)", "Dezernat V")
    assert store.events[pid][-1].payload["directorate"] == {"from": "Dez. 5", "to": "Dezernat V"}


def test_editing_the_directorate_of_a_register_department_must_agree(reg, store):
    pid = _new(reg, department="61").id
    with pytest.raises(BadInput, match="belongs to 'Dezernat VI'"):
        edit_process(reg, LEAD.email, pid, {"directorate": "Dezernat V"})
    edit_process(reg, LEAD.email, pid, {"directorate": "", "subject": "Neu"})
    assert store.cases[pid].directorate == "Dezernat VI"


def test_a_second_process_of_one_title_in_one_department_needs_confirmation(reg, store):
    first = _new(reg, "Stadtteilpark Bothfeld", department="FB 67").id
    with pytest.raises(DuplicateTitle) as twice:
        _new(reg, " stadtteilpark bothfeld ", department="Umwelt und Stadtgrün (67)")
    assert twice.value.existing == (first,)
    assert twice.value.text("de") == (
        "Im Fachbereich „Umwelt und Stadtgrün (67)“ gibt es schon einen Prozess „Stadtteilpark "
        f"Bothfeld“ (Prozess {first}): einen zweiten nur anlegen, wenn er ein eigenes "
        "Verfahren ist")
    assert list(store.cases) == [first]
    assert _new(reg, "Stadtteilpark Bothfeld", department="61").id == 2  # another department
    assert _new(reg, "Stadtteilpark Bothfeld", department="67", confirm=True).id == 3


def test_a_free_text_department_that_resolves_is_the_same_department(env, store):
    first = _new(env, "Spielplatz", department="FB 67").id   # stored before the register
    with pytest.raises(DuplicateTitle, match=f"process {first}"):
        _new(replace(env, departments=REGISTER), "Spielplatz", department="67")
