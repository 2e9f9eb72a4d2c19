"""Rate limits that do not lock out an office or a workshop: only failed sign-ins count (per
account and per client address), the limits are ``[web]`` settings, and a refused suggestion
comes back with what the resident typed. Also where a sign-in without a ``next`` page leads."""

from __future__ import annotations

from pathlib import Path

import pytest

from beteiligung.config.settings import load_settings
from beteiligung.states.errors import BadInput
from beteiligung.workflow import process

LEAD = "anna.lehmann@hannover-stadt.de"
WRONG = "falsch falsch falsch"


def attempt(client, web, email: str, password: str, **extra):
    return client.post("/anmelden", data={"email": email, "password": password,
                                          "csrf": web.csrf_of(client), **extra},
                       follow_redirects=False)


def test_successful_sign_ins_never_count_toward_the_limit(make_client, web):
    client = make_client(sign_in_failures_per_account=3, sign_in_failures_per_address=3)
    web.add_user(LEAD)
    for _ in range(12):   # a whole morning of signing in and out from one office address
        assert attempt(client, web, LEAD, web.PASSWORD).status_code == 303
        web.post(client, "/abmelden", follow_redirects=False)
    assert attempt(client, web, LEAD, WRONG).status_code == 401


def test_failures_lock_the_account_for_the_window_with_a_german_message(make_client, web, clock):
    client = make_client(sign_in_failures_per_account=3, sign_in_minutes=5)
    web.add_user(LEAD)
    for _ in range(3):
        assert attempt(client, web, LEAD, WRONG).status_code == 401
    refused = attempt(client, web, LEAD, web.PASSWORD)
    assert refused.status_code == 429 and 'role="alert"' in refused.text
    assert "Bitte warten Sie 5 Minuten" in refused.text
    assert f'value="{LEAD}"' in refused.text          # the address stays in the form
    assert "btg_session" not in client.cookies
    english = attempt(client, web, LEAD, web.PASSWORD, lang="en")
    assert english.status_code == 429
    clock.advance(minutes=6)
    assert attempt(client, web, LEAD, web.PASSWORD).status_code == 303


def test_failures_from_one_address_count_across_accounts(make_client, web):
    client = make_client(sign_in_failures_per_account=10, sign_in_failures_per_address=4)
    other = "bernd.koch@hannover-stadt.de"
    web.add_user(LEAD)
    web.add_user(other)
    for n in range(4):
        assert attempt(client, web, f"nobody{n}@hannover-stadt.de", WRONG).status_code == 401
    assert attempt(client, web, other, web.PASSWORD).status_code == 429
    elsewhere = make_client(sign_in_failures_per_address=4)  # its own counters, as a restart
    assert attempt(elsewhere, web, other, web.PASSWORD).status_code == 303


def test_a_coordinator_lands_on_the_stuck_list_a_lead_on_their_processes(make_client, web):
    web.add_user(LEAD)
    web.add_user(web.COORDINATOR, "Kim Koordination", role="coordinator")
    lead, coordinator = make_client(), make_client()
    assert attempt(lead, web, LEAD, web.PASSWORD).headers["location"] == "/intern"
    landed = attempt(coordinator, web, web.COORDINATOR, web.PASSWORD)
    assert landed.headers["location"] == "/intern/koordinierung/haengend"
    assert coordinator.get(landed.headers["location"]).status_code == 200
    # an asked-for page still wins, and a signed-in coordinator opening the form goes on
    asked = make_client()
    answer = attempt(asked, web, web.COORDINATOR, web.PASSWORD, next="/intern")
    assert answer.headers["location"] == "/intern"
    again = coordinator.get("/anmelden", follow_redirects=False)
    assert again.headers["location"] == "/intern/koordinierung/haengend"


