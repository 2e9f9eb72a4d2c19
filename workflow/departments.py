"""A process's department and directorate from the register, and the same title twice.

``settle_new`` and ``settle_edit`` turn what a lead typed into the register's entry: the
department stored as the entry's label, the directorate the entry's. A text the register does
not know is refused, and so is a directorate that contradicts the entry. A process stored
before the register (free text) keeps its department until someone changes it; editing its
other fields does not require the register. With an empty register, nothing is checked.

``find_stuck`` is the coordinators' stuck list with every finding on its register entry.
``same_title`` finds the processes of the same department with the same title, so that a
second one is created only on purpose.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..states.case import Case
from ..states.departments import Department, Register
from ..states.error_texts import refuse
from ..states.errors import BadInput
from ..states.lifecycle import Lifecycle
from . import oversight
from .oversight import Finding, Limits, OversightReader
from .ports import ProcessSummary, UnitOfWork


def _entry(register: Register, text: str) -> Department:
    entry = register.resolve(text)
    if entry is None:
        raise refuse("department_unknown", option="department", given=text.strip())
    return entry


def _check_directorate(entry: Department, given: str) -> None:
    if given.strip() and given.strip() != entry.directorate:
        raise refuse("directorate_mismatch", option="directorate", department=entry.label,
                     expected=entry.directorate, given=given.strip())


def settle_new(register: Register, department: str, directorate: str) -> tuple[str, str]:
    """The department and directorate to store for a new process."""
    if not register or not department.strip():
        return department, directorate
    entry = _entry(register, department)
    _check_directorate(entry, directorate)
    return entry.label, entry.directorate


def settle_edit(register: Register, case: Case, changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` with department and directorate as the register has them.

    A department equal to the stored one counts as unchanged (a form sends every field), so a
    process with a free-text department can still be edited."""
    if not register:
        return changes
    settled = dict(changes)
    if settled.get("department", case.department) != case.department:
        department, directorate = settle_new(register, settled["department"],
                                             settled.get("directorate", ""))
        settled["department"] = department
        if department.strip() or "directorate" in settled:
            settled["directorate"] = directorate
        return settled
    entry = register.resolve(case.department)
    if entry is not None and "directorate" in settled:
        _check_directorate(entry, settled["directorate"])
        settled["directorate"] = entry.directorate
    return settled


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def same_title(uow: UnitOfWork, register: Register, title: str,
               department: str) -> list[ProcessSummary]:
    """The stored processes with this title (ignoring case and spacing) whose department is
    this one (by the register, so ``FB 67`` and ``Umwelt und Stadtgrün (67)`` are one)."""
    if not department.strip():
        return []
    mine = register.canonical(department, "")[0]
    return [p for p in uow.processes.titled(title)
            if _same(p.title, title) and _same(register.canonical(p.department, "")[0], mine)]


class DuplicateTitle(BadInput):
    """The department already has a process with this title; ``existing`` holds their ids."""

    existing: tuple[int, ...] = ()


def refuse_same_title(uow: UnitOfWork, register: Register, case: Case) -> None:
    """Raise ``DuplicateTitle`` when ``case`` would be a second process of its title in its
    department (its params name them; the CLI says them with ``duplicate_title_cli``)."""
    existing = same_title(uow, register, case.title, case.department)
    if not existing:
        return
    ids = tuple(p.id for p in existing)
    error = refuse("duplicate_title", DuplicateTitle,
                   department=case.department, title=existing[0].title,
                   existing=", ".join(str(i) for i in ids), first=ids[0])
    assert isinstance(error, DuplicateTitle)  # refuse makes an error of the kind it is given
    error.existing = ids
    raise error


def find_stuck(reader: OversightReader, lifecycle: Lifecycle, as_of: date, limits: Limits,
               register: Register, *, department: str | None = None,
               **options: Any) -> list[Finding]:
    """``workflow.oversight.find_stuck`` with departments as the register has them: each
    finding names its department's entry (a free-text department that resolves, like
    ``FB 67``, is shown as ``Umwelt und Stadtgrün (67)``), and ``department`` may be given in
    any form the register resolves. A department neither in the register nor named by any
    process is refused."""
    if not register:
        return oversight.find_stuck(reader, lifecycle, as_of, limits, department=department,
                                    **options)
    wanted = register.resolve(department) if department is not None else None
    if department is not None and wanted is None and not reader.has_department(department):
        raise refuse("department_unknown", option="--department", given=department)
    findings = oversight.find_stuck(reader, lifecycle, as_of, limits, **options)
    for finding in findings:
        finding.department, finding.directorate = register.canonical(finding.department,
                                                                     finding.directorate)
    if department is None:
        return findings
    label = wanted.label if wanted else department
    return [f for f in findings if f.department == label]
