"""``serve`` holds its port before the scheduler runs a job: a sweep never sends reminders
from a server that then fails to listen, and no other program takes the port in between."""

from __future__ import annotations

import argparse
import errno
import socket
import time

import pytest
import uvicorn

from beteiligung.cli import run
from beteiligung.config.bootstrap import system_clock
from beteiligung.notifications.scheduler import Jobs
from beteiligung.states.errors import PortInUse


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def try_to_bind(port: int) -> int:
    """0 when ``port`` could be bound (as uvicorn binds, ``SO_REUSEADDR``), else the errno."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            return error.errno or -1
    return 0


@pytest.fixture
def serve_args(make_cli, monkeypatch):
    for key, value in make_cli().environ.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(run.signal, "signal", lambda *_: None)  # pytest keeps its handlers
    return argparse.Namespace(host="127.0.0.1", port=free_port(), demo=False, dir=None)


def test_the_port_is_held_before_the_first_sweep_and_handed_to_uvicorn(serve_args,
                                                                      monkeypatch):
    port, seen, served = serve_args.port, [], []

    def jobs(_settings, _engine=None):
        def sweep(_now):
            seen.append(try_to_bind(port))
            return "probed"
        return Jobs(sweep, lambda _now: "", lambda _now: "", system_clock, 15, 1, 8)

    def uvicorn_run(_server, sockets=None):
        deadline = time.monotonic() + 20
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
        served.extend(s.getsockname()[1] for s in sockets or [])

    monkeypatch.setattr(run, "reminder_jobs", jobs)
    monkeypatch.setattr(uvicorn.Server, "run", uvicorn_run)
    assert run.serve(serve_args) == 0
    assert seen == [errno.EADDRINUSE]  # the sweep ran while the port was ours
    assert served == [port]
    assert try_to_bind(port) == 0  # and it is given back at the end


def test_a_taken_port_stops_serve_before_any_job_runs(serve_args, monkeypatch):
    ran = []
    monkeypatch.setattr(run, "reminder_jobs", lambda *_: ran.append("jobs"))
    with socket.socket() as other:
        other.bind(("127.0.0.1", serve_args.port))
        other.listen()
        with pytest.raises(PortInUse) as refused:
            run.serve(serve_args)
    assert refused.value.exit_code == 8 and ran == []
    assert f"Port {serve_args.port} auf 127.0.0.1 ist schon belegt" in refused.value.text("de")
