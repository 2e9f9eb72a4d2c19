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


def _phase_key(name: str, key: str, value: object) -> Callable[[dict], None]:
    def mutate(raw: dict) -> None:
        raw["phases"][name][key] = value
    return mutate


def _phase_value(name: str, value: object) -> Callable[[dict], None]:
    def mutate(raw: dict) -> None:
        raw["phases"][name] = value
    return mutate


def _add_value(value: object) -> Callable[[dict], None]:
    def mutate(raw: dict) -> None:
        raw["transitions"].append(value)
    return mutate


def _drop_top(key: str) -> Callable[[dict], None]:
    def mutate(raw: dict) -> None:
        del raw[key]
    return mutate


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


# Values of the wrong type: each refusal names the phase or transition number and the key.
MALFORMED = [
    pytest.param(_top(phases=["start", "done"]),
                 "'phases' must be a table of [phases.NAME] tables, not a list",
                 id="phases-list"),
    pytest.param(_top(phases="start"), "'phases' must be a table of [phases.NAME] tables",
                 id="phases-string"),
    pytest.param(_phase_value("work", 1), "phase 'work': must be a table [phases.work], "
                 "not a whole number", id="phase-not-table"),
    pytest.param(_phase_value("work", ["Arbeit"]), "phase 'work': must be a table",
                 id="phase-list"),
    pytest.param(_phase_key("work", "label_de", 5),
                 "phase 'work': label_de must be a non-empty string, not a whole number",
                 id="label-de-number"),
    pytest.param(_phase_key("work", "label_en", ["Work"]),
                 "phase 'work': label_en must be a non-empty string, not a list",
                 id="label-en-list"),
    pytest.param(_phase_key("work", "label_de", "  "),
                 "phase 'work': label_de must be a non-empty string", id="label-blank"),
    pytest.param(_phase_key("done", "terminal", "yes"),
                 "phase 'done': terminal must be true or false, not a string",
                 id="terminal-string"),
    pytest.param(_phase_key("done", "terminal", 1),
                 "phase 'done': terminal must be true or false, not a whole number",
                 id="terminal-number"),
    pytest.param(_phase_key("paused", "pause", "true"),
                 "phase 'paused': pause must be true or false, not a string",
                 id="pause-string"),
    pytest.param(_phase_key("done", "pause", True),
                 "phase 'done': cannot be both terminal and pause", id="terminal-and-pause"),
    pytest.param(_phase_key("work", "dwell", 30), "phase 'work': unknown key(s) dwell",
                 id="phase-unknown-key"),
    pytest.param(_phase("*", label_de="Stern"), "phase '*': the name is reserved",
                 id="phase-named-wildcard"),
    pytest.param(_top(initial=["start"]),
                 "'initial' must be a string naming a phase, not a list", id="initial-list"),
    pytest.param(_top(initial=1), "'initial' must be a string naming a phase, not a whole "
                 "number", id="initial-number"),
    pytest.param(_drop_top("initial"), "'initial' is missing", id="initial-missing"),
    pytest.param(_top(version=["t1"]), "'version' must be a non-empty string",
                 id="version-list"),
    pytest.param(_top(version=" "), "'version' must be a non-empty string", id="version-blank"),
    pytest.param(_top(transition=[]), "the definition: unknown key(s) transition",
                 id="top-unknown-key"),
    pytest.param(_top(transitions={"trigger": "begin"}),
                 "'transitions' must be a list of [[transitions]] tables, not a table",
                 id="transitions-table"),
    pytest.param(_top(transitions="begin"),
                 "'transitions' must be a list of [[transitions]] tables, not a string",
                 id="transitions-string"),
    pytest.param(_add_value(1), "transition 6: must be a [[transitions]] table, not a whole "
                 "number", id="transition-not-table"),
    pytest.param(_transition(0, source=["start"]),
                 "transition 1 (begin): source must be a string, not a list", id="source-list"),
    pytest.param(_transition(0, dest=["work"]),
                 "transition 1 (begin): dest must be a string, not a list", id="dest-list"),
    pytest.param(_transition(0, dest={"phase": "work"}),
                 "transition 1 (begin): dest must be a string, not a table", id="dest-table"),
    pytest.param(_transition(0, trigger=["begin"]),
                 "transition 1 (?): trigger must be a string, not a list", id="trigger-list"),
    pytest.param(_transition(0, trigger=7),
                 "transition 1 (?): trigger must be a string, not a whole number",
                 id="trigger-number"),
    pytest.param(_transition(0, trigger="Begin"),
                 "transition 1 (Begin): trigger 'Begin' must be a snake_case name",
                 id="trigger-capital"),
    pytest.param(_transition(0, trigger="begin now"),
                 "transition 1 (begin now): trigger 'begin now' must be a snake_case name",
                 id="trigger-space"),
    pytest.param(_transition(0, trigger="begin-now"),
                 "trigger 'begin-now' must be a snake_case name", id="trigger-dash"),
    pytest.param(_transition(0, trigger="_begin"),
                 "trigger '_begin' must be a snake_case name", id="trigger-leading-underscore"),
    pytest.param(_transition(0, trigger="2begin"),
                 "trigger '2begin' must be a snake_case name", id="trigger-leading-digit"),
    pytest.param(_transition(2, guards="reason_given"),
                 "transition 3 (hold): guards must be a list of guard names", id="guards-string"),
    pytest.param(_transition(2, guards=["reason_given", 1]),
                 "transition 3 (hold): guards must be a list of guard names, not a list holding "
                 "a whole number", id="guards-numbers"),
    pytest.param(_transition(2, guards={"reason_given": True}),
                 "transition 3 (hold): guards must be a list of guard names, not a table",
                 id="guards-table"),
    pytest.param(_transition(1, effects="next_round"),
                 "transition 2 (finish): effects must be a list of effect names, not a string",
                 id="effects-string"),
    pytest.param(_transition(1, effects=[["next_round"]]),
                 "transition 2 (finish): effects must be a list of effect names",
                 id="effects-nested"),
    pytest.param(_transition(2, guard=["reason_given"]),
                 "transition 3 (hold): unknown key(s) guard", id="transition-unknown-key"),
]


