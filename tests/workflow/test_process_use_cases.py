"""Use cases of the process itself on the fakes: create, edit, advance, and the reads."""

from __future__ import annotations

import copy

import pytest

from beteiligung.states.case import Person
from beteiligung.states.errors import BadInput, NotFound, NotPermitted, TransitionRefused
from beteiligung.workflow.process import (
    ProcessInput,
    advance,
    create_process,
    edit_process,
    history,
    list_processes,
    show_process,
    verify_audit,
)
from beteiligung.workflow.trail import verify as verify_chains

LEAD = Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")
DEPUTY = Person("Jonas Weber", "jonas.weber@hannover-stadt.de")
COORDINATOR = "koordination@hannover-stadt.de"
STRANGER = "mallory@example.org"


def _input(**changes) -> ProcessInput:
    return ProcessInput(**({"title": "Platz", "department": "FB 61", "lead": LEAD,
                            "deputy": DEPUTY, "districts": ("Mitte",)} | changes))


def _actions(store, pid: int) -> list[str]:
    return [e.action for e in store.events[pid]]


def _chain_ok(store) -> None:
    assert verify_chains(store.chain_heads(), store.all_events())[1] == []


# --- create


def test_create_process_stores_the_case_and_its_first_event(env, store, clock):
    case = create_process(env, LEAD.email, _input(title="  Lindener Platz  "))
    assert case.id == 1 and case.version == 1
    assert (case.phase, case.phase_entered_at, case.created_at) == ("initiated", clock.now,
                                                                    clock.now)
    assert case.title == "Lindener Platz"
    assert case.definition_version == "2026.2"
    stored = store.cases[case.id]
    assert stored.lead == LEAD and stored.districts == ["Mitte"]
    (event,) = store.shown(case.id)
    assert (event.seq, event.action, event.actor) == (1, "process_created", LEAD.email)
    assert (event.from_phase, event.to_phase) == (None, "initiated")
    assert {k: v["value"] for k, v in event.payload["lead"].items()} == {
        "name": LEAD.name, "email": LEAD.email}
    # the chain itself names the lead by reference only, as actor and in the payload
    (raw,) = store.events[case.id]
    assert LEAD.email not in repr(raw) and LEAD.name not in repr(raw)
    assert raw.actor.startswith("ref:")
    _chain_ok(store)


@pytest.mark.parametrize("actor", [DEPUTY.email, COORDINATOR, "ANNA.Lehmann@Hannover-Stadt.de "])
def test_create_process_by_deputy_coordinator_or_lead_in_other_case(env, actor):
    assert create_process(env, actor, _input()).id == 1


def test_coordinator_may_create_without_lead(env):
    case = create_process(env, COORDINATOR, ProcessInput("Platz"))
    assert case.lead is None and case.phase == "initiated"


@pytest.mark.parametrize(("data", "message"), [
    (_input(title="  "), "title: must not be empty"),
    (_input(origin="rumour"), "origin: 'rumour' is not one of"),
    (_input(districts=("Atlantis",)), "district: Atlantis unknown"),
    (_input(lead=Person("Anna", "anna-at-h.de")), "lead-email: 'anna-at-h.de' is not"),
    (_input(deputy=Person(" ", "jonas@h.de")), "deputy-name: must not be empty"),
])
def test_create_process_refuses_bad_input(env, store, data, message):
    with pytest.raises(BadInput, match=message):
        create_process(env, LEAD.email, data)
    assert store.cases == {} and store.events == {}


@pytest.mark.parametrize("actor", ["", "  ", "not an address"])
def test_create_process_needs_an_actor_address(env, store, actor):
    with pytest.raises(BadInput):
        create_process(env, actor, _input())
    assert store.cases == {}


def test_create_process_by_someone_not_named_is_not_permitted(env, store):
    with pytest.raises(NotPermitted, match="name yourself as lead or deputy"):
        create_process(env, STRANGER, _input())
    assert store.cases == {}


# --- edit


def test_edit_process_records_what_changed(env, store, pid):
    new_lead = Person("Clara Berg", "clara.berg@hannover-stadt.de")
    case = edit_process(env, LEAD.email, pid, {"lead": new_lead, "districts": ["Nord"],
                                               "title": "Lindener Marktplatz"})
    assert case.lead == new_lead and case.districts == ["Nord"]
    assert store.cases[pid].lead == new_lead and store.cases[pid].version == 2
    event = store.shown(pid)[-1]
    assert event.action == "process_edited"
    assert LEAD.email not in repr(store.events[pid][-1])
    lead = {end: {k: v["value"] for k, v in person.items()}
            for end, person in event.payload.pop("lead").items()}
    assert lead == {"from": {"name": LEAD.name, "email": LEAD.email},
                    "to": {"name": new_lead.name, "email": new_lead.email}}
    assert event.payload == {
        "districts": {"from": ["Linden-Limmer"], "to": ["Nord"]}}
    _chain_ok(store)


