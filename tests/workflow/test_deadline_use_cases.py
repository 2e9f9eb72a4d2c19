"""Deadlines kept by the engine with every change, and the lead's own deadline commands."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from beteiligung.states.errors import BadInput, NotFound, NotPermitted
from beteiligung.workflow import content, deadlines
from beteiligung.workflow.process import advance, edit_process

LEAD = "anna.lehmann@hannover-stadt.de"
BERLIN = ZoneInfo("Europe/Berlin")


def _by_kind(store, pid):
    return {(d.kind, d.ref.split("@")[0]): d for d in store.deadlines.values()
            if d.process_id == pid}


def test_a_new_process_gets_the_dwell_limit_of_its_first_phase(env, store, pid, clock):
    (deadline,) = _by_kind(store, pid).values()
    assert (deadline.kind, deadline.status, deadline.managed) == ("phase", "open", True)
    assert deadline.due_at == clock.now + timedelta(days=60)
    # first reminder: 14 days before, at 08:00 in Berlin, on a working day
    remind = deadline.next_remind_at.astimezone(BERLIN)
    assert remind.hour == 8 and remind.weekday() < 5
    assert remind.date() <= (deadline.due_at - timedelta(days=14)).astimezone(BERLIN).date()
    created = store.events[pid][0].payload["deadlines"]["opened"]
    assert [d["kind"] for d in created] == ["phase"]


def test_leaving_a_phase_meets_its_deadline_and_opens_the_next(env, store, pid, clock):
    clock.advance(days=5)
    advance(env, LEAD, pid, "set_up_begleitgruppe")
    found = _by_kind(store, pid)
    left, entered = found[("phase", "initiated")], found[("phase", "begleitgruppe")]
    assert (left.status, left.closed_at, left.next_remind_at) == ("met", clock.now, None)
    assert entered.status == "open" and entered.due_at == clock.now + timedelta(days=60)


def test_leaving_a_phase_late_records_the_deadline_as_missed(env, store, pid, clock):
    clock.advance(days=61)
    advance(env, LEAD, pid, "set_up_begleitgruppe")
    assert _by_kind(store, pid)[("phase", "initiated")].status == "missed"


def test_cancelling_waives_every_open_deadline_including_the_leads_own(env, store, pid,
                                                                         clock):
    own = deadlines.add_deadline(env, LEAD, pid, "Bericht an den Ausschuss",
                                 clock.now + timedelta(days=20))
    advance(env, LEAD, pid, "cancel", reason="Vorhaben gestoppt")
    assert {d.status for d in store.deadlines.values()} == {"waived"}
    assert store.deadlines[own].reason == "Prozess abgebrochen"


def test_an_answer_meets_the_answer_deadline(env, store, at_phase, journey, clock):
    pid = at_phase("concept")
    journey.fill_phase(env, pid, clock)
    content.add_suggestion(env, LEAD, pid, "concept", "Mehr Bäume")
    answer = _by_kind(store, pid)[("suggestion_answer", "1")]
    assert answer.status == "open"
    assert answer.due_at.astimezone(BERLIN).date() == (
        clock.now + timedelta(days=30)).astimezone(BERLIN).date()
    content.answer_suggestion(env, LEAD, pid, 1, "accepted")
    assert _by_kind(store, pid)[("suggestion_answer", "1")].status == "met"


def test_own_deadline_can_be_added_moved_and_waived_with_reasons(env, store, pid, clock):
    due = clock.now + timedelta(days=20)
    did = deadlines.add_deadline(env, LEAD, pid, "Bericht an den Ausschuss", due)
    assert store.deadlines[did].managed is False and store.deadlines[did].kind == "custom"
    with pytest.raises(BadInput, match="needs a reason"):
        deadlines.move_deadline(env, LEAD, pid, did, due + timedelta(days=7), " ")
    clock.advance(days=25)
    store.deadlines[did].status = "missed"  # as the sweep would have marked it
    moved = deadlines.move_deadline(env, LEAD, pid, did, clock.now + timedelta(days=10),
                                    "Ausschuss tagt später")
    assert (moved.status, moved.last_step, moved.reason) == ("open", -1,
                                                             "Ausschuss tagt später")
    assert moved.next_remind_at is not None
    deadlines.waive_deadline(env, LEAD, pid, did, "Bericht entfällt")
    assert (store.deadlines[did].status, store.deadlines[did].next_remind_at) == ("waived", None)
    with pytest.raises(BadInput, match="closed"):
        deadlines.waive_deadline(env, LEAD, pid, did, "nochmal")
    actions = [e.action for e in store.events[pid]]
    assert actions[-3:] == ["deadline_added", "deadline_moved", "deadline_waived"]
    assert store.events[pid][-2].reason == "Ausschuss tagt später"


def test_deadline_commands_check_permission_and_the_process(env, store, pid, clock):
    (phase_deadline,) = _by_kind(store, pid).values()
    with pytest.raises(NotPermitted):
        deadlines.waive_deadline(env, "someone@else.de", pid, phase_deadline.id, "weg")
    assert store.events[pid][-1].action == "permission_refused"
    with pytest.raises(NotFound):
        deadlines.waive_deadline(env, LEAD, pid, 999, "weg")
    other = edit_process(env, LEAD, pid, {"title": "Anders"})
    assert other.title == "Anders"
    assert deadlines.list_deadlines(env, pid)[0].id == phase_deadline.id


def test_the_concept_cannot_move_on_before_its_comment_period_ended(env, store, at_phase,
                                                                     journey, clock):
    from beteiligung.states.errors import TransitionRefused

    pid = at_phase("concept")
    journey.fill_phase(env, pid, clock)  # complete, published; it waited out the period
    case = store.case(pid)
    first = case.concept_versions[0].published_at
    assert case.concept_comments_until == datetime.combine(
        (first + timedelta(days=28)).astimezone(BERLIN).date(), time(23, 59, 59), BERLIN)
    period = _by_kind(store, pid)[("concept_comments", "concept")]
    assert period.due_at == case.concept_comments_until

    fresh = at_phase("concept")
    content.load_concept(env, LEAD, fresh, journey.complete_concept())
    content.publish_concept(env, LEAD, fresh)
    clock.advance(minutes=1)
    with pytest.raises(TransitionRefused) as refused:
        advance(env, LEAD, fresh, "start_pre_reporting")
    [unmet] = refused.value.unmet
    assert unmet.code == "concept_comment_period_open"
    assert unmet.params["deadline"] == store.case(fresh).concept_comments_until
    assert "läuft noch bis" in unmet.text()
    assert store.case(fresh).phase == "concept"


def test_a_comment_period_cut_short_is_recorded_as_such(clock, fakes, journey):
    """Under a definition without the waiting guard, leaving the concept phase before the
    period ended is recorded as what it was, not as met."""
    import tomllib

    from beteiligung.states.definition import parse_definition
    from beteiligung.states.lifecycle import Lifecycle

    raw = tomllib.loads(fakes.DEFINITION_PATH.read_text(encoding="utf-8"))
    for transition in raw["transitions"]:
        transition["guards"] = [g for g in transition.get("guards", [])
                                if g != "concept_comment_period_ended"]
    fake = fakes.make_env(clock, lifecycle=Lifecycle(parse_definition(raw)))
    pid = journey.new_process(fake.env).id
    journey.advance_to(fake.env, pid, "pre_reporting", clock)
    period = _by_kind(fake.store, pid)[("concept_comments", "concept")]
    assert period.closed_at == clock.now < period.due_at
    assert period.status == "cut_short"
    closed = fake.store.events[pid][-1].payload["deadlines"]["closed"]
    assert {"id": period.id, "kind": "concept_comments", "ref": "concept",
            "status": "cut_short"} in closed


def test_a_deadline_the_lead_moved_stays_moved_at_the_next_change(env, store, pid, clock):
    """The engine follows its own deadlines to a new basis (a re-recorded decision), never a
    deadline a lead moved with a reason: an unrelated edit must not put it back."""
    (deadline,) = _by_kind(store, pid).values()
    later = deadline.due_at + timedelta(days=30)
    deadlines.move_deadline(env, LEAD, pid, deadline.id, later, "Sommerpause im Bezirksrat")
    clock.advance(days=1)
    edit_process(env, LEAD, pid, {"subject": "Neuer Gegenstand"})
    (kept,) = _by_kind(store, pid).values()
    assert (kept.due_at, kept.reason) == (later, "Sommerpause im Bezirksrat")
    assert "deadlines" not in store.events[pid][-1].payload