@pytest.mark.parametrize(("mutate", "message"), INVALID + MALFORMED)
def test_invalid_definition_is_refused_naming_the_problem(mutate, message):
    raw = minimal()
    parse_definition(copy.deepcopy(raw))  # the starting point is valid
    mutate(raw)
    with pytest.raises(DefinitionError) as refused:
        parse_definition(raw)
    assert message in str(refused.value)


@pytest.mark.parametrize(("text", "message"), [
    pytest.param('version = "x"\ninitial = "a"\nphases = {a = 1}\n',
                 "phase 'a': must be a table [phases.a], not a whole number",
                 id="inline-phase-number"),
    pytest.param('version = "x"\ninitial = ["a"]\n[phases.a]\n[phases.b]\nterminal = true\n',
                 "'initial' must be a string naming a phase, not a list", id="initial-list"),
    pytest.param('version = "x"\ninitial = "a"\n[phases.a]\n[phases.b]\nterminal = "yes"\n',
                 "phase 'b': terminal must be true or false, not a string",
                 id="terminal-yes"),
    pytest.param('version = "x"\ninitial = "a"\ntransitions = [1, 2]\n[phases.a]\n'
                 '[phases.b]\nterminal = true\n',
                 "transition 1: must be a [[transitions]] table, not a whole number",
                 id="transitions-numbers"),
    pytest.param('version = "x"\ninitial = "a"\n[phases.a]\n[phases.b]\nterminal = true\n'
                 '[[transitions]]\ntrigger = "go"\nsource = ["a"]\ndest = "b"\n',
                 "transition 1 (go): source must be a string, not a list", id="source-list"),
    pytest.param('version = "x"\ninitial = "a"\n[phases.a]\n[phases.b]\nterminal = true\n'
                 '[[transitions]]\ntrigger = "go"\nsource = "a"\ndest = "b"\n'
                 'guards = "reason_given"\n',
                 "transition 1 (go): guards must be a list of guard names, not a string",
                 id="guards-string"),
])
def test_malformed_definition_file_is_refused_not_crashed(tmp_path: Path, text, message):
    path = tmp_path / "malformed.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as refused:
        load_definition(path)
    assert str(refused.value).startswith(f"process definition {path}: ")
    assert message in str(refused.value)


def test_load_definition_names_an_unreadable_file(tmp_path: Path):
    with pytest.raises(DefinitionError, match="is a folder, not a file"):
        load_definition(tmp_path)  # a directory
    path = tmp_path / "latin1.toml"
    path.write_bytes('version = "Übergang"\n'.encode("latin-1"))
    with pytest.raises(DefinitionError, match=r"latin1.toml: is not UTF-8 text \(byte 12\)"):
        load_definition(path)


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
    assert definition.version == "2026.2"
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
