"""Bad input never crashes the command line: every command, with any of its options given
values a person could type by mistake (or a script could pass), ends in a usage error, a
one-line refusal or success, and never in an unexpected error (exit code 70, the one left
for a defect) or an exception out of ``main``.

Hypothesis draws the arguments from values that broke commands before (years 1 and 9999, a
time in the daylight-saving gap, /dev/zero as a file, 120 KB of text, invalid UTF-8 as Python
passes it on, ids beyond the database's integers, zero-width spaces, formulas) and from
arbitrary text. ``run`` and ``serve`` block until stopped, and ``demo`` builds a whole
database: they get fewer draws, with the scheduler's loop and uvicorn's server replaced by
functions that return at once (their real runs are tested in tests/e2e).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beteiligung.cli import demo_site
from beteiligung.cli.main import main
from beteiligung.cli.parser import build_parser
from beteiligung.config.settings import load_settings
from beteiligung.states.errors import UNEXPECTED

LEAD = demo_site.LEAD.email
COORDINATOR = demo_site.COORDINATOR
PROCESSES = [str(n) for n in range(1, 7)]  # the demo's, one in each phase
EXAMPLE_CONCEPT = Path(load_settings.__code__.co_filename).parent / "example_concept.toml"
BLOCKING = {("run",), ("serve",), ("demo",)}

NASTY = [
    "", " ", "0", "-1", "1", "2", "3", "99999999999999999999", "2147483648", "1e309", "nan",
    "0001-01-01", "9999-12-31", "31.12.9999", "01.01.0001", "29.02.2027", "2026-02-30",
    "29.03.2026 02:30", "2026-03-29T02:30", "25.10.2026 02:30", "2026-12-04T08:00+14:00",
    "2026Q5", "2026Q4", "0Q1", "9999Q4", "x" * 120_000, "\u200b", "\u200b\u200d\u2060",
    "\x1b[31mrot", "\udcff\udcfe", "a\x00b", "/dev/zero", "/dev/null", "/", "/proc/self/mem",
    "/nonexistent/x.toml", "konzept.toml", "out.txt", "=HYPERLINK(\"x\")", "@SUM(A1)",
    LEAD, COORDINATOR, "not-an-email", "a@b", "cancel", "ja", "vor Ort", "abgelehnt",
    "Mitte", "67", "FB 67", "approved", "rejected", "pre", "post", "met", "failed", "lead",
    "coordinator", "Initiierung", "--", "-x", "--help-not", "ä" * 600, "\n", "😀" * 100,
]
MOMENTS = ["13.02.2027", "2027-02-13T18:00", "13.02.2027 18:00", "2026-12-04"]
# Values that a command takes, by the argument's dest: most draws give an argument one of
# these, so that the others reach the use case with their own (bad) values.
GOOD = {
    "id": PROCESSES[1:], "number": ["1", "2"], "deadline": ["1", "5"], "version": ["1", "2"],
    "actor": [LEAD, COORDINATOR], "email": [LEAD, COORDINATOR],
    "lead_email": [LEAD], "deputy_email": ["max.muster@hannover-stadt.de"],
    "lead_name": ["Anna Lehmann"], "deputy_name": ["Max Muster"],
    "trigger": ["set_up_begleitgruppe", "draft_concept", "hold", "resume", "cancel",
                "open_dialogue", "close"],
    "who": ["politics", "Politik"], "answer": ["accepted", "abgelehnt"], "kind": ["pre"],
    "rating": ["met"], "goal": ["g1"], "on": ["concept"], "mode": ["vor Ort", "online"],
    "file": ["konzept.toml"], "out": ["out.txt", "neu/out.txt"], "anchor": ["anker.json"],
    "due": MOMENTS, "comment_deadline": MOMENTS, "now": MOMENTS, "as_of": MOMENTS,
    "decided_on": ["13.02.2027"], "date": ["13.02.2027", "2026-12-04"],
    "quarter": ["2026Q4", "2026-Q4"], "district": ["Mitte"], "department": ["67", "FB 67"],
    "origin": ["administration", "Verwaltung"],
    "role": ["lead", "coordinator"], "status": ["queued", "failed"], "days": ["30"],
    "port": [str(50_000 + os.getpid() % 10_000)], "host": ["127.0.0.1"],
    "owner": ["eigner"], "runtime": ["app"], "schema": ["public"], "database": ["test"],
}
NASTY_VALUES = st.one_of(st.sampled_from(NASTY), st.text(max_size=30))


def values(dest: str) -> st.SearchStrategy[str]:
    """A good value for ``dest`` nine times in ten, else a nasty one."""
    good = st.sampled_from(GOOD.get(dest, ["Ein Text", "Mitte"]))
    return st.integers(0, 9).flatmap(lambda k: NASTY_VALUES if k == 0 else good)


def leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every runnable command: its words and its parser."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from leaves(child, (*path, name))
    if parser.get_default("handler") is not None:
        yield path, parser


ALL = dict(leaves(build_parser()))
COMMANDS = {path: parser for path, parser in ALL.items() if path not in BLOCKING}


def arguments(parser: argparse.ArgumentParser) -> st.SearchStrategy[list[str]]:
    """Options in any order and subset, each with a drawn value; positionals always."""
    parts = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:
            parts.append(values(action.dest).map(lambda v: [v]))
            continue
        flag = action.option_strings[-1]
        if action.nargs == 0:
            parts.append(st.sampled_from([[], [flag]]))
        else:
            chosen = (st.sampled_from(list(action.choices)) if action.choices
                      else values(action.dest))
            given_ = chosen.map(lambda v, f=flag: [f, str(v)])
            parts.append(given_ if action.required else st.one_of(st.just([]), given_))
    return st.tuples(*parts).map(lambda chunks: [word for chunk in chunks for word in chunk])


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A settings file, a SQLite database filled by the demo (a process in every phase, with
    suggestions, deadlines and mail) and a folder to run in."""
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "settings.toml").write_text(f'coordinators = ["{COORDINATOR}"]\n')
    (folder / "konzept.toml").write_text(EXAMPLE_CONCEPT.read_text(encoding="utf-8"))
    environ = {"BETEILIGUNG_DATABASE_URL": f"sqlite:///{folder / 'fuzz.db'}",
               "BETEILIGUNG_CONFIG": str(folder / "settings.toml"),
               "BETEILIGUNG_USER": LEAD, "BETEILIGUNG_MAIL_FOLDER": str(folder / "mail"),
               "BETEILIGUNG_AUDIT_KEYS": f"t0={'00' * 32}",
               "BETEILIGUNG_NEW_PASSWORD": "ein langes Passwort 2026"}
    return folder, environ


