"""The process definition: phases, triggers, guard names and dwell limits, read from TOML.

``load_definition`` validates everything at start-up, so a broken file is refused with a clear
message before any case is touched: values of the wrong type or unknown keys (naming the phase
or transition number and the key), unknown guards or effects, phases that do not exist or
cannot be reached, a missing terminal phase, a phase with no way to an end.
Import rule: standard library only.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import DefinitionError
from .guards import GUARDS
from .textfile import load_toml, read_text

PAUSED = "@paused"
RESERVED = ("*", PAUSED)
EFFECTS = ("next_round",)
TOP_KEYS = ("version", "initial", "phases", "transitions")
PHASE_KEYS = ("label_de", "label_en", "dwell_days", "terminal", "pause")
TRANSITION_KEYS = ("trigger", "source", "dest", "guards", "effects")
TRIGGER_NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_KINDS = {bool: "a boolean", int: "a whole number", float: "a fraction", str: "a string",
          list: "a list", dict: "a table"}


@dataclass(frozen=True)
class Phase:
    """One phase of the lifecycle."""

    name: str
    label_de: str
    label_en: str
    dwell_days: int | None
    terminal: bool = False
    pause: bool = False

    def label(self, lang: str = "de") -> str:
        """The phase's name for people."""
        return self.label_en if lang == "en" else self.label_de


@dataclass(frozen=True)
class Transition:
    """One edge: ``trigger`` from ``source`` to ``dest`` when every guard holds."""

    trigger: str
    source: str
    dest: str
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    to_paused: bool = False
    wildcard: bool = False


@dataclass(frozen=True)
class Definition:
    """A validated lifecycle; ``transitions`` are expanded (no ``*`` or ``@paused`` left)."""

    version: str
    initial: str
    phases: dict[str, Phase]
    transitions: tuple[Transition, ...]
    edges: tuple[tuple[str, str, str], ...] = ()

    @property
    def pause_phase(self) -> str | None:
        """The phase that ``hold`` leads to, if the definition has one."""
        return next((p.name for p in self.phases.values() if p.pause), None)

    @property
    def terminal_phases(self) -> list[str]:
        """The phases a process ends in (closed, cancelled), in the definition's order."""
        return [p.name for p in self.phases.values() if p.terminal]

    def is_open(self, phase: str) -> bool:
        """Whether a process in ``phase`` is still running (not closed or cancelled)."""
        return not self.phases[phase].terminal

    def needs_confirmation(self, transition: Transition) -> bool:
        """Whether taking ``transition`` ends a process before its time and cannot be undone
        (a step from every open phase into a terminal one, like ``cancel``): the entrypoints
        ask before they take it."""
        return transition.wildcard and self.phases[transition.dest].terminal

    def transitions_from(self, phase: str) -> list[Transition]:
        """The transitions leaving ``phase``, in file order."""
        return [t for t in self.transitions if t.source == phase]


def load_definition(path: Path) -> Definition:
    """Read and validate a definition file; raise ``DefinitionError`` naming the problem."""
    text = read_text(path, "process definition", error=DefinitionError)
    raw = load_toml(text, f"process definition {path}", error=DefinitionError)
    try:
        return parse_definition(raw)
    except DefinitionError as exc:
        raise DefinitionError(f"process definition {path}: {exc}") from None


def parse_definition(raw: dict) -> Definition:
    """Validate an already parsed definition (see ``load_definition``)."""
    _check_keys("the definition", raw, TOP_KEYS)
    phases = _phases(raw.get("phases"))
    initial = _initial(raw.get("initial"), phases)
    if not any(p.terminal for p in phases.values()):
        raise DefinitionError("no terminal phase: mark at least one phase with terminal = true")
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        raise DefinitionError("'version' must be a non-empty string")
    edges = _read_transitions(raw.get("transitions", []))
    transitions = tuple(_expand(edges, phases))
    triples = tuple((e.trigger, e.source, e.dest) for e in edges)
    definition = Definition(version, initial, phases, transitions, triples)
    _check_reachability(definition)
    return definition


