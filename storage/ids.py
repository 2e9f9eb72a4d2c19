"""Ids of stored rows: a case or deadline read or added in a unit of work has one.
Import rule: the standard library only.
"""

from __future__ import annotations

from typing import Any


def stored_id(value: int | None) -> int:
    """The id of a stored case or deadline (one read or added in this unit has one)."""
    if value is None:
        raise ValueError("not stored yet: it has no id")
    return value


def inserted(result: Any) -> int:
    """The primary key an INSERT of one row gave."""
    key = result.inserted_primary_key
    if key is None:
        raise ValueError("the INSERT returned no primary key")
    return int(key[0])

