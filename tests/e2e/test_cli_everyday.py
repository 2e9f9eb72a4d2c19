"""Everyday use of the installed command (issue 11, points 7, 10 and 14): German words and
dates wherever a code or an ISO date is taken, ``--json`` on every command that prints an id,
a refused step as JSON for scripts, the triggers in ``advance --help``, and ``cancel`` only
with ``--yes`` when nobody can be asked."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from beteiligung.states.case import Member, Person
from beteiligung.workflow import content, outcome, process
from beteiligung.workflow.concept_file import parse_concept

LEAD = Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")
DEPUTY = Person("Jonas Weber", "jonas.weber@hannover-stadt.de")
COORDINATOR = "koordination@hannover-stadt.de"
EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example_concept.toml"


@pytest.fixture
def cli(make_cli):
    return make_cli(env={"BETEILIGUNG_MAIL_SENDER": "beteiligung@hannover-stadt.de"})


def create(cli, *extra: str) -> int:
    done = cli("process", "create", "--title", "Spielplatz Nord", "--department", "FB 67",
               "--district", "Mitte", "--lead-name", LEAD.name, "--lead-email", LEAD.email,
               "--deputy-name", DEPUTY.name, "--deputy-email", DEPUTY.email, *extra)
    return int(done.stdout)


def trail(cli, pid: int) -> list[str]:
    return [e["action"] for e in json.loads(cli("history", str(pid), "--json").stdout)]


@pytest.fixture
def in_dialogue(env, clock) -> int:
    """A process brought to its dialogue through the use cases, early in 2026."""
    clock.now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    pid = process.create_process(env, LEAD.email, process.ProcessInput(
        "Stadtteilpark", "", "FB 67", "Dezernat V", ("Mitte",), "administration", LEAD,
        DEPUTY)).id
    process.advance(env, LEAD.email, pid, "set_up_begleitgruppe")
    content.set_begleitgruppe_requester(env, LEAD.email, pid, "department")
    content.add_member(env, LEAD.email, pid, Member("Petra Nowak", "Stadtplanung"))
    process.advance(env, LEAD.email, pid, "draft_concept")
    content.load_concept(env, LEAD.email, pid, parse_concept(EXAMPLE.read_text("utf-8")))
    content.publish_concept(env, LEAD.email, pid, "")
    clock.advance(days=30)   # the concept's comment period has ended
    process.advance(env, LEAD.email, pid, "start_pre_reporting")
    outcome.publish_report(env, LEAD.email, pid, "pre", "Ankündigung")
    process.advance(env, LEAD.email, pid, "open_dialogue")
    return pid


def test_german_words_and_dates_are_taken_where_codes_are(cli):
    created = json.loads(cli("process", "create", "--title", "Marktplatz", "--origin",
                             "Antrag des Stadtbezirksrats", "--lead-name", LEAD.name,
                             "--lead-email", LEAD.email, "--json").stdout)
    assert created["origin"] == "district_council_motion"
    pid = create(cli, "--origin", "beteiligungsgremium")
    cli("advance", str(pid), "set_up_begleitgruppe")
    said = json.loads(cli("begleitgruppe", "requested-by", str(pid), "Politik", "--json").stdout)
    assert said == {"id": pid, "requested_by": "politics"}
    listed = json.loads(cli("process", "list", "--state", "einrichtung der "
                            "Projektbegleitgruppe", "--json").stdout)
    assert [p["id"] for p in listed] == [pid]
    assert [p["id"] for p in json.loads(cli("process", "list", "--state", "Initiierung",
                                            "--json").stdout)] == [created["id"]]
    cli("begleitgruppe", "add-member", str(pid), "--name", "Petra Nowak", "--organisation",
        "Stadtplanung")
    cli("advance", str(pid), "draft_concept")
    cli("concept", "load", str(pid), str(EXAMPLE), "--publish")
    added = json.loads(cli("suggestion", "add", str(pid), "--on", "Konzept", "--text",
                           "Mehr Bänke", "--json").stdout)
    assert added == {"id": pid, "suggestion": 1, "on": "concept"}
    answered = json.loads(cli("suggestion", "answer", str(pid), "1", "teilweise angenommen",
                              "--json").stdout)
    assert answered["answer"] == "partly_accepted"
    deadline = json.loads(cli("deadline", "add", str(pid), "--title", "Ausschuss", "--due",
                              "13.02.2027 18:00", "--json").stdout)
    assert deadline["due_at"] == "2027-02-13T17:00:00Z"
    assert json.loads(cli("outbox", "list", "--status", "Fehlgeschlagen", "--json").stdout) == []


def test_a_dialogue_activity_on_site_on_a_german_date(cli, in_dialogue):
    done = json.loads(cli("dialogue", "add", str(in_dialogue), "--format", "Werkstatt",
                          "--mode", "vor Ort", "--date", "13.02.2026", "--place", "Rathaus",
                          "--json").stdout)
    assert done["activity"] == {"format": "Werkstatt", "mode": "on_site", "on": "2026-02-13",
                                "place": "Rathaus", "accessibility": ""}


def test_an_unknown_word_is_one_line_listing_the_words_and_writes_nothing(cli):
    pid = create(cli)
    before = trail(cli, pid)
    done = cli("suggestion", "answer", str(pid), "1", "vielleicht", check=2)
    assert done.stdout == ""
    assert done.stderr == ("beteiligung: error: ANSWER: „vielleicht“ ist nicht vorgesehen; "
                           "möglich: angenommen, teilweise angenommen, abgelehnt (oder "
                           "accepted, partly_accepted, rejected)\n")
    english = cli("--lang", "en", "dialogue", "add", str(pid), "--format", "F", "--mode",
                  "Brieftaube", "--date", "13.02.2027", "--place", "P", check=2)
    assert english.stderr == ("beteiligung: error: --mode: 'Brieftaube' is not accepted; use "
                              "one of: online, on site (or online, on_site)\n")
    wrong_date = cli("deadline", "add", str(pid), "--title", "X", "--due", "31.02.2027", check=2)
    assert "„31.02.2027“ ist kein Datum" in wrong_date.stderr
    assert trail(cli, pid) == before


def test_help_lists_the_words_the_triggers_and_says_times_are_berlin(cli):
    top = cli("--help").stdout
    assert "Europe/Berlin" in " ".join(top.split())
    answer = " ".join(cli("suggestion", "answer", "--help").stdout.split())
    assert "teilweise angenommen" in answer and "partly_accepted" in answer
    steps = cli("advance", "--help").stdout
    assert "  set_up_begleitgruppe     Initiierung → Einrichtung der Projektbegleitgruppe" in steps
    assert "nicht umkehrbar: fragt nach, oder --yes" in steps
    assert "On hold → back to the phase it paused in" in cli("--lang", "en", "advance",
                                                              "--help").stdout


def test_a_refused_step_is_json_on_stdout_too(cli):
    pid = create(cli)
    cli("advance", str(pid), "set_up_begleitgruppe")
    done = cli("advance", str(pid), "draft_concept", "--json", check=3)
    refusal = json.loads(done.stdout)
    assert {k: refusal[k] for k in ("ok", "exit_code", "id", "trigger", "phase", "allowed")} == {
        "ok": False, "exit_code": 3, "id": pid, "trigger": "draft_concept",
        "phase": "begleitgruppe", "allowed": ["draft_concept", "hold", "cancel"]}
    assert [u["code"] for u in refusal["unmet"]] == ["begleitgruppe_requester_missing",
                                                     "begleitgruppe_no_members"]
    assert refusal["unmet"][1]["text"].startswith("Die Projektbegleitgruppe hat noch keine")
    assert "abgelehnt, es fehlt" in done.stderr        # the people's form is still there
    english = json.loads(cli("--lang", "en", "advance", str(pid), "close", "--json",
                             check=3).stdout)
    assert english["unmet"] == [] and english["allowed"] == ["draft_concept", "hold", "cancel"]


def test_commands_that_print_an_id_take_json(cli):
    pid = create(cli)
    edited = json.loads(cli("process", "edit", str(pid), "--title", "Spielplatz Süd",
                            "--json").stdout)
    assert (edited["id"], edited["title"]) == (pid, "Spielplatz Süd")
    moved = json.loads(cli("deadline", "move", str(pid), "1", "--due", "2027-03-01",
                           "--reason", "später", "--json").stdout)
    assert moved["id"] == pid and moved["deadline"]["id"] == 1
    token = json.loads(cli("token", "create", LEAD.email, "--label", "Skript", "--json").stdout)
    assert (token["email"], token["label"], token["days"]) == (LEAD.email, "Skript", 365)
    assert len(token["token"]) > 20
    revoked = json.loads(cli("token", "revoke", LEAD.email, "--json").stdout)
    assert revoked == {"email": LEAD.email, "revoked": 1}
    user = json.loads(cli("--as", COORDINATOR, "user", "add", DEPUTY.email, "--name",
                          DEPUTY.name, "--role", "Prozessleitung", "--json",
                          environ_=cli.environ | {"BETEILIGUNG_NEW_PASSWORD":
                                                  "ein sehr langes Passwort"}).stdout)
    assert (user["email"], user["role"]) == (DEPUTY.email, "lead")


def test_cancel_without_a_terminal_needs_yes_and_writes_nothing_without_it(cli):
    pid = create(cli)
    before = trail(cli, pid)
    done = cli("advance", str(pid), "cancel", "--reason", "zurückgezogen", check=2)
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1
    assert "kann nicht rückgängig gemacht werden: mit --yes bestätigen" in done.stderr
    assert trail(cli, pid) == before
    cancelled = json.loads(cli("advance", str(pid), "cancel", "--reason", "zurückgezogen",
                               "--yes", "--json").stdout)
    assert cancelled["phase"] == "cancelled"
    held = create(cli, "--yes")  # a second process of the same title, on purpose
    assert json.loads(cli("advance", str(held), "hold", "--reason", "Haushalt",
                          "--json").stdout)["phase"] == "on_hold"
