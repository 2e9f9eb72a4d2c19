"""End-to-end: ``beteiligung audit export`` and ``audit verify`` through the console script.

The heart of it is ``third_party_verify``: a verifier written only from ``docs/audit.md``, with
the standard library and no import of ``beteiligung`` (it even writes the canonical JSON by
hand, from the page's rules, rather than trusting ``json.dumps`` to match). It must accept a
real export of a process walked through several phases, and reject a changed, a removed and a
reordered line; with the head from the export's summary, also a line cut off the end.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from beteiligung.config.settings import HERE
from beteiligung.states.case import Member, Person
from beteiligung.states.errors import TransitionRefused
from beteiligung.workflow import content, outcome, process
from beteiligung.workflow.concept_file import parse_concept

DOC = Path(__file__).resolve().parents[2] / "docs" / "audit.md"
LEAD = Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")
DEPUTY = Person("Jonas Weber", "jonas.weber@hannover-stadt.de")
TRICKY = ('Bitte „leichte Sprache“ und "Barrierefreiheit" beachten\n– für Ältere/Jüngere.'
          '\tDanke \\ Gruß\x07')


# --- the third party's verifier: docs/audit.md, the standard library, nothing else ---------

GENESIS = "0" * 64
HASHED = ("process_id", "seq", "at", "actor", "action", "from_phase", "to_phase", "reason",
          "payload", "prev_hash")
ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
           "\r": "\\r"}


def canonical_text(value) -> str:
    """The page's canonical form: sorted members at every depth, no whitespace, the escapes."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + "".join(ESCAPES.get(c) or (f"\\u{ord(c):04x}" if ord(c) < 0x20 else c)
                             for c in value) + '"'
    if isinstance(value, list):
        return "[" + ",".join(canonical_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(canonical_text(k) + ":" + canonical_text(value[k])
                              for k in sorted(value)) + "}"
    raise TypeError(f"not in an audit trail: {value!r}")


def third_party_verify(export: str, head: tuple[int, str] | None = None,
                       after: tuple[int, str] = (0, GENESIS)) -> list[str]:
    """Every problem the page's steps find in an export; ``[]`` when it verifies.

    ``head`` is the (seq, hash) the export's summary names; ``after`` is where the lines take
    up the chain (the start of a trail, unless checking an excerpt).
    """
    if not export.endswith("\n"):
        return ["the last line does not end in a line feed"]
    problems: list[str] = []
    records = [json.loads(line) for line in export[:-1].split("\n")]
    seq, prev = after
    for number, record in enumerate(records, start=1):
        # recipe 2: an event written from revision 0009 on has a hashed ``state`` member
        body = {name: record[name] for name in HASHED}
        if "state" in record:
            body["state"] = record["state"]
        digest = hashlib.sha256(canonical_text(body).encode("utf-8")).hexdigest()
        if record["process_id"] != records[0]["process_id"]:
            problems.append(f"line {number}: another process")
        if record["seq"] != seq + 1:
            problems.append(f"line {number}: seq {record['seq']}, expected {seq + 1}")
        if record["prev_hash"] != prev:
            problems.append(f"line {number}: prev_hash is not the hash before it")
        if digest != record["hash"]:
            problems.append(f"line {number}: hash does not match the content")
        seq, prev = record["seq"], record["hash"]
    if head is not None and (seq, prev) != head:
        problems.append(f"ends at event {seq}, the head is event {head[0]}")
    return problems


# --- running the program --------------------------------------------------------------------

@pytest.fixture
def cli(make_cli):
    """The console script against the test database (tests/e2e/conftest.py)."""
    return make_cli()


def _create(env, title: str) -> int:
    return process.create_process(env, LEAD.email, process.ProcessInput(
        title, "Umgestaltung von Platz und Grün", "Umwelt und Stadtgrün (67)", "Dezernat V",
        ("Linden-Limmer",), "district_council_motion", LEAD, DEPUTY)).id


@pytest.fixture
def walked(env, clock) -> int:
    """A process walked through the use cases from 'initiated' into 'dialogue', an hour a
    step, with a pause, a refusal and a suggestion full of characters JSON must escape."""
    pid = _create(env, "Neugestaltung des Lindener Marktplatzes")
    concept = parse_concept((HERE / "example_concept.toml").read_text(encoding="utf-8"))
    steps = [
        (process.advance, "set_up_begleitgruppe"),
        (content.set_begleitgruppe_requester, "politics"),
        (content.add_member, Member("Dr. Petra Nowak", "Stadtplanung (61)")),
        (process.advance, "draft_concept"),
        (content.load_concept, concept),
        (content.publish_concept, ""),
        (content.add_suggestion, "concept", "Trinkbrunnen am Küchengarten", "Zwölfer Runde"),
        (content.answer_suggestion, 1, "accepted"),
        (process.advance, "start_pre_reporting"),
        (outcome.publish_report, "pre", TRICKY),
        (process.advance, "hold", "Haushaltssperre bis zum Nachtrag"),
        (process.advance, "resume"),
        (process.advance, "open_dialogue"),
    ]
    for call, *args in steps:
        clock.advance(hours=1)
        if args == ["start_pre_reporting"]:
            clock.advance(days=29)  # the public comment period on the concept
        call(env, DEPUTY.email if call is content.answer_suggestion else LEAD.email, pid,
             *args)
    clock.advance(hours=1)
    with pytest.raises(TransitionRefused):
        process.advance(env, LEAD.email, pid, "present_interim_results")
    return pid


def _head(summary: str) -> tuple[int, str]:
    found = re.search(r"(?:Ereignis|event) (\d+), (?:Hash|hash) ([0-9a-f]{64})", summary)
    assert found, summary
    return int(found.group(1)), found.group(2)


# --- the tests ------------------------------------------------------------------------------

def test_a_real_export_verifies_with_the_documented_recipe_alone(cli, env, walked):
    done = cli("audit", "export", str(walked))
    lines = done.stdout.splitlines()
    records = [json.loads(line) for line in lines]

    assert third_party_verify(done.stdout, _head(done.stderr)) == []
    assert len(lines) == len(process.history(env, walked)) == 15
    assert _head(done.stderr) == (15, records[-1]["hash"])
    assert [r["to_phase"] for r in records if r["action"] == "transition"] == [
        "begleitgruppe", "concept", "pre_reporting", "on_hold", "pre_reporting", "dialogue"]
    assert records[-1]["action"] == "transition_refused" and records[-1]["to_phase"] is None
    assert records[0]["from_phase"] is None and records[0]["prev_hash"] == GENESIS
    suggestion = next(r for r in records if r["action"] == "suggestion_received")
    assert set(suggestion["payload"]["text"]) == {"ref", "c"}
    assert "Trinkbrunnen" not in done.stdout and "Zwölfer Runde" not in done.stdout
    report = next(r for r in records if r["action"] == "pre_report_published")
    assert report["payload"]["text"] == TRICKY
    assert '\\n– für Ältere/Jüngere.\\tDanke \\\\ Gruß\\u0007' in canonical_text(report)
    assert records[0]["at"] == "2026-03-02T09:00:00.000000Z"
    assert records[0]["at_local"] == "2026-03-02T10:00:00+01:00"
    assert done.stderr.startswith(f"Prozess {walked}: 15 Ereignisse auf die Standardausgabe")


def test_a_changed_a_removed_and_reordered_lines_are_detected(cli, walked):
    export = cli("audit", "export", str(walked)).stdout
    lines = export.splitlines(keepends=True)
    assert third_party_verify(export) == []

    record = json.loads(lines[6])
    record["actor"] = "mallory@example.org"
    changed = lines[:6] + [json.dumps(record, ensure_ascii=False) + "\n"] + lines[7:]
    assert third_party_verify("".join(changed)) == ["line 7: hash does not match the content"]

    at = next(i for i, line in enumerate(lines) if '"pre_report_published"' in line)
    record = json.loads(lines[at])
    assert record["payload"]["text"] == TRICKY
    record["payload"]["text"] = TRICKY.replace("Ältere", "Jüngere")
    edited = lines[:at] + [json.dumps(record) + "\n"] + lines[at + 1:]
    assert third_party_verify("".join(edited)) == [
        f"line {at + 1}: hash does not match the content"]

    removed = lines[:6] + lines[7:]
    assert third_party_verify("".join(removed)) == [
        "line 7: seq 8, expected 7", "line 7: prev_hash is not the hash before it"]

    swapped = lines[:6] + [lines[7], lines[6]] + lines[8:]
    assert third_party_verify("".join(swapped)) == [
        "line 7: seq 8, expected 7", "line 7: prev_hash is not the hash before it",
        "line 8: seq 7, expected 9", "line 8: prev_hash is not the hash before it",
        "line 9: seq 9, expected 8", "line 9: prev_hash is not the hash before it"]


def test_a_line_cut_off_the_end_needs_the_head_from_the_summary(cli, walked):
    done = cli("audit", "export", str(walked))
    head = _head(done.stderr)
    cut = "".join(done.stdout.splitlines(keepends=True)[:-1])

    assert third_party_verify(cut) == []  # consistent in itself, as docs/audit.md warns
    assert third_party_verify(cut, head) == ["ends at event 14, the head is event 15"]
    assert third_party_verify(done.stdout, head) == []


def test_reading_aids_are_not_hashed(cli, walked):
    lines = cli("audit", "export", str(walked)).stdout.splitlines(keepends=True)
    record = json.loads(lines[0])
    record["at_local"] = "irgendwann"
    record["note"] = "vom Prüfer ergänzt"
    assert third_party_verify(json.dumps(record) + "\n" + "".join(lines[1:])) == []


def test_the_worked_example_of_the_page_holds():
    """The example lines, their canonical form and hash in docs/audit.md, recomputed."""
    page = DOC.read_text(encoding="utf-8")
    [example] = re.findall(r"```jsonl\n(.*?)```", page, re.S)
    canonical, digest = re.findall(r"```text\n(\{.*?|[0-9a-f]{64})\n```", page, re.S)
    first, second = (json.loads(line) for line in example.splitlines())

    assert third_party_verify(example, head=(5, digest),
                              after=(3, first["prev_hash"])) == []
    assert canonical_text({name: second[name] for name in HASHED}) == canonical
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == digest == second["hash"]
    assert GENESIS in page and all(f"`{name}`" in page for name in HASHED)


def test_export_to_a_file_equals_the_standard_output(cli, walked, tmp_path):
    out = tmp_path / "trail.jsonl"
    stdout = cli("audit", "export", str(walked)).stdout
    done = cli("--lang", "en", "audit", "export", str(walked), "--out", str(out))

    assert out.read_bytes() == stdout.encode("utf-8")
    assert done.stderr == ""
    assert done.stdout.startswith(f"process {walked}: 15 events exported to {out}; ")
    assert third_party_verify(out.read_text(encoding="utf-8"), _head(done.stdout)) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".trail")] == []


