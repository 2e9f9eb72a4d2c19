"""End-to-end: ``beteiligung history ID --format mermaid`` through the installed script."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

BERLIN = ZoneInfo("Europe/Berlin")
LEAD = "anna.lehmann@hannover-stadt.de"
DEPUTY = "jonas.weber@hannover-stadt.de"
TITLE = "Lindener Marktplatz: Umbau #2; Teil B\nmit Zeilenumbruch"
STAMP = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"
TASK = re.compile(rf"    (?P<text>[^:#;%\n]+) :(?P<tags>(?:(?:active|done|crit|milestone), )*)"
                  rf"(?P<id>[sd]\d+), (?P<start>{STAMP}), (?P<end>{STAMP}|0d)")


def steady(chart: str) -> str:
    """The chart without the end of the current stay, which is "now" to the minute: two runs
    a moment apart may straddle a minute."""
    return re.sub(rf"(:active, s\d+, {STAMP}, ){STAMP}", r"\1now", chart)


@pytest.fixture
def cli(make_cli):
    """The console script against the test database (tests/e2e/conftest.py)."""
    return make_cli()


def walked(cli) -> int:
    """A process taken to the concept and then put on hold, with a deadline of the lead's."""
    done = cli("process", "create", "--title", TITLE, "--department", "Umwelt und Stadtgrün",
               "--district", "Linden-Limmer", "--lead-name", "Anna Lehmann", "--lead-email",
               LEAD, "--deputy-name", "Jonas Weber", "--deputy-email", DEPUTY)
    pid = int(done.stdout)
    cli("advance", str(pid), "set_up_begleitgruppe")
    cli("begleitgruppe", "requested-by", str(pid), "politics")
    cli("begleitgruppe", "add-member", str(pid), "--name", "Petra Nowak", "--organisation",
        "Stadtplanung")
    cli("advance", str(pid), "draft_concept")
    cli("deadline", "add", str(pid), "--title", "Bericht an den Ausschuss", "--due",
        "2035-01-15")
    cli("advance", str(pid), "hold", "--reason", "Haushaltssperre: bis #Juni")
    return pid


def test_history_as_a_mermaid_gantt_chart(cli):
    pid = walked(cli)
    chart = cli("history", str(pid), "--format", "mermaid").stdout
    lines = chart.rstrip("\n").split("\n")

    assert lines[:4] == ["gantt",
                         f"    title Prozess {pid} – Lindener Marktplatz： Umbau ＃2； Teil B "
                         "mit Zeilenumbruch",
                         "    dateFormat YYYY-MM-DD HH:mm",
                         "    axisFormat %d.%m.%Y"]  # the deadlines lie months ahead
    sections = [line[12:] for line in lines if line.startswith("    section ")]
    assert sections == ["Initiierung", "Einrichtung der Projektbegleitgruppe",
                        "Erstellung des Beteiligungskonzepts", "Pausiert"]
    tasks = [TASK.fullmatch(line) for line in lines[4:] if not line.startswith("    section ")]
    assert all(tasks), lines
    bars = [t for t in tasks if "milestone" not in t["tags"]]
    assert [(b["id"], b["tags"]) for b in bars] == [
        ("s1", "done, "), ("s2", "done, "), ("s3", "done, "), ("s4", "active, ")]
    assert bars[-1]["text"] == "Pausiert – Haushaltssperre： bis ＃Juni"
    today = datetime.now(BERLIN)
    assert all(abs((datetime.strptime(b["start"], "%Y-%m-%d %H:%M").replace(tzinfo=BERLIN)
                    - today).total_seconds()) < 3600 for b in bars)
    listed = json.loads(cli("deadline", "list", str(pid), "--json").stdout)
    marks = {t["id"]: t for t in tasks if "milestone" in t["tags"]}
    assert set(marks) == {f"d{d['id']}" for d in listed}
    own = next(d for d in listed if d["kind"] == "custom")
    assert marks[f"d{own['id']}"]["text"] == "Bericht an den Ausschuss (fällig 15.01.2035, offen)"
    assert marks[f"d{own['id']}"]["start"] == "2035-01-15 23:59"

    english = cli("history", str(pid), "--format", "mermaid", "--lang", "en").stdout
    assert "    section Setting up the Projektbegleitgruppe" in english.split("\n")
    assert "On hold – Haushaltssperre： bis ＃Juni :active, s4, " in english
    assert "Bericht an den Ausschuss (due 2035-01-15, open) :milestone, active, " in english
    assert steady(cli("--lang", "en", "history", str(pid), "--format", "mermaid").stdout) == (
        steady(english))

    data = json.loads(cli("history", str(pid), "--format", "mermaid", "--json").stdout)
    assert steady(data["mermaid"]).split("\n")[4:] == steady(chart).split("\n")[4:]
    assert data["title"] == TITLE
    assert [s["phase"] for s in data["stays"]] == ["initiated", "begleitgruppe", "concept",
                                                   "on_hold"]
    assert data["stays"][-1]["end"] is None
    # the plain history is still the audit trail, one line per event
    assert "transition" in cli("history", str(pid)).stdout


def test_a_missing_process_is_a_one_line_error(cli):
    done = cli("history", "99", "--format", "mermaid", check=4)
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == ["beteiligung: error: no process with id 99"]
