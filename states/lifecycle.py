"""The lifecycle machine: one shared ``transitions.Machine`` built from the definition.

The machine is never bound to a model (no injected attributes, no ``to_<state>()`` shortcuts:
``auto_transitions=False``); a trigger is fired with ``machine.events[name].trigger(case)``.
Its conditions call the same guards that ``check`` evaluates, so there is no path around them.
Import rule: standard library and ``transitions`` only.
"""

from __future__ import annotations

from dataclasses import dataclass

from transitions import Machine

from .case import Case
from .definition import Definition, Transition
from .errors import DefinitionError, TransitionRefused
from .guards import GUARDS, NOT_INVARIANT, GuardContext, Unmet


@dataclass(frozen=True)
class Verdict:
    """What taking ``transition`` now would need: empty ``unmet`` means it may be taken."""

    transition: Transition
    unmet: tuple[Unmet, ...]

    @property
    def allowed(self) -> bool:
        """Whether every guard holds."""
        return not self.unmet


class Lifecycle:
    """Checks and fires the triggers of one definition on any number of cases."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self._by_edge = {(t.trigger, t.source, t.dest): t for t in definition.transitions}
        self.machine = Machine(
            model=None,
            states=list(definition.phases),
            initial=definition.initial,
            transitions=[
                {"trigger": t.trigger, "source": t.source, "dest": t.dest,
                 "conditions": [self._holds]}
                for t in definition.transitions
            ],
            auto_transitions=False,
            send_event=True,
            model_attribute="phase",
        )
        self._entry = self._entry_guards()

    def entry_guards(self, phase: str) -> tuple[str, ...]:
        """The guards that must still hold while a process is in ``phase``.

        They are the guards of every step on the main path before ``phase`` (not ``hold``,
        ``resume`` or ``cancel``); a change that would break one is refused. For the pause
        phase, pass the phase the process was paused in.
        """
        return self._entry.get(phase, ())

    def way_forward(self, phase: str) -> Transition | None:
        """The main step out of ``phase`` that leads farthest along the lifecycle."""
        steps = [t for t in self.definition.transitions_from(phase)
                 if not (t.wildcard or t.to_paused)]
        return max(steps, key=lambda t: self._depth.get(t.dest, -1), default=None)

    def _entry_guards(self) -> dict[str, tuple[str, ...]]:
        main = [t for t in self.definition.transitions if not (t.wildcard or t.to_paused)]
        depth = self._depth = {self.definition.initial: 0}
        frontier = [self.definition.initial]
        while frontier:
            nxt = []
            for t in main:
                if t.source in frontier and t.dest not in depth:
                    depth[t.dest] = depth[t.source] + 1
                    nxt.append(t.dest)
            frontier = nxt
        return {phase: tuple(dict.fromkeys(g for t in main if depth.get(t.source, d) < d
                                           for g in t.guards if g not in NOT_INVARIANT))
                for phase, d in depth.items()}

    def _holds(self, event) -> bool:
        t = event.transition
        transition = self._by_edge[(event.event.name, t.source, t.dest)]
        case, ctx = event.model, event.kwargs["ctx"]
        if transition.to_paused and case.paused_phase != transition.dest:
            return False
        return not any(GUARDS[name](case, ctx) for name in transition.guards)

    def require_known(self, case: Case) -> None:
        """Refuse a case whose phase this definition does not have (the file changed since)."""
        for phase in (case.phase, case.paused_phase):
            if phase is not None and phase not in self.definition.phases:
                raise DefinitionError(
                    f"process {case.id} is in phase '{phase}', which definition version "
                    f"{self.definition.version} does not have (the process runs under "
                    f"{case.definition_version}): restore the phase in the definition file")

    def all_triggers(self) -> list[str]:
        """Every trigger of the definition, in file order, each once."""
        return list(dict.fromkeys(t.trigger for t in self.definition.transitions))

    def triggers(self, phase: str) -> list[str]:
        """The triggers defined from ``phase``, in definition order, each once."""
        return list(dict.fromkeys(t.trigger for t in self.definition.transitions_from(phase)))

    def check(self, case: Case, trigger: str, ctx: GuardContext) -> Verdict:
        """Evaluate every guard of ``trigger`` from the case's phase.

        Raises ``TransitionRefused`` (with no unmet conditions) when the trigger does not exist
        from this phase at all.
        """
        candidates = [t for t in self.definition.transitions_from(case.phase)
                      if t.trigger == trigger]
        if not candidates:
            allowed = ", ".join(self.triggers(case.phase)) or "none"
            raise TransitionRefused(
                f"'{trigger}' is not possible from phase '{case.phase}' "
                f"(possible: {allowed})", trigger=trigger, phase=case.phase,
                allowed=self.triggers(case.phase))
        chosen = candidates[0]
        if chosen.to_paused:
            chosen = next((t for t in candidates if t.dest == case.paused_phase), chosen)
            if chosen.dest != case.paused_phase:
                return Verdict(chosen, (Unmet("not_paused_here", {"phase": chosen.dest}),))
        unmet = tuple(u for name in chosen.guards for u in GUARDS[name](case, ctx))
        return Verdict(chosen, unmet)

    def options(self, case: Case, ctx: GuardContext) -> list[Verdict]:
        """Every trigger available from the case's phase, with what each still lacks."""
        if case.phase not in self.definition.phases:
            return []
        return [self.check(case, trigger, ctx) for trigger in self.triggers(case.phase)]

    def fire(self, case: Case, trigger: str, ctx: GuardContext) -> Transition:
        """Take ``trigger`` on ``case`` or raise ``TransitionRefused`` listing every unmet rule."""
        self.require_known(case)
        verdict = self.check(case, trigger, ctx)
        if not verdict.allowed:
            raise TransitionRefused(
                f"'{trigger}' refused in phase '{case.phase}'", list(verdict.unmet),
                trigger=trigger, phase=case.phase)
        source = case.phase
        if not self.machine.events[trigger].trigger(case, ctx=ctx):
            raise TransitionRefused(f"'{trigger}' refused in phase '{source}'",
                                    trigger=trigger, phase=source)
        self._apply_effects(case, verdict.transition, source, ctx)
        return verdict.transition

    def _apply_effects(self, case: Case, transition: Transition, source: str,
                       ctx: GuardContext) -> None:
        entered, case.phase_entered_at = case.phase_entered_at, ctx.now
        pause = self.definition.pause_phase
        if transition.dest == pause:
            case.paused_phase = source
            case.paused_phase_entered_at, case.last_hold_at = entered, ctx.now
        elif source == pause:
            case.paused_phase = None
            if transition.to_paused and entered and case.paused_phase_entered_at:
                # the paused phase's clock goes on where it stopped: the time before the
                # pause counts, the pause itself does not (audit stuck reports long pauses)
                case.phase_entered_at = case.paused_phase_entered_at + (ctx.now - entered)
            case.paused_phase_entered_at = None
        if "next_round" in transition.effects:
            case.dialogue_round += 1
        if self.definition.phases[transition.dest].terminal and "reason_given" in transition.guards:
            case.cancel_reason = ctx.reason


def mermaid(definition: Definition, lang: str = "de") -> str:
    """The lifecycle as a Mermaid state diagram, from the definition as written."""
    lines = ["stateDiagram-v2"]
    for phase in definition.phases.values():
        lines.append(f'    state "{phase.label(lang)}" as {phase.name}')
    lines.append(f"    [*] --> {definition.initial}")
    any_open = "any_open"
    label = "jede offene Phase" if lang == "de" else "any open phase"
    if any(src == "*" or dest == "@paused" for _, src, dest in definition.edges):
        lines.append(f'    state "{label}" as {any_open}')
    for trigger, source, dest in definition.edges:
        src = any_open if source == "*" else source
        dst = any_open if dest == "@paused" else dest
        lines.append(f"    {src} --> {dst}: {trigger}")
    for phase in definition.phases.values():
        if phase.terminal:
            lines.append(f"    {phase.name} --> [*]")
    return "\n".join(lines) + "\n"
