"""``beteiligung privacy export`` and ``privacy erase`` through the installed command: the
JSON document and its German summary, a file only its owner reads, the exit codes of an
unknown address (4), of a second erasure (0, "nothing left"), of a lead asking (6) and of a
staff address that still leads a process (2), and the history marking the erased places."""

from __future__ import annotations

import json
import stat

from beteiligung.workflow import participation, process

COORDINATOR = "koordination@hannover-stadt.de"
RESIDENT = "mira.sonnenschein@example.org"


def _resident_suggestion(env, clock, journey) -> int:
    pid = journey.new_process(env).id
    journey.advance_to(env, pid, "pre_reporting", clock)
    participation.submit_suggestion(env, pid, "Den Bolzplatz erhalten", RESIDENT, "client",
                                    max_chars=2000)
    return pid


def one_error(done) -> str:
    [line] = done.stderr.splitlines()
    assert line.startswith("beteiligung: error: "), line
    return line


def test_export_to_stdout_and_to_a_file_only_its_owner_reads(make_cli, env, clock, journey,
                                                             tmp_path):
    pid = _resident_suggestion(env, clock, journey)
    privacy = make_cli("--as", COORDINATOR, "privacy")
    done = privacy("export", RESIDENT)
    document = json.loads(done.stdout)
    assert [(s["process_id"], s["text"]) for s in document["suggestions"]] == [
        (pid, "Den Bolzplatz erhalten")]
    assert done.stderr.startswith(f"Auskunft über {RESIDENT}: 1 Anregung(en), 0 Verfahren")
    out = tmp_path / "auskunft.json"
    written = privacy("export", RESIDENT, "--out", str(out))
    assert json.loads(out.read_text(encoding="utf-8"))["address"] == RESIDENT
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert written.stdout.splitlines()[-1] == f"Die Auskunft steht in {out}."
    folder = one_error(privacy("export", RESIDENT, "--out", str(tmp_path), check=2))
    assert "is a folder" in folder


def test_erase_then_again_then_unknown(make_cli, env, clock, journey, tmp_path):
    pid = _resident_suggestion(env, clock, journey)
    privacy = make_cli("--as", COORDINATOR, "privacy")
    done = privacy("erase", RESIDENT, "--reason", "Antrag vom 1.12., Az. 13-7")
    assert done.stdout == (f"Gelöscht: 2 Angabe(n) über {RESIDENT} aus 1 Verfahren ({pid}). "
                           "Die Löschung steht im Prüfpfad (nur Verweise) und im "
                           "Löschprotokoll.\n")
    again = privacy("erase", RESIDENT.upper(), "--reason", "Antrag vom 1.12.")
    assert again.stdout.startswith(f"Über {RESIDENT} ist nichts mehr gespeichert: schon "
                                   "gelöscht am ")
    unknown = privacy("erase", "niemand@example.org", "--reason", "Antrag", check=4)
    assert one_error(unknown) == ("beteiligung: error: über niemand@example.org sind keine "
                                  "personenbezogenen Daten gespeichert: die Adresse prüfen")
    english = make_cli("--lang", "en", "--as", COORDINATOR, "privacy")
    assert "no personal data is held" in one_error(
        english("export", "niemand@example.org", check=4))
    replayed = privacy("replay")
    assert replayed.stdout == ("Löschprotokoll angewandt: 1 Löschung(en) im Protokoll, 0 "
                               "Angabe(n) erneut gelöscht in 0 Verfahren.\n")
    log = tmp_path / "erasure-log.jsonl"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert RESIDENT not in log.read_text() and len(log.read_text().splitlines()) == 1
    history = make_cli()("history", str(pid))
    assert "[personenbezogene Angaben gelöscht]" in history.stdout
    assert "personal_data_erased" in history.stdout.splitlines()[-1]
    assert make_cli()("audit", "verify").returncode == 0


def test_who_may_ask_and_what_is_refused(make_cli, env, clock, journey):
    pid = _resident_suggestion(env, clock, journey)
    as_lead = make_cli("privacy")
    assert "only a coordinator may" in one_error(
        as_lead("erase", RESIDENT, "--reason", "Antrag", check=6))
    privacy = make_cli("--as", COORDINATOR, "privacy")
    refused = one_error(privacy("erase", journey.LEAD.email, "--reason", "Antrag", check=2))
    assert f"zuerst {pid} „" in refused and "übergeben" in refused
    assert "--reason" in one_error(privacy("erase", RESIDENT, "--reason", " ", check=2))
    assert one_error(privacy("export", "kein-name", check=2)) == (
        "beteiligung: error: EMAIL: 'kein-name' ist keine E-Mail-Adresse (wie "
        "name@hannover-stadt.de)")


