"""``beteiligung serve``: the web application and the scheduler in one process, stopped
cleanly by SIGTERM (through the installed script, on SQLite and PostgreSQL)."""

from __future__ import annotations

import http.cookiejar
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SCRIPT = str(Path(sys.executable).parent / "beteiligung")


@pytest.fixture
def cli(make_cli):
    return make_cli(env={"BETEILIGUNG_MAIL_SENDER": "beteiligung@hannover-stadt.de"})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str):
    """Status, headers (case-insensitive) and the body of a GET."""
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - our own loopback
        return answer.status, answer.headers, answer.read().decode("utf-8")


@dataclass
class Server:
    """A running ``beteiligung serve``: its address and what it printed so far."""

    base: str
    deadline: float
    lines: list[str] = field(default_factory=list)
    returncode: int | None = None

    @property
    def output(self) -> str:
        return "".join(self.lines)


@contextmanager
def serving(environ: dict, *args: str, wait: float = 60) -> Iterator[Server]:
    """``beteiligung serve ARGS`` on a free port, answering /healthz; stopped by SIGTERM at
    the end of the block (``returncode`` and the whole ``output`` are then set)."""
    port = free_port()
    process = subprocess.Popen([SCRIPT, "serve", *args, "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=environ)
    server = Server(f"http://127.0.0.1:{port}", time.monotonic() + wait)
    reader = threading.Thread(target=lambda: server.lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        status = None
        while time.monotonic() < server.deadline and status is None:
            try:
                status = get(f"{server.base}/healthz")[0]
            except OSError:
                time.sleep(0.2)
        assert status == 200, server.output
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        reader.join(timeout=10)
        process.stdout.close()
        server.returncode = process.returncode


def test_serve_answers_sweeps_at_once_and_stops_cleanly(cli):
    created = cli("process", "create", "--title", "Spielplatz Klagesmarkt", "--department",
                  "FB 51", "--district", "Mitte", "--lead-name", "Anna Lehmann",
                  "--lead-email", "anna.lehmann@hannover-stadt.de")
    assert created.stdout.strip().isdigit()
    with serving(cli.environ) as server:
        status, headers, page = get(f"{server.base}/")
        assert status == 200 and "Spielplatz Klagesmarkt" in page and "@" not in page
        assert headers.get("Content-Security-Policy", "").startswith("default-src 'none'")
        while time.monotonic() < server.deadline and not any("deliver:" in line
                                                              for line in server.lines):
            time.sleep(0.1)
    output = server.output
    assert server.returncode == 0, output
    assert "sweep: queued 0" in output and "deliver:" in output
    assert server.base.removeprefix("http://") in output and "stopped" in output
    assert "Traceback" not in output


def test_serve_demo_shows_a_living_system_to_sign_in_to(tmp_path, cli):
    with serving(cli.environ, "--demo", "--dir", str(tmp_path / "demo"), wait=90) as server:
        base = server.base
        listing = json.loads(get(f"{base}/api/v1/public/processes")[2])["processes"]
        phases = {p["phase"] for p in listing}
        assert {"closed", "concept", "dialogue", "interim_results"} <= phases, phases

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(f"{base}/anmelden", timeout=5).read().decode()
        token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"email": "anna.lehmann@hannover-stadt.de",
                                       "password": "beteiligung-demo", "csrf": token,
                                       "next": "/intern"}).encode()
        opener.open(f"{base}/anmelden", data=data, timeout=10)
        assert "btg_session" in {c.name for c in jar}
    output = server.output
    assert server.returncode == 0, output
    assert "anna.lehmann@hannover-stadt.de / Passwort: beteiligung-demo" in output
    assert (tmp_path / "demo" / "demo.db").exists()
    assert "Traceback" not in output