def _initial(initial: object, phases: dict[str, Phase]) -> str:
    if initial is None:
        raise DefinitionError("'initial' is missing: name the phase a process starts in")
    if not isinstance(initial, str):
        raise DefinitionError(f"'initial' must be a string naming a phase, not {_kind(initial)}")
    if initial not in phases:
        raise DefinitionError(f"initial phase {initial!r} is not among the phases")
    return initial


def _kind(value: object) -> str:
    """How a TOML value is called in a message: ``a string``, ``a list``, ..."""
    return _KINDS.get(type(value), type(value).__name__)


def _check_keys(where: str, table: dict, known: tuple[str, ...]) -> None:
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise DefinitionError(f"{where}: unknown key(s) {', '.join(unknown)} "
                              f"(known: {', '.join(known)})")


def _phases(raw: object) -> dict[str, Phase]:
    if raw is not None and not isinstance(raw, dict):
        raise DefinitionError(f"'phases' must be a table of [phases.NAME] tables, "
                              f"not {_kind(raw)}")
    if not raw:
        raise DefinitionError("no [phases.NAME] tables")
    phases = {name: _phase(name, spec) for name, spec in raw.items()}
    if sum(p.pause for p in phases.values()) > 1:
        raise DefinitionError("more than one phase is marked pause = true")
    return phases


def _phase(name: str, spec: object) -> Phase:
    where = f"phase {name!r}"
    if name in RESERVED:
        raise DefinitionError(f"{where}: the name is reserved (source '*', dest '@paused')")
    if not isinstance(spec, dict):
        raise DefinitionError(f"{where}: must be a table [phases.{name}], not {_kind(spec)}")
    _check_keys(where, spec, PHASE_KEYS)
    dwell = spec.get("dwell_days")
    if dwell is not None and (isinstance(dwell, bool) or not isinstance(dwell, int)
                              or dwell <= 0):
        raise DefinitionError(f"{where}: dwell_days must be a positive whole number")
    phase = Phase(name, _label(where, spec, "label_de", name),
                  _label(where, spec, "label_en", name), dwell,
                  _flag(where, spec, "terminal"), _flag(where, spec, "pause"))
    if phase.terminal and phase.pause:
        raise DefinitionError(f"{where}: cannot be both terminal and pause")
    return phase


def _label(where: str, spec: dict, key: str, default: str) -> str:
    value = spec.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(f"{where}: {key} must be a non-empty string, not {_kind(value)}")
    return value


def _flag(where: str, spec: dict, key: str) -> bool:
    value = spec.get(key, False)
    if not isinstance(value, bool):
        raise DefinitionError(f"{where}: {key} must be true or false, not {_kind(value)}")
    return value


def _read_transitions(raw: object) -> list[Transition]:
    """The ``[[transitions]]`` tables as written (``*`` and ``@paused`` not yet expanded)."""
    if not isinstance(raw, list):
        raise DefinitionError(f"'transitions' must be a list of [[transitions]] tables, "
                              f"not {_kind(raw)}")
    return [_read_transition(number, spec) for number, spec in enumerate(raw, start=1)]


def _read_transition(number: int, spec: object) -> Transition:
    if not isinstance(spec, dict):
        raise DefinitionError(f"transition {number}: must be a [[transitions]] table, "
                              f"not {_kind(spec)}")
    trigger = spec.get("trigger")
    where = f"transition {number} ({trigger if isinstance(trigger, str) and trigger else '?'})"
    _check_keys(where, spec, TRANSITION_KEYS)
    trigger, source, dest = (_required_string(where, spec, key)
                             for key in ("trigger", "source", "dest"))
    if not TRIGGER_NAME.fullmatch(trigger):
        raise DefinitionError(f"{where}: trigger {trigger!r} must be a snake_case name "
                              f"(lower-case letters, digits and single underscores)")
    guards = _names(where, spec, "guards", "guard", tuple(GUARDS))
    effects = _names(where, spec, "effects", "effect", EFFECTS)
    return Transition(trigger, source, dest, guards, effects)


