"""Working days in Hannover: Monday to Friday, minus the public holidays of Lower Saxony.

Reminders go out on working days only; the holiday dates come from the maintained ``holidays``
library rather than a list of our own that would silently go out of date.
Import rule: the standard library and ``holidays`` only.
"""

from __future__ import annotations

from datetime import date

import holidays

SATURDAY = 5


class WorkingCalendar:
    """Answers whether a day is a working day in one German state (Lower Saxony by default)."""

    def __init__(self, subdiv: str = "NI") -> None:
        """Build the calendar.

        Args:
            subdiv: the ISO 3166-2 code of the German state, without ``DE-`` (``NI`` is
                Niedersachsen, where Hannover lies).
        """
        self.subdiv = subdiv
        self._holidays = holidays.Germany(subdiv=subdiv)

    def is_working_day(self, day: date) -> bool:
        """True on Monday to Friday unless the day is a public holiday in this state."""
        return day.weekday() < SATURDAY and day not in self._holidays

    def holiday_name(self, day: date) -> str | None:
        """The name of the public holiday on ``day`` (in English), or None."""
        return self._holidays.get(day)
