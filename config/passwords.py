"""The password hasher of ``workflow.ports.PasswordHasher``, with argon2id (argon2-cffi).

It lives in ``config`` because ``workflow`` may import only ``states`` and ``storage`` only
SQLAlchemy and Alembic; ``config`` is the wiring layer that may use any library. argon2 is
imported on first use, so commands that never touch a password do not pay for it (~15 ms).
Import rule: ``argon2`` and the standard library (it fits ``workflow.ports.PasswordHasher``
without importing it).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher


class Argon2PasswordHasher:
    """argon2id with argon2-cffi's default (RFC 9106 low-memory) parameters, or ``hasher``'s."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._given = hasher
        self._dummy: str | None = None

    @property
    def _hasher(self) -> PasswordHasher:
        if self._given is None:
            from argon2 import PasswordHasher, Type

            self._given = PasswordHasher(type=Type.ID)
        return self._given

    def hash(self, password: str) -> str:
        """A new salted argon2id hash."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches; a malformed hash never matches."""
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash's parameters differ from the current ones (or it is malformed)."""
        from argon2.exceptions import InvalidHashError

        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def dummy_hash(self) -> str:
        """A hash of a random secret with the current parameters, made once."""
        if self._dummy is None:
            self._dummy = self._hasher.hash(secrets.token_urlsafe(32))
        return self._dummy
