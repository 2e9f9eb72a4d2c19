"""The command hints the CLI appends to refusals belong to real messages and real commands."""

from beteiligung.cli.hints import COMMANDS
from beteiligung.cli.parser import build_parser
from beteiligung.states.messages import TEXTS


def test_every_command_hint_belongs_to_a_message():
    assert set(COMMANDS) <= set(TEXTS)
    assert all(hint.startswith("beteiligung ") for hint in COMMANDS.values())


def test_every_hint_names_a_command_the_parser_knows():
    parser = build_parser()
    for code, hint in COMMANDS.items():
        words = hint.split()[1:3]
        args = [w for w in words if not w.isupper()]
        try:
            parser.parse_args([*args, "--help"])
        except SystemExit as done:
            assert done.code == 0, (code, hint)
