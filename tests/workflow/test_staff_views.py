"""What a signed-in person sees (``workflow.staff``) on the fakes: a lead their processes, a
coordinator all, and no one else a process page."""

from __future__ import annotations

import pytest

from beteiligung.states.errors import BadInput, NotFound, NotPermitted
from beteiligung.workflow import staff
from beteiligung.workflow.sessions import Identity

COORDINATOR = Identity("koordination@hannover-stadt.de", "K", True)


def test_a_lead_sees_what_they_lead_or_deputise_a_coordinator_everything(env, journey):
    mine = journey.new_process(env).id
    deputised = journey.new_process(
        env, actor=COORDINATOR.email,
        lead=journey.Person("Bernd Koch", "bernd.koch@hannover-stadt.de"),
        deputy=journey.LEAD).id
    other = journey.new_process(
        env, actor=COORDINATOR.email,
        lead=journey.Person("Bernd Koch", "bernd.koch@hannover-stadt.de"),
        deputy=journey.Person("Cara Rose", "cara.rose@hannover-stadt.de")).id
    anna = Identity(journey.LEAD.email, "Anna", False)

    assert [s.id for s in staff.visible_processes(env, anna)] == [mine, deputised]
    assert [s.id for s in staff.visible_processes(env, COORDINATOR)] == [mine, deputised, other]
    assert staff.visible_processes(env, anna, "concept") == []
    with pytest.raises(BadInput, match="phase"):
        staff.visible_processes(env, anna, "nowhere")


def test_the_process_page_holds_the_next_steps_and_is_closed_to_others(env, journey):
    pid = journey.new_process(env).id
    page = staff.process_page(env, Identity(journey.LEAD.email, "Anna", False), pid)

    assert page.case.id == pid and page.events[0].action == "process_created"
    assert {v.transition.trigger for v in page.options} >= {"set_up_begleitgruppe"}
    with pytest.raises(NotPermitted):
        staff.process_page(env, Identity(journey.STRANGER, "M", False), pid)
    with pytest.raises(NotFound):
        staff.process_page(env, COORDINATOR, 999)
