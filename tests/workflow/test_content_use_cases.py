"""Every data-entry use case of ``workflow.content``: the happy path, and each refusal, after
which nothing was written (neither the case nor an audit event)."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from beteiligung.states.case import Concept, Decision, Member, Person
from beteiligung.states.codec import from_plain, to_plain
from beteiligung.states.errors import BadInput, NotFound, NotPermitted
from beteiligung.states.guards import GuardContext
from beteiligung.workflow import content, outcome
from beteiligung.workflow.process import advance, edit_process
from beteiligung.workflow.sealing import commitment
from beteiligung.workflow.trail import verify as verify_chains

LEAD = "anna.lehmann@hannover-stadt.de"
COORDINATOR = "koordination@hannover-stadt.de"
STRANGER = "mallory@example.org"
MAKER = "Stadtbezirksrat Linden-Limmer"
BERLIN = ZoneInfo("Europe/Berlin")


def _decision(**changes) -> Decision:
    return replace(Decision(MAKER, date(2026, 10, 1), "Umgestaltung", True, "", "FB 61.3"),
                   **changes)


def _opened(store, sealed: dict) -> str:
    """The value a sealed payload field names, after checking its commitment."""
    assert set(sealed) == {"ref", "c"}, f"a personal value in the audit payload: {sealed!r}"
    value = store.personal[sealed["ref"]].value
    assert commitment(store.salts[sealed["ref"]], value) == sealed["c"]
    return value


def _last(store, pid):
    return store.events[pid][-1]


def _chain_ok(store) -> None:
    assert verify_chains(store.chain_heads(), store.all_events())[1] == []


# (phase to start in, the call, error, message): each must leave the store untouched
REFUSALS = [
    # Begleitgruppe
    ("begleitgruppe", lambda e, p, c: content.set_begleitgruppe_requester(e, LEAD, p, "mayor"),
     BadInput, "requested-by: 'mayor' is not one of department, residents"),
    ("begleitgruppe", lambda e, p, c: content.add_member(e, LEAD, p, Member(" ", "FB")),
     BadInput, "name: must not be empty"),
    ("begleitgruppe", lambda e, p, c: content.add_member(e, LEAD, p, Member("Eva", "")),
     BadInput, "organisation: must not be empty"),
    ("begleitgruppe", lambda e, p, c: content.add_member(e, LEAD, p, Member("Eva", "FB", "vip")),
     BadInput, "kind: 'vip' is not one of internal, external"),
    ("begleitgruppe",
     lambda e, p, c: content.add_member(e, LEAD, p, Member("Eva", "FB", "external", "eva@")),
     BadInput, "email: 'eva@' is not an e-mail address"),
    ("concept", lambda e, p, c: content.add_member(e, LEAD, p, Member("Eva Stein 1", "FB 61")),
     BadInput, "name: 'Eva Stein 1' is already a member"),
    ("begleitgruppe", lambda e, p, c: content.remove_member(e, LEAD, p, "Niemand"),
     NotFound, "no member named 'Niemand'"),
    ("initiated", lambda e, p, c: content.add_project_department(e, LEAD, p, "  "),
     BadInput, "department: must not be empty"),
    # the concept
    ("begleitgruppe", lambda e, p, c: content.load_concept(e, LEAD, p, Concept(topic="T")),
     BadInput, "the concept is possible only in phase concept or pre_reporting or dialogue or "
     "interim_results or decision or evaluation; process 1 is in phase 'begleitgruppe'"),
    ("begleitgruppe", lambda e, p, c: content.publish_concept(e, LEAD, p, "erste"),
     BadInput, "publishing the concept is possible only in phase concept or"),
    ("concept", lambda e, p, c: content.publish_concept(e, LEAD, p, "erste"),
     BadInput, "has no concept yet"),
    ("concept+", lambda e, p, c: content.publish_concept(e, LEAD, p, "nochmal"),
     BadInput, "nothing to publish: version 1 is the current concept"),
    # suggestions
    ("concept+", lambda e, p, c: content.add_suggestion(e, LEAD, p, "mood", "Idee"),
     BadInput, "on: 'mood' is not one of concept, interim_results"),
    ("concept+", lambda e, p, c: content.add_suggestion(e, LEAD, p, "concept", "   "),
     BadInput, "text: must not be empty"),
    ("concept", lambda e, p, c: content.add_suggestion(e, LEAD, p, "concept", "Idee"),
     BadInput, "the concept is not published yet"),
    ("decision", lambda e, p, c: content.add_suggestion(e, LEAD, p, "concept", "Idee"),
     BadInput, "a suggestion on the concept is possible only in phase concept or "
     "pre_reporting or dialogue or interim_results"),
    ("dialogue", lambda e, p, c: content.add_suggestion(e, LEAD, p, "interim_results", "Idee"),
     BadInput, "no interim results are open for comments in this phase"),
    ("interim_results",
     lambda e, p, c: content.add_suggestion(e, LEAD, p, "interim_results", "Idee"),
     BadInput, "no interim results are open for comments"),
    ("interim_results+",
     lambda e, p, c: content.add_suggestion(e, LEAD, p, "interim_results", "Zu spät"),
     BadInput, "the comment period on the interim results has ended"),
    ("concept+", lambda e, p, c: content.answer_suggestion(e, LEAD, p, 1, "maybe"),
     BadInput, "answer: 'maybe' is not one of accepted, partly_accepted, rejected"),
    ("concept+", lambda e, p, c: content.answer_suggestion(e, LEAD, p, 1, "rejected", " "),
     BadInput, "justification: a rejected suggestion needs a published justification"),
    ("concept+", lambda e, p, c: content.answer_suggestion(e, LEAD, p, 99, "accepted"),
     NotFound, "has no suggestion number 99"),
    # reports
    ("pre_reporting", lambda e, p, c: outcome.publish_report(e, LEAD, p, "mid", "Text"),
     BadInput, "report kind: 'mid' is not 'pre' or 'post'"),
    ("pre_reporting", lambda e, p, c: outcome.publish_report(e, LEAD, p, "pre", ""),
     BadInput, "text: must not be empty"),
    ("concept", lambda e, p, c: outcome.publish_report(e, LEAD, p, "pre", "Vorbericht"),
     BadInput, "the pre-report is possible only in phase pre_reporting"),
    ("pre_reporting", lambda e, p, c: outcome.publish_report(e, LEAD, p, "post", "Nachbericht"),
     BadInput, "the post-report is possible only in phase decision"),
    # dialogue activities
    ("dialogue", lambda e, p, c: outcome.add_activity(e, LEAD, p, "", "online", c.now.date(),
                                                      "Web"),
     BadInput, "format: must not be empty"),
    ("dialogue", lambda e, p, c: outcome.add_activity(e, LEAD, p, "Forum", "online",
                                                      c.now.date(), " "),
     BadInput, "place: must not be empty"),
    ("dialogue", lambda e, p, c: outcome.add_activity(e, LEAD, p, "Forum", "carrier_pigeon",
                                                      c.now.date(), "Dach"),
     BadInput, "mode: 'carrier_pigeon' is not one of online, on_site"),
    ("pre_reporting", lambda e, p, c: outcome.add_activity(e, LEAD, p, "Forum", "online",
                                                           c.now.date(), "Web"),
     BadInput, "a dialogue activity is possible only in phase dialogue"),
    # interim results
    ("interim_results", lambda e, p, c: outcome.publish_interim_results(
        e, LEAD, p, " ", c.now + timedelta(days=9), "Herbst", "Rathaus", "Rat"),
     BadInput, "summary: must not be empty"),
    ("interim_results", lambda e, p, c: outcome.publish_interim_results(
        e, LEAD, p, "Ergebnis", c.now + timedelta(days=9), "", "Rathaus", "Rat"),
     BadInput, "decision-when: must not be empty"),
    ("interim_results", lambda e, p, c: outcome.publish_interim_results(
        e, LEAD, p, "Ergebnis", c.now + timedelta(days=9), "Herbst", "Rathaus", " "),
     BadInput, "decision-by: must not be empty"),
    ("interim_results", lambda e, p, c: outcome.publish_interim_results(
        e, LEAD, p, "Ergebnis", c.now, "Herbst", "Rathaus", "Rat"),
     BadInput, "comment-deadline: must lie in the future"),
    ("dialogue", lambda e, p, c: outcome.publish_interim_results(
        e, LEAD, p, "Ergebnis", c.now + timedelta(days=9), "Herbst", "Rathaus", "Rat"),
     BadInput, "publishing interim results is possible only in phase interim_results"),
    # the decision
    ("decision", lambda e, p, c: outcome.record_decision(e, LEAD, p, _decision(decided_by="")),
     BadInput, "decided-by: must not be empty"),
    ("decision", lambda e, p, c: outcome.record_decision(e, LEAD, p, _decision(summary=" ")),
     BadInput, "summary: must not be empty"),
    ("decision", lambda e, p, c: outcome.record_decision(
        e, LEAD, p, _decision(follows_results=False, justification="  ")),
     BadInput, "justification: a decision that departs from the results needs one"),
    ("interim_results", lambda e, p, c: outcome.record_decision(e, LEAD, p, _decision()),
     BadInput, "recording the decision is possible only in phase decision"),
    ("decision", lambda e, p, c: outcome.publish_decision(e, LEAD, p),
     BadInput, "has no decision recorded yet"),
    # the evaluation
    ("evaluation", lambda e, p, c: outcome.rate_goal(e, LEAD, p, "Z1", "great", "Zahlen"),
     BadInput, "rating: 'great' is not one of met, partly, not_met"),
    ("evaluation", lambda e, p, c: outcome.rate_goal(e, LEAD, p, "Z1", "met", " "),
     BadInput, "evidence: must not be empty"),
    ("evaluation", lambda e, p, c: outcome.rate_goal(e, LEAD, p, "Z9", "met", "Zahlen"),
     NotFound, "goal 'Z9' is not in the published concept \\(goals: Z1, Z2\\)"),
    ("decision", lambda e, p, c: outcome.rate_goal(e, LEAD, p, "Z1", "met", "Zahlen"),
     BadInput, "the evaluation is possible only in phase evaluation"),
    ("evaluation", lambda e, p, c: outcome.record_lessons(e, LEAD, p, ""),
     BadInput, "text: must not be empty"),
    ("decision", lambda e, p, c: outcome.record_lessons(e, LEAD, p, "Früher einladen"),
     BadInput, "the evaluation is possible only in phase evaluation"),
]


def _prepare(env, journey, clock, phase: str) -> int:
    """A process in ``phase``; with ``+``, everything the next step needs is entered (for
    ``concept+`` an unanswered suggestion no. 1 follows; for ``interim_results+`` the comment
    deadline has passed)."""
    pid = journey.new_process(env).id
    journey.advance_to(env, pid, phase.rstrip("+"), clock)
    if phase.endswith("+"):
        journey.fill_phase(env, pid, clock)
    if phase == "concept+":
        content.add_suggestion(env, LEAD, pid, "concept", "Mehr Bäume")
    return pid


@pytest.mark.parametrize(("phase", "call", "error", "message"), REFUSALS)
def test_refused_input_writes_nothing(env, store, journey, clock, phase, call, error,
                                      message):
    pid = _prepare(env, journey, clock, phase)
    before, events = copy.deepcopy(store.cases[pid]), list(store.events[pid])
    with pytest.raises(error, match=message):
        call(env, pid, clock)
    assert store.cases[pid] == before
    assert store.events[pid] == events


@pytest.mark.parametrize("call", [
    lambda e, p: content.set_begleitgruppe_requester(e, STRANGER, p, "residents"),
    lambda e, p: content.add_member(e, STRANGER, p, Member("Eve", "Org")),
    lambda e, p: content.remove_member(e, STRANGER, p, "Eva Stein 1"),
    lambda e, p: content.add_project_department(e, STRANGER, p, "FB 66"),
    lambda e, p: content.publish_concept(e, STRANGER, p, "note"),
    lambda e, p: content.add_suggestion(e, STRANGER, p, "concept", "Idee"),
], ids=["requester", "add-member", "remove-member", "department", "publish", "suggestion"])
def test_stranger_is_refused_and_audited(env, store, journey, clock, call):
    pid = _prepare(env, journey, clock, "concept+")
    before = copy.deepcopy(store.cases[pid])
    with pytest.raises(NotPermitted):
        call(env, pid)
    assert store.cases[pid] == before
    shown = store.shown(pid)[-1]
    assert (shown.action, shown.actor) == ("permission_refused", STRANGER)
    _chain_ok(store)


# --- happy paths


def test_begleitgruppe_requester_and_members(env, store, at_phase):
    pid = at_phase("begleitgruppe")
    content.set_begleitgruppe_requester(env, LEAD, pid, "residents")
    assert _last(store, pid).payload == {"requested_by": {"from": None, "to": "residents"}}
    content.add_member(env, LEAD, pid, Member("Eva Stein", "FB 61"))
    content.add_member(env, COORDINATOR, pid, Member("Kai Rot", "BI Linden", "external"))
    assert _last(store, pid).action == "begleitgruppe_member_added"
    added = _last(store, pid).payload["member"]
    assert (added["organisation"], added["kind"]) == ("BI Linden", "external")
    assert _opened(store, added["name"]) == "Kai Rot"
    content.remove_member(env, LEAD, pid, "Kai Rot")
    group = store.cases[pid].begleitgruppe
    assert group.requested_by == "residents"
    assert [(m.name, m.organisation, m.kind) for m in group.members] == [
        ("Eva Stein", "FB 61", "internal")]
    assert _opened(store, _last(store, pid).payload["member"]) == "Kai Rot"
    _chain_ok(store)


def test_a_members_address_is_personal_and_the_subject_of_its_name(env, store, at_phase):
    pid = at_phase("begleitgruppe")
    content.add_member(env, LEAD, pid, Member("Kai Rot", "BI Linden", "external",
                                              " Kai.Rot@Example.org "))
    added = _last(store, pid).payload["member"]
    assert (_opened(store, added["name"]), _opened(store, added["email"])) == (
        "Kai Rot", "Kai.Rot@Example.org")
    [member] = store.cases[pid].begleitgruppe.members
    assert member.email == "Kai.Rot@Example.org"
    assert member.refs == {"name": added["name"]["ref"], "email": added["email"]["ref"]}
    subjects = {store.personal[ref].subject for ref in member.refs.values()}
    assert subjects == {"kai.rot@example.org"}
    content.add_member(env, LEAD, pid, Member("Eva Stein", "FB 61", email="  "))
    plain = _last(store, pid).payload["member"]
    assert "email" not in plain and store.cases[pid].begleitgruppe.members[1].email == ""
    assert store.personal[plain["name"]["ref"]].subject == "name:eva stein"
    content.remove_member(env, LEAD, pid, "Kai Rot")  # the removal's name: the same subject
    assert store.personal[_last(store, pid).payload["member"]["ref"]].subject == (
        "kai.rot@example.org")
    _chain_ok(store)


def test_a_member_stored_before_the_address_existed_loads_without_one():
    old = {"name": "Kai Rot", "organisation": "BI", "kind": "external",
           "refs": {"name": "p1"}, "erased": []}
    assert from_plain(Member, old) == Member("Kai Rot", "BI", "external", "", {"name": "p1"})
    assert to_plain(from_plain(Member, old)) == old | {"email": ""}


def test_project_group_departments(env, store, pid):
    content.add_project_department(env, LEAD, pid, " FB 66 Tiefbau ")
    assert store.cases[pid].project_group == ["FB 66 Tiefbau"]
    with pytest.raises(BadInput, match="already in the project group"):
        content.add_project_department(env, LEAD, pid, "FB 66 Tiefbau")
    assert store.cases[pid].project_group == ["FB 66 Tiefbau"]


def test_load_concept_replaces_the_draft(env, store, at_phase, journey):
    pid = at_phase("concept")
    concept = journey.complete_concept()
    content.load_concept(env, LEAD, pid, concept)
    assert store.cases[pid].concept_draft == concept
    assert store.cases[pid].concept_versions == []
    event = _last(store, pid)
    assert event.action == "concept_loaded" and event.payload["concept"]["topic"] == concept.topic
    assert "published_version" not in event.payload


def test_load_concept_and_publish_at_once(env, store, at_phase, journey, clock):
    pid = at_phase("concept")
    content.load_concept(env, LEAD, pid, journey.complete_concept(), "")
    (version,) = store.cases[pid].concept_versions
    assert (version.number, version.published_at, version.change_note) == (
        1, clock.now, "Erstveröffentlichung")
    assert version.lead == journey.LEAD and version.deputy == journey.DEPUTY
    assert _last(store, pid).payload["published_version"] == 1


def test_concept_versions_carry_change_notes(env, store, at_phase, journey, clock):
    pid = at_phase("concept")
    first = journey.complete_concept()
    content.load_concept(env, LEAD, pid, first)
    content.publish_concept(env, LEAD, pid, "Erste Fassung")
    published = _last(store, pid).payload
    assert published["version"] == 1
    # publishing opens the comment period on the concept (issue 3)
    assert [d["kind"] for d in published["deadlines"]["opened"]] == ["concept_comments"]
    second = replace(first, procedure="Auftakt, Werkstatt, Online-Dialog")
    content.load_concept(env, LEAD, pid, second)
    with pytest.raises(BadInput, match="note \\(what changed since the last version\\): must"):
        content.publish_concept(env, LEAD, pid, "  ")
    clock.advance(days=2)
    content.publish_concept(env, LEAD, pid, "Werkstatt ergänzt")
    versions = store.cases[pid].concept_versions
    assert [(v.number, v.change_note) for v in versions] == [(1, "Erste Fassung"),
                                                             (2, "Werkstatt ergänzt")]
    assert versions[0].concept == first and versions[1].concept == second
    assert versions[1].published_at == clock.now
    # a new deputy is published at once as a new version: the concept names the contacts (R1)
    edit_process(env, LEAD, pid, {"deputy": Person("Lea Sommer", "lea.sommer@hannover-stadt.de")})
    latest = store.cases[pid].concept_versions[-1]
    assert (latest.number, latest.deputy.name) == (3, "Lea Sommer")
    assert latest.concept == second and "Vertretung" in latest.change_note
    assert _last(store, pid).payload["concept_republished_as_version"] == 3
    _chain_ok(store)


def test_published_version_does_not_change_with_a_later_draft(env, store, at_phase, journey):
    pid = at_phase("concept")
    concept = journey.complete_concept()
    content.load_concept(env, LEAD, pid, concept, "")
    concept.goals.append(replace(concept.goals[0], id="Z3"))
    concept.decision_makers.append("Rat der Stadt")
    version = store.cases[pid].concept_versions[0]
    assert [g.id for g in version.concept.goals] == ["Z1", "Z2"]
    assert version.concept.decision_makers == ["Stadtbezirksrat Linden-Limmer"]


def test_suggestions_on_the_concept_are_numbered_and_answered(env, store, at_phase, clock,
                                                              journey):
    pid = at_phase("concept")
    journey.fill_phase(env, pid, clock)
    content.add_suggestion(env, COORDINATOR, pid, "concept", " Mehr Bäume ", " B. Bürger ")
    content.add_suggestion(env, LEAD, pid, "concept", "Weniger Parkplätze")
    received = _last(store, pid).payload
    assert {k: received[k] for k in ("number", "on")} == {"number": 2, "on": "concept"}
    assert _opened(store, received["text"]) == "Weniger Parkplätze"
    assert "author" not in received
    first = store.events[pid][-2].payload
    assert (_opened(store, first["text"]), _opened(store, first["author"])) == (
        "Mehr Bäume", "B. Bürger")
    # each suggestion opens its answer deadline (issue 3)
    assert received["deadlines"]["opened"][0]["kind"] == "suggestion_answer"
    assert received["deadlines"]["opened"][0]["ref"] == "2"
    clock.advance(days=1)
    content.answer_suggestion(env, LEAD, pid, 1, "accepted")
    content.answer_suggestion(env, LEAD, pid, 2, "rejected", " Parkplätze bleiben ")
    first, second = store.cases[pid].suggestions
    assert (first.number, first.text, first.author, first.answer) == (1, "Mehr Bäume",
                                                                      "B. Bürger", "accepted")
    assert (second.answer, second.justification, second.answered_at) == (
        "rejected", "Parkplätze bleiben", clock.now)
    answered = _last(store, pid).payload
    assert {k: answered[k] for k in ("number", "answer", "justification")} == {
        "number": 2, "answer": {"from": None, "to": "rejected"},
        "justification": "Parkplätze bleiben"}
    # answering closes the answer deadline as met (issue 3)
    assert answered["deadlines"]["closed"] == [
        {"id": answered["deadlines"]["closed"][0]["id"], "kind": "suggestion_answer",
         "ref": "2", "status": "met"}]


def test_suggestion_on_interim_results_within_the_comment_period(env, store, at_phase, clock,
                                                                 journey):
    pid = at_phase("interim_results")
    outcome.publish_interim_results(env, LEAD, pid, "Ergebnisse",
                                    clock.now + timedelta(days=14), "Herbst", "Rathaus", MAKER)
    content.add_suggestion(env, LEAD, pid, "interim_results", "Mehr Schatten", "C. Kind")
    assert store.cases[pid].suggestions[-1].target == "interim_results"
    clock.advance(days=15)
    with pytest.raises(BadInput, match="the comment period on the interim results has ended"):
        content.add_suggestion(env, LEAD, pid, "interim_results", "Zu spät")
    assert len(store.cases[pid].suggestions) == 1


def test_reports(env, store, at_phase, journey, clock):
    pid = at_phase("pre_reporting")
    outcome.publish_report(env, LEAD, pid, "pre", " Vorbericht ")
    report = store.cases[pid].pre_report
    assert (report.text, report.published_at) == ("Vorbericht", clock.now)
    assert _last(store, pid).action == "pre_report_published"
    journey.advance_to(env, pid, "decision", clock)
    outcome.publish_report(env, LEAD, pid, "post", "Nachbericht")
    assert store.cases[pid].post_report.text == "Nachbericht"
    assert _last(store, pid).action == "post_report_published"


def test_dialogue_activities_belong_to_the_current_round(env, store, at_phase, journey, clock):
    pid = at_phase("dialogue")
    outcome.add_activity(env, LEAD, pid, " Online-Dialog ", "online", date(2026, 5, 1), " Web ")
    activity = store.cases[pid].activities[-1]
    assert (activity.round, activity.format, activity.mode, activity.place) == (
        1, "Online-Dialog", "online", "Web")
    journey.progress(env, pid, clock)
    journey.fill_phase(env, pid, clock)
    advance(env, LEAD, pid, "start_another_round")
    outcome.add_activity(env, LEAD, pid, "Werkstatt", "on_site", date(2026, 7, 1), "Rathaus")
    assert [a.round for a in store.cases[pid].activities] == [1, 2]


def test_interim_results(env, store, at_phase, clock):
    pid = at_phase("interim_results")
    deadline = clock.now + timedelta(days=14)
    outcome.publish_interim_results(env, LEAD, pid, " Ergebnisse ", deadline, "Herbst",
                                    "Rathaus", MAKER)
    results = store.cases[pid].current_interim_results()
    assert (results.round, results.summary, results.published_at, results.comment_deadline) == (
        1, "Ergebnisse", clock.now, deadline)
    assert (results.decision_when, results.decision_where, results.decision_by) == (
        "Herbst", "Rathaus", MAKER)
    with pytest.raises(BadInput, match="the interim results of round 1 are already published"):
        outcome.publish_interim_results(env, LEAD, pid, "Noch mal", deadline, "Herbst",
                                        "Rathaus", MAKER)
    assert len(store.cases[pid].interim_results) == 1


def test_decision_is_recorded_then_published(env, store, at_phase, clock):
    pid = at_phase("decision")
    outcome.record_decision(env, LEAD, pid, _decision(
        decided_on=clock.now.date(), follows_results=False, justification="Kosten",
        published_at=clock.now))
    assert store.cases[pid].decision.published_at is None  # publishing is a separate step
    assert store.cases[pid].decision.justification == "Kosten"
    clock.advance(hours=2)
    outcome.publish_decision(env, LEAD, pid)
    assert store.cases[pid].decision.published_at == clock.now
    assert _last(store, pid).payload == {"published": True}


def _untouched(store, pid, call, lang: str = "de") -> str:
    """``call`` is refused with ``BadInput`` and writes nothing; its message in ``lang``."""
    before, events = copy.deepcopy(store.cases[pid]), list(store.events[pid])
    with pytest.raises(BadInput) as refused:
        call()
    assert store.cases[pid] == before and store.events[pid] == events
    return refused.value.text(lang)


def test_a_wrong_decision_is_refused_when_recorded(env, store, at_phase, clock):
    pid = at_phase("decision")
    today = clock.now.astimezone(BERLIN).date()
    published = store.cases[pid].interim_results[-1].published_at.astimezone(BERLIN).date()
    said = _untouched(store, pid, lambda: outcome.record_decision(
        env, LEAD, pid, _decision(decided_by="Rat der Stadt", decided_on=today)))
    assert "„Rat der Stadt“ ist im Konzept nicht als Entscheidungsträger*in genannt" in said
    assert "(genannt: Stadtbezirksrat Linden-Limmer)" in said
    said = _untouched(store, pid, lambda: outcome.record_decision(
        env, LEAD, pid, _decision(decided_on=today + timedelta(days=1))))
    assert said.startswith("Die Entscheidung ist auf den ") and "Zukunft" in said
    said = _untouched(store, pid, lambda: outcome.record_decision(
        env, LEAD, pid, _decision(decided_on=published - timedelta(days=1))))
    assert "vor die Veröffentlichung der Zwischenergebnisse" in said
    both = _untouched(store, pid, lambda: outcome.record_decision(
        env, LEAD, pid, _decision(decided_by="Rat", decided_on=today + timedelta(days=9))))
    assert "„Rat“" in both and "Zukunft" in both and "\n" not in both
    english = _untouched(store, pid, lambda: outcome.record_decision(
        env, LEAD, pid, _decision(decided_on=today + timedelta(days=1))), "en")
    assert "future" in english and "Zukunft" not in english
    outcome.record_decision(env, LEAD, pid, _decision(decided_on=published))  # that day: fine


def test_publishing_refuses_what_the_next_step_would_refuse(env, store, at_phase, clock):
    pid = at_phase("decision")
    outcome.record_decision(env, LEAD, pid, _decision(decided_on=clock.now.date()))
    # a decision stored before recording was checked (or changed behind the use cases)
    store.cases[pid].decision.decided_by = "Rat der Stadt"
    said = _untouched(store, pid, lambda: outcome.publish_decision(env, LEAD, pid))
    assert "„Rat der Stadt“ ist im Konzept nicht" in said
    store.cases[pid].decision.decided_by = MAKER
    store.cases[pid].decision.decided_on = clock.now.date() + timedelta(days=30)
    assert "Zukunft" in _untouched(store, pid, lambda: outcome.publish_decision(env, LEAD, pid))


def test_recording_the_decision_again_moves_the_evaluation_deadline(env, store, at_phase,
                                                                     clock):
    pid = at_phase("decision")
    first_day = clock.now.date() - timedelta(days=1)
    outcome.record_decision(env, LEAD, pid, _decision(decided_on=first_day))
    [evaluation] = [d for d in store.deadlines.values() if d.kind == "evaluation"]
    assert evaluation.due_at.date() == first_day + timedelta(days=365)
    clock.advance(days=3)
    outcome.record_decision(env, LEAD, pid, _decision(decided_on=clock.now.date()))
    [moved] = [d for d in store.deadlines.values() if d.kind == "evaluation"]
    assert (moved.id, moved.status, moved.last_step) == (evaluation.id, "open", -1)
    assert moved.due_at.date() == clock.now.date() + timedelta(days=365)
    assert moved.next_remind_at is not None and moved.next_remind_at > clock.now
    assert _last(store, pid).payload["deadlines"]["moved"] == [{
        "id": evaluation.id, "kind": "evaluation", "ref": "evaluation",
        "from": to_plain(evaluation.due_at), "to": to_plain(moved.due_at)}]
    _chain_ok(store)


def test_a_published_decision_stays_published_when_recorded_again(env, store, at_phase,
                                                                   clock):
    pid = at_phase("decision")
    outcome.record_decision(env, LEAD, pid, _decision(decided_on=clock.now.date()))
    clock.advance(hours=1)
    outcome.publish_decision(env, LEAD, pid)
    first = clock.now
    clock.advance(days=1)
    case = outcome.record_decision(env, LEAD, pid, _decision(
        decided_on=clock.now.date(), summary="Umgestaltung, berichtigt"))
    assert (case.decision.summary, case.decision.published_at) == ("Umgestaltung, berichtigt",
                                                                   clock.now)
    assert store.cases[pid].decision.published_at == clock.now
    assert _last(store, pid).payload["corrects_decision_published_at"] == to_plain(first)


def test_evaluation(env, store, at_phase):
    pid = at_phase("evaluation")
    outcome.rate_goal(env, LEAD, pid, "Z1", "partly", " 250 Beiträge ")
    outcome.record_lessons(env, LEAD, pid, "Früher einladen")
    evaluation = store.cases[pid].evaluation
    assert evaluation.goals["Z1"].rating == "partly"
    assert evaluation.goals["Z1"].evidence == "250 Beiträge"
    assert evaluation.lessons_learned == "Früher einladen"
    assert _last(store, pid).payload == {"lessons_learned": "Früher einladen"}
    _chain_ok(store)


# --- on hold, closed, cancelled


def test_data_entry_on_hold_follows_the_paused_phase(env, store, at_phase):
    pid = at_phase("dialogue")
    advance(env, LEAD, pid, "hold", reason="Sommerpause")
    outcome.add_activity(env, LEAD, pid, "Forum", "online", date(2026, 5, 1), "Web")
    assert store.cases[pid].activities[-1].round == 1
    with pytest.raises(BadInput, match="the pre-report is possible only in phase pre_reporting; "
                                       "process 1 is in phase 'on_hold'"):
        outcome.publish_report(env, LEAD, pid, "pre", "Vorbericht")
    assert store.cases[pid].phase == "on_hold"


@pytest.mark.parametrize("end", ["closed", "cancelled"])
def test_closed_or_cancelled_process_can_no_longer_be_changed(env, store, at_phase, end):
    pid = at_phase("evaluation")
    if end == "closed":
        outcome.rate_goal(env, LEAD, pid, "Z1", "met", "Zahlen")
        outcome.rate_goal(env, LEAD, pid, "Z2", "met", "Zahlen")
        advance(env, LEAD, pid, "close")
    else:
        advance(env, LEAD, pid, "cancel", reason="Vorhaben entfällt")
    before, events = copy.deepcopy(store.cases[pid]), list(store.events[pid])
    for call in (lambda: content.add_project_department(env, LEAD, pid, "FB 66"),
                 lambda: outcome.record_lessons(env, LEAD, pid, "Später"),
                 lambda: edit_process(env, COORDINATOR, pid, {"title": "Neu"})):
        with pytest.raises(BadInput, match=f"process 1 is {end}: it can no longer be changed"):
            call()
    assert store.cases[pid] == before and store.events[pid] == events
    with pytest.raises(NotPermitted):
        edit_process(env, STRANGER, pid, {"title": "Neu"})
    assert _last(store, pid).action == "permission_refused"


def test_new_lead_after_publishing_is_published_with_the_concept(env, store, at_phase,
                                                                 journey, clock):
    """R1: lead and deputy are published with the concept, so a new lead is published at once
    as a new concept version; the published version never names a former lead."""
    pid = at_phase("concept")
    journey.fill_phase(env, pid, clock)
    before = len(store.cases[pid].concept_versions)
    clara = Person("Clara Berg", "clara.berg@hannover-stadt.de")
    edit_process(env, LEAD, pid, {"lead": clara})
    case = store.cases[pid]
    assert len(case.concept_versions) == before + 1
    assert case.published_concept.lead == clara
    verdict = env.lifecycle.check(case, "start_pre_reporting", GuardContext(clock.now))
    assert verdict.allowed, verdict.unmet
    stale_case = copy.deepcopy(case)
    stale_case.concept_versions[-1].lead = Person("Former", "former@hannover-stadt.de")
    stale = env.lifecycle.check(stale_case, "start_pre_reporting", GuardContext(clock.now))
    assert [u.code for u in stale.unmet] == ["concept_contacts_missing"]
    assert advance(env, COORDINATOR, pid, "start_pre_reporting").phase == "pre_reporting"




@pytest.mark.parametrize("part", ["goals", "decision_makers"])
def test_goals_and_decision_makers_are_fixed_once_the_dialogue_opened(env, store, at_phase,
                                                                      part):
    """R4/R10: what the participation is measured by and who decides cannot be rewritten
    after residents took part; other sections may still change, as a new version."""
    pid = at_phase("dialogue")
    published = store.cases[pid].published_concept
    changed = copy.deepcopy(published.concept)
    if part == "goals":
        changed.goals[0] = replace(changed.goals[0], target="irgendein Wert")
    else:
        changed.decision_makers = ["Rat der Stadt"]
    events = len(store.events[pid])
    with pytest.raises(BadInput, match=f"{part}: fixed since the dialogue opened"):
        content.load_concept(env, LEAD, pid, changed, "Anpassung")
    assert len(store.events[pid]) == events
    allowed = copy.deepcopy(published.concept)
    allowed.procedure = "Zusätzliche Werkstatt im Juni"
    content.load_concept(env, LEAD, pid, allowed, "Werkstatt ergänzt")
    assert store.cases[pid].published_concept.concept.procedure == allowed.procedure
