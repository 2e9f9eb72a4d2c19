"""The erasure log as a file of JSON lines (``workflow.privacy_port.ErasureLog``).

It lives outside the database on purpose: a backup of the database restored after an
erasure brings the erased values back, and this file, kept apart from those backups, is how
``privacy replay`` finds them again. Each line is ``{"at", "subject", "refs"}`` (the
subject's SHA-256, never the address); a line is written and synced before the erasure
commits, so a crash between the two leaves a line whose erasure replay simply does again.
A last line cut off by a crash is ignored; any other line that cannot be read is refused,
naming the file and line.
Import rule: ``states``, ``workflow`` and the standard library only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..states.codec import parse_datetime
from ..states.errors import BadInput
from ..workflow.audit import format_at
from ..workflow.privacy_port import Erased


class FileErasureLog:
    """The log in one file (made, readable by its owner only, on the first erasure)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, entry: Erased) -> None:
        line = json.dumps({"at": format_at(entry.at), "subject": entry.subject_digest,
                           "refs": list(entry.refs)}, separators=(",", ":")) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def entries(self) -> list[Erased]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as error:
            raise BadInput(f"erasure log {self.path}: cannot be read ({error})") from None
        lines = text.split("\n")
        found = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                found.append(Erased(parse_datetime(data["at"]), str(data["subject"]),
                                    tuple(str(r) for r in data["refs"])))
            except (ValueError, KeyError, TypeError):
                if number == len(lines):  # cut off by a crash while it was written
                    continue
                raise BadInput(f"erasure log {self.path}, line {number}: not a line this "
                               "program wrote; restore the file from its copy") from None
        return found
