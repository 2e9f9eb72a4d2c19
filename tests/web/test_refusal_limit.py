"""Refusals on the audit trail are limited per person and process (``workflow.refusals``):
past ``[web] refusals_recorded`` within ``refusal_minutes`` they are counted, not appended,
and the count reaches the trail; the person gets the full refusal every time. The limit is
read from the stored trail, so it holds across workers and counts the command line's."""

from __future__ import annotations

import pytest

from beteiligung.states.errors import TransitionRefused
from beteiligung.workflow import process

LEAD = "anna.lehmann@hannover-stadt.de"
OTHER = "bernd.koch@hannover-stadt.de"
STEP = {"trigger": "set_up_begleitgruppe"}   # refused: the deputy and department are missing


@pytest.fixture
def refused_pid(web, app_env) -> int:
    return web.journey.new_process(app_env, deputy=None, department="").id


def signed_in(make_client, web, email: str, **settings):
    client = make_client(refusals_recorded=5, refusal_minutes=60, **settings)
    web.sign_in(client, email)
    return client, web.csrf_of(client)


def refusals(env, pid: int, actor: str | None = None) -> list:
    return [e for e in process.history(env, pid) if e.action in (
        "transition_refused", "permission_refused", "refusals_counted")
        and (actor is None or e.actor == actor)]


def attempts_on_trail(events) -> int:
    """Refusals the trail accounts for: each recorded one and the counts it carries."""
    return sum(e.action != "refusals_counted" for e in events) + sum(
        e.payload.get("unrecorded", 0) for e in events)


def test_a_lead_gets_every_refusal_but_the_trail_takes_five(make_client, web, app_env,
                                                           refused_pid, clock):
    web.add_user(LEAD)
    client, token = signed_in(make_client, web, LEAD)
    url = f"/intern/verfahren/{refused_pid}/weiter"
    for _ in range(20):
        answer = client.post(url, data=STEP | {"csrf": token})
        assert answer.status_code == 422 and "Die Vertretung fehlt" in answer.text
    trail = refusals(app_env, refused_pid)
    assert [e.action for e in trail] == ["transition_refused"] * 5
    clock.advance(minutes=61)                    # the window has room again
    assert client.post(url, data=STEP | {"csrf": token}).status_code == 422
    last = refusals(app_env, refused_pid)[-1]
    assert last.action == "transition_refused" and last.payload["unrecorded"] == 15
    assert attempts_on_trail(refusals(app_env, refused_pid)) == 21
    checked, breaks = process.verify_audit(app_env)
    assert checked > 0 and breaks == []


def test_another_lead_cannot_fill_a_trail(make_client, web, app_env, refused_pid):
    web.add_user(LEAD)
    web.add_user(OTHER)
    intruder, token = signed_in(make_client, web, OTHER)
    for _ in range(50):
        answer = intruder.post(f"/intern/verfahren/{refused_pid}/weiter",
                               data=STEP | {"csrf": token})
        assert answer.status_code == 403
    assert len(refusals(app_env, refused_pid, OTHER)) == 5
    owner, owner_token = signed_in(make_client, web, LEAD)   # counted per person
    owner.post(f"/intern/verfahren/{refused_pid}/weiter", data=STEP | {"csrf": owner_token})
    assert refusals(app_env, refused_pid)[-1].actor == LEAD


def test_counts_left_over_are_written_when_the_application_stops(make_client, web, app_env,
                                                                refused_pid):
    web.add_user(OTHER)
    intruder, token = signed_in(make_client, web, OTHER)
    for _ in range(12):
        intruder.post(f"/intern/verfahren/{refused_pid}/weiter", data=STEP | {"csrf": token})
    assert attempts_on_trail(refusals(app_env, refused_pid)) == 5
    intruder.__exit__(None, None, None)          # the server stops
    trail = refusals(app_env, refused_pid)
    assert trail[-1].action == "refusals_counted" and trail[-1].payload["unrecorded"] == 7
    assert attempts_on_trail(trail) == 12


def test_the_limit_holds_across_workers_and_counts_the_command_line(make_client, web, app_env,
                                                                   refused_pid):
    web.add_user(LEAD)
    for _ in range(3):                            # the command line appends every refusal
        with pytest.raises(TransitionRefused):
            process.advance(app_env, LEAD, refused_pid, STEP["trigger"])
    one, token_one = signed_in(make_client, web, LEAD)
    two, token_two = signed_in(make_client, web, LEAD)   # a second worker process
    url = f"/intern/verfahren/{refused_pid}/weiter"
    for client, token in ((one, token_one), (two, token_two)) * 3:
        assert client.post(url, data=STEP | {"csrf": token}).status_code == 422
    assert len(refusals(app_env, refused_pid)) == 5
    one.__exit__(None, None, None)
    two.__exit__(None, None, None)
    assert attempts_on_trail(refusals(app_env, refused_pid)) == 9


def test_the_api_gets_the_full_refusal_past_the_limit(make_client, web, app_env, refused_pid):
    from beteiligung.workflow import sessions

    web.add_user(LEAD)
    client = make_client(refusals_recorded=2)
    token = sessions.create_api_token(app_env, LEAD, LEAD, "Test")
    for _ in range(4):
        answer = client.post(f"/api/v1/processes/{refused_pid}/advance", json=STEP,
                             headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 422
        assert {u["code"] for u in answer.json()["unmet"]} >= {"deputy_missing"}
    assert len(refusals(app_env, refused_pid)) == 2


def test_the_limit_is_a_setting_with_bounds(tmp_path):
    from beteiligung.config.settings import load_settings
    from beteiligung.states.errors import BadInput

    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    base = {"BETEILIGUNG_CONFIG": str(empty)}
    web = load_settings(base).web
    assert (web.refusals_recorded, web.refusal_minutes) == (5, 60)
    assert load_settings(base | {"BETEILIGUNG_WEB_REFUSALS_RECORDED": "20"}).web \
        .refusals_recorded == 20
    with pytest.raises(BadInput, match="refusals_recorded: 0 is not between 1"):
        load_settings(base | {"BETEILIGUNG_WEB_REFUSALS_RECORDED": "0"})
