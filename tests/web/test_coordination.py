"""The coordinators' pages on the real app: who may open them, the stuck list, failed e-mails
and their retry, the audit verification and the quarterly report."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from beteiligung.storage.schema import audit_events
from beteiligung.workflow import outbox
from beteiligung.workflow.ports import OutgoingMessage

BASE = "/intern/koordinierung"
PAGES = ("", "/haengend", "/nachrichten", "/audit", "/quartalsbericht?quarter=2026-Q1")


@pytest.fixture
def coordinator(client, web):
    web.add_user(web.COORDINATOR, "Kim Koordination", role="coordinator")
    web.sign_in(client, web.COORDINATOR)
    return client


def failed_message(env, clock, process_id: int | None = None) -> int:
    """A reminder that the dispatcher gave up on."""
    with env.uow() as uow:
        uow.outbox.enqueue(OutgoingMessage(
            "reminder:1", "reminder", ["anna.lehmann@hannover-stadt.de"], [],
            "Erinnerung: Konzept fällig", "Text", "<p>Text</p>", process_id=process_id),
            clock())
        [entry] = uow.outbox.claim(clock(), 300, 10)
        uow.outbox.mark_failed(entry.id, "550 5.1.1 mailbox unavailable")
        uow.commit()
    return entry.id


def status_of(env, entry_id: int) -> str:
    return next(e.status for e in outbox.list_messages(env) if e.id == entry_id)


def test_a_lead_gets_403_on_every_coordinator_route(client, web, app_env, clock):
    entry = failed_message(app_env, clock)
    web.add_user(web.journey.LEAD.email, "Anna Lehmann")
    web.sign_in(client, web.journey.LEAD.email)
    for page in PAGES:
        answer = client.get(BASE + page)
        assert answer.status_code == 403, page
        assert "only a coordinator may" in answer.text
    answer = web.post(client, f"{BASE}/nachrichten/{entry}/wiederholen", follow_redirects=False)
    assert answer.status_code == 403
    assert status_of(app_env, entry) == "failed"
    assert 'href="/intern/koordinierung"' not in client.get("/anmelden",
                                                            follow_redirects=True).text


def test_without_sign_in_the_pages_send_to_the_sign_in_form(client, web, app_env, clock):
    entry = failed_message(app_env, clock)
    for page in PAGES:
        answer = client.get(BASE + page, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/anmelden?next=/intern/koordinierung")
    answer = web.post(client, f"{BASE}/nachrichten/{entry}/wiederholen", follow_redirects=False)
    assert answer.status_code == 303 and status_of(app_env, entry) == "failed"


def test_a_stuck_process_is_listed_with_its_reason_and_what_to_do(coordinator, web, app_env,
                                                                   clock):
    pid = web.journey.new_process(app_env).id
    clock.advance(days=200)
    quiet = web.journey.new_process(app_env, title="Spielplatz Nordstadt", deputy=None).id
    web.sign_in(coordinator, web.COORDINATOR)   # the session of 200 days ago has expired

    page = coordinator.get(f"{BASE}/haengend")
    assert page.status_code == 200
    text = page.text
    assert "Phase zu lang" in text and "Seit 200 Tagen in der Phase „Initiierung“" in text
    assert f'href="/intern/verfahren/{pid}"' in text
    assert "anna.lehmann@hannover-stadt.de" in text and "jonas.weber@hannover-stadt.de" in text
    assert text.index("kritisch") < text.index("Hinweis")   # most severe first
    assert f'href="/intern/verfahren/{quiet}"' in text       # deputy missing: info

    serious = coordinator.get(f"{BASE}/haengend?severity=warning").text
    assert f'href="/intern/verfahren/{pid}"' in serious
    assert f'href="/intern/verfahren/{quiet}"' not in serious

    english = html.unescape(coordinator.get(f"{BASE}/haengend?lang=en").text)
    assert "phase too long" in english and "In phase 'Initiation' for 200 days" in english

    download = coordinator.get(f"{BASE}/haengend?format=csv&lang=de")
    assert download.headers["content-disposition"].startswith("attachment")
    first, *rows = download.text.splitlines()
    assert first.startswith("\ufeffSchwere (Code);") and ";" in rows[0]  # German Excel
    assert f";dwell_exceeded;Phase zu lang;{pid};" in download.text
    plain = coordinator.get(f"{BASE}/haengend?format=csv&csv_dialect=plain&lang=en").text
    assert plain.splitlines()[0].startswith("severity,code,name,process_id")
    assert f"critical,dwell_exceeded,phase too long,{pid}," in plain
    assert coordinator.get(f"{BASE}/haengend?format=csv&csv_dialect=x").status_code == 400
    assert coordinator.get(f"{BASE}/haengend?severity=dringend").status_code == 400


def test_the_overview_links_the_pages_and_counts(coordinator, web, app_env, clock):
    pid = web.journey.new_process(app_env).id
    failed_message(app_env, clock, pid)
    page = coordinator.get(BASE)
    assert page.status_code == 200
    for link in PAGES[1:4] + ("/quartalsbericht",):
        assert f'href="{BASE}{link}"' in page.text
    # the failed reminder about the process is a finding too (reminder_failed)
    assert '<strong class="coord-count">1</strong> Befunde' in page.text
    assert '<strong class="coord-count">1</strong> fehlgeschlagene E-Mails' in page.text
    assert "failed e-mails" in coordinator.get(BASE + "?lang=en").text


def test_a_failed_message_is_listed_and_its_retry_queues_it_again(coordinator, web, app_env,
                                                                  clock):
    entry = failed_message(app_env, clock)
    page = coordinator.get(f"{BASE}/nachrichten").text
    assert "Erinnerung: Konzept fällig" in page and "550 5.1.1 mailbox unavailable" in page
    assert "anna.lehmann@hannover-stadt.de" in page
    assert f'action="{BASE}/nachrichten/{entry}/wiederholen"' in page

    answer = web.post(coordinator, f"{BASE}/nachrichten/{entry}/wiederholen",
                      follow_redirects=False)
    assert answer.status_code == 303
    assert status_of(app_env, entry) == "queued"
    shown = coordinator.get(answer.headers["location"]).text
    assert f"Nachricht {entry} steht wieder in der Warteschlange" in shown
    assert "Erinnerung: Konzept fällig" not in shown   # no longer failed
    queued = coordinator.get(f"{BASE}/nachrichten?status=queued").text
    assert "Erinnerung: Konzept fällig" in queued and "Erneut senden" not in queued

    again = web.post(coordinator, f"{BASE}/nachrichten/{entry}/wiederholen")
    assert again.status_code == 404
    assert coordinator.get(f"{BASE}/nachrichten?status=verloren").status_code == 400


def test_a_retry_without_the_csrf_token_is_refused(coordinator, app_env, clock):
    entry = failed_message(app_env, clock)
    for data in ({}, {"csrf": "forged"}):
        answer = coordinator.post(f"{BASE}/nachrichten/{entry}/wiederholen", data=data)
        assert answer.status_code == 403
    assert status_of(app_env, entry) == "failed"


def test_the_audit_check_says_intact_then_names_the_tampered_process(coordinator, web,
                                                                     app_env, clock, engine,
                                                                     unguarded):
    first = web.journey.new_process(app_env).id
    target = web.journey.new_process(app_env, title="Radweg Podbielskistraße").id
    clock.advance(minutes=5)
    web.journey.advance_to(app_env, target, "begleitgruppe", clock)
    page = coordinator.get(f"{BASE}/audit").text
    assert "Intakt: 3 Ereignisse geprüft." in page

    with unguarded(engine) as conn:
        conn.execute(update(audit_events).where(audit_events.c.process_id == target,
                                                audit_events.c.seq == 1)
                     .values(actor="mallory@example.org"))
    page = coordinator.get(f"{BASE}/audit").text
    assert "Gebrochen: 3 Ereignisse geprüft, 1 Verfahren mit Bruch." in page
    assert f'href="/intern/verfahren/{target}"' in page
    assert f'href="/intern/verfahren/{first}"' not in page
    assert "das Ereignis wurde verändert" in page and "the event was edited" not in page
    english = coordinator.get(f"{BASE}/audit?lang=en").text
    assert "Broken: 3 events checked" in english and "the event was edited" in english


def test_the_quarterly_report_renders_in_the_site_and_as_downloads(coordinator, web, app_env,
                                                                   clock):
    web.journey.new_process(app_env)
    clock.now = datetime(2026, 7, 10, 9, 0, tzinfo=UTC)
    web.sign_in(coordinator, web.COORDINATOR)

    page = coordinator.get(f"{BASE}/quartalsbericht")   # the last complete quarter
    assert page.status_code == 200
    assert "Quartalsbericht Beteiligung 2026Q2" in page.text
    assert '<option value="2026-Q2" selected>' in page.text
    assert "FB 61 Stadtplanung" in page.text and "<style" not in page.text
    # each table scrolls inside its own named box that the keyboard reaches
    assert page.text.count("<table>") == page.text.count(
        '<div class="coord-scroll" tabindex="0" role="group" aria-labelledby="') >= 4
    times = page.text.split('<h2 id="times">', 1)[1]
    assert "<td class=\"coord-num\">1</td>" in times   # the stay still running counts

    first = coordinator.get(f"{BASE}/quartalsbericht?quarter=2026-Q1&lang=en")
    assert "Quarterly report on participation 2026Q1" in first.text
    assert "FB 61 Stadtplanung" in first.text

    full = coordinator.get(f"{BASE}/quartalsbericht?quarter=2026-Q1&format=html")
    assert full.headers["content-disposition"] == \
        'attachment; filename="quartalsbericht-2026Q1.html"'
    assert "<svg" in full.text and "<style>" in full.text
    csv = coordinator.get(f"{BASE}/quartalsbericht?quarter=2026Q1&format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "FB 61 Stadtplanung" in csv.text
    assert csv.content.startswith(b"\xef\xbb\xbf")  # for German Excel: BOM, ';' between cells
    assert csv.text.splitlines()[1].startswith("2026Q1;Dezernat VI;FB 61 Stadtplanung;")
    md = coordinator.get(f"{BASE}/quartalsbericht?quarter=2026-Q1&format=md")
    assert md.headers["content-type"].startswith("text/markdown")

    assert coordinator.get(f"{BASE}/quartalsbericht?quarter=2026-Q5").status_code == 400
    assert coordinator.get(f"{BASE}/quartalsbericht?quarter=2027-Q1").status_code == 400
    assert coordinator.get(f"{BASE}/quartalsbericht?format=pdf").status_code == 400


def test_the_oversight_settings_reach_the_stuck_list(app_env, web, clock):
    from fastapi.testclient import TestClient

    from beteiligung.config.settings import OversightSettings, WebSettings
    from beteiligung.web.app import create_app

    web.journey.new_process(app_env, title="Spielplatz Nordstadt", deputy=None)
    clock.advance(days=10)
    web.add_user(web.COORDINATOR, "Koordination", "coordinator")
    for idle_days, listed in ((90, False), (5, True)):
        app = create_app(app_env, WebSettings(), OversightSettings(idle_days=idle_days))
        with TestClient(app) as client:
            web.sign_in(client, web.COORDINATOR)
            text = client.get(f"{BASE}/haengend?severity=warning").text
            assert ("Spielplatz Nordstadt" in text) is listed, idle_days
