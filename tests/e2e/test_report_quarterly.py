"""End-to-end: ``beteiligung report quarterly`` through the installed console script, on two
processes made through the use cases at known times in the second quarter of 2026."""

from __future__ import annotations

import csv
import io
import stat
from datetime import UTC, datetime

import pytest

from beteiligung.states.case import Person
from beteiligung.workflow import deadlines, process

LEAD = Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")
DEPUTY = Person("Jonas Weber", "jonas.weber@hannover-stadt.de")


@pytest.fixture
def cli(make_cli, tmp_path):
    """The console script against the test database (tests/e2e/conftest.py)."""
    return make_cli("report", "quarterly", env={"BETEILIGUNG_USER": None}, cwd=tmp_path)


def create(env, clock, when: str, title: str, department: str) -> int:
    clock.now = datetime.fromisoformat(when).replace(tzinfo=UTC)
    return process.create_process(env, LEAD.email, process.ProcessInput(
        title, "", department, "Dezernat VI", ("Mitte",), "administration", LEAD, DEPUTY)).id


@pytest.fixture
def made(env, clock) -> None:
    """Marktplatz: created 10 April, Begleitgruppe 20 April, cancelled 15 May; Spielplatz:
    created 4 May, still in initiation, with a deadline of its own due 15 June."""
    first = create(env, clock, "2026-04-10T08:00", "Marktplatz", "FB 61")
    clock.now = datetime(2026, 4, 20, 8, tzinfo=UTC)
    process.advance(env, LEAD.email, first, "set_up_begleitgruppe")
    clock.now = datetime(2026, 5, 15, 8, tzinfo=UTC)
    process.advance(env, LEAD.email, first, "cancel", "zurückgezogen")
    second = create(env, clock, "2026-05-04T08:00", "Spielplatz <Süd>", "FB 51")
    deadlines.add_deadline(env, LEAD.email, second, "Bericht",
                           datetime(2026, 6, 15, 10, tzinfo=UTC))


def test_csv_on_standard_output_has_a_row_per_department(cli, made):
    done = cli("--quarter", "2026-Q2", "--format", "csv")
    assert done.stdout.startswith("\ufeffQuartal;Dezernat;Fachbereich;")  # for German Excel
    rows = list(csv.reader(io.StringIO(done.stdout.removeprefix("\ufeff")), delimiter=";"))
    header, *body = rows
    assert header[:5] == ["Quartal", "Dezernat", "Fachbereich", "in Vorbereitung", "laufend"]
    table = {row[2]: dict(zip(header, row, strict=True)) for row in body}
    # stored as "FB 51" and "FB 61" (free text): reported on the register's entries
    assert sorted(table) == ["Jugend und Familie (51)", "Stadtplanung (61)"]
    table["FB 51"], table["FB 61"] = table["Jugend und Familie (51)"], table["Stadtplanung (61)"]
    assert (table["FB 51"]["Dezernat"], table["FB 61"]["Dezernat"]) == ("Dezernat III",
                                                                        "Dezernat VI")
    assert (table["FB 51"]["in Vorbereitung"], table["FB 51"]["überfällige Fristen"],
            table["FB 51"]["neu im Quartal"]) == ("1", "1", "1")
    assert (table["FB 61"]["abgebrochen"], table["FB 61"]["abgebrochen (davon im Quartal)"],
            table["FB 61"]["gesamt"]) == ("1", "1", "1")
    # the stuck list as of 30 June: the Spielplatz's own deadline (15 June) was missed; the
    # cancelled Marktplatz is not open, so not stuck
    assert (table["FB 51"]["festgefahren"], table["FB 61"]["festgefahren"]) == ("1", "0")
    assert done.stderr == ""
    plain = cli("--quarter", "2026Q2", "--format", "csv", "--csv-dialect", "plain").stdout
    assert plain.startswith("Quartal,Dezernat,Fachbereich,") and \
        list(csv.reader(io.StringIO(plain))) == rows
    english = cli("--quarter", "2026Q2", "--format", "csv", "--lang", "en").stdout
    assert english.startswith("\ufeffQuarter;Directorate;Department;")


def test_markdown_in_german_by_default_with_the_median_per_phase(cli, made):
    md = cli("--quarter", "2026q2", "--format", "md").stdout
    assert md.startswith("# Quartalsbericht Beteiligung 2026Q2\n")
    # 10 days (Marktplatz) and 57 days 14 hours (Spielplatz, still in it at 30 June, 24:00)
    assert "| Initiierung | 2 | 33,8 |" in md
    assert "| Einrichtung der Projektbegleitgruppe | 1 | 25,0 |" in md
    assert "Spielplatz" not in md                 # in preparation: counted, not listed


def test_out_writes_the_html_atomically_and_replaces_an_old_report(cli, made, tmp_path):
    target = tmp_path / "bericht.html"
    target.write_text("alter Bericht")
    target.chmod(0o640)
    done = cli("--quarter", "2026Q2", "--out", "bericht.html", "--lang", "en")
    assert done.stdout == "Quarterly report 2026Q2 written to bericht.html\n"
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert "<svg" in html and "alter Bericht" not in html
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if "bericht" in p.name) == ["bericht.html"]


def test_html_is_the_default_on_standard_output(cli, made):
    html = cli("--quarter", "2026Q2").stdout
    assert html.startswith("<!DOCTYPE html>") and '<html lang="de">' in html
    assert "<title>Quartalsbericht Beteiligung 2026Q2</title>" in html


@pytest.mark.parametrize(("args", "says"), [
    (("--quarter", "2026Q5"), "„2026Q5“ ist kein Quartal; so schreiben: 2026Q4 oder 2026-Q4"),
    (("--quarter", "2026Q2", "--csv-dialect", "plain"), "--csv-dialect gehört zu --format csv"),
    (("--quarter", "2099Q1"), "2099Q1 has not begun yet"),
    (("--quarter", "2026Q2", "--out", "fehlt/bericht.html"), "the folder fehlt does not exist"),
])
def test_a_mistake_is_one_line_with_exit_code_2_and_nothing_written(cli, made, tmp_path, args,
                                                                     says):
    target = tmp_path / "bericht.md"
    done = cli(*args, "--format", "md", *(() if "--out" in args else ("--out", "bericht.md")),
               check=2)
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and says in done.stderr
    assert done.stderr.startswith("beteiligung: error: ")
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".bericht")]
