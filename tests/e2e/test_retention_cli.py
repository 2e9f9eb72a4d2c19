"""``beteiligung retention run`` through the installed command: what it would remove and
what it removed, per kind, in German (and English), and a wrong retention file stopping every
command at start-up with its line named (issue 13)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import text

GOOD = ("[outbox_bodies]\ndays_after_sent = 30\n[sessions]\ndays_after_end = 1\n"
        "[resident_contact]\ndays_after_close = 183\n"
        "[closed_processes]\ndays_after_close = 3653\n")


def test_a_dry_run_and_a_run_say_per_kind_what_goes(make_cli):
    retention = make_cli("retention")
    dry = retention("run", "--now", "13.02.2027 03:00", "--dry-run")
    assert dry.stdout.splitlines() == [
        "13.02.2027 03:00: Aufbewahrungsfristen geprüft, würde entfernen (nichts geändert):",
        "  E-Mail-Texte: 0 (Frist: 30 Tag(e))",
        "  Sitzungen: 0 (Frist: 1 Tag(e))",
        "  Kontaktangaben und Namen: 0 (Frist: 183 Tag(e))",
        "  abgeschlossene Verfahren mit Prüfpfad: 0 (Frist: 3653 Tag(e))"]
    done = make_cli("--lang", "en", "retention")("run", "--now", "2027-02-13T03:00")
    assert done.stdout.splitlines()[:2] == ["2027-02-13 03:00: retention applied, removed:",
                                            "  e-mail bodies: 0 (period: 30 day(s))"]
    plain = json.loads(retention("run", "--json").stdout)
    assert plain["removed"] == {"outbox_bodies": 0, "sessions": 0, "resident_contact": 0,
                                "closed_processes": 0}
    assert plain["dry_run"] is False


def test_a_wrong_retention_file_stops_every_command_naming_the_line(make_cli, tmp_path):
    path = tmp_path / "retention.toml"
    path.write_text(GOOD.replace("days_after_end = 1", "days_after_end = 1.5"))
    cli = make_cli(env={"BETEILIGUNG_RETENTION": str(path)})
    for command in (("retention", "run"), ("process", "list")):
        done = cli(*command, check=2)
        [line] = done.stderr.splitlines()
        assert line == (f"beteiligung: error: retention file {path}, Zeile 4: days_after_end "
                        "muss eine ganze Zahl von Tagen von 0 bis 36500 sein, nicht 1.5")


def test_a_process_ten_years_closed_goes_and_verify_and_show_say_so(make_cli, env, clock,
                                                                    journey, engine,
                                                                    unguarded):
    pid = journey.new_process(env).id
    journey.advance_to(env, pid, "closed", clock)
    broken = journey.new_process(env).id
    journey.advance_to(env, broken, "closed", clock)
    with unguarded(engine) as conn:
        conn.execute(text("UPDATE audit_events SET reason = 'x' WHERE process_id = :p "
                          "AND seq = 1"), {"p": broken})
    retention = make_cli("retention")
    later = (clock() + timedelta(days=3654)).strftime("%d.%m.%Y %H:%M")
    done = retention("run", "--now", later, check=1)
    lines = done.stdout.splitlines()
    assert "  abgeschlossene Verfahren mit Prüfpfad: 1 (Frist: 3653 Tag(e))" in lines
    assert f"  entfernte Verfahren: {pid} (Grabsteine zeigt 'audit verify')" in lines
    assert lines[-1].startswith(f"nicht entfernt, weil ihr Prüfpfad gebrochen ist: Verfahren "
                                f"{broken};")
    again = json.loads(retention("run", "--now", later, "--json", check=1).stdout)
    assert (again["buried"], again["kept"]) == ([], [broken])

    verify = make_cli("audit")("verify", check=1)
    assert (f"Hinweis: 1 Prozess(e) nach Ablauf der Aufbewahrungsfrist entfernt; ihr "
            f"Grabstein bewahrt den letzten Hash ihres Trails: {pid}") in verify.stdout
    shown = make_cli("process")("show", str(pid), check=4)
    [line] = shown.stderr.splitlines()
    assert f"Prozess {pid} wurde am " in line and "3653 Tage nach seinem Abschluss" in line
