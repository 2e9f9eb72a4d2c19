"""What residents expect of the public side: the Vorhabenliste marks processes open for
comments now with the end of the period, the suggestion form on the concept says when its
comment period ends, and the process page lists the dialogue's upcoming and past events
with date, place, format and accessibility."""

from __future__ import annotations

from datetime import timedelta

from beteiligung.states.deadlines import concept_comments_end
from beteiligung.web.pages import BERLIN, local_time
from beteiligung.workflow import content, outcome, participation, process


def in_phase(web, app_env, clock, phase: str, title: str) -> int:
    """A process in ``phase`` with a published concept (from the concept phase on). In the
    concept phase the concept is just published, so its comment period is running (filling
    the phase would wait for its end)."""
    j = web.journey
    pid = j.new_process(app_env, title=title).id
    j.advance_to(app_env, pid, phase, clock)
    if phase == "concept":
        content.load_concept(app_env, j.COORDINATOR, pid, j.complete_concept())
        content.publish_concept(app_env, j.COORDINATOR, pid)
    elif phase != "interim_results":
        j.fill_phase(app_env, pid, clock)
    return pid


def row(page: str, title: str) -> str:
    return page.split(f">{title}</a>", 1)[1].split("</tr>", 1)[0]


def concept_end(app_env, pid):
    return concept_comments_end(process.get_process(app_env, pid), app_env.deadline_rules)


def test_the_list_marks_what_is_open_for_comments_with_its_end(client, web, app_env, clock):
    # walking a process on waits for its periods to end, which moves the clock: the
    # processes whose periods must still be running come last
    decision = in_phase(web, app_env, clock, "decision", "Schon entschieden")
    in_phase(web, app_env, clock, "dialogue", "Dialog läuft")
    interim = in_phase(web, app_env, clock, "interim_results", "Ergebnisse offen")
    outcome.publish_interim_results(app_env, web.journey.COORDINATOR, interim, "Drei Varianten",
                                    clock() + timedelta(days=10), "Herbst", "Rathaus", "Rat")
    concept = in_phase(web, app_env, clock, "concept", "Konzept offen")
    web.journey.new_process(app_env, title="Noch ohne Konzept")

    page = client.get("/").text
    end = local_time(concept_end(app_env, concept), "%d.%m.%Y")
    assert f"Jetzt Anregungen zum Konzept möglich, bis {end}" in row(page, "Konzept offen")
    deadline = local_time(process.get_process(app_env, interim).current_interim_results()
                          .comment_deadline, "%d.%m.%Y")
    assert (f"Jetzt Anregungen zu den Zwischenergebnissen möglich, bis {deadline}"
            in row(page, "Ergebnisse offen"))
    assert "open-now" not in row(page, "Schon entschieden")
    assert "open-now" not in page.split("Noch ohne Konzept", 1)[1].split("</tr>", 1)[0]

    # once the concept's period has ended, comments on it are still taken, with no end date
    assert ("Anregungen zum Konzept weiterhin möglich (ohne Enddatum)"
            in row(page, "Dialog läuft"))
    english = client.get("/?lang=en").text
    assert "Still open for comments on the concept (no end date)" in row(english,
                                                                          "Dialog läuft")
    assert participation.comment_period(process.get_process(app_env, decision), clock()) is None


def test_the_concept_form_says_when_its_comment_period_ends(client, web, app_env, clock):
    pid = in_phase(web, app_env, clock, "concept", "Lindener Marktplatz")
    end = concept_end(app_env, pid)
    page = client.get(f"/vorhaben/{pid}").text
    assert (f"Anregungen zum Beteiligungskonzept geben, bis {local_time(end)} Uhr (Ende der "
            "öffentlichen Kommentierungsfrist)") in page
    english = client.get(f"/vorhaben/{pid}?lang=en").text
    assert f"until {local_time(end)} (the end of the public comment period)" in english
    clock.now = end + timedelta(seconds=1)
    after = client.get(f"/vorhaben/{pid}?lang=de").text
    assert "weiterhin Anregungen zum Beteiligungskonzept geben; ein Enddatum ist nicht" in after
    assert f'action="/vorhaben/{pid}/anregung"' in after   # still open, as add_suggestion says


def test_the_process_page_shows_upcoming_and_past_events(client, web, app_env, clock):
    pid = in_phase(web, app_env, clock, "pre_reporting", "Lindener Marktplatz")
    web.journey.advance_to(app_env, pid, "dialogue", clock)
    me, today = web.journey.COORDINATOR, clock().astimezone(BERLIN).date()  # Hannover's day
    outcome.add_activity(app_env, me, pid, "Auftakt", "on_site", today - timedelta(days=3),
                         "Freizeitheim Linden", "Stufenloser Zugang, Induktionsschleife")
    outcome.add_activity(app_env, me, pid, "Online-Dialog", "online", today, "beteiligung.de")
    outcome.add_activity(app_env, me, pid, "Planungswerkstatt", "on_site",
                         today + timedelta(days=7), "Marktplatz", "Gebärdensprache")

    page = client.get(f"/vorhaben/{pid}").text
    events = page.split('<h2 id="veranstaltungen">', 1)[1].split("</section>", 1)[0]
    upcoming = events.split("Anstehende Veranstaltungen", 1)[1].split("</table>", 1)[0]
    past = events.split("Vergangene Veranstaltungen", 1)[1].split("</table>", 1)[0]
    assert upcoming.index("Online-Dialog") < upcoming.index("Planungswerkstatt")
    assert f"{today:%d.%m.%Y} (heute)" in upcoming and "(online)" in upcoming
    assert "keine Angaben" in upcoming and "Gebärdensprache" in upcoming
    assert "Auftakt (vor Ort)" in past and "Induktionsschleife" in past
    assert "Planungswerkstatt" not in past and "Auftakt" not in upcoming
    english = client.get(f"/vorhaben/{pid}?lang=en").text
    assert "Upcoming events" in english and "Auftakt (on site)" in english
    assert "not stated" in english


def test_no_events_no_section(client, web, app_env, clock):
    pid = in_phase(web, app_env, clock, "concept", "Lindener Marktplatz")
    assert 'id="veranstaltungen"' not in client.get(f"/vorhaben/{pid}").text


def test_accessibility_is_entered_on_the_staff_form_and_through_the_api(client, web, app_env,
                                                                        clock):
    pid = in_phase(web, app_env, clock, "pre_reporting", "Lindener Marktplatz")
    web.journey.advance_to(app_env, pid, "dialogue", clock)
    web.add_user(web.journey.LEAD.email, "Anna Lehmann")
    web.sign_in(client, web.journey.LEAD.email)
    form = client.get(f"/intern/verfahren/{pid}/ergebnisse").text
    assert '<label for="accessibility">Barrierefreiheit (freiwillig, wird veröffentlicht)' \
        in form
    answer = web.post(client, f"/intern/verfahren/{pid}/ergebnisse/aktivitaet",
                      {"format": "Werkstatt", "mode": "on_site", "on": "2026-04-01",
                       "place": "Ihme-Zentrum", "accessibility": "  Rampe am Eingang  "},
                      follow_redirects=False)
    assert answer.status_code == 303
    assert process.get_process(app_env, pid).activities[-1].accessibility == "Rampe am Eingang"
    assert "Rampe am Eingang" in client.get(f"/intern/verfahren/{pid}/ergebnisse").text
