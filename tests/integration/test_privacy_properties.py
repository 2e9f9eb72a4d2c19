"""Property: whatever residents, staff and coordinators do in whatever order, after each
erasure the erased subject's address, texts and Begleitgruppe memberships (the member's name
and contact address) are in no table, everyone else's are still there, and ``audit verify``
passes (issue 13; SQLite and PostgreSQL). The process is created by a lead who may edit it,
hand it over and then be erased (before the hand-over, her erasure is refused and changes
nothing); afterwards her address and name are in no table either.

Each example runs on a process of its own, in the test's database, with addresses of its own
(the database is not emptied between examples, so the checks look at this example's values).
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from beteiligung.states.case import Member, Person
from beteiligung.states.errors import BadInput
from beteiligung.workflow import content, participation, privacy_requests, process

COORDINATOR = "koordination@hannover-stadt.de"
PEOPLE = ("anwohnerin", "nachbar", "kiezrat")  # no name inside another
EXAMPLE = itertools.count(1)

steps = st.lists(st.one_of(
    st.tuples(st.just("submit"), st.sampled_from(PEOPLE)),
    st.tuples(st.just("staff_adds"), st.sampled_from(PEOPLE)),
    st.tuples(st.just("answer"), st.integers(1, 6)),
    st.tuples(st.just("member"), st.sampled_from(PEOPLE)),
    st.tuples(st.just("erase"), st.sampled_from(PEOPLE)),
    st.tuples(st.just("export"), st.sampled_from(PEOPLE)),
    st.tuples(st.just("lead_edits"), st.just("")),
    st.tuples(st.just("hand_over"), st.just("")),
    st.tuples(st.just("erase_lead"), st.just("")),
), min_size=3, max_size=14)


def _tables(engine) -> str:
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")
                                 ).scalars().all()
        else:
            names = conn.execute(text("SELECT table_name FROM information_schema.tables "
                                      "WHERE table_schema = current_schema()")).scalars().all()
        return "\n".join(str(tuple(row)) for name in names
                         for row in conn.execute(text(f'SELECT * FROM "{name}"')))


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps)
def test_after_each_erasure_the_subject_is_gone_and_the_trail_verifies(
        env, engine, clock, journey, plan):
    example = next(EXAMPLE)
    lead = Person(f"Paula Vorgaengerin{example}x", f"paula.vorgaengerin{example}x@example.org")
    pid = journey.new_process(env, actor=lead.email, lead=lead).id
    journey.advance_to(env, pid, "pre_reporting", clock)
    leads, lead_erased = True, False
    address = {p: f"{p}{example}@example.org" for p in PEOPLE}
    live: dict[str, list[str]] = {p: [] for p in PEOPLE}   # texts and member names held now
    texts: dict[str, list[str]] = {p: [] for p in PEOPLE}  # of those, the suggestions' texts
    members: dict[str, list[str]] = {p: [] for p in PEOPLE}  # and the members' names
    gone: list[str] = []                                   # texts erased
    erased_before: set[str] = set()
    numbers = 0
    for count, (action, who) in enumerate(plan):
        if action in ("submit", "staff_adds"):
            words = f"Anregung {count} von {who} in Beispiel {example}"
            if action == "submit":
                participation.submit_suggestion(env, pid, words, address[who], "client",
                                                max_chars=2000)
            else:
                content.add_suggestion(env, COORDINATOR, pid, "concept", words, address[who])
            live[who].append(words)
            texts[who].append(words)
            numbers += 1
        elif action == "answer" and who <= numbers:
            content.answer_suggestion(env, COORDINATOR, pid, who, "accepted")
        elif action == "lead_edits" and leads:
            process.edit_process(env, lead.email, pid, {"subject": f"Schritt {count}"})
        elif action == "hand_over" and leads:
            process.edit_process(env, COORDINATOR, pid, {"lead": journey.LEAD})
            leads = False
        elif action == "erase_lead" and leads:
            before = _tables(engine)
            try:
                privacy_requests.erase(env, COORDINATOR, lead.email, "Ausgeschieden")
            except BadInput as refused:
                assert "übergeben" in refused.text("de")
            else:
                raise AssertionError("a lead of an open process was erased")
            assert _tables(engine) == before
        elif action == "erase_lead" and not lead_erased:
            done = privacy_requests.erase(env, COORDINATOR, lead.email, "Ausgeschieden")
            assert done.staff and done.processes == (pid,)
            lead_erased = True
            stored = _tables(engine)
            assert lead.email not in stored and lead.name not in stored
            assert process.verify_audit(env)[1] == []
        elif action == "member":  # a member with the person's address as contact
            name = f"Mitglied {count} in Beispiel {example}"
            content.add_member(env, COORDINATOR, pid,
                               Member(name, "BI", "external", address[who]))
            live[who].append(name)
            members[who].append(name)
        elif action == "export" and live[who]:
            found = privacy_requests.disclose(env, COORDINATOR, address[who])
            assert sorted(s["text"] for s in found.document["suggestions"]) == sorted(
                texts[who])
            assert sorted(p["name"] for p in found.document["processes"]
                          if p["role"] == "member") == sorted(members[who])
        elif action == "erase" and (live[who] or who in erased_before):
            done = privacy_requests.erase(env, COORDINATOR, address[who], "Antrag")
            assert done.nothing_left == (not live[who])
            gone.extend(live[who])
            live[who], texts[who], members[who] = [], [], []
            erased_before.add(who)
            stored = _tables(engine)
            for value in gone:
                assert value not in stored, value
            for person in PEOPLE:
                assert (address[person] in stored) == bool(live[person]), person
                for value in live[person]:
                    assert value in stored, value
            assert process.verify_audit(env)[1] == []
