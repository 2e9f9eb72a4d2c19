"""The definition loader refuses a broken lifecycle with a message that names the problem."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest

from beteiligung.config.settings import HERE
from beteiligung.states.definition import PAUSED, load_definition, parse_definition
from beteiligung.states.errors import BadInput, DefinitionError

DEFAULT = HERE / "process_definition.toml"


def minimal() -> dict:
    """A small valid definition: start -> work -> done, with hold/resume and cancel."""
    return {
        "version": "t1",
        "initial": "start",
        "phases": {
            "start": {"label_de": "Start", "dwell_days": 10},
            "work": {"label_de": "Arbeit"},
            "paused": {"pause": True},
            "done": {"terminal": True},
            "cancelled": {"terminal": True},
        },
        "transitions": [
            {"trigger": "begin", "source": "start", "dest": "work",
             "guards": ["department_named"]},
            {"trigger": "finish", "source": "work", "dest": "done"},
            {"trigger": "hold", "source": "*", "dest": "paused", "guards": ["reason_given"]},
            {"trigger": "resume", "source": "paused", "dest": PAUSED},
            {"trigger": "cancel", "source": "*", "dest": "cancelled"},
        ],
    }


def _phase(name: str, **spec: object) -> Callable[[dict], None]:
    def mutate(raw: dict) -> None:
        raw["phases"][name] = spec
    return mutate


def _transition(index: int, **spec: object) -> Callable[[dict], None]:
    def mutate(raw: dict) -> None:
        raw["transitions"][index].update(spec)
    return mutate


def _add(**spec: object) -> Callable[[dict], None]:
    def mutate(raw: dict) -> None:
        raw["transitions"].append(spec)
    return mutate


def _drop_key(index: int, key: str) -> Callable[[dict], None]:
    def mutate(raw: dict) -> None:
        del raw["transitions"][index][key]
    return mutate


def _without_pause(raw: dict) -> None:
    del raw["phases"]["paused"]
    raw["transitions"] = [t for t in raw["transitions"] if t["trigger"] not in ("hold", "resume")]


def _chain(*mutations: Callable[[dict], None]) -> Callable[[dict], None]:
    def mutate(raw: dict) -> None:
        for m in mutations:
            m(raw)
    return mutate


def _top(**values: object) -> Callable[[dict], None]:
    def mutate(raw: dict) -> None:
        raw.update(values)
    return mutate


def _no_terminal(raw: dict) -> None:
    for spec in raw["phases"].values():
        spec.pop("terminal", None)


INVALID = [
    pytest.param(_transition(0, guards=["department_named", "moon_is_full"]),
                 "transition 1 (begin): unknown guard 'moon_is_full'", id="unknown-guard"),
    pytest.param(_transition(1, effects=["next_round", "fireworks"]),
                 "transition 2 (finish): unknown effect 'fireworks'", id="unknown-effect"),
    pytest.param(_chain(_without_pause, _phase("island", label_de="Insel")),
                 "phase(s) island cannot be reached from 'start'", id="unreachable-phase"),
    pytest.param(_no_terminal, "no terminal phase", id="missing-terminal"),
    pytest.param(_add(trigger="begin", source="start", dest="done"),
                 "trigger 'begin' is defined twice from 'start'", id="duplicate-trigger"),
    pytest.param(_add(trigger="finish", source="*", dest="cancelled"),
                 "trigger 'finish' is defined twice from 'work'",
                 id="duplicate-trigger-via-wildcard"),
    pytest.param(_transition(1, dest="nowhere"), "transition 2 (finish): unknown phase 'nowhere'",
                 id="unknown-dest"),
    pytest.param(_transition(1, source="nowhere"),
                 "transition 2 (finish): unknown phase 'nowhere'", id="unknown-source"),
    pytest.param(_add(trigger="reopen", source="done", dest="work"),
                 "terminal phase 'done' cannot be left", id="terminal-source"),
    pytest.param(_transition(3, source="work"), "dest '@paused' needs source = the pause phase",
                 id="paused-dest-from-other-phase"),
    pytest.param(_drop_key(1, "trigger"), "transition 2 (?): needs trigger, source and dest",
                 id="transition-without-trigger"),
    pytest.param(_transition(1, dest=""), "transition 2 (finish): needs trigger, source and dest",
                 id="transition-with-empty-dest"),
    pytest.param(_top(initial="nowhere"), "initial phase 'nowhere' is not among the phases",
                 id="unknown-initial"),
    pytest.param(_top(version=""), "'version' must be a non-empty string", id="empty-version"),
    pytest.param(_top(version=2026), "'version' must be a non-empty string",
                 id="version-not-text"),
    pytest.param(_top(phases={}), "no [phases.NAME] tables", id="no-phases"),
    pytest.param(_phase("work", pause=True), "more than one phase is marked pause = true",
                 id="two-pause-phases"),
]


@pytest.mark.parametrize(("mutate", "message"), INVALID)
def test_invalid_definition_is_refused_naming_the_problem(mutate, message):
    raw = minimal()
    parse_definition(copy.deepcopy(raw))  # the starting point is valid
    mutate(raw)
    with pytest.raises(DefinitionError) as refused:
        parse_definition(raw)
    assert message in str(refused.value)


def test_unreachable_phase_is_refused_even_when_hold_and_resume_exist():
    """``resume`` returns only to the phase a process was paused in, so its expanded
    ``@paused`` edges must not make a phase that nothing leads to count as reachable."""
    raw = minimal()
    raw["phases"]["island"] = {"label_de": "Insel"}
    with pytest.raises(DefinitionError, match="phase\\(s\\) island cannot be reached"):
        parse_definition(raw)


def test_unreachable_phase_in_the_default_definition_is_refused(tmp_path: Path):
    path = tmp_path / "island.toml"
    text = DEFAULT.read_text(encoding="utf-8")
    path.write_text(text + '\n[phases.island]\nlabel_de = "Insel"\nlabel_en = "Island"\n',
                    encoding="utf-8")
    with pytest.raises(DefinitionError, match="island cannot be reached from 'initiated'"):
        load_definition(path)


def test_phase_without_way_to_a_terminal_is_refused():
    raw = minimal()
    raw["phases"]["trap"] = {"label_de": "Falle"}
    raw["transitions"] = [
        {"trigger": "begin", "source": "start", "dest": "work"},
        {"trigger": "finish", "source": "work", "dest": "done"},
        {"trigger": "fall", "source": "start", "dest": "trap"},
        {"trigger": "hold", "source": "work", "dest": "paused"},
        {"trigger": "resume", "source": "paused", "dest": PAUSED},
        {"trigger": "cancel", "source": "start", "dest": "cancelled"},
    ]
    with pytest.raises(DefinitionError, match="phase 'trap' has no way to a terminal phase"):
        parse_definition(raw)


@pytest.mark.parametrize("dwell", [0, -5, "30", 1.5, True],
                         ids=["zero", "negative", "text", "fraction", "boolean"])
def test_bad_dwell_days_is_refused(dwell):
    raw = minimal()
    raw["phases"]["work"]["dwell_days"] = dwell
    with pytest.raises(DefinitionError,
                       match="phase 'work': dwell_days must be a positive whole number"):
        parse_definition(raw)


def test_definition_error_is_bad_input():
    assert issubclass(DefinitionError, BadInput)
    assert DefinitionError.exit_code == 2


def test_minimal_definition_expands_wildcards_and_paused():
    definition = parse_definition(minimal())
    holds = sorted(t.source for t in definition.transitions if t.trigger == "hold")
    assert holds == ["start", "work"]
    resumes = sorted(t.dest for t in definition.transitions if t.trigger == "resume")
    assert resumes == ["start", "work"]
    assert all(t.to_paused for t in definition.transitions if t.trigger == "resume")
    cancels = sorted(t.source for t in definition.transitions if t.trigger == "cancel")
    assert cancels == ["paused", "start", "work"]
    assert definition.pause_phase == "paused"
    assert definition.phases["start"].dwell_days == 10
    assert definition.phases["work"].dwell_days is None
    assert definition.phases["done"].label("en") == "done"


def test_default_definition_loads():
    definition = load_definition(DEFAULT)
    assert definition.version == "2026.1"
    assert definition.initial == "initiated"
    assert list(definition.phases) == [
        "initiated", "begleitgruppe", "concept", "pre_reporting", "dialogue", "interim_results",
        "decision", "evaluation", "on_hold", "closed", "cancelled"]
    assert {p.name for p in definition.phases.values() if p.terminal} == {"closed", "cancelled"}
    assert definition.pause_phase == "on_hold"
    assert definition.phases["concept"].label("de") == "Erstellung des Beteiligungskonzepts"
    assert definition.phases["concept"].label("en") == "Drafting the participation concept"
    assert not definition.is_open("closed") and definition.is_open("on_hold")
    assert [t.trigger for t in definition.transitions_from("interim_results")][:2] == [
        "start_another_round", "go_to_decision"]
    assert len(definition.edges) == 12


def test_load_definition_names_a_missing_file(tmp_path: Path):
    path = tmp_path / "none.toml"
    with pytest.raises(DefinitionError, match="none.toml: file not found"):
        load_definition(path)


def test_load_definition_names_invalid_toml(tmp_path: Path):
    path = tmp_path / "broken.toml"
    path.write_text("version = \n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="broken.toml: not valid TOML"):
        load_definition(path)


def test_load_definition_prefixes_validation_errors_with_the_path(tmp_path: Path):
    path = tmp_path / "bad.toml"
    text = DEFAULT.read_text(encoding="utf-8").replace('"department_named"', '"department_nam"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as refused:
        load_definition(path)
    assert str(refused.value).startswith(f"process definition {path}: transition 1 ")
    assert "unknown guard 'department_nam'" in str(refused.value)
