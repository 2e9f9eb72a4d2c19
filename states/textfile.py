"""Reading the text files a person names (settings, definition, concept, anchor, keys) and
the TOML in them, so that no file can stall or crash a command.

A file is read with a size limit (``/dev/zero`` or a log file named by mistake is refused after
``limit`` bytes, not read for ever), must be UTF-8, and TOML is refused when it nests deeper
than ``MAX_DEPTH`` (Python's ``tomllib`` recurses on nested arrays and tables, and slows down
with the square of a dotted key's length) before it is parsed. Every refusal is the given
error class (``BadInput`` or ``DefinitionError``) with the file's name in front.
Import rule: standard library and ``states.errors`` only.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from .errors import BadInput

MAX_BYTES = 1_000_000
MAX_DEPTH = 32


def read_text(path: str | Path, what: str, *, limit: int = MAX_BYTES,
              error: type[BadInput] = BadInput) -> str:
    """The UTF-8 text of the file at ``path``; ``error`` naming ``what`` and the file when it
    is missing, unreadable, larger than ``limit`` bytes or not UTF-8."""
    where = f"{what} {path}"
    try:
        with open(path, "rb") as source:
            data = source.read(limit + 1)
    except FileNotFoundError:
        raise error(texts={"de": f"{where}: Datei nicht gefunden",
                           "en": f"{where}: file not found"}) from None
    except IsADirectoryError:
        raise error(texts={"de": f"{where}: ist ein Ordner, keine Datei",
                           "en": f"{where}: is a folder, not a file"}) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        problem = getattr(exc, "strerror", None) or exc.__class__.__name__
        raise error(texts={"de": f"{where}: kann nicht gelesen werden ({problem})",
                           "en": f"{where}: cannot be read ({problem})"}) from None
    if len(data) > limit:
        raise error(texts={"de": f"{where}: größer als {limit // 1000} kB; ist das die "
                                 "richtige Datei?",
                           "en": f"{where}: larger than {limit // 1000} kB; is it the right "
                                 "file?"})
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(texts={"de": f"{where}: ist kein UTF-8-Text (Byte {exc.start + 1}); als UTF-8 "
                                 "speichern",
                           "en": f"{where}: is not UTF-8 text (byte {exc.start + 1}); save it as "
                                 "UTF-8"}) from None


def load_toml(text: str, where: str, *, error: type[BadInput] = BadInput) -> dict[str, Any]:
    """The table in TOML ``text``; ``error`` starting with ``where`` when it is not TOML or
    nests deeper than ``MAX_DEPTH``."""
    depth = _depth(text)
    if depth > MAX_DEPTH:
        raise error(texts={
            "de": f"{where}: zu tief verschachtelt ({depth} Ebenen, höchstens {MAX_DEPTH})",
            "en": f"{where}: nested too deeply ({depth} levels, at most {MAX_DEPTH})"})
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(texts={"de": f"{where}: kein gültiges TOML ({exc})",
                           "en": f"{where}: not valid TOML ({exc})"}) from None
    except RecursionError:  # not reached below MAX_DEPTH; kept as the last guard
        raise error(texts={"de": f"{where}: zu tief verschachtelt",
                           "en": f"{where}: nested too deeply"}) from None


def _depth(text: str) -> int:
    """The deepest nesting in TOML ``text``: open brackets and braces, or dots in one key,
    counted outside strings and comments (a cheap upper bound, one pass)."""
    deepest = depth = dots = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                if c == '"' and text[i] == "\\":
                    i += 1
                elif len(quote) == 1 and text[i] == "\n":
                    break
                i += 1
            i += len(quote)
            continue
        if c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth = max(depth - 1, 0)
        elif c == ".":
            dots += 1
        elif c in "=\n,":
            dots = 0
        deepest = max(deepest, depth, dots)
        i += 1
    return deepest
