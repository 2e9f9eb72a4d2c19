"""End-to-end: the installed ``beteiligung`` console script on a real database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from beteiligung.storage.engine import make_engine

SCRIPT = str(Path(sys.executable).parent / "beteiligung")
BERLIN = ZoneInfo("Europe/Berlin")
LEAD = "anna.lehmann@hannover-stadt.de"
DEPUTY = "jonas.weber@hannover-stadt.de"
EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example_concept.toml"


@pytest.fixture
def cli(make_cli):
    """The console script against the test database (tests/e2e/conftest.py)."""
    return make_cli(env={"BETEILIGUNG_MAIL_SENDER": "beteiligung@hannover-stadt.de"})


def create(cli, *extra: str) -> int:
    done = cli("process", "create", "--title", "Neugestaltung Lindener Marktplatz",
               "--department", "Umwelt und Stadtgrün", "--district", "Linden-Limmer",
               "--lead-name", "Anna Lehmann", "--lead-email", LEAD, *extra)
    return int(done.stdout.strip())


def test_help_answers_without_importing_the_database_layer():
    probe = ("import sys\nfrom beteiligung.cli.main import main\n"
             "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('sqlalchemy', 'alembic', 'transitions', 'jinja2') "
             "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert "process" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_create_prints_id_and_json_prints_the_process(cli):
    assert create(cli) == 1
    done = cli("process", "create", "--json", "--title", "Spielplatz Nord", "--lead-name",
               "Anna Lehmann", "--lead-email", LEAD, "--district", "Nord")
    data = json.loads(done.stdout)
    assert data["id"] == 2 and data["phase"] == "initiated" and data["districts"] == ["Nord"]
    listed = json.loads(cli("process", "list", "--json").stdout)
    assert [p["id"] for p in listed] == [1, 2]
    only = json.loads(cli("process", "list", "--state", "initiated", "--json").stdout)
    assert len(only) == 2
    assert json.loads(cli("process", "list", "--state", "closed", "--json").stdout) == []


def test_unknown_trigger_is_bad_input_and_writes_nothing(cli):
    pid = create(cli)
    before = json.loads(cli("history", str(pid), "--json").stdout)
    done = cli("advance", str(pid), "weiter", check=2)
    assert done.stderr.count("\n") == 1 and "Einen Schritt „weiter“ gibt es nicht" in done.stderr
    assert "set_up_begleitgruppe" in done.stderr
    assert json.loads(cli("history", str(pid), "--json").stdout) == before


def test_every_cli_event_records_the_operating_system_user(cli, monkeypatch):
    import os
    import pwd

    user = pwd.getpwuid(os.geteuid()).pw_name
    # the environment's login name is anyone's to set for one command: it is not believed
    monkeypatch.setenv("LOGNAME", "anna.lehmann")
    monkeypatch.setenv("USER", "anna.lehmann")
    pid = create(cli)
    cli("advance", str(pid), "set_up_begleitgruppe", check=3)  # refused: no deputy
    cli("advance", str(pid), "hold", "--as", "mallory@example.org", "--reason", "x", check=6)
    events = json.loads(cli("history", str(pid), "--json").stdout)
    assert [e["action"] for e in events] == ["process_created", "transition_refused",
                                             "permission_refused"]
    # the os user as staff see it; the trail keeps it by reference, as the actor's
    assert {e["payload"]["os_user"]["value"] for e in events} == {user}
    assert f"{LEAD} ({user})" in cli("history", str(pid)).stdout
    assert cli("audit", "verify").returncode == 0


def test_refused_step_lists_every_reason_and_is_audited(cli):
    pid = create(cli)
    cli("advance", str(pid), "set_up_begleitgruppe", "--reason", "x", check=None)
    cli("process", "edit", str(pid), "--deputy-name", "Jonas Weber", "--deputy-email", DEPUTY)
    cli("advance", str(pid), "set_up_begleitgruppe")
    done = cli("advance", str(pid), "draft_concept", check=3)
    assert "draft_concept" in done.stderr.splitlines()[0]
    assert "angeregt" in done.stderr and "Mitglieder" in done.stderr
    english = cli("--lang", "en", "advance", str(pid), "draft_concept", check=3)
    assert "has no members yet" in english.stderr
    assert "refused in phase 'Setting up the Projektbegleitgruppe'" in english.stderr
    assert "in der Phase „Einrichtung der Projektbegleitgruppe“ abgelehnt" in done.stderr
    trailing = cli("advance", str(pid), "draft_concept", "--lang", "en", check=3)
    assert trailing.stderr == english.stderr
    assert "abgelehnt, es fehlt" in done.stderr.splitlines()[0]
    show = json.loads(cli("process", "show", str(pid), "--json").stdout)
    assert show["phase"] == "begleitgruppe"
    draft = next(o for o in show["next"] if o["trigger"] == "draft_concept")
    assert not draft["allowed"]
    assert {u["code"] for u in draft["unmet"]} == {"begleitgruppe_requester_missing",
                                                   "begleitgruppe_no_members"}
    actions = [e["action"] for e in json.loads(cli("history", str(pid), "--json").stdout)]
    assert actions.count("transition_refused") == 4
    assert actions[-1] == "transition_refused"


def test_exit_codes_for_user_mistakes(cli, tmp_path):
    pid = create(cli)
    assert "nicht möglich" in cli("advance", str(pid), "close", check=3).stderr
    assert "no process with id 99" in cli("process", "show", "99", check=4).stderr
    assert "Foo" in cli("process", "create", "--title", "X", "--district", "Foo",
                        "--lead-name", "A", "--lead-email", LEAD, check=2).stderr
    usage = cli("process", "show", "abc", check=2)
    assert len(usage.stderr.strip().splitlines()) == 1
    refused = cli("--as", "someone@else.de", "process", "edit", str(pid), "--title", "Y",
                  check=6)
    assert "may not change" in refused.stderr
    coordinator = cli("--as", "koordination@hannover-stadt.de", "process", "edit", str(pid),
                      "--title", "Neuer Titel")
    assert coordinator.returncode == 0
    environ = dict(cli.environ)
    del environ["BETEILIGUNG_USER"]
    anonymous = subprocess.run([SCRIPT, "process", "edit", str(pid), "--title", "Z"],
                               capture_output=True, text=True, env=environ)
    assert anonymous.returncode == 2 and "BETEILIGUNG_USER" in anonymous.stderr
    actions = [e["action"] for e in json.loads(cli("history", str(pid), "--json").stdout)]
    assert actions == ["process_created", "transition_refused", "permission_refused",
                       "process_edited"]


def test_wrong_concept_file_names_the_field_and_writes_nothing(cli, tmp_path):
    pid = create(cli)
    before = cli("history", str(pid), "--json").stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('topic = "Platz"\n[[goals]]\nid = "Z1"\ndue = "Juni"\n', encoding="utf-8")
    done = cli("concept", "load", str(pid), str(bad), check=2)
    assert "goals[1].due" in done.stderr
    bad.write_text('topik = "Platz"\n', encoding="utf-8")
    assert "'topik'" in cli("concept", "load", str(pid), str(bad), check=2).stderr
    assert "Konzeptdatei /nonexistent.toml: Datei nicht gefunden" in cli(
        "concept", "load", str(pid), "/nonexistent.toml", check=2).stderr
    assert cli("history", str(pid), "--json").stdout == before


def test_concept_versions_through_the_command_line(cli):
    pid = create(cli, "--deputy-name", "Jonas Weber", "--deputy-email", DEPUTY)
    cli("advance", str(pid), "set_up_begleitgruppe")
    cli("begleitgruppe", "requested-by", str(pid), "politics")
    cli("begleitgruppe", "add-member", str(pid), "--name", "Petra Nowak", "--organisation",
        "Stadtplanung")
    cli("advance", str(pid), "draft_concept")
    cli("concept", "load", str(pid), str(EXAMPLE))
    cli("concept", "publish", str(pid))
    again = cli("concept", "publish", str(pid), check=2)
    assert "nothing to publish" in again.stderr
    shown = json.loads(cli("concept", "show", str(pid), "--version", "1", "--json").stdout)
    assert shown["concept"]["goals"][0]["id"] == "Z1"
    # the public comment period on the concept runs 28 days: not before its end
    refused = cli("advance", str(pid), "start_pre_reporting", check=3)
    ends = (datetime.now(BERLIN) + timedelta(days=28)).strftime("%d.%m.%Y")
    assert f"Die Kommentierungsfrist zum Konzept läuft noch bis {ends} 23:59" in refused.stderr
    assert json.loads(cli("process", "show", str(pid), "--json").stdout)["phase"] == "concept"


def test_audit_verify_reports_a_tampered_event(cli, db_url, unguarded):
    pid = create(cli)
    cli("process", "edit", str(pid), "--title", "Anders")
    ok = json.loads(cli("audit", "verify", "--json").stdout)
    assert ok["ok"] and ok["events_checked"] == 2
    engine = make_engine(db_url)
    with unguarded(engine) as conn:  # the table is append-only: tamper as its owner could
        conn.execute(text("UPDATE audit_events SET actor = 'mallory@x.de' WHERE seq = 2"))
    engine.dispose()
    broken = cli("audit", "verify", check=1)
    assert f"Prozess {pid}: erstes gebrochenes Ereignis 2" in broken.stdout
    broken = cli("--lang", "en", "audit", "verify", check=1)
    assert f"process {pid}: first broken event 2" in broken.stdout


def test_concurrent_change_is_a_conflict_with_exit_code_5(cli, db_url):
    pid = create(cli)
    engine = make_engine(db_url)
    conn = engine.connect()
    tx = conn.begin()
    conn.execute(text("UPDATE processes SET version = version + 1, title = 'other' "
                      "WHERE id = :id"), {"id": pid})
    release = threading.Timer(5.0, tx.commit)  # the CLI starts in ~1 s, slower under load
    release.start()
    started = time.monotonic()
    done = cli("process", "edit", str(pid), "--title", "mine", check=5)
    release.join()
    conn.close()
    engine.dispose()
    assert time.monotonic() - started < 30
    assert "changed" in done.stderr
    shown = json.loads(cli("process", "show", str(pid), "--json").stdout)
    assert shown["title"] == "other"
    actions = [e["action"] for e in json.loads(cli("history", str(pid), "--json").stdout)]
    assert actions == ["process_created"]


def test_definition_diagram_and_check(cli, tmp_path):
    diagram = cli("definition", "diagram").stdout
    assert diagram.startswith("stateDiagram-v2")
    assert "interim_results --> dialogue: start_another_round" in diagram
    data = json.loads(cli("definition", "diagram", "--json").stdout)
    assert data["mermaid"] == diagram
    assert {p["name"] for p in data["phases"] if p["terminal"]} == {"closed", "cancelled"}
    broken = tmp_path / "def.toml"
    broken.write_text(
        'version = "x"\ninitial = "a"\n[phases.a]\n[phases.b]\nterminal = true\n'
        '[[transitions]]\ntrigger = "go"\nsource = "a"\ndest = "b"\nguards = ["nope"]\n')
    done = cli("definition", "check", str(broken), check=2)
    assert "unknown guard 'nope'" in done.stderr


def test_demo_walks_to_closed_and_verifies(tmp_path):
    done = subprocess.run([SCRIPT, "demo", "--dir", str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Phase ist jetzt „Abgeschlossen“" in done.stdout and "'closed'" not in done.stdout
    assert "abgelehnt, es fehlt" in done.stdout
    assert "Audit-Trail intakt" in done.stdout
    assert (tmp_path / "demo.db").exists()
    # reminders swept at instants of the story, delivered by the file backend
    assert "Erinnerungslauf: 2 Erinnerung(en), 2 E-Mail(s) verschickt" in done.stdout
    mails = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(mails) == 4 and f"{len(mails)} verschickten E-Mails" in done.stdout
    assert str(tmp_path / "mail") in done.stdout


def test_a_configured_database_that_does_not_exist_is_not_created_silently(tmp_path):
    """Only the embedded default migrates itself; a mistyped URL must not become a new,
    empty database. 'db upgrade' creates and migrates it on purpose."""
    path = tmp_path / "typo" / "beteiligung.db"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BETEILIGUNG_")}
    environ["BETEILIGUNG_DATABASE_URL"] = f"sqlite:///{path}"
    listed = subprocess.run([SCRIPT, "process", "list"], capture_output=True, text=True,
                            env=environ)
    assert listed.returncode == 7 and "beteiligung db upgrade" in listed.stderr
    assert not path.parent.exists()
    upgraded = subprocess.run([SCRIPT, "db", "upgrade"], capture_output=True, text=True,
                              env=environ)
    assert upgraded.returncode == 0 and "(was empty)" in upgraded.stdout
    again = subprocess.run([SCRIPT, "process", "list", "--json"], capture_output=True,
                           text=True, env=environ)
    assert again.returncode == 0 and json.loads(again.stdout) == []


def test_deadlines_through_the_command_line(cli):
    pid = create(cli)
    (phase,) = json.loads(cli("deadline", "list", str(pid), "--json").stdout)
    assert (phase["kind"], phase["status"], phase["managed"]) == ("phase", "open", True)
    own = int(cli("deadline", "add", str(pid), "--title", "Bericht an den Ausschuss",
                  "--due", "2027-01-15").stdout)
    listed = {d["id"]: d for d in json.loads(cli("deadline", "list", str(pid), "--json").stdout)}
    assert listed[own]["due_at"] == "2027-01-15T22:59:59.999999Z"  # end of the day in Berlin
    shown = cli("deadline", "list", str(pid)).stdout
    assert "Bericht an den Ausschuss" in shown and "STAND" in shown and "eigene Frist" in shown
    assert "offen" in shown and "custom" not in shown and "open" not in shown
    cli("deadline", "move", str(pid), str(own), "--due", "2027-02-01", check=2)  # no reason
    moved = cli("deadline", "move", str(pid), str(own), "--due", "2027-02-01", "--reason",
                "Ausschuss tagt später").stdout
    assert f"Frist {own} ist jetzt fällig am 01.02.2027" in moved
    assert "entfällt" in cli("deadline", "waive", str(pid), str(own), "--reason", "x").stdout
    assert "entfallen" in cli("deadline", "list", str(pid)).stdout
    cli("deadline", "waive", str(pid), "999", "--reason", "x", check=4)
    final = {d["id"]: d for d in json.loads(cli("deadline", "list", str(pid), "--json").stdout)}
    assert final[own]["status"] == "waived" and final[own]["reason"] == "x"
    actions = [e["action"] for e in json.loads(cli("history", str(pid), "--json").stdout)]
    assert actions[-3:] == ["deadline_added", "deadline_moved", "deadline_waived"]


def test_reminders_run_queues_once_and_outbox_deliver_writes_eml_files(cli, tmp_path):
    pid = create(cli, "--deputy-name", "Jonas Weber", "--deputy-email", DEPUTY)
    (phase,) = json.loads(cli("deadline", "list", str(pid), "--json").stdout)
    due = datetime.fromisoformat(phase["due_at"].replace("Z", "+00:00"))
    # the escalation goes out 7 days after the due day, moved to the next working day (a
    # weekend or holiday may push it past day 8, depending on the day this test runs); by day
    # 14 it is due, and only the newest step due is sent
    late = (due + timedelta(days=14)).astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M")
    dry = json.loads(cli("reminders", "run", "--now", late, "--dry-run", "--json").stdout)
    assert [m["kind"] for m in dry["queued"]] == ["escalation"]
    assert dry["queued"][0]["cc"] == [DEPUTY, "koordination@hannover-stadt.de"]
    assert json.loads(cli("outbox", "list", "--json").stdout) == []
    first = cli("reminders", "run", "--now", late)
    assert "queued 1 reminder(s)" in first.stdout
    assert "queued 0 reminder(s)" in cli("reminders", "run", "--now", late).stdout
    cli("reminders", "run", "--now", "gestern", check=2)
    cli("outbox", "deliver", "--now", late)
    (sent,) = json.loads(cli("outbox", "list", "--json").stdout)
    assert sent["status"] == "sent"
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1


def test_run_sweeps_at_once_and_stops_cleanly_on_sigterm(cli, tmp_path):
    create(cli)
    process = subprocess.Popen([SCRIPT, "run"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=cli.environ)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not any("deliver:" in line for line in lines):
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    reader.join(timeout=10)
    process.stdout.close()
    output = "".join(lines)
    assert process.returncode == 0, output
    assert "sweep: queued 0" in output and "deliver:" in output
    assert "shutting down" in output and "stopped" in output
    assert "Traceback" not in output


def test_the_language_of_the_settings_file_is_the_default(cli, tmp_path):
    assert "Initiierung" in cli("definition", "diagram").stdout
    settings = tmp_path / "settings.toml"
    settings.write_text(settings.read_text() + 'language = "en"\n')
    english = cli("definition", "diagram").stdout
    assert "Initiation" in english and "Initiierung" not in english
    assert "Initiierung" in cli("definition", "diagram", "--lang", "de").stdout
