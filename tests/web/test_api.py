"""The JSON API's doors and error answers: who gets in (a live personal token of an active
account, never a session cookie), and how each kind of error comes back (400 with one line,
403, 404, 409, 422 with every unmet condition)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from beteiligung.config.settings import WebSettings
from beteiligung.states.guards import GuardContext
from beteiligung.storage.sql import SqlUnitOfWork
from beteiligung.web.app import create_app
from beteiligung.workflow import accounts, process, sessions

OTHER_LEAD = "olga.richter@hannover-stadt.de"


@pytest.fixture
def token(app_env):
    """A new API token of ``email`` (created by themselves)."""
    return lambda email, days=365: sessions.create_api_token(app_env, email, email, "Test",
                                                             days)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def assert_401(answer) -> None:
    assert answer.status_code == 401, answer.text
    assert answer.headers["www-authenticate"] == "Bearer"
    assert "Bearer" in answer.json()["error"]


def test_a_live_token_opens_the_api_and_acts_as_its_owner(client, app_env, web, token):
    pid = web.journey.new_process(app_env).id
    answer = client.get("/api/v1/processes", headers=bearer(token(web.journey.LEAD.email)))
    assert answer.status_code == 200
    assert [p["id"] for p in answer.json()] == [pid]
    assert answer.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer btg_wrong", "Basic abc",
                                    "Bearer " + "x" * 300])
def test_no_or_a_wrong_token_is_a_401(client, header):
    headers = {"Authorization": header} if header else {}
    assert_401(client.get("/api/v1/processes", headers=headers))
    assert_401(client.post("/api/v1/processes", json={"title": "x"}, headers=headers))


def test_an_expired_token_is_a_401(client, clock, web, token):
    secret = token(web.journey.LEAD.email, days=1)
    assert client.get("/api/v1/processes", headers=bearer(secret)).status_code == 200
    clock.advance(days=1, seconds=1)
    assert_401(client.get("/api/v1/processes", headers=bearer(secret)))


def test_a_revoked_token_is_a_401(client, app_env, web, token):
    secret = token(web.journey.LEAD.email)
    sessions.revoke_api_tokens(app_env, web.journey.LEAD.email, web.journey.LEAD.email)
    assert_401(client.get("/api/v1/processes", headers=bearer(secret)))


def test_the_token_of_a_disabled_account_is_a_401(client, app_env, web, token):
    web.add_user(OTHER_LEAD)
    secret = token(OTHER_LEAD)
    assert client.get("/api/v1/processes", headers=bearer(secret)).status_code == 200
    accounts.disable_user(app_env, web.COORDINATOR, OTHER_LEAD)
    assert_401(client.get("/api/v1/processes", headers=bearer(secret)))


def test_a_session_secret_is_no_api_token(client, app_env, web):
    web.add_user(OTHER_LEAD)
    secret, _ = sessions.sign_in(app_env, OTHER_LEAD, web.PASSWORD, 8)
    assert_401(client.get("/api/v1/processes", headers=bearer(secret)))


def test_a_signed_in_browser_session_does_not_authorise_api_calls(client, app_env, web):
    web.add_user(web.journey.LEAD.email)
    pid = web.journey.new_process(app_env).id
    web.sign_in(client, web.journey.LEAD.email)
    assert client.get("/intern", follow_redirects=False).status_code != 303  # signed in
    assert_401(client.post(f"/api/v1/processes/{pid}/advance",
                           json={"trigger": "set_up_begleitgruppe"},
                           headers={"X-CSRF": web.csrf_of(client)}))
    assert_401(client.get(f"/api/v1/processes/{pid}"))
    assert process.get_process(app_env, pid).phase == "initiated"


def test_a_lead_gets_403_for_another_leads_process(client, app_env, web, token):
    pid = web.journey.new_process(app_env).id
    headers = bearer(token(OTHER_LEAD))
    for path in ("", "/history", "/deadlines"):
        answer = client.get(f"/api/v1/processes/{pid}{path}", headers=headers)
        assert answer.status_code == 403, path
        assert OTHER_LEAD in answer.json()["error"]
    assert client.get("/api/v1/processes", headers=headers).json() == []


def test_a_missing_process_is_a_404(client, web, token):
    headers = bearer(token(web.COORDINATOR))
    answer = client.get("/api/v1/processes/4711", headers=headers)
    assert (answer.status_code, answer.json()) == (404, {"error": "no process with id 4711"})
    answer = client.post("/api/v1/processes/4711/advance", json={"trigger": "close"},
                         headers=headers)
    assert answer.status_code == 404


@pytest.mark.parametrize(("body", "where"), [
    ({}, "title"),
    ({"title": 5}, "title"),
    ({"title": "x" * 501}, "title"),
    ({"title": "Platz", "colour": "blau"}, "colour"),
    ({"title": "Platz", "lead": {"name": "A"}}, "lead.email"),
])
def test_a_bad_body_is_a_400_with_one_line(client, web, token, body, where):
    answer = client.post("/api/v1/processes", json=body,
                         headers=bearer(token(web.journey.LEAD.email)))
    assert answer.status_code == 400
    message = answer.json()["error"]
    assert message.startswith(f"{where}: ") and "\n" not in message


def test_bad_json_and_a_refused_value_are_400s(client, web, token):
    headers = bearer(token(web.journey.LEAD.email)) | {"content-type": "application/json"}
    assert client.post("/api/v1/processes", content=b"{not json", headers=headers
                       ).status_code == 400
    lead = {"name": "Anna Lehmann", "email": web.journey.LEAD.email}
    answer = client.post("/api/v1/processes", headers=headers,
                         json={"title": "Platz", "origin": "orakel", "lead": lead})
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("origin: 'orakel' is not one of")
    answer = client.get("/api/v1/processes/0", headers=headers)
    assert answer.status_code == 400 and "process_id" in answer.json()["error"]


def test_a_refused_step_is_a_422_with_every_unmet_condition(client, app_env, clock, web,
                                                             token):
    pid = web.journey.new_process(app_env).id
    process.advance(app_env, web.journey.LEAD.email, pid, "set_up_begleitgruppe")
    case = process.get_process(app_env, pid)
    expected = [u.code for u in app_env.lifecycle.check(case, "draft_concept",
                                                        GuardContext(clock())).unmet]
    assert len(expected) >= 2
    answer = client.post(f"/api/v1/processes/{pid}/advance?lang=en",
                         json={"trigger": "draft_concept"},
                         headers=bearer(token(web.journey.LEAD.email)))
    assert answer.status_code == 422
    body = answer.json()
    assert (body["trigger"], body["phase"]) == ("draft_concept", "begleitgruppe")
    assert [u["code"] for u in body["unmet"]] == expected
    assert all(u["text"] for u in body["unmet"])
    assert process.history(app_env, pid)[-1].action == "transition_refused"


def test_an_unknown_trigger_is_bad_input_and_writes_nothing(client, app_env, web, token):
    pid = web.journey.new_process(app_env).id
    answer = client.post(f"/api/v1/processes/{pid}/advance", json={"trigger": "fliegen"},
                         headers=bearer(token(web.journey.LEAD.email)))
    assert answer.status_code == 400
    assert "„fliegen“" in answer.json()["error"]
    assert "set_up_begleitgruppe" in answer.json()["error"]
    assert [e.action for e in process.history(app_env, pid)] == ["process_created"]


def test_a_trigger_not_possible_now_is_a_422_naming_the_allowed_ones(client, app_env, web,
                                                                     token):
    pid = web.journey.new_process(app_env).id
    answer = client.post(f"/api/v1/processes/{pid}/advance", json={"trigger": "close"},
                         headers=bearer(token(web.journey.LEAD.email)))
    assert answer.status_code == 422
    assert "set_up_begleitgruppe" in answer.json()["allowed"]
    assert answer.json()["unmet"] == []


class Hooked(SqlUnitOfWork):
    """A real unit of work that runs ``hook`` once, right after its first load of a case:
    another person's change that lands between this request's read and its write."""

    def __init__(self, engine, hook) -> None:
        super().__init__(engine)
        self.hook = hook

    def __enter__(self):
        super().__enter__()
        load = self.processes.get

        def get(process_id: int):
            case = load(process_id)
            hook, self.hook[:] = list(self.hook), []
            for action in hook:
                action()
            return case

        self.processes.get = get
        return self


def test_a_change_by_someone_else_meanwhile_is_a_409(app_env, engine, web, token):
    pid = web.journey.new_process(app_env).id
    lead = web.journey.LEAD.email
    pending = [lambda: process.edit_process(app_env, web.journey.DEPUTY.email, pid,
                                            {"title": "Neuer Titel"})]
    racing = replace(app_env, uow=lambda: Hooked(engine, pending))
    secret = token(lead)
    with TestClient(create_app(racing, WebSettings())) as client:
        answer = client.patch(f"/api/v1/processes/{pid}", json={"subject": "Anders"},
                              headers=bearer(secret))
    assert answer.status_code == 409, answer.text
    assert "changed by someone else" in answer.json()["error"]
    case = process.get_process(app_env, pid)
    assert (case.title, case.subject) == ("Neuer Titel", "Umgestaltung")


def test_the_openapi_document_declares_the_errors_and_the_token(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert document["components"]["schemas"]["Error"]["required"] == ["error"]
    ours = {(m, p): op for p, ops in document["paths"].items() if not p.startswith(
        "/api/v1/public/") for m, op in ops.items()}
    assert len(ours) >= 20
    for (method, path), operation in ours.items():
        codes = set(operation["responses"])
        assert {"400", "401"} <= codes, (method, path)
        # bad fields are a 400 here; only a refused step is a 422
        assert ("422" in codes) == path.endswith("/advance"), (method, path)
        if method != "get" or path.startswith("/api/v1/outbox"):
            assert "403" in codes, (method, path)
    refusal = ours[("post", "/api/v1/processes/{process_id}/advance")]["responses"]["422"]
    assert refusal["content"]["application/json"]["schema"]["$ref"].endswith("/Refusal")
