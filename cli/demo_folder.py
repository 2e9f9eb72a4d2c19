"""The folder of a demo database (``demo --dir``, ``serve --demo --dir``): never someone's files.

A demo writes a marker file into the folder it uses. A folder is taken when it is new, empty,
or has that marker (a demo made it before: then the demo's own files, and nothing else, are
replaced: its database with the SQLite side files and the mail it wrote). Any other folder is
refused before anything is deleted or written. Without ``--dir`` a new temporary folder is made.
Import rule: an entrypoint; it may import any layer.
"""

from __future__ import annotations

import tempfile
from contextlib import suppress
from pathlib import Path

from ..states.errors import BadInput

MARKER = ".beteiligung-demo"
DATABASE = ("demo.db", "demo.db-wal", "demo.db-shm", "demo.db-journal")
MAIL = "mail"
NOTE = ("Diesen Ordner hat die Demo von beteiligung angelegt; ein neuer Lauf ersetzt demo.db und "
        "die E-Mails in mail/.\nThis folder was made by the beteiligung demo; a new run replaces "
        "demo.db and the e-mails in mail/.\n")


def prepare(given: str | None) -> Path:
    """The folder to build the demo in, emptied of an earlier demo's files and marked."""
    if not given:
        folder = Path(tempfile.mkdtemp(prefix="beteiligung-demo-"))
    else:
        folder = Path(given)
        _check(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_own_files(folder)
        (folder / MARKER).write_text(NOTE, encoding="utf-8")
    except OSError as error:
        raise _refusal("cannot", folder, error.strerror or str(error)) from None
    return folder


def _check(folder: Path) -> None:
    try:
        if folder.exists() and not folder.is_dir():
            raise _refusal("not_folder", folder)
        if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file():
            raise _refusal("not_ours", folder)
    except OSError as error:
        raise _refusal("cannot", folder, error.strerror or str(error)) from None


def _remove_own_files(folder: Path) -> None:
    for name in DATABASE:
        (folder / name).unlink(missing_ok=True)
    mail = folder / MAIL
    if mail.is_dir():
        for written in [*mail.glob("*.eml"), *mail.glob(".*.tmp")]:
            written.unlink(missing_ok=True)
        with suppress(OSError):  # it stays when something else is in it
            mail.rmdir()


TEXTS = {
    "not_folder": {
        "de": "--dir: {folder} ist eine Datei, kein Ordner: einen neuen oder leeren Ordner "
              "angeben",
        "en": "--dir: {folder} is a file, not a folder: name a new or empty folder",
    },
    "not_ours": {
        "de": "--dir: der Ordner {folder} ist nicht leer und wurde nicht von der Demo angelegt "
              "(ihm fehlt die Datei " + MARKER + "): einen neuen oder leeren Ordner angeben; "
              "nichts wurde gelöscht",
        "en": "--dir: the folder {folder} is not empty and was not made by the demo (it has no "
              "file " + MARKER + "): name a new or empty folder; nothing was deleted",
    },
    "cannot": {
        "de": "--dir: der Ordner {folder} kann nicht benutzt werden: {problem}",
        "en": "--dir: cannot use the folder {folder}: {problem}",
    },
}


def _refusal(code: str, folder: Path, problem: str = "") -> BadInput:
    return BadInput(texts={lang: text.format(folder=folder, problem=problem)
                           for lang, text in TEXTS[code].items()})