def test_an_unknown_process_writes_nothing(cli, walked, tmp_path):
    out = tmp_path / "trail.jsonl"
    out.write_text("vorher\n", encoding="utf-8")

    for args in (("99",), ("99", "--out", str(out))):
        done = cli("audit", "export", *args, check=4)
        assert done.stdout == ""
        assert done.stderr.splitlines() == [f"beteiligung: error: no process with id {args[0]}"]
    done = cli("audit", "export", "0", "--out", str(tmp_path / "new"), check=2)  # no id at all
    assert "argument id: 0 is not between 1 and 2147483647" in done.stderr
    assert out.read_text(encoding="utf-8") == "vorher\n"
    assert not (tmp_path / "new").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_unwritable_file_is_a_one_line_error(cli, walked, tmp_path):
    done = cli("audit", "export", str(walked), "--out", str(tmp_path / "no" / "t.jsonl"),
               check=2)
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert "--out" in done.stderr and "does not exist" in done.stderr


def test_verify_reports_each_tampered_process_and_exits_1(cli, env, engine, walked,
                                                         unguarded, tmp_path):
    """Tampering needs the append-only triggers out of the way (as a table owner could);
    ``audit verify`` then names each broken process at its first broken event, and the
    export of a broken process warns and still fails the third party's check."""
    intact = _create(env, "Spielplatz Nordstadt")
    other = _create(env, "Radweg Podbielskistraße")
    process.edit_process(env, LEAD.email, other, {"subject": "Breitere Radwege"})
    assert cli("--lang", "en", "audit", "verify").stdout.strip() == \
        "audit trail intact: 18 events checked"
    with unguarded(engine) as conn:
        conn.exec_driver_sql(f"UPDATE audit_events SET reason = 'nie pausiert' "
                             f"WHERE process_id = {walked} AND action = 'transition' "
                             f"AND to_phase = 'on_hold'")
        conn.exec_driver_sql(f"DELETE FROM audit_events WHERE process_id = {other} "
                             f"AND seq = 2")

    done = cli("--lang", "en", "audit", "verify", check=1)
    hold = next(e.seq for e in process.history(env, walked) if e.to_phase == "on_hold")
    assert done.stdout.splitlines() == [
        f"process {walked}: first broken event {hold}: its content does not match its hash: "
        "the event was edited",
        f"process {other}: first broken event 2: trail ends at event 1, expected 2: "
        "events were removed from the end"]
    report = json.loads(cli("audit", "verify", "--json", check=1).stdout)
    assert report["ok"] is False and report["events_checked"] == 17
    assert [(b["process_id"], b["first_broken_seq"]) for b in report["broken"]] == [
        (walked, hold), (other, 2)]
    assert intact not in {b["process_id"] for b in report["broken"]}

    exported = cli("--lang", "en", "audit", "export", str(walked))
    assert f"warning: the stored audit trail is broken from event {hold}" in exported.stderr
    assert third_party_verify(exported.stdout) == [
        f"line {hold}: hash does not match the content"]
    cut = cli("audit", "export", str(other))
    assert third_party_verify(cut.stdout) == []
    assert third_party_verify(cut.stdout, _head(cut.stderr)) == [
        "ends at event 1, the head is event 2"]
