"""The ``beteiligung`` command: argument parsing, dispatch, and the error-to-exit-code mapping.

Only the standard library is imported at module level so that ``--help`` answers at once;
every handler imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from .parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (see ``states.errors`` for the table)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    if not getattr(args, "actor", None):
        args.actor = os.environ.get("BETEILIGUNG_USER", "")
    from ..states.errors import BeteiligungError, TransitionRefused

    try:
        _read_words(args)
        return handler(args) or 0
    except TransitionRefused as refused:
        from .render import print_refusal, refusal_json

        print_refusal(refused, args)
        if getattr(args, "json", False):
            print(refusal_json(refused, args))
        return refused.exit_code
    except BeteiligungError as error:
        from .render import lang

        print(f"beteiligung: error: {error.text(lang(args))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("beteiligung: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _read_words(args: argparse.Namespace) -> None:
    """Turn every word option (``vor Ort``, ``abgelehnt``) into its code, in place."""
    from ..states.vocabulary import resolve

    for dest, (kind, option) in getattr(args, "words", {}).items():
        value = getattr(args, dest, None)
        if value is not None:
            setattr(args, dest, resolve(kind, value, option))


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
