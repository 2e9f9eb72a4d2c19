"""The keys that sign the audit trail: HMAC-SHA256 under a key id, kept outside the database.

Anyone may compute the hashes of the chain (the recipe is public, ``docs/audit.md``), so a hash
alone does not prove who wrote an event; an HMAC of the event's hash under a secret key the
database does not hold does. The newest key signs; every key still listed verifies what it once
signed, so a key is rotated by adding a new one and keeping the old. ``config.audit_keys``
reads the keys from a key file or the environment; the secrets are never printed.
Import rule: the standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field


def mac_of(secret: bytes, text: str) -> str:
    """The HMAC-SHA256 of ``text`` (UTF-8) under ``secret``, in lowercase hex."""
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AuditKeys:
    """The signing keys by id; ``current`` is the id that signs new events."""

    current: str
    secrets: Mapping[str, bytes] = field(repr=False)

    def __post_init__(self) -> None:
        if self.current not in self.secrets:
            raise ValueError(f"the current audit key {self.current!r} is not among the keys")

    def sign(self, text: str) -> tuple[str, str]:
        """The key id and HMAC that sign ``text`` (an event's or entry's hash)."""
        return self.current, mac_of(self.secrets[self.current], text)

    def check(self, key_id: str, text: str, mac: str) -> bool | None:
        """Whether ``mac`` signs ``text`` under ``key_id``; ``None`` when that key is unknown."""
        secret = self.secrets.get(key_id)
        if secret is None:
            return None
        return hmac.compare_digest(mac_of(secret, text), mac or "")