def _required_string(where: str, spec: dict, key: str) -> str:
    value = spec.get(key)
    if value is None or value == "":
        raise DefinitionError(f"{where}: needs trigger, source and dest")
    if not isinstance(value, str):
        raise DefinitionError(f"{where}: {key} must be a string, not {_kind(value)}")
    return value


def _names(where: str, spec: dict, key: str, what: str, known: tuple[str, ...]
           ) -> tuple[str, ...]:
    names = spec.get(key, [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        found = _kind(names) if not isinstance(names, list) else "a list holding " + _kind(
            next(n for n in names if not isinstance(n, str)))
        raise DefinitionError(f"{where}: {key} must be a list of {what} names, not {found} "
                              f"(like {key} = [\"{known[0]}\"])")
    for name in names:
        if name not in known:
            raise DefinitionError(f"{where}: unknown {what} {name!r} (known: "
                                  f"{', '.join(sorted(known))})")
    return tuple(names)


def _expand(edges: list[Transition], phases: dict[str, Phase]) -> list[Transition]:
    pause = next((p.name for p in phases.values() if p.pause), None)
    result: list[Transition] = []
    for number, edge in enumerate(edges, start=1):
        where = f"transition {number} ({edge.trigger})"
        if edge.dest == PAUSED:
            if edge.source != pause:
                raise DefinitionError(f"{where}: dest '@paused' needs source = the pause phase")
            targets = [p for p in phases.values() if not p.terminal and not p.pause]
            result += [replace(edge, dest=p.name, to_paused=True) for p in targets]
            continue
        if edge.dest not in phases:
            raise DefinitionError(f"{where}: unknown phase {edge.dest!r}")
        result += [replace(edge, source=s, wildcard=edge.source == "*")
                   for s in _sources(where, edge, phases)]
    _check_unique(result)
    return result


def _sources(where: str, edge: Transition, phases: dict[str, Phase]) -> list[str]:
    if edge.source == "*":
        return [p.name for p in phases.values() if not p.terminal and p.name != edge.dest]
    if edge.source not in phases:
        raise DefinitionError(f"{where}: unknown phase {edge.source!r}")
    if phases[edge.source].terminal:
        raise DefinitionError(f"{where}: terminal phase {edge.source!r} cannot be left")
    return [edge.source]


def _check_unique(transitions: list[Transition]) -> None:
    seen: set[tuple[str, str, str]] = set()
    for t in transitions:
        key = (t.trigger, t.source, t.dest if t.to_paused else "")
        if key in seen:
            raise DefinitionError(f"trigger {t.trigger!r} is defined twice from {t.source!r}")
        seen.add(key)


def _check_reachability(definition: Definition) -> None:
    full: dict[str, set[str]] = {name: set() for name in definition.phases}
    forward: dict[str, set[str]] = {name: set() for name in definition.phases}
    for t in definition.transitions:
        full[t.source].add(t.dest)
        # "resume" leads back to wherever a process paused: it makes no phase reachable itself
        if not t.to_paused:
            forward[t.source].add(t.dest)
    unreachable = sorted(set(definition.phases) - _walk(definition.initial, forward))
    if unreachable:
        raise DefinitionError(f"phase(s) {', '.join(unreachable)} cannot be reached from "
                              f"{definition.initial!r}")
    terminals = {p.name for p in definition.phases.values() if p.terminal}
    for name, phase in definition.phases.items():
        if not phase.terminal and not (_walk(name, full) & terminals):
            raise DefinitionError(f"phase {name!r} has no way to a terminal phase")


def _walk(start: str, graph: dict[str, set[str]]) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in graph[queue.popleft()] - seen:
            seen.add(nxt)
            queue.append(nxt)
    return seen
