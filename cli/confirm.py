"""Asking before a step that cannot be undone (``advance ID cancel``).

Which steps ask is the definition's to say (``Definition.needs_confirmation``). ``--yes``
confirms beforehand; on a terminal the question names the process and says that the step
cannot be undone; without a terminal and without ``--yes`` the step is refused before
anything is written (not even a refused attempt), so a script never cancels by accident.
A step that would be refused anyway is not asked about: its refusal says what is missing.
Import rule: an entrypoint; it may import any layer.
"""

from __future__ import annotations

import argparse
import sys

from ..states.errors import BadInput, TransitionRefused
from ..workflow import process
from ..workflow.core import Env

YES = frozenset({"j", "ja", "y", "yes"})
TEXTS = {
    "question": {
        "de": "Prozess {id} „{title}“ in die Phase „{phase}“ bringen ({trigger})? Das kann "
              "nicht rückgängig gemacht werden. [j/N] ",
        "en": "Move process {id} '{title}' to phase '{phase}' ({trigger})? This cannot be "
              "undone. [y/N] ",
    },
    "no_terminal": {
        "de": "„{trigger}“ bringt Prozess {id} „{title}“ endgültig in die Phase „{phase}“ und "
              "kann nicht rückgängig gemacht werden: mit --yes bestätigen (nichts geändert)",
        "en": "'{trigger}' moves process {id} '{title}' to phase '{phase}' for good and cannot "
              "be undone: confirm it with --yes (nothing changed)",
    },
    "declined": {
        "de": "Nicht bestätigt: Prozess {id} bleibt, wie er ist.",
        "en": "Not confirmed: process {id} stays as it is.",
    },
}


def confirmed(env: Env, args: argparse.Namespace, language: str) -> bool:
    """Whether ``advance`` may go on: no confirmation needed, ``--yes``, or "ja" typed.

    Raises ``BadInput`` when a confirmation is needed and there is no terminal to ask on.
    """
    if getattr(args, "yes", False):
        return True
    case = process.get_process(env, args.id)
    try:
        verdict = env.lifecycle.check(case, args.trigger, env.context(reason=args.reason))
    except TransitionRefused:
        return True  # not a step from this phase: ``advance`` says so
    definition = env.lifecycle.definition
    if not definition.needs_confirmation(verdict.transition):
        return True
    values = {"id": case.id, "title": case.title, "trigger": args.trigger,
              "phase": definition.phases[verdict.transition.dest].label(language)}
    if not verdict.allowed:
        return True  # the refusal says what is missing, terminal or not
    if not sys.stdin.isatty():
        raise BadInput(texts={lang: text.format(**values)
                              for lang, text in TEXTS["no_terminal"].items()})
    print(TEXTS["question"][language].format(**values), end="", file=sys.stderr, flush=True)
    if sys.stdin.readline().strip().casefold() in YES:
        return True
    print(TEXTS["declined"][language].format(**values), file=sys.stderr)
    return False