MEMBER = "Ömer Kanalanwohner"
MEMBER_EMAIL = "oemer.kanal@example.org"


def test_a_member_added_with_an_address_is_disclosed_and_erased(make_cli, env, journey):
    pid = journey.new_process(env).id
    process.advance(env, journey.LEAD.email, pid, "set_up_begleitgruppe")
    cli = make_cli()
    added = cli("begleitgruppe", "add-member", str(pid), "--name", MEMBER, "--organisation",
                "Stadtteilrunde Linden", "--external", "--email", MEMBER_EMAIL)
    assert added.stdout == (f"Prozess {pid}: + {MEMBER} (Stadtteilrunde Linden, extern, "
                            f"{MEMBER_EMAIL})\n")
    privacy = make_cli("--as", COORDINATOR, "privacy")
    done = privacy("export", MEMBER_EMAIL.upper())
    document = json.loads(done.stdout)
    assert [(p["process_id"], p["role"], p["name"], p["organisation"])
            for p in document["processes"]] == [(pid, "member", MEMBER, "Stadtteilrunde Linden")]
    assert done.stderr.startswith(
        f"Auskunft über {MEMBER_EMAIL}: 0 Anregung(en), 0 Verfahren als Ansprechperson oder "
        "Vertretung, 1 Mitgliedschaft(en) in Projektbegleitgruppen, ")

    erased = privacy("erase", MEMBER_EMAIL, "--reason", "Antrag vom 2.12.")
    assert erased.stdout.startswith(f"Gelöscht: 2 Angabe(n) über {MEMBER_EMAIL} aus 1 "
                                    f"Verfahren ({pid}).")
    shown = json.loads(cli("process", "show", str(pid), "--json").stdout)
    [member] = shown["begleitgruppe"]["members"]
    assert (member["name"], member["email"], sorted(member["erased"])) == (
        "", "", ["email", "name"])
    history = cli("history", str(pid)).stdout
    assert "[personenbezogene Angaben gelöscht]" in history
    assert MEMBER not in history and MEMBER_EMAIL not in history
    assert cli("audit", "verify").returncode == 0


def test_a_malformed_member_address_exits_2_with_one_german_line(make_cli, env, journey):
    pid = journey.new_process(env).id
    process.advance(env, journey.LEAD.email, pid, "set_up_begleitgruppe")
    cli = make_cli()
    before = cli("history", str(pid), "--json").stdout
    refused = cli("begleitgruppe", "add-member", str(pid), "--name", MEMBER, "--organisation",
                  "Stadtteilrunde", "--email", "bad", check=2)
    assert one_error(refused) == (
        "beteiligung: error: email: 'bad' ist keine E-Mail-Adresse (wie name@example.org); "
        "die Adresse des Mitglieds ist freiwillig: weglassen oder berichtigen")
    assert refused.stdout == ""
    assert cli("history", str(pid), "--json").stdout == before
    assert json.loads(cli("process", "show", str(pid), "--json").stdout)[
        "begleitgruppe"]["members"] == []


def test_a_former_lead_is_erased_after_hand_over_and_history_says_erased(
        make_cli, env, clock, journey):
    former = "paula.vorgaenger@hannover-stadt.de"
    from beteiligung.states.case import Person

    pid = journey.new_process(env, actor=former, lead=Person("Paula Vorgänger", former)).id
    make_cli("--as", former)("process", "edit", str(pid), "--subject", "Mehr Grün")
    privacy = make_cli("--as", COORDINATOR, "privacy")
    refused = one_error(privacy("erase", former, "--reason", "Ausgeschieden", check=2))
    assert f"zuerst {pid} „" in refused
    process.edit_process(env, COORDINATOR, pid, {"lead": journey.LEAD})
    done = privacy("erase", former, "--reason", "Ausgeschieden 30.11.")
    assert done.stdout.splitlines()[-1].startswith("Als Adresse der Verwaltung: als "
                                                   "Ansprechperson und Vertretung")
    history = make_cli()("history", str(pid)).stdout.splitlines()
    assert former not in "\n".join(history)
    # her two steps, by an erased person, with her os user erased too
    assert [line.split()[3] for line in history[:2]] == ["gelöscht", "gelöscht"]
    assert "[personenbezogene Angaben gelöscht]" in history[0]
    assert make_cli()("audit", "verify").returncode == 0
