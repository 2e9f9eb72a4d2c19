"""Every link in every e-mail leads to a page: reminders, escalations and the weekly digest are
rendered by the real composer (German and English) for a real process on the real database,
and each address in their text and HTML parts is fetched from the application, signed in as
the person the e-mail goes to. The addresses come from ``workflow.links``, which the
application registers as its own route names."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from beteiligung.notifications.compose import TemplateComposer
from beteiligung.notifications.templates import Templates
from beteiligung.web.app import create_app
from beteiligung.workflow import links
from beteiligung.workflow.reminders import queue_digest, sweep

BASE = "http://testserver"
HREF = re.compile(r'href="([^"]+)"')
BARE = re.compile(r"https?://[^\s<>\"')]+")


class Recording(TemplateComposer):
    """The composer of the sweep, keeping every reminder it rendered."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.made = []

    def reminder(self, facts):
        message = super().reminder(facts)
        self.made.append(message)
        return message


def addresses(message) -> set[str]:
    """Every web address in both parts of an e-mail (``mailto:`` is no page)."""
    found = set(HREF.findall(message.html)) | set(BARE.findall(message.html))
    found |= set(BARE.findall(message.text))
    return {a.replace("&amp;", "&") for a in found if not a.startswith("mailto:")}


def test_every_named_route_is_the_applications_own(app_env):
    app = create_app(app_env)
    for name in links.ROUTES:
        params = {"process_id": 12} if "{process_id}" in links.ROUTES[name] else {}
        assert app.url_path_for(name, **params) == links.path(name, **params)


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_link_of_every_mail_opens_a_page(client, web, app_env, clock, language):
    lead = web.journey.LEAD
    web.add_user(lead.email, lead.name)
    web.add_user(web.COORDINATOR, "Koordination", "coordinator")
    pid = web.journey.new_process(app_env, title="Spielplatz am Klagesmarkt").id
    composer = Recording(Templates(), BASE + "/", language,
                         sender="beteiligung@hannover-stadt.de")
    for days in (47, 21):  # 14 days before the 60 of 'initiated', then 8 days overdue
        clock.advance(days=days)
        sweep(app_env, composer, clock())
    mails = composer.made
    digest = queue_digest(app_env, composer, clock()).message
    assert {m.kind for m in mails} == {"reminder", "escalation"} and digest is not None

    for mail in mails:
        found = addresses(mail)
        assert found == {links.url(BASE, "staff_process", process_id=pid)}, found
    found = addresses(digest)
    assert found == {links.url(BASE, "staff_process", process_id=pid),
                     links.url(BASE, "coordination_stuck")}, found

    web.sign_in(client, lead.email)
    for address in addresses(mails[0]):
        page = client.get(address.removeprefix(BASE), follow_redirects=False)
        assert page.status_code == 200, (address, page.status_code)
        assert "Spielplatz am Klagesmarkt" in page.text
    client.post("/abmelden", data={"csrf": web.csrf_of(client)})
    web.sign_in(client, web.COORDINATOR)
    for address in addresses(digest):
        page = client.get(address.removeprefix(BASE), follow_redirects=False)
        assert page.status_code == 200, (address, page.status_code)
        assert "Spielplatz am Klagesmarkt" in page.text


def test_a_link_without_sign_in_leads_to_the_sign_in_and_back(client, web, app_env):
    pid = web.journey.new_process(app_env).id
    page = client.get(links.path("staff_process", process_id=pid), follow_redirects=False)
    assert page.status_code in (302, 303, 307)
    assert page.headers["location"].startswith("/anmelden")
    assert f"verfahren%2F{pid}" in page.headers["location"] or \
        f"verfahren/{pid}" in page.headers["location"]


def test_the_digest_without_overdue_deadlines_still_links_the_overview(app_env, clock):
    composer = TemplateComposer(Templates(), BASE, "de", sender="beteiligung@hannover-stadt.de")
    message = composer.digest([], ["k@hannover-stadt.de"], clock() + timedelta(days=1))
    assert addresses(message) == {links.url(BASE, "coordination_stuck")}
