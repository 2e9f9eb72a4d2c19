from beteiligung.states.case import Person
from beteiligung.workflow.process import ProcessInput, advance, create_process, history


def test_create_and_advance_on_real_database(env):
    lead, deputy = Person("Anna Lehmann", "anna@h.de"), Person("Ben Kurz", "ben@h.de")
    case = create_process(env, "anna@h.de", ProcessInput("Platz", department="FB 61",
                                                         lead=lead, deputy=deputy))
    moved = advance(env, "ben@h.de", case.id, "set_up_begleitgruppe")
    assert moved.phase == "begleitgruppe"
    assert [e.action for e in history(env, case.id)] == ["process_created", "transition"]
