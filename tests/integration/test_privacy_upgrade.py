"""Revision 0011 on a database the program before 0010 wrote: the personal values move into
the privacy store, every chain verifies afterwards (signed again with the key), the moved
event names the old head, and the values can then be erased like any other (issue 13)."""

from __future__ import annotations

import json
from dataclasses import replace

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from beteiligung.config.audit_keys import AuditSettings
from beteiligung.config.bootstrap import build_env
from beteiligung.config.settings import PrivacySettings, Settings
from beteiligung.states.case import Member, Person
from beteiligung.storage.migrate import HEAD, MIGRATIONS, upgrade
from beteiligung.workflow import content, participation, privacy_requests, process
from beteiligung.workflow.audit_check import check, verify_store
from beteiligung.workflow.privacy_port import Personal, Stable

COORDINATOR = "koordination@hannover-stadt.de"
RESIDENT = "mira.sonnenschein@example.org"
TEXT = "Den Bolzplatz am Kanal erhalten"
KEYS = f"k1={'11' * 32}"
FORMER = Person("Paula Vorgänger", "paula.vorgaenger@hannover-stadt.de")


def _unsealed(payload):
    """What the program before revision 0010 put into a payload: the values themselves."""
    if isinstance(payload, Personal):
        return payload.value
    if isinstance(payload, dict):
        return {k: _unsealed(v) for k, v in payload.items()}
    if isinstance(payload, list):
        return [_unsealed(v) for v in payload]
    return payload


def _old_document(document: dict) -> dict:
    for holder in [*(document.get("suggestions") or ()),
                   *((document.get("begleitgruppe") or {}).get("members") or ())]:
        holder.pop("refs", None)
        holder.pop("erased", None)
    return document


def _env(engine, clock, tmp_path, keys: str = KEYS):
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, coordinators=frozenset({COORDINATOR}),
                        districts=("Linden-Limmer",), audit=AuditSettings(keys=keys),
                        privacy=PrivacySettings(str(tmp_path / "erasure-log.jsonl")))
    return build_env(settings, clock=clock, engine=engine)


