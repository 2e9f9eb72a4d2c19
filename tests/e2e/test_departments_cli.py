"""The register of departments on the command line: ``--department`` in any of its forms,
an unknown one refused in one line, ``department list``, and a second process of one title
refused unless ``--yes``."""

from __future__ import annotations

import json

import pytest

LEAD = "anna.lehmann@hannover-stadt.de"


@pytest.fixture
def cli(make_cli):
    return make_cli()


def create(cli, title: str, department: str, *extra: str, check: int = 0):
    return cli("process", "create", "--title", title, "--department", department,
               "--lead-name", "Anna Lehmann", "--lead-email", LEAD, *extra, check=check)


def test_department_list_shows_the_register_in_either_language(cli):
    rows = cli("department", "list").stdout.splitlines()
    assert rows[0].split() == ["KENNZAHL", "FACHBEREICH", "DEZERNAT"]
    assert any(r.split()[0] == "67" and "Umwelt und Stadtgrün" in r and r.endswith(
        "Dezernat V") for r in rows)
    assert cli("department", "list", "--lang", "en").stdout.split()[:3] == [
        "CODE", "DEPARTMENT", "DIRECTORATE"]
    entries = json.loads(cli("department", "list", "--json").stdout)
    assert {"code": "66", "name": "Tiefbau", "directorate": "Dezernat VI",
            "label": "Tiefbau (66)"} in entries


def test_fb_67_and_the_name_are_one_department_and_a_second_title_needs_yes(cli):
    assert create(cli, "Stadtteilpark Bothfeld", "FB 67").stdout.strip() == "1"
    shown = cli("process", "show", "1").stdout
    assert "Fachbereich: Umwelt und Stadtgrün (67) / Dezernat: Dezernat V" in shown
    twice = create(cli, "Stadtteilpark Bothfeld", "Umwelt und Stadtgrün (67)", check=2)
    assert twice.stdout == "" and twice.stderr == (
        "beteiligung: error: Im Fachbereich „Umwelt und Stadtgrün (67)“ gibt es schon einen "
        "Prozess „Stadtteilpark Bothfeld“ (Prozess 1, 'beteiligung process show 1'); nichts "
        "angelegt: ist es ein eigenes Verfahren, denselben Befehl mit --yes wiederholen\n")
    assert len(json.loads(cli("process", "list", "--json").stdout)) == 1
    assert create(cli, "Stadtteilpark Bothfeld", "67", "--yes").stdout.strip() == "2"
    listed = cli("process", "list").stdout
    assert listed.count("Umwelt und Stadtgrün (67)") == 2


def test_an_unknown_department_is_one_line_naming_how_to_list_them(cli):
    done = create(cli, "Park", "Grünflächenamt", check=2)
    assert done.stderr.count("\n") == 1 and "'beteiligung department list'" in done.stderr
    assert "„Grünflächenamt“ ist nicht im Fachbereichsverzeichnis" in done.stderr
    english = create(cli, "Park", "Grünflächenamt", "--lang", "en", check=2).stderr
    assert "'Grünflächenamt' is not in the register of departments" in english
    wrong = create(cli, "Park", "66", "--directorate", "Dezernat V", check=2).stderr
    assert "„Tiefbau (66)“ gehört laut Fachbereichsverzeichnis zum „Dezernat VI“" in wrong
    assert json.loads(cli("process", "list", "--json").stdout) == []
