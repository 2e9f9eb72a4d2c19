"""Where the audit trail's signing keys come from: the environment or a key file, never the
database.

``BETEILIGUNG_AUDIT_KEYS`` (``ID=HEX,ID=HEX``) wins; else the key file ``[audit] key_file``
(``BETEILIGUNG_AUDIT_KEY_FILE``); else ``audit-keys.txt`` beside the SQLite database, or in the
user's data directory when the database is PostgreSQL. A key file holds one key a line,
``ID HEX`` (at least 32 bytes of secret in hex), ``#`` starts a comment; the **last** key
signs, every key verifies (rotate by appending a line, keep the old ones). The default file is
created, readable by its owner only, the first time something is signed: the demo, the quick
start and the tests need no setup. Verifying never creates a key: without one it says that the
signatures cannot be checked. The secrets are never printed.
Import rule: standard library, ``platformdirs``, ``states`` and ``workflow.signing``.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..states.errors import BadInput
from ..states.textfile import read_text
from ..workflow.signing import AuditKeys

KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
DEFAULT_NAME = "audit-keys.txt"


@dataclass(frozen=True)
class AuditSettings:
    """``[audit]``: the key file; ``BETEILIGUNG_AUDIT_KEYS`` may give the keys themselves."""

    key_file: str = ""
    keys: str = field(default="", repr=False)


def key_path(audit: AuditSettings, sqlite_path: Path | None) -> Path:
    """The key file the settings name, or the default one."""
    if audit.key_file:
        return Path(audit.key_file).expanduser()
    if sqlite_path is not None:
        return sqlite_path.parent / DEFAULT_NAME
    from platformdirs import user_data_dir

    return Path(user_data_dir("beteiligung", appauthor=False)) / DEFAULT_NAME


def parse(text: str, where: str) -> AuditKeys:
    """Keys from ``ID HEX`` lines (or ``ID=HEX`` items); ``BadInput`` naming what is wrong."""
    found: dict[str, bytes] = {}
    items = [i for line in text.splitlines() for i in [line.split("#", 1)[0].strip()] if i]
    for number, item in enumerate(items, start=1):
        parts = item.replace("=", " ").split()
        if len(parts) != 2 or not KEY_ID.match(parts[0]):
            raise BadInput(f"{where}: key {number} is not 'ID HEX' (an id of letters, digits, "
                           "'.', '_' or '-', then the secret in hex)")
        try:
            secret = bytes.fromhex(parts[1])
        except ValueError:
            raise BadInput(f"{where}: the secret of key {parts[0]!r} is not hex") from None
        if len(secret) < 32:
            raise BadInput(f"{where}: the secret of key {parts[0]!r} is shorter than 32 bytes "
                           "(64 hex digits); make one with 'openssl rand -hex 32'")
        found[parts[0]] = secret
    if not found:
        raise BadInput(f"{where}: holds no key")
    return AuditKeys(list(found)[-1], found)


@dataclass
class KeyRing:
    """The keys of one installation, read when first needed."""

    audit: AuditSettings
    path: Path
    _keys: AuditKeys | None = field(default=None, repr=False)

    def existing(self) -> AuditKeys | None:
        """The keys, or ``None`` when there are none (nothing is created)."""
        if self._keys is None:
            if self.audit.keys:
                self._keys = parse(self.audit.keys.replace(",", "\n"),
                                   "BETEILIGUNG_AUDIT_KEYS")
            elif self.path.exists():
                text = read_text(self.path, "audit key file")
                self._keys = parse(text, f"audit key file {self.path}")
        return self._keys

    def signing(self) -> AuditKeys:
        """The keys to sign with; the default key file is created when there is none."""
        keys = self.existing()
        if keys is None:
            self._create()
            keys = self.existing()
        assert keys is not None
        return keys

    def _create(self) -> None:
        if self.audit.key_file:
            raise BadInput(f"audit key file {self.path}: not found; create it with a line "
                           "'k1 <secret>' (secret: 'openssl rand -hex 32')")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = f"k1 {secrets.token_hex(32)}\n"
        header = ("# The keys that sign the audit trail (docs/audit.md). Keep this file out "
                  "of the database\n# and its backups; the last key signs, every key "
                  "verifies.\n")
        draft = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(header + line)
        try:
            os.link(draft, self.path)  # whole or not at all; never over another's key
        except FileExistsError:        # another process made it first: use that one
            pass
        finally:
            draft.unlink()
