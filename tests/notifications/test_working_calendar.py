"""Working days in Lower Saxony: weekends and the state's public holidays are not."""

from __future__ import annotations

from datetime import date

import pytest

from beteiligung.notifications.calendar import WorkingCalendar


@pytest.fixture(scope="module")
def niedersachsen() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.mark.parametrize(("day", "working"), [
    (date(2026, 5, 26), True),    # Tuesday
    (date(2026, 5, 23), False),   # Saturday
    (date(2026, 5, 24), False),   # Sunday
    (date(2026, 1, 1), False),    # Neujahr
    (date(2026, 4, 3), False),    # Karfreitag
    (date(2026, 4, 6), False),    # Ostermontag
    (date(2026, 4, 7), True),     # the Tuesday after Easter
    (date(2026, 5, 1), False),    # Tag der Arbeit, a Friday
    (date(2026, 5, 14), False),   # Christi Himmelfahrt
    (date(2026, 5, 25), False),   # Pfingstmontag
    (date(2026, 6, 4), True),     # Fronleichnam: a holiday in Bavaria, not in Lower Saxony
    (date(2025, 10, 3), False),   # Tag der Deutschen Einheit, a Friday
    (date(2025, 10, 31), False),  # Reformationstag, a Friday: a holiday in Lower Saxony
    (date(2026, 10, 31), False),  # Reformationstag on a Saturday
    (date(2026, 10, 30), True),   # the Friday before it
    (date(2026, 12, 24), True),   # Heiligabend is no public holiday
    (date(2026, 12, 25), False),
    (date(2026, 12, 26), False),  # 2. Weihnachtstag, a Saturday anyway
    (date(2027, 12, 27), True),   # a Monday; years beyond the current one work too
])
def test_working_days_in_lower_saxony(niedersachsen, day, working):
    assert niedersachsen.is_working_day(day) is working


def test_the_state_matters():
    bavaria = WorkingCalendar("BY")
    assert bavaria.is_working_day(date(2026, 6, 4)) is False   # Fronleichnam
    assert bavaria.is_working_day(date(2025, 10, 31)) is True  # no Reformationstag there


def test_a_holiday_has_a_name(niedersachsen):
    assert niedersachsen.holiday_name(date(2025, 10, 31)) == "Reformation Day"
    assert niedersachsen.holiday_name(date(2026, 5, 26)) is None