def _old_database(empty_engine, clock, journey, tmp_path, monkeypatch):
    """A database at revision 0010 with a process the program before 0010 wrote: values
    in payloads and documents (the use cases run with sealing and stripping undone)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with empty_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0010")
    env = _env(empty_engine, clock, tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr("beteiligung.workflow.core.seal", lambda p: (_unsealed(p), []))
        patch.setattr("beteiligung.storage.sql.strip", _old_document)
        pid = journey.new_process(env).id
        journey.advance_to(env, pid, "pre_reporting", clock)
        content.add_member(env, COORDINATOR, pid, Member("Erika Mustermann", "BI Kanal",
                                                         "external"))
        participation.submit_suggestion(env, pid, TEXT, RESIDENT, "client", max_chars=2000)
    return env, pid


def _resealed_with_the_key(env, pid: int, before, revision: str) -> list:
    """The trail after ``revision`` re-sealed it: every signature checks, and it ends in
    ``personal_data_moved`` naming the old head; the trail as staff see it."""
    with env.uow() as uow:
        report = verify_store(uow.processes, env.audit_keys())
    assert report.ok and report.unsigned == [] and report.unchecked == 0
    after = process.history(env, pid)
    moved = after[-1]
    assert (moved.action, moved.actor) == ("personal_data_moved", "beteiligung@system")
    assert moved.payload == {"old_seq": before[-1].seq, "old_head": before[-1].hash,
                             "revision": revision}
    return after


def _everything(engine) -> str:
    with engine.connect() as conn:
        documents = conn.execute(text("SELECT document FROM processes")).scalars().all()
        payloads = conn.execute(text("SELECT payload FROM audit_events")).scalars().all()
    return "".join(documents + payloads)


def test_0011_moves_the_values_and_reseals_every_chain_with_the_key(
        empty_engine, clock, journey, tmp_path, monkeypatch):
    env, pid = _old_database(empty_engine, clock, journey, tmp_path, monkeypatch)
    before = process.history(env, pid)
    assert TEXT in _everything(empty_engine) and "Erika Mustermann" in _everything(empty_engine)
    # the chains as the old program left them verify (the whole check would stop at the
    # table of revision 0012 that this database does not have yet)
    with env.uow() as uow:
        assert check(list(uow.processes.chain_heads()), uow.processes.all_events()).ok

    clock.advance(days=1)
    assert upgrade(empty_engine, env.audit_keys, clock()) == ("0010", HEAD)

    stored = _everything(empty_engine)
    for value in (TEXT, RESIDENT, "Erika Mustermann"):
        assert value not in stored, value
    checked, breaks = process.verify_audit(env)
    assert breaks == [] and checked == len(before) + 1
    after = _resealed_with_the_key(env, pid, before, "0011")
    received = next(e for e in after if e.action == "suggestion_received")
    assert (received.payload["text"]["value"], received.payload["author"]["value"]) == (
        TEXT, RESIDENT)
    case = journey.current(env, pid)
    assert [(s.text, s.author) for s in case.suggestions] == [(TEXT, RESIDENT)]
    assert "Erika Mustermann" in [m.name for m in case.begleitgruppe.members]

    done = privacy_requests.erase(env, COORDINATOR, RESIDENT, "Antrag")
    assert done.values == 2 and process.verify_audit(env)[1] == []
    assert upgrade(empty_engine) == (HEAD, HEAD)


def test_0011_without_the_key_removes_the_signatures_of_a_resealed_chain(
        empty_engine, clock, journey, tmp_path, monkeypatch):
    env, pid = _old_database(empty_engine, clock, journey, tmp_path, monkeypatch)
    upgrade(empty_engine, None, clock())
    with empty_engine.connect() as conn:
        macs = conn.execute(text("SELECT mac FROM audit_events WHERE process_id = :p"),
                            {"p": pid}).scalars().all()
    assert set(macs) == {None}
    with env.uow() as uow:
        report = verify_store(uow.processes, env.audit_keys())
    assert report.ok and report.unsigned == [pid]
    assert json.loads(json.dumps(process.history(env, pid)[-1].payload))["revision"] == "0011"


def _plain(value):
    """What the program before revision 0013 put into a payload for a stable value: the
    value itself."""
    if isinstance(value, Stable):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _before_0013(empty_engine, clock, journey, tmp_path, monkeypatch):
    """A database at revision 0012 with a process the program before 0013 wrote: actors,
    lead and deputy and the operating-system user in the clear."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with empty_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0012")
    env = replace(_env(empty_engine, clock, tmp_path), os_user="pvorgaenger")
    with monkeypatch.context() as patch:
        patch.setattr("beteiligung.storage.sql.actors.pseudonymise",
                      lambda event, _lookup, _pid: replace(event, payload=_plain(event.payload)))
        pid = journey.new_process(env, actor=FORMER.email, lead=FORMER).id
        process.edit_process(env, FORMER.email, pid, {"subject": "Mehr Grün"})
        process.edit_process(env, COORDINATOR, pid, {"lead": journey.LEAD})
    return env, pid


def test_0013_keeps_every_person_by_reference_and_reseals_with_the_key(
        empty_engine, clock, journey, tmp_path, monkeypatch):
    env, pid = _before_0013(empty_engine, clock, journey, tmp_path, monkeypatch)
    before = process.history(env, pid)
    trail = _trail(empty_engine)
    for value in (FORMER.email, FORMER.name, COORDINATOR, "pvorgaenger"):
        assert value in trail, value   # the old program's trail names them

    clock.advance(days=1)
    assert upgrade(empty_engine, env.audit_keys, clock()) == ("0012", HEAD)

    trail = _trail(empty_engine)
    for value in (FORMER.email, FORMER.name, COORDINATOR, "pvorgaenger",
                  journey.LEAD.email, journey.LEAD.name):
        assert value not in trail, value
    after = _resealed_with_the_key(env, pid, before, "0013")
    # staff see the same people as before
    assert [e.actor for e in after[:-1]] == [e.actor for e in before]
    created = after[0].payload
    assert (created["lead"]["name"]["value"], created["os_user"]["value"]) == (
        FORMER.name, "pvorgaenger")
    assert upgrade(empty_engine) == (HEAD, HEAD)   # twice changes nothing

    # and the former lead, handed over, can now be erased with the trail intact
    done = privacy_requests.erase(env, COORDINATOR, FORMER.email, "Ausgeschieden")
    assert done.staff and process.verify_audit(env)[1] == []
    assert [e.actor for e in process.history(env, pid)][:2] == ["", ""]


def _trail(engine) -> str:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT actor, payload FROM audit_events")).all()
    return " ".join(f"{actor} {payload}" for actor, payload in rows)
