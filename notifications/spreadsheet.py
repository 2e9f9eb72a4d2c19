"""CSV as spreadsheets read it: the dialects every CSV output of beteiligung is written in.

German Excel opens a file by double-click only when the cells are separated by ``;`` and the
file starts with a UTF-8 byte order mark (without it, umlauts come out as ``Ã¼``). That is the
default, ``excel-de``, with headers in the language of the output. ``plain`` is the form for
scripts: ``,`` between cells, no byte order mark, and each output's fixed header (field codes
where it has them). Both quote by RFC 4180 and defuse a cell that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) with a leading ``'``.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..states.errors import BadInput

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    """A text cell that would start a formula, with a leading apostrophe; others unchanged."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value