@pytest.fixture
def cli(sandbox, monkeypatch):
    folder, environ = sandbox
    for key in [k for k in os.environ if k.startswith("BETEILIGUNG_")]:
        monkeypatch.delenv(key)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(folder)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    def run(argv: list[str]) -> tuple[int, str]:
        err = io.StringIO()
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # has .buffer, as sys.stdout
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 2
        return code, err.getvalue()

    if not Path(folder / "fuzz.db").exists():
        assert run(["db", "upgrade"])[0] == 0
        demo_site.build(load_settings())
    return run


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_no_input_makes_a_command_crash(cli, path):
    @settings(max_examples=30, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(arguments(COMMANDS[path]))
    def probe(argv):
        code, err = cli([*path, *argv])
        assert code != UNEXPECTED, (path, argv, err)
        assert "Traceback" not in err, (path, argv, err)
        if code == 2:  # a usage error or a refused value: a line, not a dump
            assert err.count("\n") <= 3, (path, argv, err)

    probe()


def test_an_unexpected_error_is_one_line_with_its_own_code_and_the_traceback_on_request(
        cli, monkeypatch):
    def broken(_args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("beteiligung.cli.commands.process_list", broken)
    code, err = cli(["process", "list"])
    assert code == UNEXPECTED == 70
    assert err.startswith("beteiligung: unerwarteter Fehler (ZeroDivisionError: division by "
                          "zero)") and err.count("\n") == 1 and "Traceback" not in err
    code, err = cli(["--debug", "process", "list"])
    assert code == 70 and "Traceback (most recent call last)" in err


@pytest.mark.parametrize("path", sorted(BLOCKING), ids=" ".join)
def test_no_input_makes_a_long_running_command_crash(cli, path, monkeypatch):
    import uvicorn

    from beteiligung.cli import run

    monkeypatch.setattr("beteiligung.notifications.scheduler.run_forever", lambda _jobs: None)
    monkeypatch.setattr(uvicorn.Server, "run", lambda _server, sockets=None: None)
    monkeypatch.setattr(run.signal, "signal", lambda *_: None)  # pytest keeps its handlers

    @settings(max_examples=6, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(arguments(ALL[path]))
    def probe(argv):
        code, err = cli([*path, *argv])
        assert code != UNEXPECTED, (path, argv, err)
        assert "Traceback" not in err, (path, argv, err)

    probe()
