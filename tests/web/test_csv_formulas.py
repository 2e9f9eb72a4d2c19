"""The coordinators' CSV downloads (the stuck list and the quarterly report) defuse what a
spreadsheet would run as a formula, in both dialects (``notifications.spreadsheet``)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

BASE = "/intern/koordinierung"
TITLE = "=HYPERLINK(\"https://böse.example\";\"klick\")"
DEPARTMENT = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture
def coordinator(client, web):
    web.add_user(web.COORDINATOR, "Kim Koordination", role="coordinator")
    web.sign_in(client, web.COORDINATOR)
    return client


def rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


@pytest.mark.parametrize(("dialect", "delimiter"), [("excel-de", ";"), ("plain", ",")])
def test_the_stuck_list_download_defuses_formulas(coordinator, web, app_env, dialect,
                                                  delimiter):
    web.journey.new_process(app_env, title=TITLE, department=DEPARTMENT, deputy=None)
    text = coordinator.get(f"{BASE}/haengend?format=csv&csv_dialect={dialect}").text
    header, *body = rows(text, delimiter)
    [row] = [dict(zip(header, r, strict=True)) for r in body]
    values = set(row.values())
    assert "'" + TITLE in values and "'" + DEPARTMENT in values
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)


def test_the_quarterly_download_defuses_formulas(coordinator, web, app_env, clock):
    web.journey.new_process(app_env, department=DEPARTMENT, directorate="+1+1")
    clock.now = datetime(2026, 7, 10, 9, 0, tzinfo=UTC)
    web.sign_in(coordinator, web.COORDINATOR)
    text = coordinator.get(f"{BASE}/quartalsbericht?quarter=2026Q1&format=csv").text
    [line] = [r for r in rows(text, ";")[1:] if r[2].endswith(DEPARTMENT)]
    assert line[:3] == ["2026Q1", "'+1+1", "'" + DEPARTMENT]
    assert all(cell.isdigit() for cell in line[3:] if cell not in ("ja", "nein"))
