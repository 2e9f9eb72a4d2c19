"""The process definition: phases, triggers, guard names and dwell limits, read from TOML.

``load_definition`` validates everything at start-up, so a broken file is refused with a clear
message before any case is touched: unknown guards or effects, phases that do not exist or
cannot be reached, a missing terminal phase, a phase with no way to an end.
Import rule: standard library only.
"""

from __future__ import annotations

import tomllib
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from .errors import DefinitionError
from .guards import GUARDS

PAUSED = "@paused"
EFFECTS = ("next_round",)


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

    def is_open(self, phase: str) -> bool:
        """Whether a process in ``phase`` is still running (not closed or cancelled)."""
        return not self.phases[phase].terminal

    def transitions_from(self, phase: str) -> list[Transition]:
        """The transitions leaving ``phase``, in file order."""
        return [t for t in self.transitions if t.source == phase]


def load_definition(path: Path) -> Definition:
    """Read and validate a definition file; raise ``DefinitionError`` naming the problem."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DefinitionError(f"process definition {path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(f"process definition {path}: not valid TOML ({exc})") from None
    try:
        return parse_definition(raw)
    except DefinitionError as exc:
        raise DefinitionError(f"process definition {path}: {exc}") from None


def parse_definition(raw: dict) -> Definition:
    """Validate an already parsed definition (see ``load_definition``)."""
    phases = _phases(raw.get("phases"))
    initial = raw.get("initial")
    if initial not in phases:
        raise DefinitionError(f"initial phase {initial!r} is not among the phases")
    if not any(p.terminal for p in phases.values()):
        raise DefinitionError("no terminal phase: mark at least one phase with terminal = true")
    if not isinstance(raw.get("version"), str) or not raw["version"]:
        raise DefinitionError("'version' must be a non-empty string")
    specs = raw.get("transitions") or []
    transitions = _expand(specs, phases)
    edges = tuple((t["trigger"], t["source"], t["dest"]) for t in specs)
    definition = Definition(raw["version"], initial, phases, tuple(transitions), edges)
    _check_reachability(definition)
    return definition


def _phases(raw: object) -> dict[str, Phase]:
    if not isinstance(raw, dict) or not raw:
        raise DefinitionError("no [phases.NAME] tables")
    phases = {}
    for name, spec in raw.items():
        dwell = spec.get("dwell_days")
        if dwell is not None and (isinstance(dwell, bool) or not isinstance(dwell, int)
                                  or dwell <= 0):
            raise DefinitionError(f"phase {name!r}: dwell_days must be a positive whole number")
        phases[name] = Phase(name, spec.get("label_de", name), spec.get("label_en", name), dwell,
                             bool(spec.get("terminal")), bool(spec.get("pause")))
    if sum(p.pause for p in phases.values()) > 1:
        raise DefinitionError("more than one phase is marked pause = true")
    return phases


def _expand(raw: list[dict], phases: dict[str, Phase]) -> list[Transition]:
    pause = next((p.name for p in phases.values() if p.pause), None)
    result: list[Transition] = []
    for number, spec in enumerate(raw, start=1):
        where = f"transition {number} ({spec.get('trigger', '?')})"
        trigger, source, dest = spec.get("trigger"), spec.get("source"), spec.get("dest")
        if not trigger or not source or not dest:
            raise DefinitionError(f"{where}: needs trigger, source and dest")
        guards = tuple(spec.get("guards", ()))
        effects = tuple(spec.get("effects", ()))
        for name in guards:
            if name not in GUARDS:
                raise DefinitionError(f"{where}: unknown guard {name!r} (known: "
                                      f"{', '.join(sorted(GUARDS))})")
        for name in effects:
            if name not in EFFECTS:
                raise DefinitionError(f"{where}: unknown effect {name!r}")
        if dest == PAUSED:
            if source != pause:
                raise DefinitionError(f"{where}: dest '@paused' needs source = the pause phase")
            targets = [p for p in phases.values() if not p.terminal and not p.pause]
            result += [Transition(trigger, source, p.name, guards, effects, True) for p in targets]
            continue
        if dest not in phases:
            raise DefinitionError(f"{where}: unknown phase {dest!r}")
        if source == "*":
            sources = [p.name for p in phases.values() if not p.terminal and p.name != dest]
        elif source in phases:
            if phases[source].terminal:
                raise DefinitionError(f"{where}: terminal phase {source!r} cannot be left")
            sources = [source]
        else:
            raise DefinitionError(f"{where}: unknown phase {source!r}")
        result += [Transition(trigger, s, dest, guards, effects, wildcard=source == "*")
                   for s in sources]
    _check_unique(result)
    return result


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
