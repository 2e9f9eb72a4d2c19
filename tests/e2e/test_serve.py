"""``beteiligung serve``: the web application and the scheduler in one process, stopped
cleanly by SIGTERM (through the installed script, on SQLite and PostgreSQL)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
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


def test_serve_answers_sweeps_at_once_and_stops_cleanly(cli):
    created = cli("process", "create", "--title", "Spielplatz Klagesmarkt", "--department",
                  "FB 51", "--district", "Mitte", "--lead-name", "Anna Lehmann",
                  "--lead-email", "anna.lehmann@hannover-stadt.de")
    assert created.stdout.strip().isdigit()
    port = free_port()
    server = subprocess.Popen([SCRIPT, "serve", "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env=cli.environ)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    try:
        deadline, status = time.monotonic() + 60, None
        while time.monotonic() < deadline and status is None:
            try:
                status = get(f"http://127.0.0.1:{port}/healthz")[0]
            except OSError:
                time.sleep(0.2)
        assert status == 200, "".join(lines)
        status, headers, page = get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "Spielplatz Klagesmarkt" in page and "@" not in page
        assert headers.get("Content-Security-Policy", "").startswith("default-src 'none'")
        while time.monotonic() < deadline and not any("deliver:" in line for line in lines):
            time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        reader.join(timeout=10)
        server.stdout.close()
    output = "".join(lines)
    assert server.returncode == 0, output
    assert "sweep: queued 0" in output and "deliver:" in output
    assert f"127.0.0.1:{port}" in output and "stopped" in output
    assert "Traceback" not in output


def test_serve_demo_shows_a_living_system_to_sign_in_to(tmp_path, cli):
    import http.cookiejar
    import json
    import re
    import urllib.parse

    port = free_port()
    server = subprocess.Popen([SCRIPT, "serve", "--demo", "--dir", str(tmp_path / "demo"),
                               "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env=cli.environ)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, status = time.monotonic() + 90, None
        while time.monotonic() < deadline and status is None:
            try:
                status = get(f"{base}/healthz")[0]
            except OSError:
                time.sleep(0.2)
        assert status == 200, "".join(lines)
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
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        reader.join(timeout=10)
        server.stdout.close()
    output = "".join(lines)
    assert server.returncode == 0, output
    assert "anna.lehmann@hannover-stadt.de / Passwort: beteiligung-demo" in output
    assert (tmp_path / "demo" / "demo.db").exists()
    assert "Traceback" not in output