def test_the_limits_are_settings_from_the_file_and_the_environment(tmp_path: Path):
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    defaults = load_settings({"BETEILIGUNG_CONFIG": str(empty)}).web
    assert (defaults.sign_in_failures_per_account, defaults.sign_in_failures_per_address,
            defaults.sign_in_minutes, defaults.suggestions_per_hour) == (10, 50, 15, 100)
    path = tmp_path / "settings.toml"
    path.write_text("[web]\nsign_in_failures_per_address = 200\nsuggestions_per_hour = 60\n",
                    encoding="utf-8")
    chosen = load_settings({"BETEILIGUNG_CONFIG": str(path),
                            "BETEILIGUNG_WEB_SIGN_IN_MINUTES": "30"}).web
    assert (chosen.sign_in_failures_per_address, chosen.suggestions_per_hour,
            chosen.sign_in_minutes, chosen.sign_in_failures_per_account) == (200, 60, 30, 10)


@pytest.mark.parametrize(("env", "message"), [
    ({"BETEILIGUNG_WEB_SIGN_IN_MINUTES": "0"}, "sign_in_minutes: 0 is not between 1 and 1440"),
    ({"BETEILIGUNG_WEB_SIGN_IN_FAILURES_PER_ACCOUNT": "viele"},
     "BETEILIGUNG_WEB_SIGN_IN_FAILURES_PER_ACCOUNT: 'viele' is not a int"),
])
def test_a_bad_limit_is_refused_naming_it(tmp_path: Path, env, message):
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(BadInput, match=message):
        load_settings({"BETEILIGUNG_CONFIG": str(empty), **env})


# -- the public form keeps what was typed -------------------------------------------------------

def _published(web, app_env, clock) -> int:
    pid = web.journey.new_process(app_env).id
    web.journey.advance_to(app_env, pid, "concept", clock)
    web.journey.fill_phase(app_env, pid, clock)
    return pid


def _send(client, web, pid, **data):
    return web.post(client, f"/vorhaben/{pid}/anregung",
                    {"text": "", "email": "", "website": ""} | data)


def _kept(page: str, text: str, email: str | None = None) -> bool:
    area = page.split('<textarea id="text"', 1)[1].split("</textarea>", 1)[0]
    return text in area and (email is None or f'value="{email}"' in page)


def test_over_the_limit_the_text_and_address_stay_in_the_form(make_client, web, app_env, clock):
    client = make_client(suggestions_per_hour=1)
    pid = _published(web, app_env, clock)
    assert _send(client, web, pid, text="eins").status_code == 200
    refused = _send(client, web, pid, text="Mein langer Text über Bäume", email="ich@example.org")
    assert refused.status_code == 429 and 'role="alert"' in refused.text
    assert _kept(refused.text, "Mein langer Text über Bäume", "ich@example.org")
    assert 'action="/vorhaben/' in refused.text          # and it can be sent again later
    assert [s.text for s in process.get_process(app_env, pid).suggestions] == ["eins"]


def test_a_closed_period_shows_the_text_to_copy_without_a_send_button(client, web, app_env,
                                                                       clock):
    pid = _published(web, app_env, clock)
    client.get(f"/vorhaben/{pid}")
    web.journey.advance_to(app_env, pid, "decision", clock)
    refused = _send(client, web, pid, text="Zu spät, aber wichtig", email="ich@example.org")
    assert refused.status_code == 409 and "keine Anregungen gegeben werden" in refused.text
    assert _kept(refused.text, "Zu spät, aber wichtig")
    assert '<textarea id="text" readonly' in refused.text
    assert f'action="/vorhaben/{pid}/anregung"' not in refused.text
    assert "ich@example.org" not in refused.text          # not shown where nothing is sent
    assert process.get_process(app_env, pid).suggestions == []


def test_an_expired_form_comes_back_with_the_text_and_a_fresh_token(client, web, app_env,
                                                                     clock):
    pid = _published(web, app_env, clock)
    refused = client.post(f"/vorhaben/{pid}/anregung",
                          data={"text": "Ohne gültiges Formular", "email": "ich@example.org",
                                "csrf": "abgelaufen"})
    assert refused.status_code == 403 and "Das Formular war abgelaufen" in refused.text
    assert _kept(refused.text, "Ohne gültiges Formular", "ich@example.org")
    assert process.get_process(app_env, pid).suggestions == []
    token = refused.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    again = client.post(f"/vorhaben/{pid}/anregung",
                        data={"text": "Ohne gültiges Formular", "csrf": token})
    assert again.status_code == 200 and f"B-{pid}-1" in again.text