@pytest.mark.parametrize(("changes", "message"), [
    ({}, "nothing to change"),
    ({"phase": "closed"}, "cannot edit phase"),
    ({"title": ""}, "title: must not be empty"),
    ({"districts": ["Atlantis"]}, "district: Atlantis unknown"),
    ({"deputy": Person("Jonas", "jonas")}, "deputy-email"),
])
def test_edit_process_refuses_bad_input(env, store, pid, changes, message):
    before = copy.deepcopy(store.cases[pid])
    with pytest.raises(BadInput, match=message):
        edit_process(env, LEAD.email, pid, changes)
    assert store.cases[pid] == before
    assert _actions(store, pid) == ["process_created"]


def test_edit_unknown_process_is_not_found(env):
    with pytest.raises(NotFound):
        edit_process(env, COORDINATOR, 42, {"title": "X"})


def test_permission_refused_is_audited_and_nothing_changes(env, store, pid):
    before = copy.deepcopy(store.cases[pid])
    with pytest.raises(NotPermitted, match="only its lead, its deputy or a coordinator"):
        edit_process(env, STRANGER, pid, {"title": "Gekapert"})
    assert store.cases[pid] == before
    event = store.shown(pid)[-1]
    assert (event.action, event.actor) == ("permission_refused", STRANGER)
    assert event.payload == {"attempted": "process_edited"}
    assert (event.from_phase, event.to_phase) == ("initiated", "initiated")
    _chain_ok(store)


def test_former_lead_loses_permission(env, store, pid):
    edit_process(env, DEPUTY.email, pid, {"lead": Person("Clara", "clara@hannover-stadt.de")})
    with pytest.raises(NotPermitted):
        advance(env, LEAD.email, pid, "set_up_begleitgruppe")
    assert _actions(store, pid)[-1] == "permission_refused"
    assert store.events[pid][-1].payload == {"attempted": "advance:set_up_begleitgruppe"}


# --- advance


def test_advance_takes_the_step_and_audits_it(env, store, pid, clock):
    clock.advance(days=3)
    case = advance(env, DEPUTY.email, pid, "set_up_begleitgruppe")
    assert case.phase == "begleitgruppe" and case.phase_entered_at == clock.now
    stored = store.cases[pid]
    assert (stored.phase, stored.phase_entered_at, stored.version) == (
        "begleitgruppe", clock.now, 2)
    event = store.events[pid][-1]
    assert (event.action, event.from_phase, event.to_phase) == (
        "transition", "initiated", "begleitgruppe")
    assert event.payload["trigger"] == "set_up_begleitgruppe" and event.at == clock.now
    # the dwell limit of the phase left is met, the one of the phase entered opened
    deadlines = event.payload["deadlines"]
    assert [(d["kind"], d["status"]) for d in deadlines["closed"]] == [("phase", "met")]
    assert [d["ref"].split("@")[0] for d in deadlines["opened"]] == ["begleitgruppe"]
    _chain_ok(store)


def test_refused_transition_is_audited_and_the_process_is_unchanged(env, store, pid):
    advance(env, LEAD.email, pid, "set_up_begleitgruppe")
    before = copy.deepcopy(store.cases[pid])
    with pytest.raises(TransitionRefused) as refused:
        advance(env, LEAD.email, pid, "draft_concept")
    assert [u.code for u in refused.value.unmet] == ["begleitgruppe_requester_missing",
                                                     "begleitgruppe_no_members"]
    assert store.cases[pid] == before
    event = store.events[pid][-1]
    assert (event.action, event.from_phase, event.to_phase) == (
        "transition_refused", "begleitgruppe", None)
    assert event.payload == {"trigger": "draft_concept",
                             "unmet": ["begleitgruppe_requester_missing",
                                       "begleitgruppe_no_members"]}
    _chain_ok(store)


def test_trigger_not_possible_here_is_audited_too(env, store, pid):
    before = copy.deepcopy(store.cases[pid])
    with pytest.raises(TransitionRefused, match="possible: set_up_begleitgruppe, hold, cancel"):
        advance(env, LEAD.email, pid, "close")
    assert store.cases[pid] == before
    event = store.events[pid][-1]
    assert event.action == "transition_refused"
    assert event.payload == {"trigger": "close", "unmet": []}


@pytest.mark.parametrize("trigger", ["weiter", "Close", "", "set_up_begleitgruppe "])
def test_unknown_trigger_is_bad_input_and_writes_nothing(env, store, pid, trigger):
    before = copy.deepcopy(store.cases[pid])
    with pytest.raises(BadInput, match="the steps are: set_up_begleitgruppe, "
                       "draft_concept,") as refused:
        advance(env, LEAD.email, pid, trigger)
    assert refused.value.text("de").startswith(f"Einen Schritt „{trigger}“ gibt es nicht")
    assert store.cases[pid] == before
    assert _actions(store, pid) == ["process_created"]


