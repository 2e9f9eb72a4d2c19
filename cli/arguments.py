"""The pieces the command tree of ``cli.parser`` is built from (standard library and
``states.vocabulary`` only, so that ``--help`` answers at once).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from functools import partial

from ..states.limits import ID_MAX
from ..states.vocabulary import help_text

DATE = "13.02.2027 or 2027-02-13"
MOMENT = ("13.02.2027 18:00 or 2027-02-13T18:00, Europe/Berlin (a bare date: the end of that "
          "day)")
EPILOG = ("Dates are written 13.02.2027 or 2027-02-13, times 13.02.2027 18:00 or "
          "2027-02-13T18:00; every time is Europe/Berlin (Hannover's local time) unless it "
          "carries an offset. Wherever a code is asked for, its German word is taken too, in "
          "any case: 'vor Ort' for on_site, 'abgelehnt' for rejected, 'Politik' for politics, "
          "'Initiierung' for the phase initiated.")


def whole(low: int, high: int) -> Callable[[str], int]:
    """An argument type: a whole number from ``low`` to ``high`` (argparse's usage error
    otherwise, not a driver's overflow deep in the database)."""
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value
    parse.__name__ = "number"
    return parse


ID = whole(1, ID_MAX)
"""A process id, a suggestion's number, a deadline's id, a concept version."""


class Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one line and exit with code 2; an
    ``epilog_source`` is called only when the help is shown (it may read files)."""

    epilog_source: Callable[[], str] | None = None

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message} (see '{self.prog} --help')", file=sys.stderr)
        sys.exit(2)

    def format_help(self) -> str:
        if self.epilog_source is not None:
            self.epilog = self.epilog_source()
        return super().format_help()


def lazy(target: str, args: argparse.Namespace) -> int:
    module, name = target.split(":")
    return getattr(importlib.import_module(f"beteiligung.cli.{module}"), name)(args)


def cmd(sub, name: str, target: str, help_: str, *, json: bool = False, actor: bool = False,
         **options):
    parser = sub.add_parser(name, help=help_, description=help_, **options)
    parser.set_defaults(handler=partial(lazy, target))
    if json:
        parser.add_argument("--json", action="store_true", help="machine-readable output")
    if actor:
        parser.add_argument("--as", dest="actor", metavar="EMAIL", default=argparse.SUPPRESS,
                            help="who acts (default: $BETEILIGUNG_USER)")
    parser.add_argument("--lang", choices=("de", "en"), default=argparse.SUPPRESS,
                        help="language of messages (default: $BETEILIGUNG_LANG or de)")
    return parser


def word(parser: argparse.ArgumentParser, name: str, kind: str, help_: str = "", **options):
    """An argument that takes a word of the vocabulary ``kind`` (a code or its label)."""
    words = help_text(kind)
    action = parser.add_argument(name, help=f"{help_}: {words}" if help_ else words, **options)
    shown = name if name.startswith("-") else action.metavar or action.dest.upper()
    parser.set_defaults(words=(parser.get_default("words") or {}) | {action.dest: (kind, shown)})
    return action


def group(sub, name: str, help_: str):
    parser = sub.add_parser(name, help=help_, description=help_)
    return parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)


def lazy_text(target: str) -> str:
    module, name = target.split(":")
    return getattr(importlib.import_module(f"beteiligung.cli.{module}"), name)()


def csv_dialect(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--csv-dialect", choices=("excel-de", "plain"),
                        help="excel-de (the default): for German Excel, ';' between cells, "
                        "UTF-8 with BOM, headers in the language of --lang; plain: ',' "
                        "between cells, no BOM, and the columns named by their field codes "
                        "where the file has them")


