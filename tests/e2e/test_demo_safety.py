"""The demo never deletes someone's files, and ``serve`` on a taken port stops at once
(issue 11, point 8), through the installed command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

SCRIPT = str(Path(sys.executable).parent / "beteiligung")


def run(*args: str, lang: str | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BETEILIGUNG_")}
    if lang:
        environ["BETEILIGUNG_LANG"] = lang
    done = subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=120,
                          env=environ)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_demo_refuses_a_folder_it_did_not_make_and_deletes_nothing(tmp_path):
    mine = tmp_path / "projekt"
    (mine / "mail").mkdir(parents=True)
    for name in ("demo.db", "mail/wichtig.eml", "Bericht.docx"):
        (mine / name).write_text("meins")
    done = run("demo", "--dir", str(mine))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"beteiligung: error: --dir: der Ordner {mine} ist nicht leer")
    assert len(done.stderr.splitlines()) == 1
    assert {p.name for p in mine.rglob("*")} == {"mail", "demo.db", "wichtig.eml",
                                                 "Bericht.docx"}
    assert all(p.read_text() == "meins" for p in mine.rglob("*") if p.is_file())


def test_demo_reuses_its_own_folder_and_keeps_what_else_is_there(tmp_path):
    assert run("demo", "--dir", str(tmp_path / "demo")).returncode == 0
    (tmp_path / "demo" / "notizen.txt").write_text("meins")
    again = run("demo", "--dir", str(tmp_path / "demo"))
    assert again.returncode == 0, again.stderr
    assert len(list((tmp_path / "demo" / "mail").glob("*.eml"))) == 4   # replaced, not added
    assert (tmp_path / "demo" / "notizen.txt").read_text() == "meins"


def test_serve_on_a_taken_port_stops_before_anything_with_its_own_exit_code(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run("serve", "--demo", "--dir", str(tmp_path / "demo"), "--port", str(port))
        english = run("serve", "--port", str(port), lang="en")
    assert done.returncode == 8 and done.stdout == ""
    assert done.stderr == (f"beteiligung: error: Port {port} auf 127.0.0.1 ist schon belegt "
                           "(läuft dort schon ein „beteiligung serve“ oder ein anderes "
                           f"Programm?): einen anderen Port wählen, z. B. --port {port + 1}\n")
    assert not (tmp_path / "demo").exists()            # no demo was built
    assert english.returncode == 8 and f"port {port} on 127.0.0.1 is already in use" in \
        english.stderr


def test_serve_refuses_a_port_out_of_range_and_dir_without_demo(tmp_path):
    done = run("serve", "--port", "70000")
    assert done.returncode == 2 and "--port: 70000 ist kein Port" in done.stderr
    alone = run("serve", "--dir", str(tmp_path))
    assert alone.returncode == 2 and "--dir gehört zu --demo" in alone.stderr
