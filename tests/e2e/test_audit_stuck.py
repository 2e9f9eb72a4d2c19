"""End-to-end: ``beteiligung audit stuck`` through the installed console script: the table in
German and English, ``--json`` and ``--csv`` with every field, the filters, ``--fail-on`` and
the one-line refusals."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from beteiligung.cli.oversight import FIELDS

BERLIN = ZoneInfo("Europe/Berlin")
LEAD = "anna.lehmann@hannover-stadt.de"
DEPUTY = "jonas.weber@hannover-stadt.de"


@pytest.fixture
def cli(make_cli):
    """The console script against the test database (tests/e2e/conftest.py)."""
    return make_cli(env={"COLUMNS": None})


def later(days: int) -> str:
    """The date ``days`` days from today in Hannover (processes are created today)."""
    return (datetime.now(BERLIN).date() + timedelta(days=days)).isoformat()


@pytest.fixture
def two(cli) -> tuple[int, int]:
    """Two processes in 'initiated': the first with a deputy (Linden-Limmer, 67), the second
    without (Mitte, 61)."""
    first = cli("process", "create", "--title", "Neugestaltung Lindener Marktplatz",
                "--department", "Umwelt und Stadtgrün (67)", "--district", "Linden-Limmer",
                "--lead-name", "Anna Lehmann", "--lead-email", LEAD, "--deputy-name",
                "Jonas Weber", "--deputy-email", DEPUTY)
    second = cli("process", "create", "--title", "Spielplatz am Klagesmarkt", "--department",
                 "Stadtplanung (61)", "--district", "Mitte", "--lead-name", "Anna Lehmann",
                 "--lead-email", LEAD)
    return int(first.stdout), int(second.stdout)


def test_an_empty_database_has_no_findings(cli):
    done = cli("audit", "stuck", "--fail-on", "info")
    assert done.stdout.startswith("Keine Befunde (Stand ")
    assert "kein offener Prozess hängt" in done.stdout
    done = cli("audit", "stuck", "--lang", "en", "--as-of", "2026-05-31")
    assert done.stdout == "No findings as of 2026-05-31: no open process is stuck or overdue.\n"


def test_the_table_shows_severity_days_process_next_step_and_who(cli, two):
    first, second = two
    as_of = later(61)
    done = cli("audit", "stuck", "--as-of", as_of)
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["SCHWERE", "TAGE", "BEFUND", "PROZESS"]
    assert lines[1].split()[:6] == ["Warnung", "61", "Phase", "zu", "lang", f"#{first}"]
    assert "[initiated] Neugestaltung Lindener Marktplatz" in lines[1]
    assert "Seit 61 Tagen in der Phase „Initiierung“" in done.stdout
    assert f"beteiligung process show {first}" in done.stdout
    assert f"Verantwortlich: {LEAD}, Vertretung: {DEPUTY}" in done.stdout
    assert f"Verantwortlich: {LEAD}, Vertretung: -" in done.stdout
    assert "Hinweis      61  Vertretung ohne E-Mail    #" in done.stdout
    assert lines[-1].startswith("3 Befund(e) zu 2 offenen Prozess(en), Stand ")
    assert lines[-1].endswith(": 0 kritisch, 2 Warnung(en), 1 Hinweis(e).")
    assert max(len(line) for line in lines) <= 100

    english = cli("audit", "stuck", "--as-of", as_of, "--lang", "en").stdout
    assert english.splitlines()[0].split() == ["SEVERITY", "DAYS", "FINDING", "PROCESS"]
    assert "warning      61  phase too long            #" in english
    assert ("In phase 'Initiation' for 61 days (pauses not counted); the definition allows "
            "60 days.") in english
    assert english.splitlines()[-1].endswith(": 0 critical, 2 warning(s), 1 info.")


def test_fail_on_sets_the_exit_code(cli, two):
    as_of = later(61)
    cli("audit", "stuck", "--as-of", as_of)
    cli("audit", "stuck", "--as-of", as_of, "--fail-on", "warning", check=1)
    cli("audit", "stuck", "--as-of", as_of, "--fail-on", "critical")
    cli("audit", "stuck", "--fail-on", "info", check=1)          # today: the missing deputy
    cli("audit", "stuck", "--fail-on", "warning")
    cli("audit", "stuck", "--as-of", later(121), "--fail-on", "critical", check=1)


def test_severity_and_date_may_be_typed_in_german(cli, two):
    german = date.fromisoformat(later(61)).strftime("%d.%m.%Y")
    cli("audit", "stuck", "--as-of", german, "--fail-on", "Warnung", check=1)
    cli("audit", "stuck", "--as-of", german, "--fail-on", "KRITISCH")
    data = json.loads(cli("audit", "stuck", "--as-of", german, "--json").stdout)
    assert data["as_of"] == later(61)


def test_json_and_csv_carry_every_field(cli, two):
    first, second = two
    as_of = later(61)
    data = json.loads(cli("audit", "stuck", "--as-of", as_of, "--json").stdout)
    assert (data["as_of"], data["language"]) == (as_of, "de")
    assert data["counts"] == {"critical": 0, "warning": 2, "info": 1}
    assert data["filters"] == {"department": None, "district": None}
    [dwell, _, missing] = data["findings"]
    assert list(dwell) == list(FIELDS)
    assert {k: dwell[k] for k in ("severity", "code", "process_id", "days", "limit_days",
                                  "phase", "phase_label", "districts", "lead_email",
                                  "deputy_email", "department", "params")} == {
        "severity": "warning", "code": "dwell_exceeded", "process_id": first, "days": 61,
        "limit_days": 60, "phase": "initiated", "phase_label": "Initiierung",
        "districts": ["Linden-Limmer"], "lead_email": LEAD, "deputy_email": DEPUTY,
        "department": "Umwelt und Stadtgrün (67)", "params": {"trigger": "set_up_begleitgruppe"}}
    assert dwell["since"].endswith("Z") and dwell["next_step"].startswith("Den Schritt")
    assert (missing["code"], missing["severity"], missing["process_id"]) == (
        "deputy_email_missing", "info", second)

    table = list(csv.reader(io.StringIO(cli("audit", "stuck", "--as-of", as_of, "--csv",
                                            "--lang", "en", "--csv-dialect", "plain").stdout)))
    assert table[0] == list(FIELDS) and len(table) == 4
    row = dict(zip(table[0], table[1], strict=True))
    assert (row["code"], row["process_id"], row["days"], row["districts"]) == (
        "dwell_exceeded", str(first), "61", "Linden-Limmer")
    assert row["params"] == "trigger=set_up_begleitgruppe" and row["name"] == "phase too long"


def test_csv_opens_in_german_excel_by_default(cli, two):
    first, _ = two
    raw = cli("audit", "stuck", "--as-of", later(61), "--csv").stdout
    assert raw.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(raw.removeprefix("\ufeff")), delimiter=";"))
    assert table[0][:4] == ["Schwere (Code)", "Befund (Code)", "Befund", "Prozess"]
    assert len(table[0]) == len(FIELDS) and len(table) == 4
    row = dict(zip(FIELDS, table[1], strict=True))
    assert (row["process_id"], row["name"], row["districts"]) == (
        str(first), "Phase zu lang", "Linden-Limmer")
    english = cli("audit", "stuck", "--as-of", later(61), "--csv", "--lang", "en").stdout
    assert english.startswith("\ufeffSeverity (code);Finding (code);Finding;Process;")


def test_department_and_district_filters(cli, two):
    first, second = two
    as_of = later(61)
    data = json.loads(cli("audit", "stuck", "--as-of", as_of, "--json", "--department",
                          "Stadtplanung (61)").stdout)
    assert {f["process_id"] for f in data["findings"]} == {second}
    data = json.loads(cli("audit", "stuck", "--as-of", as_of, "--json", "--district",
                          "Linden-Limmer").stdout)
    assert [f["process_id"] for f in data["findings"]] == [first]


@pytest.mark.parametrize(("args", "message"), [
    (("--as-of", "31.02.2026"), "--as-of: „31.02.2026“ ist kein Datum; so schreiben: "
     "13.02.2027 oder 2027-02-13"),
    (("--as-of", "9999-12-31"), "ein Datum von 1900 bis 2999 angeben"),
    (("--json", "--csv"), "--json und --csv: eines von beiden wählen"),
    (("--csv-dialect", "plain"), "--csv-dialect gehört zu --csv"),
    (("--fail-on", "schlimm"), "--fail-on: „schlimm“ ist nicht vorgesehen; möglich: Hinweis, "
     "Warnung, kritisch (oder info, warning, critical)"),
    (("--district", "Atlantis"), "--district: 'Atlantis' is not a district"),
    (("--department", "Stadtplanung"), "did you mean 'Stadtplanung (61)'?"),
])
def test_a_mistake_is_one_line_and_exit_code_2(cli, two, args, message):
    done = cli("audit", "stuck", *args, check=2)
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("beteiligung: error: ") and message in done.stderr


def test_the_texts_wrap_within_the_width_and_keep_a_quoted_command_whole():
    from beteiligung.cli.oversight import wrap

    text = ("→ Den Schritt „set_up_begleitgruppe“ vorbereiten und ausführen (was fehlt, zeigt "
            "„beteiligung process show 12345“), oder den Prozess mit Begründung pausieren.")
    lines = wrap(text, 72)
    assert all(len(line) <= 72 for line in lines) and len(lines) == 3
    assert lines[0].startswith(" " * 10 + "→ Den") and lines[1].startswith(" " * 12 + "(was")
    assert any("„beteiligung process show 12345“" in line for line in lines)
    assert " ".join(" ".join(lines).split()) == text
    assert wrap("kurz", 72) == [" " * 10 + "kurz"]
