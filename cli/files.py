"""Writing a command's output to ``--out FILE``: whole or not at all.

The output goes to a temporary file beside the target, which replaces the target only when
everything was written (flushed and synced); on any error the old file stays as it was and no
partial file is left. The new file gets the permissions of the file it replaces, or those a
plain ``open`` would give (``mkstemp``'s 0600 is too tight for a report or a public list).
A bad target is a ``BadInput`` (one line, exit code 2) before anything is computed.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from ..states.errors import BadInput


def check_target(out: str) -> Path:
    """The ``--out`` path, refused when it is a folder or anything else but a plain file (a
    device or a pipe would be replaced by a file), when its folder does not exist, or when it
    cannot even be looked at (a name too long, a folder without permission)."""
    target = Path(out)
    try:
        if target.is_dir():
            raise BadInput(f"--out: {out} is a folder; name a file in it")
        if target.exists() and not target.is_file():
            raise BadInput(f"--out: {out} is not a plain file; name a file to write")
        if not target.parent.is_dir():
            raise BadInput(f"--out: the folder {target.parent} does not exist")
    except OSError as error:
        raise BadInput(f"--out: cannot use {out}: {error.strerror or error}") from None
    return target


@contextmanager
def atomic_file(target: Path, mode: int | None = None) -> Iterator[BinaryIO]:
    """A file that replaces ``target`` only when the block ends without an error, with the
    permissions ``mode`` when given (else as the module's docstring says)."""
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                         dir=target.parent)
    except OSError as error:
        raise BadInput(f"--out: cannot write in {target.parent}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as sink:
            yield sink
            sink.flush()
            os.fsync(sink.fileno())
        os.chmod(temporary, _mode(target) if mode is None else mode)
        os.replace(temporary, target)
    except OSError as error:
        with suppress(OSError):
            os.unlink(temporary)
        raise BadInput(f"--out: cannot write {target}: {error.strerror or error}") from None
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def write_atomically(target: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``target`` whole or not at all (with the permissions ``mode``)."""
    with atomic_file(target, mode) as sink:
        sink.write(data)


def _mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
