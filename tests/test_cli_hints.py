"""The command hints the CLI prints under refusals and in ``process show`` run as printed:
parsed by the real argument parser, with the real id, trigger, numbers and goal ids, no
``...``, no ``[--x]`` or ``a|b`` alternatives; a command that fixes several conditions comes
once, after the last of them; and ``hold``/``cancel`` are steps that need a reason, not
something missing."""

from __future__ import annotations

import contextlib
import io
import shlex
from datetime import UTC, date, datetime, timedelta

import pytest

from beteiligung.cli.commands import print_step
from beteiligung.cli.hints import COMMANDS, NO_COMMAND, commands_for
from beteiligung.cli.parser import build_parser
from beteiligung.cli.render import unmet_lines
from beteiligung.config.settings import HERE
from beteiligung.states.case import Case, Concept, ConceptVersion, Goal, Person, Suggestion
from beteiligung.states.definition import load_definition
from beteiligung.states.guards import GuardContext, Unmet
from beteiligung.states.lifecycle import Lifecycle
from beteiligung.states.messages import TEXTS

NOW = datetime(2026, 9, 1, 9, tzinfo=UTC)
SAMPLE = {"section": "budget.costs", "goal": "Ziel 1", "missing": "indicator, due",
          "count": 2, "target": "concept", "numbers": "2, 5", "round": 2,
          "deadline": NOW, "decided_by": "Rat", "makers": "Bezirksrat", "phase": "dialogue",
          "trigger": "go_to_decision", "allowed": "hold, cancel", "first": date(2026, 9, 9),
          "decided_on": date(2026, 9, 24), "published": NOW}
LIFECYCLE = Lifecycle(load_definition(HERE / "process_definition.toml"))
PARSER = build_parser()


def parsed(line: str):
    """The command line as the parser reads it; a usage error fails the test."""
    words = shlex.split(line)
    assert words[0] == "beteiligung", line
    for bad in ("...", "…", "[", "]", "|"):
        assert bad not in line, line
    try:
        with contextlib.redirect_stderr(io.StringIO()) as err:
            return PARSER.parse_args(words[1:])
    except SystemExit:
        raise AssertionError(f"{line!r} does not parse: {err.getvalue()}") from None


def test_every_message_has_a_command_or_a_reason_why_none():
    assert set(COMMANDS) | set(NO_COMMAND) == set(TEXTS)
    assert not set(COMMANDS) & set(NO_COMMAND)


@pytest.mark.parametrize("code", sorted(COMMANDS))
def test_every_hint_parses_with_its_values_filled_in(code):
    lines = commands_for(code, SAMPLE, 7, "hold")
    assert lines
    for line in lines:
        args = parsed(line)
        assert args.id == 7, line
        assert "ID" not in line.split() and "TRIGGER" not in line.split()


def test_the_numbers_goal_ids_and_trigger_come_from_the_condition():
    answers = [parsed(line) for line in commands_for("suggestions_unanswered", SAMPLE, 7)]
    assert [(a.number, a.answer) for a in answers] == [(2, "accepted"), (5, "accepted")]
    (rate,) = commands_for("goal_not_evaluated", SAMPLE, 7)
    assert rate == "beteiligung evaluation rate 7 'Ziel 1' met --evidence TEXT"
    assert parsed(rate).goal == "Ziel 1"
    (reason,) = commands_for("reason_missing", {}, 7, "cancel")
    assert (parsed(reason).trigger, parsed(reason).reason) == ("cancel", "TEXT")
    for code in ("decision_missing", "decision_in_future", "decision_before_interim_results",
                 "decision_maker_not_named", "deviation_unjustified"):
        args = parsed(commands_for(code, SAMPLE, 7)[0])
        assert args.handler.args == ("entry:decision_record",)
        assert args.decided_by and args.decided_on and args.summary and args.implementation_by


def _bare(phase: str) -> Case:
    """A case in ``phase`` with nothing entered but two open suggestions and a published
    concept whose goal is not evaluated: every guard of the way out fails."""
    version = ConceptVersion(1, NOW, "", Concept(goals=[Goal("Z 1", "", "", "", None)]))
    return Case(7, "Platz", "", "", "", [], "administration", None, None, NOW, "2026.1",
                phase, NOW - timedelta(days=1), concept_versions=[version],
                suggestions=[Suggestion(2, "concept", "x", NOW), Suggestion(5, "concept",
                                                                            "y", NOW)])


@pytest.mark.parametrize("phase", [p for p, d in LIFECYCLE.definition.phases.items()
                                   if not d.terminal])
def test_what_process_show_and_a_refusal_print_in_every_phase_parses(phase):
    case = _bare(phase)
    if phase == LIFECYCLE.definition.pause_phase:
        case.paused_phase = "dialogue"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for verdict in LIFECYCLE.options(case, GuardContext(NOW)):
            print_step(verdict, LIFECYCLE.definition.phases, "de", 7)
            print("\n".join(unmet_lines(list(verdict.unmet), "en", 7,
                                        verdict.transition.trigger)))
    commands = [line.strip() for line in out.getvalue().splitlines()
                if line.strip().startswith("beteiligung ")]
    assert commands, phase
    for line in commands:
        parsed(line)
    if phase == "evaluation":
        assert "beteiligung evaluation rate 7 'Z 1' met --evidence TEXT" in commands


def test_a_refusal_names_each_missing_section_once_and_the_command_once_at_the_end():
    case = _bare("concept")
    case.concept_draft = Concept(topic="Platz")
    verdict = LIFECYCLE.check(case, "start_pre_reporting", GuardContext(NOW))
    lines = unmet_lines(list(verdict.unmet), "de", 7, "start_pre_reporting")
    sections = [line for line in lines if "fehlt der Abschnitt" in line]
    assert len(sections) == len(set(sections)) >= 20
    template = "      beteiligung concept template 7 --out konzept-7.toml"
    assert lines.count(template) == 1
    assert lines.index(template) > max(lines.index(s) for s in sections)
    assert "„Kosten“" in "\n".join(sections) and "budget.costs" not in "\n".join(lines)


def test_hold_and_cancel_are_steps_that_need_a_reason_not_something_missing():
    case = _bare("dialogue")
    case.lead = Person("Anna", "anna@hannover-stadt.de")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for verdict in LIFECYCLE.options(case, GuardContext(NOW)):
            print_step(verdict, LIFECYCLE.definition.phases, "de", 7)
    text = out.getvalue()
    assert "  hold -> Pausiert: möglich mit Begründung\n" \
           "        beteiligung advance 7 hold --reason TEXT\n" in text
    assert "cancel -> Abgebrochen: möglich mit Begründung" in text
    assert "Begründung nötig" not in text and text.count("es fehlt") == 1


def test_unknown_codes_get_no_hint():
    assert commands_for("comment_deadline_open", SAMPLE, 7) == []
    assert unmet_lines([Unmet("comment_deadline_open", {"deadline": NOW})], "de", 7) == [
        "  - Die Kommentierungsfrist der Zwischenergebnisse läuft noch bis 01.09.2026 11:00: "
        "das Ende der Frist abwarten."]
