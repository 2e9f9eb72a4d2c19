"""CSV as spreadsheets read it: the dialects every CSV output of beteiligung is written in.

German Excel opens a file by double-click only when the cells are separated by ``;`` and the
file starts with a UTF-8 byte order mark (without it, umlauts come out as ``Ã¼``). That is the
default, ``excel-de``, with headers in the language of the output. ``plain`` is the form for
scripts: ``,`` between cells, no byte order mark, and each output's fixed header (field codes
where it has them). Both quote by RFC 4180 and defuse a cell that a spreadsheet would run as a
formula (OWASP "CSV injection": starting with ``=``, ``+``, ``-``, ``@``, tab or CR, also after
leading spaces or line breaks, and their full-width forms) with a leading ``'``.

Only text is defused: ``Dialect.row`` is the one place every CSV row is written, and the
numbers the outputs compute (ids, counts, days, which may be negative) reach it as ``int`` or
``float`` and stay numbers a spreadsheet can sum. Anything else is written as its text and
defused like text, so a typed ``-5`` is ``'-5``: what people typed is never run.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..states.errors import BadInput

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NUMBERS = (int, float, Decimal)
SPACE = " \n\r\t\u00a0\u3000"


@dataclass(frozen=True)
class Dialect:
    """How cells are separated, whether a byte order mark comes first, whose headers."""

    name: str
    delimiter: str
    bom: bool
    labelled: bool  # headers in words of the output's language, not field codes

    @property
    def start(self) -> str:
        """What the file begins with (before the header)."""
        return BOM if self.bom else ""

    def row(self, cells: Iterable[Any], end: str = "") -> str:
        """One CSV line of ``cells`` (formulas defused), ended by ``end``."""
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=self.delimiter, lineterminator=end).writerow(
            [defuse(c) for c in cells])
        return buffer.getvalue()


DIALECTS = {"excel-de": Dialect("excel-de", ";", True, True),
            "plain": Dialect("plain", ",", False, False)}
DEFAULT = "excel-de"


def dialect(name: str | None) -> Dialect:
    """The dialect called ``name`` (``None``: the default), or ``BadInput`` naming both."""
    if name is None:
        return DIALECTS[DEFAULT]
    if name not in DIALECTS:
        raise BadInput(f"--csv-dialect: {name!r} is not one of {', '.join(DIALECTS)}")
    return DIALECTS[name]


def defuse(value: Any) -> Any:
    """A cell as written: a number (not a truth value) or nothing as it is; anything else as
    text, with a leading apostrophe when a spreadsheet would take it for a formula."""
    if value is None or (isinstance(value, NUMBERS) and not isinstance(value, bool)):
        return value
    text = value if isinstance(value, str) else str(value)
    # tab and CR start a formula themselves; other white space is skipped by some programs
    formula = text.startswith(FORMULA_START) or text.lstrip(SPACE).startswith(FORMULA_START)
    return f"'{text}" if formula else text
