"""The ``beteiligung`` command: argument parsing, dispatch, and the error-to-exit-code mapping.

Only the standard library is imported at module level so that ``--help`` answers at once;
every handler imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from .parser import build_parser

UNEXPECTED_TEXTS = {
    "de": "unerwarteter Fehler ({problem}); das ist ein Fehler im Programm, nicht in der "
          "Eingabe: mit --debug wiederholen und die Ausgabe der Betreuung des Systems geben",
    "en": "unexpected error ({problem}); this is a fault of the program, not of the input: "
          "repeat with --debug and give the output to whoever runs the system",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (see ``states.errors`` for the table)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = args.debug or os.environ.get("BETEILIGUNG_DEBUG", "") not in ("", "0")
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    if not getattr(args, "actor", None):
        args.actor = os.environ.get("BETEILIGUNG_USER", "")
    from ..states.errors import UNEXPECTED, BeteiligungError, TransitionRefused

    try:
        _check_typed(args)
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
    except Exception as error:  # a defect: one line, its own exit code, details on request
        if debug:
            traceback.print_exc()
        from .render import lang

        problem = f"{error.__class__.__name__}: {str(error).strip()}".splitlines()[0][:200]
        print(f"beteiligung: {UNEXPECTED_TEXTS[lang(args)].format(problem=problem)}",
              file=sys.stderr)
        return UNEXPECTED


def _check_typed(args: argparse.Namespace) -> None:
    """Refuse an argument that no entrypoint would take: longer than the API's limit for that
    field (``states.limits``), not valid UTF-8 (the shell passes any bytes; Python keeps the
    invalid ones as surrogates, which cannot be stored or printed), or holding a NUL."""
    from ..states import limits
    from ..states.errors import BadInput

    for dest, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for text in values:
            if not isinstance(text, str):
                continue
            option = f"--{dest.replace('_', '-')}" if dest not in POSITIONAL else dest.upper()
            if any("\ud800" <= c <= "\udfff" for c in text):
                raise BadInput(texts={
                    "de": f"{option}: ist kein gültiger UTF-8-Text; die Eingabe als UTF-8 "
                          "schreiben (locale prüfen)",
                    "en": f"{option}: is not valid UTF-8 text; type it as UTF-8 (check the "
                          "locale)"})
            if "\0" in text:
                raise BadInput(texts={
                    "de": f"{option}: enthält ein Nullzeichen; das Zeichen entfernen",
                    "en": f"{option}: contains a NUL character; remove it"})
            limit = getattr(limits, LIMITS.get(dest, "SHORT"))
            if len(text) > limit:
                raise BadInput(texts={
                    "de": f"{option}: höchstens {limit} Zeichen, nicht {len(text)}",
                    "en": f"{option}: at most {limit} characters, not {len(text)}"})


# The limit of each argument (by its dest) as the API has it for the same field; any other
# argument is SHORT.
LIMITS = {name: "TEXT" for name in ("subject", "text", "summary", "justification", "evidence",
                                    "reason")} | {
    name: "LINE" for name in ("title", "note", "place", "accessibility", "decision_when",
                              "decision_where", "decision_by", "decided_by",
                              "implementation_by", "host")} | {
    name: "EMAIL" for name in ("actor", "email", "lead_email", "deputy_email")} | {
    name: "PATH" for name in ("file", "out", "anchor", "dir")}
POSITIONAL = frozenset({"email", "file", "who", "answer", "kind", "goal", "rating", "trigger"})


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
