"""Concept editing on the command line for people who do not program: ``concept template``
writes the file to fill in, ``concept load`` takes it as written and filled in, ``concept
show`` prints labelled text, and a refusal names each missing section once."""

from __future__ import annotations

import re

import pytest

LEAD = "anna.lehmann@hannover-stadt.de"


@pytest.fixture
def cli(make_cli):
    return make_cli()


@pytest.fixture
def pid(cli) -> int:
    """A process in the concept phase."""
    done = cli("process", "create", "--title", "Stadtteilpark Bothfeld", "--department", "67",
               "--lead-name", "Anna Lehmann", "--lead-email", LEAD, "--deputy-name",
               "Jonas Weber", "--deputy-email", "jonas.weber@hannover-stadt.de")
    pid = int(done.stdout)
    cli("advance", str(pid), "set_up_begleitgruppe")
    cli("begleitgruppe", "requested-by", str(pid), "department")
    cli("begleitgruppe", "add-member", str(pid), "--name", "Eva Stein", "--organisation", "FB 67")
    cli("advance", str(pid), "draft_concept")
    return pid


def _filled(text: str) -> str:
    text = re.sub(r'= ""$', '= "ausgefüllt"', text, flags=re.M)
    text = re.sub(r"= \[\]$", '= ["erstens", "zweitens"]', text, flags=re.M)
    return text.replace("#due = 2027-06-30", "due = 2027-06-30")


def test_template_fill_in_load_and_show(cli, pid, tmp_path):
    missing = cli("concept", "show", str(pid), check=4)
    assert missing.stderr == (
        f"beteiligung: error: Prozess {pid} hat noch kein Beteiligungskonzept: eine Vorlage "
        f"zum Ausfüllen schreibt 'beteiligung concept template {pid} --out "
        f"konzept-{pid}.toml'\n")
    target = tmp_path / "mein konzept.toml"
    done = cli("concept", "template", str(pid), "--out", str(target))
    assert done.stdout.splitlines() == [
        f"Vorlage für Prozess {pid} geschrieben: {target}. Ausfüllen, dann laden mit:",
        f"  beteiligung concept load {pid} '{target}'"]
    text = target.read_text(encoding="utf-8")
    assert "# Kosten (R15)\ncosts = \"\"" in text and 'topic = "Stadtteilpark Bothfeld"' in text

    again = cli("concept", "template", str(pid), "--out", str(target), check=2)
    assert "gibt es schon, es wurde nicht überschrieben" in again.stderr
    assert target.read_text(encoding="utf-8") == text

    cli("concept", "load", str(pid), str(target))             # as written
    refused = cli("advance", str(pid), "start_pre_reporting", check=3).stderr
    assert refused.count("fehlt der Abschnitt „Kosten“") == 1
    assert refused.count(f"beteiligung concept template {pid} --out konzept-{pid}.toml") == 1
    assert refused.count("concept load") == 0 and refused.count("Es gibt noch kein") == 0

    target.write_text(_filled(text), encoding="utf-8")
    cli("concept", "load", str(pid), str(target), "--publish", "--note", "ausgefüllt")
    shown = cli("process", "show", str(pid)).stdout
    assert "fehlt der Abschnitt" not in shown and "Dem Ziel" not in shown

    lines = cli("concept", "show", str(pid)).stdout.splitlines()
    assert lines[0] == "Konzept (Entwurf)"
    assert "  Thema: Stadtteilpark Bothfeld" in lines
    at = lines.index("  Entscheidungsträger*innen:")
    assert lines[at + 1:at + 3] == ["    - erstens", "    - zweitens"]
    at = lines.index("  SMART-Ziele:")
    assert lines[at + 1:at + 5] == ["    Z1: ausgefüllt", "      Indikator: ausgefüllt",
                                    "      Zielwert: ausgefüllt", "      Termin: 30.06.2027"]
    assert "    Externe Moderation: nein" in lines
    assert not any(c in line for line in lines for c in "[]{}'")
    english = cli("concept", "show", str(pid), "--version", "1", "--lang", "en").stdout
    assert "  Topic: Stadtteilpark Bothfeld" in english and "      Due date: 2027-06-30" in english


def test_the_template_goes_to_standard_output_without_out(cli, pid):
    text = cli("concept", "template", str(pid)).stdout
    assert text.startswith(f"# Beteiligungskonzept für Prozess {pid}: „Stadtteilpark Bothfeld“")
    assert f"#   beteiligung concept load {pid} konzept-{pid}.toml" in text
