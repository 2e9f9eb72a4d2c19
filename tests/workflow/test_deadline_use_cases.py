"""Deadlines kept by the engine with every change, and the lead's own deadline commands."""

from __future__ import annotations

from datetime import timedelta
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
