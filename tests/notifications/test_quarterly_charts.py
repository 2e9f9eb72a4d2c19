"""The quarterly report's bar charts (``notifications.quarterly.bar_chart``): counts get an
axis of whole numbers, however small they are; times keep their fractions."""

from __future__ import annotations

import pytest

from beteiligung.notifications.quarterly import bar_chart


def labels(largest: float, whole: bool) -> list[str]:
    rows = [("Initiierung", [("bar", largest)], str(largest)), ("Konzept", [("bar", 0)], "0")]
    return [label for _, label in bar_chart("c", "T", "D", rows, whole=whole).ticks]


@pytest.mark.parametrize(("largest", "expected"), [
    (1, ["0", "1"]), (2, ["0", "1", "2"]), (3, ["0", "1", "2", "3"]),
    (7, ["0", "2", "4", "6", "8"]), (0, ["0", "1"]),
])
def test_counts_have_whole_number_ticks(largest, expected):
    assert labels(largest, whole=True) == expected


def test_without_whole_small_values_keep_their_fractions():
    assert labels(2, whole=False) == ["0.0", "0.5", "1.0", "1.5", "2.0"]
    assert all(float(x).is_integer() for x in labels(2, whole=True))
