"""End-to-end: ``beteiligung export public`` through the installed console script."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest

LEAD = "anna.lehmann@hannover-stadt.de"
HEADER_START = "id,title,subject,department,districts,phase,phase_label,"


@pytest.fixture
def cli(make_cli):
    """The console script against the test database (tests/e2e/conftest.py)."""
    return make_cli(binary=True)


def create(cli, title: str) -> int:
    done = cli("process", "create", "--title", title, "--department", "Umwelt und Stadtgrün",
               "--district", "Linden-Limmer", "--lead-name", "Anna Lehmann", "--lead-email",
               LEAD, "--deputy-name", "Jonas Weber", "--deputy-email",
               "jonas.weber@hannover-stadt.de")
    return int(done.stdout.strip())


def test_the_three_formats_on_standard_output(cli):
    first = create(cli, "Grün für den Küchengarten <script>x</script>")
    second = create(cli, "Spielplatz Nord")

    document = json.loads(cli("export", "public").stdout.decode("utf-8"))
    assert [p["id"] for p in document["processes"]] == [first, second]
    assert document["processes"][0]["title"] == "Grün für den Küchengarten <script>x</script>"
    assert document["processes"][0]["contact"] == {"department": "Umwelt und Stadtgrün",
                                                   "name": None}

    raw = cli("export", "public", "--format", "csv", "--csv-dialect", "plain").stdout
    assert raw.startswith(HEADER_START.encode()) and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert [(r["id"], r["phase_label"]) for r in rows] == [(str(first), "Initiierung"),
                                                           (str(second), "Initiierung")]

    page = cli("export", "public", "--format", "html").stdout.decode("utf-8")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"de\">")
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>" not in page
    assert "Küchengarten" in page and "Verfahren in dieser Liste: 2" in page
    for private in (b"@", b"Jonas"):
        assert private not in cli("export", "public").stdout
        assert private not in cli("export", "public", "--format", "html").stdout


def test_csv_opens_in_german_excel_by_default(cli):
    first = create(cli, "Grün; für den Küchengarten")
    raw = cli("export", "public", "--format", "csv").stdout
    assert raw.startswith(b"\xef\xbb\xbf" + b"Nr.;Titel;Gegenstand;Fachbereich;")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == 2 and len(rows[0]) == len(rows[1])
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Nr."], row["Titel"], row["Phase"]) == (str(first), "Grün; für den "
                                                        "Küchengarten", "Initiierung")
    english = cli("export", "public", "--format", "csv", "--lang", "en").stdout
    assert english.startswith("\ufeffNo.;Title;Subject;Department;".encode())
    misplaced = cli("export", "public", "--csv-dialect", "plain", check=2)
    assert misplaced.stdout == b"" and "--csv-dialect gehört zu --format csv".encode() in \
        misplaced.stderr


def test_english_with_lang_en_before_or_after_the_command(cli):
    create(cli, "Spielplatz Nord")
    after = cli("export", "public", "--format", "html", "--lang", "en").stdout.decode()
    before = cli("--lang", "en", "export", "public", "--format", "html").stdout.decode()
    for page in (after, before):
        assert '<html lang="en">' in page and "Processes in this list: 1" in page
        assert "Initiation" in page
    english = json.loads(cli("export", "public", "--lang", "en").stdout)
    assert english["language"] == "en" and english["phases"]["closed"] == "Closed"


def test_out_writes_the_file_atomically_with_ordinary_permissions(cli, tmp_path):
    create(cli, "Spielplatz Nord")
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "liste.csv"
    done = cli("export", "public", "--format", "csv", "--csv-dialect", "plain", "--out",
               str(target))
    assert done.stdout == f"Vorhabenliste (csv) geschrieben: {target}\n".encode()
    assert done.stderr == b""
    assert target.read_bytes().startswith(HEADER_START.encode())
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    target.chmod(0o640)
    english = cli("export", "public", "--format", "json", "--out", str(target), "--lang", "en")
    assert english.stdout == f"Public list (json) written to {target}\n".encode()
    assert json.loads(target.read_text(encoding="utf-8"))["processes"][0]["id"] == 1
    assert target.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its permissions
    assert [p.name for p in folder.iterdir()] == ["liste.csv"]


def test_errors_are_one_line_and_leave_the_old_file_untouched(cli, tmp_path):
    create(cli, "Spielplatz Nord")
    missing = cli("export", "public", "--out", str(tmp_path / "nope" / "x.json"), check=2)
    assert len(missing.stderr.decode().strip().splitlines()) == 1
    assert b"does not exist" in missing.stderr and not (tmp_path / "nope").exists()
    folder = cli("export", "public", "--out", str(tmp_path), check=2)
    assert b"is a folder" in folder.stderr

    out = tmp_path / "out"
    out.mkdir()
    target = out / "liste.json"
    target.write_text("old list", encoding="utf-8")
    environ = dict(cli.environ)
    environ["BETEILIGUNG_DATABASE_URL"] = f"sqlite:///{tmp_path / 'not-there.db'}"
    broken = cli("export", "public", "--out", str(target), check=7, environ_=environ)
    assert len(broken.stderr.decode().strip().splitlines()) == 1
    assert target.read_text(encoding="utf-8") == "old list"
    assert [p.name for p in out.iterdir()] == ["liste.json"]
    usage = cli("export", "public", "--format", "xml", check=2)
    assert len(usage.stderr.decode().strip().splitlines()) == 1