def test_cli_events_record_the_operating_system_user(env, store, pid):
    from dataclasses import replace

    cli = replace(env, os_user="anna")
    advance(cli, LEAD.email, pid, "set_up_begleitgruppe")
    with pytest.raises(TransitionRefused):
        advance(cli, LEAD.email, pid, "draft_concept")
    with pytest.raises(NotPermitted):
        advance(cli, STRANGER, pid, "draft_concept")
    created, *made_by_cli = store.shown(pid)
    assert "os_user" not in created.payload  # the first was made without a CLI user
    assert [e.payload["os_user"]["value"] for e in made_by_cli] == ["anna"] * 3
    # kept by one reference per acting person (the stranger's run is the stranger's)
    refs = [e.payload["os_user"]["ref"] for e in made_by_cli]
    assert refs[0] == refs[1] != refs[2]
    assert all("anna" not in repr(e) for e in store.events[pid])
    _chain_ok(store)


def test_advance_by_stranger_is_refused_and_audited(env, store, pid):
    before = copy.deepcopy(store.cases[pid])
    with pytest.raises(NotPermitted):
        advance(env, STRANGER, pid, "set_up_begleitgruppe")
    assert store.cases[pid] == before
    assert _actions(store, pid) == ["process_created", "permission_refused"]


def test_coordinator_may_advance(env, pid):
    assert advance(env, COORDINATOR, pid, "set_up_begleitgruppe").phase == "begleitgruppe"


def test_advance_without_actor_writes_nothing(env, store, pid):
    with pytest.raises(BadInput, match="no actor"):
        advance(env, "", pid, "set_up_begleitgruppe")
    assert _actions(store, pid) == ["process_created"]


def test_advance_unknown_process_is_not_found(env):
    with pytest.raises(NotFound):
        advance(env, COORDINATOR, 7, "set_up_begleitgruppe")


def test_hold_and_resume_keep_the_reason_in_the_trail(env, store, at_phase, clock):
    pid = at_phase("concept")
    advance(env, COORDINATOR, pid, "hold", reason="Haushaltssperre")
    assert (store.cases[pid].phase, store.cases[pid].paused_phase) == ("on_hold", "concept")
    assert store.events[pid][-1].reason == "Haushaltssperre"
    clock.advance(days=30)
    case = advance(env, COORDINATOR, pid, "resume")
    assert (case.phase, case.paused_phase) == ("concept", None)
    assert store.cases[pid].phase_entered_at == clock.now


def test_cancel_stores_the_reason(env, store, pid):
    with pytest.raises(TransitionRefused):
        advance(env, LEAD.email, pid, "cancel")
    case = advance(env, LEAD.email, pid, "cancel", reason="Vorhaben entfällt")
    assert case.phase == "cancelled"
    assert store.cases[pid].cancel_reason == "Vorhaben entfällt"
    assert store.events[pid][-1].reason == "Vorhaben entfällt"
    assert _actions(store, pid)[-2:] == ["transition_refused", "transition"]


def test_another_round_is_in_the_payload(env, store, at_phase, journey, clock):
    pid = at_phase("interim_results")
    journey.fill_phase(env, pid, clock)
    case = advance(env, LEAD.email, pid, "start_another_round")
    assert (case.phase, case.dialogue_round) == ("dialogue", 2)
    assert store.cases[pid].dialogue_round == 2
    payload = store.events[pid][-1].payload
    assert (payload["trigger"], payload["round"]) == ("start_another_round", 2)
    assert "dialogue" in [d["ref"].split("@")[0] for d in payload["deadlines"]["opened"]]


# --- reads


def test_show_process_lists_options(env, pid):
    case, options = show_process(env, pid)
    assert case.id == pid
    assert [(v.transition.trigger, v.allowed) for v in options] == [
        ("set_up_begleitgruppe", True), ("hold", False), ("cancel", False)]


def test_show_unknown_process_is_not_found(env):
    with pytest.raises(NotFound):
        show_process(env, 5)


def test_list_processes_by_phase(env, pid, at_phase):
    other = at_phase("concept")
    assert [s.id for s in list_processes(env)] == [pid, other]
    assert [s.id for s in list_processes(env, "concept")] == [other]
    with pytest.raises(BadInput, match="unknown phase 'nirvana'"):
        list_processes(env, "nirvana")


def test_history_and_verify_audit(env, pid):
    advance(env, LEAD.email, pid, "set_up_begleitgruppe")
    assert [e.action for e in history(env, pid)] == ["process_created", "transition"]
    assert verify_audit(env) == (2, [])
    with pytest.raises(NotFound):
        history(env, 99)


def test_whole_journey_reaches_closed(env, store, journey, clock):
    pid = journey.new_process(env).id
    case = journey.advance_to(env, pid, "closed", clock)
    assert case.phase == "closed"
    transitions = [(e.from_phase, e.to_phase) for e in store.events[pid]
                   if e.action == "transition"]
    assert [t[1] for t in transitions] == journey.ORDER[1:]
    assert verify_audit(env)[1] == []
