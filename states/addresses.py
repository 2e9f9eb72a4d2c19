"""E-mail addresses: what counts as one, and how two are compared.
Import rule: the standard library only.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(value: str) -> str:
    """An e-mail address as compared: trimmed and lower-case."""
    return value.strip().lower()
