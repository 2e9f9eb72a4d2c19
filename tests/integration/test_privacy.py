"""Personal data on the real databases: out of the chain, disclosed, erased from the bytes.

A resident's address, name and text go into the privacy store only: the audit payloads and
the case document name references. ``privacy erase`` removes them so that the SQLite file
(and its WAL) and every PostgreSQL table hold them nowhere, while ``audit verify`` passes and
the history says what was erased (issue 13).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import make_url, text

from beteiligung.states.case import Member, Person
from beteiligung.states.errors import BadInput, NotFound, NotPermitted
from beteiligung.workflow import content, participation, privacy_requests, process

COORDINATOR = "koordination@hannover-stadt.de"  # of the ``settings`` fixture
RESIDENT = "Mira.Sonnenschein@example.org"
TEXT = "Bitte den Bolzplatz am Kanal erhalten, sagt Mira Sonnenschein"
OTHER = "karl.kanal@example.net"
OTHER_TEXT = "Mehr Bänke im Schatten"
SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "privacy-export.schema.json")
                    .read_text(encoding="utf-8"))


def _open_for_comments(env, clock, journey) -> int:
    pid = journey.new_process(env).id
    journey.advance_to(env, pid, "pre_reporting", clock)
    return pid


def _submit(env, pid: int, text_: str, email: str) -> int:
    receipt = participation.submit_suggestion(env, pid, text_, email, "client",
                                              max_chars=2000)
    return receipt.number


def _database_text(engine, db_url: str) -> bytes:
    """Every byte the database keeps: the SQLite file and its WAL, or every row of every
    PostgreSQL table of the schema as text."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        wal = path.with_name(path.name + "-wal")
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    with engine.connect() as conn:
        tables = conn.execute(text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema()")).scalars().all()
        dump = [str(row) for table in tables
                for row in conn.execute(text(f'SELECT t::text FROM "{table}" t'))]
    return "\n".join(dump).encode("utf-8")


def test_erasure_removes_the_resident_from_every_byte_and_keeps_the_trail(
        env, engine, db_url, clock, journey):
    pid = _open_for_comments(env, clock, journey)
    first = _submit(env, pid, TEXT, RESIDENT)
    _submit(env, pid, OTHER_TEXT, OTHER)
    content.add_suggestion(env, COORDINATOR, pid, "concept", "Noch ein Wunsch", RESIDENT)
    content.answer_suggestion(env, journey.LEAD.email, pid, first, "accepted")
    before = _database_text(engine, db_url)
    assert RESIDENT.lower().encode() in before and TEXT.encode() in before  # the grep works
    with engine.connect() as conn:  # the answer went out to the resident, once
        mails = conn.execute(text("SELECT kind, recipients FROM outbox")).all()
    assert [(kind, json.loads(to)) for kind, to in mails] == [("answered", [RESIDENT])]

    done = privacy_requests.erase(env, COORDINATOR, RESIDENT, "Antrag vom 1.12., Az. 13-7")

    assert (done.values, done.processes, done.nothing_left, done.emails) == (
        4, (pid,), False, 1)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT status, recipients FROM outbox")).one()
    assert tuple(row) == ("skipped", "[]")
    stored = _database_text(engine, db_url)
    for gone in (RESIDENT, RESIDENT.lower(), TEXT, "Mira Sonnenschein", "Noch ein Wunsch"):
        assert gone.encode() not in stored, gone
    assert OTHER.encode() in stored and OTHER_TEXT.encode() in stored
    checked, breaks = process.verify_audit(env)
    assert breaks == [] and checked > 0
    case = journey.current(env, pid)
    erased = case.suggestion(first)
    assert (erased.number, erased.target, erased.answer) == (first, "concept", "accepted")
    assert (erased.text, erased.author, sorted(erased.erased)) == ("", "", ["author", "text"])
    assert case.suggestion(2).text == OTHER_TEXT
    events = process.history(env, pid)
    assert events[-1].action == "personal_data_erased"
    assert set(events[-1].payload["refs"]) == set(erased.refs.values()) | set(
        case.suggestion(3).refs.values())
    received = [e for e in events if e.action == "suggestion_received"]
    assert received[0].payload["text"].get("erased") is True
    assert received[1].payload["text"]["value"] == OTHER_TEXT


def test_erasing_twice_says_nothing_is_left_and_an_unknown_address_is_not_found(
        env, clock, journey):
    pid = _open_for_comments(env, clock, journey)
    _submit(env, pid, TEXT, RESIDENT)
    privacy_requests.erase(env, COORDINATOR, RESIDENT, "Antrag")
    again = privacy_requests.erase(env, COORDINATOR, RESIDENT.upper(), "Antrag")
    assert (again.nothing_left, again.values, len(again.erased_before)) == (True, 0, 1)
    with pytest.raises(NotFound, match="no personal data is held about nobody@example.org"):
        privacy_requests.erase(env, COORDINATOR, "nobody@example.org", "Antrag")
    with pytest.raises(NotFound):
        privacy_requests.disclose(env, COORDINATOR, "nobody@example.org")


def test_only_coordinators_may_ask_and_staff_leading_open_processes_are_refused(
        env, clock, journey):
    pid = _open_for_comments(env, clock, journey)
    _submit(env, pid, TEXT, RESIDENT)
    with pytest.raises(NotPermitted):
        privacy_requests.erase(env, journey.LEAD.email, RESIDENT, "Antrag")
    with pytest.raises(NotPermitted):
        privacy_requests.disclose(env, journey.LEAD.email, RESIDENT)
    with pytest.raises(BadInput, match=f"hand over {pid} „Lindener Marktplatz“ first"):
        privacy_requests.erase(env, COORDINATOR, journey.LEAD.email, "Antrag")
    with pytest.raises(BadInput, match="--reason"):
        privacy_requests.erase(env, COORDINATOR, RESIDENT, "  ")


def test_the_export_holds_everything_about_the_address_and_is_audited(
        env, clock, journey):
    pid = _open_for_comments(env, clock, journey)
    number = _submit(env, pid, TEXT, RESIDENT)
    content.answer_suggestion(env, journey.LEAD.email, pid, number, "rejected",
                              "Der Bolzplatz liegt außerhalb des Plangebiets.")
    found = privacy_requests.disclose(env, COORDINATOR, RESIDENT)
    jsonschema.validate(found.document, SCHEMA)
    [item] = found.document["suggestions"]
    assert (item["process_id"], item["number"], item["text"], item["author"]) == (
        pid, number, TEXT, RESIDENT)
    assert (item["answer"], item["justification"]) == (
        "rejected", "Der Bolzplatz liegt außerhalb des Plangebiets.")
    assert found.counts == {"suggestions": 1, "processes": 0, "memberships": 0, "emails": 1,
                            "tokens": 0, "account": 0, "audit_events": 0}
    [mail] = found.document["emails"]
    assert (mail["kind"], mail["status"], mail["process_id"]) == ("answered", "queued", pid)
    assert "abgelehnt" in mail["text"]
    last = process.history(env, pid)[-1]
    assert last.action == "personal_data_disclosed"
    assert RESIDENT.lower() not in json.dumps(last.payload) and last.actor == COORDINATOR

    lead = privacy_requests.disclose(env, COORDINATOR, journey.LEAD.email)
    jsonschema.validate(lead.document, SCHEMA)
    assert [(p["process_id"], p["role"]) for p in lead.document["processes"]] == [
        (pid, "lead")]
    assert (lead.document["suggestions"], lead.document["account"]) == ([], None)


def test_personal_values_are_only_in_the_privacy_store(env, engine, clock, journey, kit):
    """Names of Begleitgruppe members, texts and authors of suggestions: in
    ``personal_data`` and nowhere else, neither in a case document nor in an audit payload."""
    pid = kit.in_begleitgruppe(env)  # members Klaus Becker and Dr. Petra Nowak
    content.remove_member(env, kit.LEAD.email, pid, "Dr. Petra Nowak")
    other = _open_for_comments(env, clock, journey)
    _submit(env, other, TEXT, RESIDENT)
    content.add_suggestion(env, COORDINATOR, other, "concept", "Noch ein Wunsch",
                           "Erika Mustermann")
    values = ("Klaus Becker", "Dr. Petra Nowak", TEXT, RESIDENT, "Noch ein Wunsch",
              "Erika Mustermann")
    with engine.connect() as conn:
        documents = "".join(conn.execute(text("SELECT document FROM processes")).scalars())
        payloads = "".join(conn.execute(text("SELECT payload FROM audit_events")).scalars())
        held = set(conn.execute(text("SELECT value FROM personal_data")).scalars())
    for value in values:
        assert value not in documents and value not in payloads, value
        assert value in held, value
    assert RESIDENT.lower() not in documents + payloads
    case = journey.current(env, other)
    assert [(s.text, s.author) for s in case.suggestions] == [
        (TEXT, RESIDENT), ("Noch ein Wunsch", "Erika Mustermann")]
    assert [m.name for m in journey.current(env, pid).begleitgruppe.members] == ["Klaus Becker"]


def _backup(engine, db_url: str, folder: Path):
    """Take a backup of the database now; the returned function restores it (the engine's
    connections are closed first)."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        import sqlite3

        path, copy = Path(url.database or ""), folder / "backup.db"
        with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
            source.backup(target)

        def restore_sqlite() -> None:
            engine.dispose()
            for extra in ("-wal", "-shm"):
                path.with_name(path.name + extra).unlink(missing_ok=True)
            path.write_bytes(copy.read_bytes())

        return restore_sqlite
    schema = url.query["options"].split("search_path=")[1]
    server = url.set(query={}).render_as_string(hide_password=False)
    dump = folder / "backup.sql"
    subprocess.run(["pg_dump", "--data-only", "--disable-triggers", "-n", schema,
                    "-f", str(dump), server], check=True)

    def restore_postgres() -> None:
        engine.dispose()
        with engine.begin() as conn:
            tables = conn.execute(text(
                "SELECT string_agg(quote_ident(table_name), ', ') FROM information_schema."
                "tables WHERE table_schema = current_schema()")).scalar_one()
            conn.execute(text("SET session_replication_role = replica"))
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(dump), server],
                       check=True, capture_output=True)

    return restore_postgres


def test_replay_erases_again_after_an_older_backup_is_restored(env, engine, db_url, clock,
                                                               journey, tmp_path):
    pid = _open_for_comments(env, clock, journey)
    _submit(env, pid, TEXT, RESIDENT)
    _submit(env, pid, OTHER_TEXT, OTHER)
    restore = _backup(engine, db_url, tmp_path)
    clock.advance(days=1)
    privacy_requests.erase(env, COORDINATOR, RESIDENT, "Antrag")
    assert TEXT.encode() not in _database_text(engine, db_url)

    restore()
    assert TEXT.encode() in _database_text(engine, db_url)  # the backup brought it back
    clock.advance(days=1)
    done = privacy_requests.replay(env, COORDINATOR)

    assert (done.logged, done.values, done.processes) == (1, 2, (pid,))
    stored = _database_text(engine, db_url)
    assert TEXT.encode() not in stored and RESIDENT.lower().encode() not in stored
    assert OTHER_TEXT.encode() in stored
    assert process.verify_audit(env)[1] == []
    last = process.history(env, pid)[-1]
    assert (last.action, last.payload.get("replayed")) == ("personal_data_erased", True)
    again = privacy_requests.replay(env, COORDINATOR)
    assert (again.logged, again.values, again.processes) == (1, 0, ())
    assert privacy_requests.erase(env, COORDINATOR, RESIDENT, "Antrag").nothing_left


def test_the_answer_is_mailed_once_to_an_address_never_to_a_name(env, engine, clock, journey):
    pid = _open_for_comments(env, clock, journey)
    mailed = _submit(env, pid, TEXT, RESIDENT)
    content.add_suggestion(env, COORDINATOR, pid, "concept", "Noch ein Wunsch", "Erika M.")
    content.add_suggestion(env, COORDINATOR, pid, "concept", "Ohne Angabe")
    for number in (mailed, 2, 3):
        content.answer_suggestion(env, journey.LEAD.email, pid, number, "accepted")
    content.answer_suggestion(env, journey.LEAD.email, pid, mailed, "rejected", "Doch nicht")
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT o.dedup_key, o.recipients, o.subject, b.body_text FROM outbox o "
            "JOIN outbox_bodies b ON b.outbox_id = o.id")).all()
    [(key, to, subject, body)] = rows
    assert (key, json.loads(to)) == (f"answered:{pid}:{mailed}", [RESIDENT])
    assert subject.startswith(f"Ihre Anregung Nr. {mailed} zu „")
    assert "ist beantwortet: angenommen" in body and f"/vorhaben/{pid}#anregung-{mailed}" in body
    assert TEXT not in body  # the e-mail does not repeat what the resident wrote


MEMBER = "Ömer Kanalanwohner"
MEMBER_EMAIL = "Oemer.Kanal@Example.org"
NEIGHBOUR = "Karla Kanalanwohnerin"  # a member without an address, in another process


def test_a_member_with_an_address_is_disclosed_and_erased_from_every_byte(
        env, engine, db_url, clock, journey, kit):
    """A Begleitgruppe member's name and contact address: found by an Auskunft for the
    address, removed by its Löschung from every byte, the trail still verifies, the case
    still loads with the member marked as erased (issue 13)."""
    pid = kit.in_begleitgruppe(env)  # members Klaus Becker and Dr. Petra Nowak
    lead = kit.LEAD.email
    content.add_member(env, lead, pid, Member(MEMBER, "Stadtteilrunde Linden", "external",
                                              f"  {MEMBER_EMAIL} "))
    other = kit.in_begleitgruppe(env)
    content.add_member(env, lead, other, Member(NEIGHBOUR, "Stadtteilrunde Linden", "external"))
    before = _database_text(engine, db_url)
    assert MEMBER_EMAIL.encode() in before and MEMBER.encode() in before  # the grep works
    assert journey.current(env, pid).begleitgruppe.members[-1].email == MEMBER_EMAIL

    found = privacy_requests.disclose(env, COORDINATOR, MEMBER_EMAIL.upper())
    jsonschema.validate(found.document, SCHEMA)
    assert found.document["processes"] == [
        {"process_id": pid, "process": "Neugestaltung des Lindener Marktplatzes",
         "phase": "begleitgruppe", "role": "member", "name": MEMBER,
         "organisation": "Stadtteilrunde Linden", "kind": "external"}]
    assert (found.counts["memberships"], found.counts["processes"]) == (1, 0)
    disclosed = process.history(env, pid)[-1]
    assert disclosed.action == "personal_data_disclosed"
    assert MEMBER_EMAIL.lower() not in json.dumps(disclosed.payload).lower()

    done = privacy_requests.erase(env, COORDINATOR, MEMBER_EMAIL, "Antrag vom 2.12.")

    assert (done.values, done.processes, done.nothing_left) == (2, (pid,), False)
    stored = _database_text(engine, db_url)
    assert MEMBER_EMAIL.encode() not in stored
    assert MEMBER_EMAIL.lower().encode() not in stored
    assert MEMBER.encode() not in stored  # the name went with the address
    assert NEIGHBOUR.encode() in stored and b"Klaus Becker" in stored
    assert process.verify_audit(env)[1] == []
    erased = journey.current(env, pid).begleitgruppe.members[-1]
    assert (erased.name, erased.email, sorted(erased.erased)) == ("", "", ["email", "name"])
    assert (erased.organisation, erased.kind) == ("Stadtteilrunde Linden", "external")
    assert [m.name for m in journey.current(env, other).begleitgruppe.members][-1] == NEIGHBOUR
    added = [e for e in process.history(env, pid)
             if e.action == "begleitgruppe_member_added"][-1]
    assert added.payload["member"]["name"].get("erased") is True
    assert added.payload["member"]["email"].get("erased") is True
    assert process.history(env, pid)[-1].action == "personal_data_erased"
    assert privacy_requests.erase(env, COORDINATOR, MEMBER_EMAIL, "Antrag").nothing_left


def test_a_removed_member_is_disclosed_as_former_member_and_its_removal_erased(
        env, engine, db_url, kit, journey):
    pid = kit.in_begleitgruppe(env)
    lead = kit.LEAD.email
    content.add_member(env, lead, pid, Member(MEMBER, "Stadtteilrunde", "external",
                                              MEMBER_EMAIL))
    content.remove_member(env, lead, pid, MEMBER)
    found = privacy_requests.disclose(env, COORDINATOR, MEMBER_EMAIL)
    jsonschema.validate(found.document, SCHEMA)
    assert [(p["process_id"], p["role"], p["name"]) for p in found.document["processes"]] == [
        (pid, "former_member", MEMBER)]

    done = privacy_requests.erase(env, COORDINATOR, MEMBER_EMAIL, "Antrag")

    assert done.values == 3  # name and address when added, the name when removed
    stored = _database_text(engine, db_url)
    assert MEMBER.encode() not in stored and MEMBER_EMAIL.encode() not in stored
    assert process.verify_audit(env)[1] == []
    [removed] = [e for e in process.history(env, pid)
                 if e.action == "begleitgruppe_member_removed"]
    assert removed.payload["member"].get("erased") is True


def test_a_malformed_member_address_is_refused_in_german_and_nothing_is_written(env, kit):
    pid = kit.in_begleitgruppe(env)
    events = len(process.history(env, pid))
    with pytest.raises(BadInput) as refused:
        content.add_member(env, kit.LEAD.email, pid,
                           Member(MEMBER, "Stadtteilrunde", "external", "oemer(at)example"))
    assert refused.value.text("de") == (
        "email: 'oemer(at)example' ist keine E-Mail-Adresse (wie name@example.org); die "
        "Adresse des Mitglieds ist freiwillig: weglassen oder berichtigen")
    assert "is not an e-mail address" in refused.value.text("en")
    assert len(process.history(env, pid)) == events
    with pytest.raises(NotFound):
        privacy_requests.disclose(env, COORDINATOR, "oemer@example.org")


def test_an_address_that_only_acted_is_disclosed_with_its_events_and_erased(
        env, clock, journey):
    """A former lead who handed the process over leads nothing and has no account, but is
    the actor of events: the Auskunft counts them, and an erasure takes them out (the trail
    keeps her by reference, ``workflow.actors``)."""
    former = "paula.vorgaenger@hannover-stadt.de"
    pid = journey.new_process(env, actor=former, lead=Person("Paula Vorgänger", former)).id
    process.edit_process(env, former, pid, {"subject": "Mehr Grün am Kanal"})
    process.edit_process(env, COORDINATOR, pid, {
        "lead": Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")})
    found = privacy_requests.disclose(env, COORDINATOR, former.upper())
    assert found.document["processes"] == []
    [acted] = found.document["audit_events"]
    assert (acted["process_id"], acted["events"]) == (pid, 2)
    assert acted["first_at"] <= acted["last_at"]
    jsonschema.validate(found.document, SCHEMA)
    assert found.counts["audit_events"] == 2
    done = privacy_requests.erase(env, COORDINATOR, former, "Antrag vom 1.12.")
    assert done.staff and done.processes == (pid,)
    assert [e.actor for e in process.history(env, pid)][:2] == ["", ""]
    assert process.verify_audit(env)[1] == []
