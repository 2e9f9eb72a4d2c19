"""End-to-end: ``audit anchor`` and ``audit verify --anchor`` (issue 12, point 3), and what
``audit verify`` says without a key or without its safeguards (point 4).

An owner of the database who rolls it back to an older copy, or rewrites a trail together with
its process row, leaves a chain that is consistent in itself; an anchor written before finds it.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select, text, update

from beteiligung.states.case import Person
from beteiligung.storage.schema import audit_cases, audit_events, deadlines, processes
from beteiligung.workflow import process

LEAD = Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")


@pytest.fixture
def cli(make_cli):
    return make_cli()


def _create(env, title: str) -> int:
    return process.create_process(env, LEAD.email, process.ProcessInput(
        title, "Umgestaltung", "Umwelt und Stadtgrün (67)", "Dezernat V", ("Linden-Limmer",),
        "district_council_motion", LEAD, None)).id


@pytest.fixture
def anchored(cli, env, clock, tmp_path):
    first, second = _create(env, "Spielplatz Nordstadt"), _create(env, "Lindener Marktplatz")
    clock.advance(minutes=1)
    process.edit_process(env, LEAD.email, second, {"subject": "Mehr Grün"})
    path = tmp_path / "anchor.json"
    done = cli("audit", "anchor", "--out", str(path))
    assert f"Anker in {path} geschrieben: 2 Prozess(e), Fallregister bis Eintrag 2" in done.stdout
    return first, second, path


def _verify(cli, path, check):
    return cli("--lang", "en", "audit", "verify", "--anchor", str(path), check=check)


def test_the_anchor_holds_the_signed_heads_and_later_changes_pass(cli, env, clock, anchored):
    first, second, path = anchored
    anchor = json.loads(path.read_text(encoding="utf-8"))
    assert anchor["registry"]["seq"] == 2 and anchor["key_id"] == "t1"
    assert [(p["process_id"], p["seq"]) for p in anchor["processes"]] == [(first, 1),
                                                                          (second, 2)]
    clock.advance(minutes=1)
    process.edit_process(env, LEAD.email, first, {"subject": "Später geändert"})
    _create(env, "Radweg")
    assert "audit trail intact" in _verify(cli, path, 0).stdout


def test_a_rollback_of_a_trail_and_its_row_is_found(cli, env, engine, unguarded, anchored):
    """The owner cuts the second trail back to event 1 and sets its row back to match (as a
    restored older copy would be): the chain is consistent, the anchor is not."""
    first, second, path = anchored
    with engine.connect() as conn:
        one = conn.execute(select(audit_events.c.hash).where(
            audit_events.c.process_id == second, audit_events.c.seq == 1)).scalar_one()
        document = json.loads(conn.execute(select(processes.c.document)
                                           .where(processes.c.id == second)).scalar_one())
    with unguarded(engine) as conn:
        conn.execute(delete(audit_events).where(audit_events.c.process_id == second,
                                                audit_events.c.seq == 2))
        conn.execute(update(processes).where(processes.c.id == second).values(
            audit_seq=1, audit_head=one,
            document=json.dumps(document | {"subject": "Umgestaltung"}, ensure_ascii=False,
                                separators=(",", ":"))))  # the text as the program writes it
    assert "audit trail intact" in cli("--lang", "en", "audit", "verify").stdout  # alone: no
    done = _verify(cli, path, 1)
    assert f"process {second}: first broken event 2: the trail ends at 1, before the " \
           "anchored event 2" in done.stdout


def test_a_process_removed_with_its_registry_tail_is_found(cli, env, engine, unguarded,
                                                           anchored):
    first, second, path = anchored
    with unguarded(engine) as conn:
        for table, column in ((audit_events, audit_events.c.process_id),
                              (deadlines, deadlines.c.process_id),
                              (processes, processes.c.id),
                              (audit_cases, audit_cases.c.process_id)):
            conn.execute(delete(table).where(column == second))
    assert "audit trail intact" in cli("--lang", "en", "audit", "verify").stdout  # alone: no
    done = _verify(cli, path, 1).stdout
    assert f"process {second}: first broken event 2: the process was anchored" in done
    assert "case registry: first broken entry 2: the trail ends at 1" in done


def test_a_changed_anchor_file_is_refused(cli, anchored):
    _, _, path = anchored
    anchor = json.loads(path.read_text(encoding="utf-8"))
    anchor["processes"][1]["seq"] = 1
    path.write_text(json.dumps(anchor), encoding="utf-8")
    assert "anchor: the anchor's signature does not match" in _verify(cli, path, 1).stdout


@pytest.mark.parametrize("content, message", [
    ("nicht json", "not an anchor file (not JSON)"),
    ('{"format": "x"}', "not an anchor file"),
    ('{"format": "beteiligung-audit-anchor", "registry": {}}', "lacks its registry"),
])
def test_a_malformed_anchor_is_bad_input(cli, tmp_path, content, message):
    path = tmp_path / "a.json"
    path.write_text(content, encoding="utf-8")
    done = cli("--lang", "en", "audit", "verify", "--anchor", str(path), check=2)
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    missing = cli("audit", "verify", "--anchor", str(tmp_path / "none.json"), check=2)
    assert "none.json: Datei nicht gefunden" in missing.stderr


def test_without_a_key_verify_says_so_and_creates_none(make_cli, env, db_url, tmp_path):
    _create(env, "Spielplatz Nordstadt")
    keyless = make_cli(env={"BETEILIGUNG_AUDIT_KEYS": None,
                            "BETEILIGUNG_AUDIT_KEY_FILE": str(tmp_path / "keys.txt")})
    done = keyless("audit", "verify")
    assert "Audit-Trail intakt: 1 Ereignisse geprüft" in done.stdout
    assert "kein Audit-Schlüssel vorhanden: 2 Signatur(en) konnten nicht geprüft" in done.stdout
    assert not (tmp_path / "keys.txt").exists()


def test_the_default_key_file_is_made_on_first_write(make_cli, tmp_path):
    """The embedded default: a new SQLite database gets its key file beside it (with either
    test database the command runs on a SQLite file of its own here)."""
    path = tmp_path / "own" / "beteiligung.db"
    path.parent.mkdir()
    own = make_cli(env={"BETEILIGUNG_AUDIT_KEYS": None,
                        "BETEILIGUNG_DATABASE_URL": f"sqlite:///{path}"})
    own("db", "upgrade")
    own("process", "create", "--title", "Neugestaltung Lindener Marktplatz", "--department",
        "Umwelt und Stadtgrün", "--district", "Linden-Limmer", "--lead-name", "Anna Lehmann",
        "--lead-email", LEAD.email)
    keys = path.parent / "audit-keys.txt"
    assert keys.exists() and keys.stat().st_mode & 0o777 == 0o600
    assert keys.read_text().strip().splitlines()[-1].startswith("k1 ")
    done = own("--lang", "en", "audit", "verify")
    assert "audit trail intact" in done.stdout and "no audit key" not in done.stdout
    assert keys.read_text().split()[-1] not in done.stdout + done.stderr


def test_a_missing_trigger_or_table_is_a_finding(cli, engine, db_url):
    """A trigger dropped (SQLite) or disabled (PostgreSQL), a table gone: findings, exit 1.
    Everything is put back afterwards (the PostgreSQL schema is the session's)."""
    sqlite = db_url.startswith("sqlite")
    with engine.begin() as conn:
        if sqlite:
            trigger = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = "
                                        "'audit_events_no_update'")).scalar_one()
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER "
                              "audit_events_append_only"))
    try:
        done = cli("--lang", "en", "audit", "verify", check=1)
        assert "database: the database lacks the trigger audit_events_" in done.stdout
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE audit_cases RENAME TO audit_cases_away"))
        try:
            done = cli("audit", "verify", check=1)
            assert "Datenbank: der Datenbank fehlt die Tabelle audit_cases" in done.stdout
        finally:
            with engine.begin() as conn:
                conn.execute(text("ALTER TABLE audit_cases_away RENAME TO audit_cases"))
    finally:
        with engine.begin() as conn:
            if sqlite:
                conn.execute(text(trigger))
            else:
                conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER "
                                  "audit_events_append_only"))
    assert "audit trail intact" in cli("--lang", "en", "audit", "verify").stdout
