"""Help texts that are read from the process definition, built only when the help is shown.

``triggers`` is the epilog of ``beteiligung advance --help``: every trigger of the configured
definition (the default one when the settings cannot be read), from which phase to which,
with the phases' labels in the language of the run.
Import rule: an entrypoint; it may import any layer.
"""

from __future__ import annotations

import os
import sys

from ..config.settings import HERE, load_settings
from ..states.definition import PAUSED, Definition, load_definition
from ..states.errors import BeteiligungError

WORDS = {
    "de": ("Schritte (Trigger) laut Prozessdefinition {version}:", "jede offene Phase",
           "zurück in die pausierte Phase", "nicht umkehrbar: fragt nach, oder --yes",
           "braucht --reason"),
    "en": ("Triggers of the process definition {version}:", "any open phase",
           "back to the phase it paused in", "cannot be undone: asks, or --yes",
           "needs --reason"),
}


def triggers() -> str:
    """The triggers with the labels of the phases they lead from and to."""
    definition = _definition()
    language = _language()
    title, any_open, back, undone, reason = WORDS[language]
    label = {name: phase.label(language) for name, phase in definition.phases.items()}
    width = max(len(trigger) for trigger, _, _ in definition.edges)
    lines = [title.format(version=definition.version)]
    for trigger, source, dest in definition.edges:
        step = (f"{any_open if source == '*' else label[source]} → "
                f"{back if dest == PAUSED else label[dest]}")
        notes = "; ".join(_notes(definition, trigger, reason, undone))
        lines.append(f"  {trigger:<{width}}  {step}" + (f" ({notes})" if notes else ""))
    return "\n".join(lines)


def _notes(definition: Definition, trigger: str, reason: str, undone: str) -> list[str]:
    steps = [t for t in definition.transitions if t.trigger == trigger]
    notes = [reason] if any("reason_given" in t.guards for t in steps) else []
    if any(definition.needs_confirmation(t) for t in steps):
        notes.append(undone)
    return notes


def _definition() -> Definition:
    try:
        return load_definition(load_settings().definition)
    except BeteiligungError:
        return load_definition(HERE / "process_definition.toml")


def _language() -> str:
    """``--lang`` as typed (argparse shows the help before it has read the whole line),
    else ``BETEILIGUNG_LANG``, else German."""
    argv = sys.argv[1:]
    for i, word in enumerate(argv):
        if word == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "de"
        if word.startswith("--lang="):
            return "en" if word.endswith("=en") else "de"
    return "en" if os.environ.get("BETEILIGUNG_LANG") == "en" else "de"
