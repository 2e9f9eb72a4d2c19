"""The JSON API's routes doing their work: a process driven from creation to the pre-report
and from the interim results to the evaluation through the API alone, each write route
refused with 403 for a lead of another process, and the coordinators' outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from beteiligung.states.codec import to_plain
from beteiligung.storage.sql import SqlUnitOfWork
from beteiligung.workflow import process, sessions
from beteiligung.workflow.ports import OutgoingMessage

OTHER_LEAD = "olga.richter@hannover-stadt.de"


@pytest.fixture
def api(client, app_env):
    """``api(method, path, email, json=None)``: a call with a fresh token of ``email``."""
    def call(method: str, path: str, email: str, json=None, status: int | None = 200):
        secret = sessions.create_api_token(app_env, email, email, "Test")
        answer = client.request(method, "/api/v1" + path, json=json,
                                headers={"Authorization": f"Bearer {secret}"})
        if status is not None:
            assert answer.status_code == status, answer.text
        return answer.json()

    return call


def test_create_advance_concept_publish_and_on_to_the_pre_report(api, app_env, web, clock):
    lead = web.journey.LEAD
    me = {"name": lead.name, "email": lead.email}
    created = api("POST", "/processes", lead.email, status=201, json={
        "title": "Lindener Marktplatz", "department": "FB 61", "districts": ["Linden-Limmer"],
        "lead": me, "deputy": {"name": "Jonas Weber", "email": web.journey.DEPUTY.email}})
    pid = created["id"]
    assert created["phase"] == "initiated"
    assert {"trigger": "set_up_begleitgruppe", "to": "begleitgruppe", "allowed": True,
            "unmet": []} in created["next"]
    step = api("POST", f"/processes/{pid}/advance", lead.email,
               json={"trigger": "set_up_begleitgruppe"})
    assert step == {"id": pid, "phase": "begleitgruppe"}
    api("PUT", f"/processes/{pid}/begleitgruppe", lead.email, json={"requested_by": "politics"})
    grouped = api("POST", f"/processes/{pid}/begleitgruppe/members", lead.email, status=201,
                  json={"name": "Eva Stein", "organisation": "FB 61"})
    assert grouped["begleitgruppe"]["members"] == [
        {"name": "Eva Stein", "organisation": "FB 61", "kind": "internal", "email": ""}]
    api("POST", f"/processes/{pid}/advance", lead.email, json={"trigger": "draft_concept"})
    concept = to_plain(web.journey.complete_concept())
    drafted = api("PUT", f"/processes/{pid}/concept", lead.email, json=concept)
    assert drafted["concept_draft"] == concept
    published = api("POST", f"/processes/{pid}/concept/publish", lead.email, json={})
    assert [v["number"] for v in published["concept_versions"]] == [1]
    refused = api("POST", f"/processes/{pid}/advance", lead.email, status=422,
                  json={"trigger": "start_pre_reporting"})
    assert [u["code"] for u in refused["unmet"]] == ["concept_comment_period_open"]
    clock.advance(days=29)  # the public comment period on the concept has ended
    assert api("POST", f"/processes/{pid}/advance", lead.email,
               json={"trigger": "start_pre_reporting"})["phase"] == "pre_reporting"
    api("POST", f"/processes/{pid}/reports/pre", lead.email, json={"text": "Vorbericht"})
    api("POST", f"/processes/{pid}/advance", lead.email, json={"trigger": "open_dialogue"})
    recorded = api("POST", f"/processes/{pid}/dialogue/activities", lead.email, status=201,
                   json={"format": "Planungswerkstatt", "mode": "on_site", "on": "2026-03-05",
                         "place": "Freizeitheim Linden", "accessibility": "Rampe"})
    assert recorded["activities"][-1]["accessibility"] == "Rampe"
    assert api("POST", f"/processes/{pid}/advance", lead.email, json={
        "trigger": "present_interim_results"})["phase"] == "interim_results"
    trail = api("GET", f"/processes/{pid}/history", lead.email)
    assert {e["actor"] for e in trail} == {lead.email}
    assert trail[-1]["to_phase"] == "interim_results"
    listed = api("GET", "/processes?phase=interim_results", lead.email)
    assert [p["id"] for p in listed] == [pid]
    assert api("GET", "/processes?phase=closed", lead.email) == []


def test_a_concept_that_cannot_be_one_is_refused_like_a_file(api, app_env, clock, web):
    pid = web.journey.new_process(app_env).id
    web.journey.advance_to(app_env, pid, "concept", clock)
    lead = web.journey.LEAD.email
    answer = api("PUT", f"/processes/{pid}/concept", lead, json={"topic": 3}, status=400)
    assert answer["error"] == "concept: topic: must be text in quotes, not int"
    answer = api("PUT", f"/processes/{pid}/concept", lead, status=400,
                 json={"goals": [{"id": "Z1", "due": "bald"}]})
    assert "goals[1].due" in answer["error"]


def test_interim_results_to_the_evaluation_through_the_api(api, app_env, clock, web):
    pid = web.journey.new_process(app_env).id
    web.journey.advance_to(app_env, pid, "interim_results", clock)
    lead = web.journey.LEAD.email
    deadline = (clock() + timedelta(days=14)).isoformat()
    api("POST", f"/processes/{pid}/interim-results", lead, status=201, json={
        "summary": "Mehr Grün", "comment_deadline": deadline, "decision_when": "Herbst",
        "decision_where": "Rathaus", "decision_by": "Stadtbezirksrat"})
    noted = api("POST", f"/processes/{pid}/suggestions", lead, status=201, json={
        "on": "interim_results", "text": "Mehr Bänke bitte"})
    number = noted["suggestions"][-1]["number"]
    answered = api("POST", f"/processes/{pid}/suggestions/{number}/answer", lead,
                   json={"answer": "rejected", "justification": "kein Platz"})
    assert answered["suggestions"][-1]["answer"] == "rejected"
    api("POST", f"/processes/{pid}/suggestions/99/answer", lead, status=404,
        json={"answer": "accepted"})
    clock.advance(days=15)
    api("POST", f"/processes/{pid}/advance", lead, json={"trigger": "go_to_decision"})
    maker = process.get_process(app_env, pid).published_concept.concept.decision_makers[0]
    api("PUT", f"/processes/{pid}/decision", lead, json={
        "decided_by": maker, "decided_on": "2026-04-01", "summary": "Umgestaltung",
        "implementation_responsible": "FB 61.3"})
    assert api("POST", f"/processes/{pid}/decision/publish", lead)["decision"]["published_at"]
    api("POST", f"/processes/{pid}/reports/post", lead, json={"text": "Nachbericht"})
    api("POST", f"/processes/{pid}/advance", lead, json={"trigger": "start_evaluation"})
    goal = process.get_process(app_env, pid).published_concept.concept.goals[0].id
    rated = api("POST", f"/processes/{pid}/evaluation/goals/{goal}", lead,
                json={"rating": "met", "evidence": "Zählung"})
    assert rated["evaluation"]["goals"][goal] == {"rating": "met", "evidence": "Zählung"}
    api("POST", f"/processes/{pid}/evaluation/goals/nope", lead, status=404,
        json={"rating": "met", "evidence": "x"})


def test_a_deadline_of_ones_own(api, app_env, clock, web):
    pid = web.journey.new_process(app_env).id
    lead = web.journey.LEAD.email
    due = (clock() + timedelta(days=10)).isoformat()
    added = api("POST", f"/processes/{pid}/deadlines", lead, status=201,
                json={"title": "Ortstermin", "due_at": due})
    assert (added["title"], added["kind"], added["status"]) == ("Ortstermin", "custom", "open")
    listed = api("GET", f"/processes/{pid}/deadlines", lead)
    assert added in listed
    answer = api("POST", f"/processes/{pid}/deadlines", lead, status=400,
                 json={"title": "x", "due_at": "2026-05-01T10:00:00"})
    assert "time zone" in answer["error"]


WRITES = [
    ("PATCH", "", {"title": "Gekapert"}),
    ("POST", "/advance", {"trigger": "set_up_begleitgruppe"}),
    ("PUT", "/begleitgruppe", {"requested_by": "politics"}),
    ("POST", "/begleitgruppe/members", {"name": "Eva", "organisation": "FB 61"}),
    ("PUT", "/concept", {"topic": "Platz"}),
    ("POST", "/concept/publish", {"note": "neu"}),
    ("POST", "/suggestions", {"on": "concept", "text": "Idee"}),
    ("POST", "/suggestions/1/answer", {"answer": "accepted"}),
    ("POST", "/reports/pre", {"text": "Vorbericht"}),
    ("POST", "/dialogue/activities", {"format": "Werkstatt", "mode": "online",
                                      "on": "2026-03-05", "place": "online"}),
    ("POST", "/interim-results", {"summary": "s", "comment_deadline": "2026-06-01T00:00:00Z",
                                  "decision_when": "w", "decision_where": "w",
                                  "decision_by": "b"}),
    ("PUT", "/decision", {"decided_by": "Rat", "decided_on": "2026-04-01", "summary": "s"}),
    ("POST", "/decision/publish", None),
    ("POST", "/evaluation/goals/Z1", {"rating": "met", "evidence": "e"}),
    ("POST", "/deadlines", {"title": "t", "due_at": "2026-06-01T00:00:00Z"}),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES,
                         ids=[f"{m} {p or '/'}" for m, p, _ in WRITES])
def test_every_write_route_refuses_a_lead_of_another_process(api, app_env, web, method, path,
                                                             body):
    pid = web.journey.new_process(app_env).id
    before = process.get_process(app_env, pid)
    answer = api(method, f"/processes/{pid}{path}", OTHER_LEAD, json=body, status=403)
    assert OTHER_LEAD in answer["error"]
    after = process.get_process(app_env, pid)
    assert (after.version, after.title, after.phase) == (before.version, before.title,
                                                          before.phase)


def test_creating_a_process_for_others_is_refused(api, web):
    lead = {"name": "Anna Lehmann", "email": web.journey.LEAD.email}
    answer = api("POST", "/processes", OTHER_LEAD, status=403,
                 json={"title": "Fremder Platz", "lead": lead})
    assert "may not create" in answer["error"]


@pytest.fixture
def failed_message(engine, clock) -> int:
    with SqlUnitOfWork(engine) as uow:
        uow.outbox.enqueue(OutgoingMessage("k", "reminder", [OTHER_LEAD], [], "Betreff",
                                           "Text", "<p>Text</p>"), clock())
        [entry] = uow.outbox.claim(clock(), 300, 1)
        uow.outbox.mark_failed(entry.id, "550 mailbox unavailable")
        uow.commit()
        return entry.id


def test_coordinators_list_and_retry_failed_mail(api, web, failed_message):
    failed = api("GET", "/outbox?status=failed", web.COORDINATOR)
    assert [(m["id"], m["last_error"], m["to"]) for m in failed] == [
        (failed_message, "550 mailbox unavailable", [OTHER_LEAD])]
    retried = api("POST", f"/outbox/{failed_message}/retry", web.COORDINATOR)
    assert retried == {"id": failed_message, "status": "queued"}
    assert api("GET", "/outbox?status=failed", web.COORDINATOR) == []
    api("POST", f"/outbox/{failed_message}/retry", web.COORDINATOR, status=404)
    assert api("GET", "/outbox?status=lost", web.COORDINATOR, status=400)["error"].startswith(
        "status: 'lost'")


def test_a_lead_may_neither_read_nor_retry_the_outbox(api, web, failed_message):
    lead = web.journey.LEAD.email
    assert "only a coordinator" in api("GET", "/outbox", lead, status=403)["error"]
    api("POST", f"/outbox/{failed_message}/retry", lead, status=403)
    assert api("GET", "/outbox?status=failed", web.COORDINATOR)[0]["status"] == "failed"


def test_a_members_address_through_the_api_is_for_staff_only(api, app_env, client, web, clock):
    lead = web.journey.LEAD.email
    pid = web.journey.new_process(app_env).id
    process.advance(app_env, lead, pid, "set_up_begleitgruppe")
    path = f"/processes/{pid}/begleitgruppe/members"
    refused = api("POST", path, lead, status=400, json={
        "name": "Uta Berg", "organisation": "Quartiersverein", "email": "uta(at)berg"})
    assert refused["error"].startswith("email: 'uta(at)berg' ist keine E-Mail-Adresse")
    added = api("POST", path, lead, status=201, json={
        "name": "Uta Berg", "organisation": "Quartiersverein", "kind": "external",
        "email": "Uta.Berg@Example.org"})
    assert added["begleitgruppe"]["members"] == [
        {"name": "Uta Berg", "organisation": "Quartiersverein", "kind": "external",
         "email": "Uta.Berg@Example.org"}]  # no references: those are storage's business
    assert api("GET", f"/processes/{pid}", lead)["begleitgruppe"]["members"][0][
        "email"] == "Uta.Berg@Example.org"
    web.journey.advance_to(app_env, pid, "pre_reporting", clock)  # published now
    client.headers.pop("Authorization", None)
    for url in ("/api/v1/public/processes", "/api/v1/public/processes?lang=en"):
        answer = client.get(url)
        assert answer.status_code == 200 and str(pid) in answer.text
        assert "uta.berg" not in answer.text.lower() and "Uta Berg" not in answer.text
