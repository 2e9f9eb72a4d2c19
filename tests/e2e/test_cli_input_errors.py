"""Bad settings and bad input through the installed script: one line naming what is wrong,
exit code 2 (7 for a database that is none), nothing written, never a traceback (the
``make_cli`` runner asserts that for every call).

Each case here crashed, spun or silently did something else before: a negative interval made
``run`` spin at full CPU and ignore SIGTERM, an hour of 25 or an unknown holiday region
crashed the scheduler, year 9999 was stored, a time in the daylight-saving gap was moved, a
deeply nested TOML file or /dev/zero as a concept exhausted the stack or the memory, a
non-SQLite file as the database and invalid UTF-8 in an argument ended in tracebacks, a
120 KB name was stored, a title of zero-width spaces was taken, and an empty
``BETEILIGUNG_DATABASE_URL=`` quietly opened a new database in ``$HOME``.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from .conftest import LEAD_EMAIL, SCRIPT


@pytest.fixture
def cli(make_cli):
    return make_cli()


@pytest.fixture
def pid(cli) -> str:
    return cli("process", "create", "--title", "Spielplatz Lindener Marktplatz", "--lead-name",
               "Anna Lehmann", "--lead-email", LEAD_EMAIL).stdout.strip()


def one_line(done) -> str:
    assert done.stderr.count("\n") == 1, done.stderr
    return done.stderr


@pytest.mark.parametrize(("variable", "value", "said"), [
    ("BETEILIGUNG_REMINDERS_SWEEP_MINUTES", "-1", "[reminders] sweep_minutes: -1 liegt nicht "
     "zwischen 1 und 1440"),
    ("BETEILIGUNG_REMINDERS_SWEEP_MINUTES", "0", "sweep_minutes: 0 liegt nicht zwischen"),
    ("BETEILIGUNG_REMINDERS_DELIVER_MINUTES", "-5", "deliver_minutes: -5 liegt nicht zwischen"),
    ("BETEILIGUNG_REMINDERS_HOUR", "25", "[reminders] hour: 25 liegt nicht zwischen 0 und 23"),
    ("BETEILIGUNG_REMINDERS_SUBDIVISION", "XX", "subdivision: 'XX' ist kein Bundesland; eines "
     "von BB, BE"),
    ("BETEILIGUNG_REMINDERS_ANSWER_DAYS", "99999999", "answer_days: 99999999 liegt nicht"),
    ("BETEILIGUNG_REMINDERS_DAYS_BEFORE", "14,-3", "days_before: bis zu 10 Tage von 1 bis 365"),
    ("BETEILIGUNG_MAIL_PORT", "0", "[mail] port: 0 liegt nicht zwischen 1 und 65535"),
    ("BETEILIGUNG_MAIL_BACKEND", "smpt", "[mail] backend: 'smpt' ist keiner von file, smtp"),
])
def test_run_refuses_bad_scheduler_settings_at_start_up(cli, variable, value, said):
    # before, -1 spun at 99 % CPU and ignored SIGTERM: the timeout would fail this test
    done = cli("run", check=2, environ_=cli.environ | {variable: value})
    assert said in one_line(done)


def test_the_settings_file_is_checked_the_same_way(cli, tmp_path):
    settings = tmp_path / "bad.toml"
    settings.write_text("[reminders]\nhour = -1\n")
    done = cli("reminders", "run", check=2,
               environ_=cli.environ | {"BETEILIGUNG_CONFIG": str(settings)})
    assert "[reminders] hour: -1 liegt nicht zwischen 0 und 23" in one_line(done)


@pytest.mark.parametrize("due", ["01.01.0001", "31.12.9999", "9999-12-31T23:59"])
def test_dates_out_of_range_are_refused_and_not_stored(cli, pid, due):
    done = cli("deadline", "add", pid, "--title", "Ortstermin", "--due", due, check=2)
    assert "ein Datum von 1900 bis 2999 angeben" in one_line(done)
    listed = json.loads(cli("deadline", "list", pid, "--json").stdout)
    assert all(d["title"] != "Ortstermin" for d in listed)


@pytest.mark.parametrize("due", ["29.03.2026 02:30", "2026-03-29T02:00", "28.03.2027 2:59"])
def test_a_time_the_clock_skips_is_refused_not_moved(cli, pid, due):
    done = cli("deadline", "add", pid, "--title", "Ortstermin", "--due", due, check=2)
    assert "gibt es in Hannover nicht: die Uhr springt an diesem Tag von 2:00 auf 3:00 Uhr" in \
        one_line(done)
    english = cli("--lang", "en", "deadline", "add", pid, "--title", "x", "--due", due, check=2)
    assert "does not exist in Hannover" in english.stderr
    assert all(d["title"] != "Ortstermin"
               for d in json.loads(cli("deadline", "list", pid, "--json").stdout))
    # the hour after the gap, and the doubled hour of October (its first, summer time) are fine
    cli("deadline", "add", pid, "--title", "danach", "--due", "29.03.2026 03:00")
    autumn = cli("deadline", "add", pid, "--title", "Herbst", "--due", "25.10.2026 02:30",
                 "--json")
    assert autumn.returncode == 0


def test_a_deeply_nested_settings_file_is_one_line(cli, tmp_path):
    settings = tmp_path / "deep.toml"
    settings.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    done = cli("process", "list", check=2,
               environ_=cli.environ | {"BETEILIGUNG_CONFIG": str(settings)})
    assert f"settings file {settings}: zu tief verschachtelt (5000 Ebenen, höchstens 32)" in \
        one_line(done)


@pytest.mark.parametrize("text", [
    "a" + ".a" * 50_000 + " = 1\n",  # a dotted key: tomllib takes minutes for this
    "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
])
def test_a_deeply_nested_concept_file_is_refused_at_once(cli, pid, tmp_path, text):
    concept = tmp_path / "konzept.toml"
    concept.write_text(text)
    done = cli("concept", "load", pid, str(concept), check=2)
    assert "zu tief verschachtelt" in one_line(done)


def test_dev_zero_as_a_concept_file_is_refused_after_a_megabyte(cli, pid):
    done = cli("concept", "load", pid, "/dev/zero", check=2)
    assert one_line(done) == ("beteiligung: error: Konzeptdatei /dev/zero: größer als 1000 kB; "
                              "ist das die richtige Datei?\n")


def test_a_concept_file_that_is_not_utf8_says_so(cli, pid, tmp_path):
    concept = tmp_path / "konzept.toml"
    concept.write_bytes("title = 'Größe'\n".encode("latin-1"))
    done = cli("concept", "load", pid, str(concept), check=2)
    assert "ist kein UTF-8-Text (Byte 12); als UTF-8 speichern" in one_line(done)


def test_a_file_that_is_not_a_database_is_a_storage_error(cli, tmp_path):
    notes = tmp_path / "notizen.db"
    notes.write_text("Einkaufsliste: Milch, Brot\n" * 100)
    done = cli("process", "list", check=7,
               environ_=cli.environ | {"BETEILIGUNG_DATABASE_URL": f"sqlite:///{notes}"})
    assert "die Datenbank lässt sich nicht öffnen (file is not a database): " \
           "BETEILIGUNG_DATABASE_URL prüfen" in one_line(done)
    assert notes.read_text().startswith("Einkaufsliste")  # untouched


def test_invalid_utf8_in_an_argument_is_one_line(cli):
    done = subprocess.run([SCRIPT.encode(), b"process", b"create", b"--title", b"Platz \xff\xfe",
                           b"--lead-name", b"Anna", b"--lead-email", LEAD_EMAIL.encode()],
                          capture_output=True, env=cli.environ, timeout=60)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert done.stderr.decode() == ("beteiligung: error: --title: ist kein gültiger UTF-8-Text; "
                                    "die Eingabe als UTF-8 schreiben (locale prüfen)\n")
    assert cli("process", "list", "--json").stdout.strip() == "[]"


@pytest.mark.parametrize(("option", "limit"), [
    ("--lead-name", 200), ("--title", 500), ("--subject", 20_000), ("--lead-email", 320)])
def test_the_command_line_has_the_apis_length_limits(cli, option, limit):
    values = {"--title": "Platz", "--lead-name": "Anna Lehmann", "--lead-email": LEAD_EMAIL}
    values[option] = "a" * (120_000 if option != "--lead-email" else limit + 1)
    argv = [word for pair in values.items() for word in pair]
    if option == "--subject":
        argv += ["--subject", "a" * 120_000]
    done = cli("process", "create", *argv, check=2)
    assert f"beteiligung: error: {option}: höchstens {limit} Zeichen, nicht " in one_line(done)
    assert cli("process", "list", "--json").stdout.strip() == "[]"


@pytest.mark.parametrize("title", ["\u200b\u200b", " \u2060\u200d ", "\u00ad"])
def test_a_title_of_only_invisible_characters_is_refused(cli, title):
    done = cli("process", "create", "--title", title, "--lead-name", "Anna Lehmann",
               "--lead-email", LEAD_EMAIL, check=2)
    assert "title: must not be empty (it shows no character)" in one_line(done)
    assert cli("process", "list", "--json").stdout.strip() == "[]"


def test_an_empty_database_url_is_an_error_not_a_new_database_in_home(cli, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    done = cli("process", "list", check=2, environ_=cli.environ | {
        "BETEILIGUNG_DATABASE_URL": "", "HOME": str(home), "XDG_DATA_HOME": str(home / "d")})
    assert one_line(done).startswith("beteiligung: error: BETEILIGUNG_DATABASE_URL ist gesetzt, "
                                     "aber leer: eine Datenbank-URL angeben")
    assert list(home.iterdir()) == []


def test_the_tls_mode_is_checked_for_smtp_and_another_state_is_taken(cli):
    done = cli("run", check=2, environ_=cli.environ | {
        "BETEILIGUNG_MAIL_BACKEND": "smtp", "BETEILIGUNG_MAIL_TLS": "ssl"})
    assert "[mail] tls: 'ssl' ist keiner von none, starttls, tls" in one_line(done)
    bavaria = cli("reminders", "run", "--dry-run", environ_=cli.environ | {
        "BETEILIGUNG_REMINDERS_SUBDIVISION": "BY"})
    assert bavaria.returncode == 0
