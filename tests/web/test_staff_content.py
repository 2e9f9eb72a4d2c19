"""The staff sub-pages where a lead enters a process's content (``web.staff_content``,
``web.staff_concept``, ``web.staff_outcome``) on the real app and databases: each form's
success path, a refused input that writes nothing, access, CSRF, the concept diff, escaping."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest

from beteiligung.states.case import Concept, Person
from beteiligung.web.staff_concept import CONTROLS, draft_values
from beteiligung.workflow import content, privacy_requests, process
from beteiligung.workflow.concept_diff import flatten

LEAD = "anna.lehmann@hannover-stadt.de"
OTHER = Person("Bernd Koch", "bernd.koch@hannover-stadt.de")
THIRD = Person("Cara Rose", "cara.rose@hannover-stadt.de")
POSTS = ("begleitgruppe/angefragt", "begleitgruppe/mitglied", "begleitgruppe/mitglied/entfernen",
         "begleitgruppe/fachbereich", "konzept", "konzept/veroeffentlichen", "anregungen",
         "anregungen/1/antwort", "ergebnisse/bericht", "ergebnisse/aktivitaet",
         "ergebnisse/zwischenergebnisse", "entscheidung", "entscheidung/veroeffentlichen",
         "entscheidung/ziel", "entscheidung/erkenntnisse")
PAGES = ("begleitgruppe", "konzept", "anregungen", "ergebnisse", "entscheidung",
         "konzept/version/1", "konzept/vergleich?von=1&bis=1")


@pytest.fixture
def at(client, web, app_env, clock):
    """``at(phase)``: a process of Anna's in ``phase``, with Anna signed in (after the clock
    moved, so her session is fresh)."""
    web.add_user(LEAD, "Anna Lehmann")

    def make(phase: str, pid: int | None = None) -> int:
        pid = pid or web.journey.new_process(app_env).id
        web.journey.advance_to(app_env, pid, phase, clock)
        web.sign_in(client, LEAD)
        return pid

    return make


def send(client, web, pid: int, path: str, data: dict | None = None):
    return web.post(client, f"/intern/verfahren/{pid}/{path}", data, follow_redirects=False)


def done(client, answer, pid: int, page: str) -> str:
    """Follow a successful POST's redirect; the confirmation it shows."""
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith(f"/intern/verfahren/{pid}/{page}?done=")
    shown = client.get(answer.headers["location"])
    assert shown.status_code == 200 and 'role="status"' in shown.text
    return shown.text


def refused(answer, status: int, message: str) -> str:
    assert answer.status_code == status, answer.text
    assert 'role="alert"' in answer.text and message in answer.text
    return answer.text


def trail(app_env, pid: int) -> int:
    return len(process.history(app_env, pid))


def concept_form(concept: Concept) -> dict:
    """The concept form as a browser would send it for ``concept``."""
    values = draft_values(concept)
    data = {path: values[path] for path, control in CONTROLS.items() if control != "check"}
    data |= {path: "true" for path, control in CONTROLS.items()
             if control == "check" and values[path]}
    for part in ("id", "description", "indicator", "target", "due"):
        data[f"goal.{part}"] = [goal[part] for goal in values["goals"]] + [""]
    return data


def test_the_form_covers_every_field_of_a_concept():
    assert set(CONTROLS) | {"goals"} == set(flatten(Concept()))


def test_the_begleitgruppe_page_records_requester_members_and_departments(client, web,
                                                                         app_env, at):
    pid = at("begleitgruppe")
    page = client.get(f"/intern/verfahren/{pid}/begleitgruppe")
    assert page.status_code == 200 and "Lindener Marktplatz" in page.text
    assert f'href="/intern/verfahren/{pid}"' in page.text and "Einrichtung" in page.text

    done(client, send(client, web, pid, "begleitgruppe/angefragt",
                      {"requested_by": "politics"}), pid, "begleitgruppe")
    text = done(client, send(client, web, pid, "begleitgruppe/mitglied",
                             {"name": "Uta Berg", "organisation": "Quartiersverein",
                              "kind": "external"}), pid, "begleitgruppe")
    assert "Uta Berg" in text and "extern" in text
    done(client, send(client, web, pid, "begleitgruppe/fachbereich",
                      {"department": "FB 66 Tiefbau"}), pid, "begleitgruppe")
    case = process.get_process(app_env, pid)
    assert case.begleitgruppe.requested_by == "politics"
    assert ("Uta Berg", "external") in [(m.name, m.kind) for m in case.begleitgruppe.members]
    assert case.project_group == ["FB 66 Tiefbau"]

    done(client, send(client, web, pid, "begleitgruppe/mitglied/entfernen",
                      {"name": "Uta Berg"}), pid, "begleitgruppe")
    assert "Uta Berg" not in [m.name for m in
                              process.get_process(app_env, pid).begleitgruppe.members]


def test_a_refused_member_shows_its_error_and_the_values_and_writes_nothing(client, web,
                                                                           app_env, at):
    pid = at("begleitgruppe")
    before = trail(app_env, pid)
    text = refused(send(client, web, pid, "begleitgruppe/mitglied",
                        {"name": " ", "organisation": "Quartiersverein", "kind": "internal"}),
                   400, "name: must not be empty")
    assert 'value="Quartiersverein"' in text
    refused(send(client, web, pid, "begleitgruppe/angefragt", {"requested_by": "aliens"}),
            400, "requested-by")
    refused(send(client, web, pid, "begleitgruppe/mitglied/entfernen", {"name": "Niemand"}),
            404, "no member named")
    assert trail(app_env, pid) == before


def test_the_concept_form_saves_the_draft_and_publishes_it(client, web, app_env, at):
    pid = at("concept")
    concept = web.journey.complete_concept()
    page = client.get(f"/intern/verfahren/{pid}/konzept")
    assert "Zusammenfassung in Leichter Sprache" in page.text and 'name="goal.id"' in page.text

    text = done(client, send(client, web, pid, "konzept", concept_form(concept)), pid,
                "konzept")
    assert "Der Entwurf wurde gespeichert." in text
    assert process.get_process(app_env, pid).concept_draft == concept

    done(client, send(client, web, pid, "konzept/veroeffentlichen", {"note": ""}), pid,
         "konzept")
    case = process.get_process(app_env, pid)
    assert [v.number for v in case.concept_versions] == [1]
    assert case.concept_versions[0].concept == concept
    version = client.get(f"/intern/verfahren/{pid}/konzept/version/1")
    assert version.status_code == 200 and concept.topic in version.text
    assert "Externe Moderation" in version.text and "ja" in version.text


def test_a_refused_concept_keeps_the_entered_values_and_writes_nothing(client, web, app_env,
                                                                      at):
    pid = at("concept")
    before = trail(app_env, pid)
    data = concept_form(web.journey.complete_concept()) | {"topic": "Mein neues Thema"}
    data["goal.id"] = ["Z1", "Z1", ""]
    text = refused(send(client, web, pid, "konzept", data), 400, "is used twice")
    assert 'value="Mein neues Thema"' in text
    refused(send(client, web, pid, "konzept/veroeffentlichen", {"note": "x"}), 400,
            "has no concept yet")
    assert trail(app_env, pid) == before
    assert process.get_process(app_env, pid).concept_draft is None


def test_the_diff_shows_removed_and_inserted_words_between_two_versions(client, web, app_env,
                                                                       at):
    pid = at("concept")
    concept = web.journey.complete_concept()
    changed = replace(concept, topic="Umgestaltung des Lindener Marktplatzes und Parks")
    for draft, note in ((concept, ""), (changed, "Thema erweitert")):
        done(client, send(client, web, pid, "konzept", concept_form(draft)), pid, "konzept")
        done(client, send(client, web, pid, "konzept/veroeffentlichen", {"note": note}), pid,
             "konzept")
    listing = client.get(f"/intern/verfahren/{pid}/konzept").text
    assert "Thema erweitert" in listing and 'name="von"' in listing

    diff = client.get(f"/intern/verfahren/{pid}/konzept/vergleich?von=1&bis=2")
    assert diff.status_code == 200
    assert ('<del><span class="visually-hidden">[entfernt:</span>Neugestaltung<'
            in diff.text)
    assert ('<ins><span class="visually-hidden">[hinzugefügt:</span>Umgestaltung<'
            in diff.text)
    assert "und Parks" in diff.text and "Thema" in diff.text
    assert "Zielgruppen" not in diff.text  # unchanged fields are left out
    same = client.get(f"/intern/verfahren/{pid}/konzept/vergleich?von=2&bis=2&lang=en")
    assert "The two versions do not differ." in same.text
    assert client.get(f"/intern/verfahren/{pid}/konzept/vergleich?von=1&bis=7"
                      ).status_code == 404


def test_suggestions_are_recorded_and_answered(client, web, app_env, at):
    pid = at("pre_reporting")
    done(client, send(client, web, pid, "anregungen",
                      {"target": "concept", "text": "Mehr Bänke bitte",
                       "author": "Erika Muster"}), pid, "anregungen")
    page = client.get(f"/intern/verfahren/{pid}/anregungen").text
    assert "Mehr Bänke bitte" in page and "Erika Muster" in page and "offen" in page

    before = trail(app_env, pid)
    text = refused(send(client, web, pid, "anregungen/1/antwort",
                        {"answer": "rejected", "justification": ""}), 400, "justification")
    assert '<option value="rejected" selected>' in text
    refused(send(client, web, pid, "anregungen", {"target": "concept", "text": ""}), 400,
            "text: must not be empty")
    refused(send(client, web, pid, "anregungen/9/antwort", {"answer": "accepted"}), 404,
            "no suggestion number 9")
    assert trail(app_env, pid) == before

    done(client, send(client, web, pid, "anregungen/1/antwort",
                      {"answer": "rejected", "justification": "Kein Platz"}), pid,
         "anregungen")
    item = process.get_process(app_env, pid).suggestion(1)
    assert (item.answer, item.justification) == ("rejected", "Kein Platz")
    assert "Alle Anregungen sind beantwortet." in client.get(
        f"/intern/verfahren/{pid}/anregungen").text


def test_reports_activities_and_interim_results(client, web, app_env, at):
    pid = at("pre_reporting")
    done(client, send(client, web, pid, "ergebnisse/bericht",
                      {"kind": "pre", "text": "So beteiligen Sie sich"}), pid, "ergebnisse")
    assert process.get_process(app_env, pid).pre_report.text == "So beteiligen Sie sich"

    at("dialogue", pid)
    before = trail(app_env, pid)
    refused(send(client, web, pid, "ergebnisse/aktivitaet",
                 {"format": "Werkstatt", "mode": "on_site", "on": "31.02.", "place": "Ihme"}),
            400, "is not a date")
    assert trail(app_env, pid) == before
    done(client, send(client, web, pid, "ergebnisse/aktivitaet",
                      {"format": "Werkstatt", "mode": "online", "on": "2026-04-01",
                       "place": "Videokonferenz"}), pid, "ergebnisse")
    activity = process.get_process(app_env, pid).activities[-1]
    assert (activity.format, activity.mode, activity.on) == ("Werkstatt", "online",
                                                             date(2026, 4, 1))

    at("interim_results", pid)
    done(client, send(client, web, pid, "ergebnisse/zwischenergebnisse",
                      {"summary": "Bänke und Bäume", "comment_deadline": "2027-01-15T18:00",
                       "decision_when": "Februar 2027", "decision_where": "Rathaus",
                       "decision_by": "Stadtbezirksrat"}), pid, "ergebnisse")
    results = process.get_process(app_env, pid).current_interim_results()
    assert results.summary == "Bänke und Bäume"
    assert results.comment_deadline == datetime(2027, 1, 15, 17, 0, tzinfo=UTC)


def test_the_post_report_and_the_decision(client, web, app_env, at):
    pid = at("decision")
    today = app_env.clock().date().isoformat()
    before = trail(app_env, pid)
    text = refused(send(client, web, pid, "entscheidung",
                        {"decided_by": "Stadtbezirksrat Linden-Limmer",
                         "decided_on": "2099-10-01", "summary": "Zu früh erfasst",
                         "follows_results": "true",
                         "implementation_responsible": "FB 61.3"}), 400, "Zukunft")
    assert "Zu früh erfasst" in text
    text = refused(send(client, web, pid, "entscheidung",
                        {"decided_by": "Stadtbezirksrat Linden-Limmer",
                         "decided_on": today, "summary": "Anders als empfohlen",
                         "implementation_responsible": "FB 61.3"}), 400, "justification")
    assert "Anders als empfohlen" in text
    assert 'name="follows_results" value="true">' in text  # unticked, as sent
    assert trail(app_env, pid) == before

    done(client, send(client, web, pid, "entscheidung",
                      {"decided_by": "Stadtbezirksrat Linden-Limmer",
                       "decided_on": today, "summary": "Anders als empfohlen",
                       "justification": "Kosten", "implementation_responsible": "FB 61.3"}),
         pid, "entscheidung")
    done(client, send(client, web, pid, "entscheidung/veroeffentlichen"), pid, "entscheidung")
    done(client, send(client, web, pid, "ergebnisse/bericht",
                      {"kind": "post", "text": "Das wurde entschieden"}), pid, "ergebnisse")
    case = process.get_process(app_env, pid)
    assert case.decision.follows_results is False and case.decision.justification == "Kosten"
    assert case.decision.published_at is not None
    assert case.post_report.text == "Das wurde entschieden"


def test_the_evaluation_rates_goals_and_records_lessons(client, web, app_env, at):
    pid = at("evaluation")
    page = client.get(f"/intern/verfahren/{pid}/entscheidung").text
    assert "Ziel Z1" in page and "Ziel Z2" in page
    before = trail(app_env, pid)
    refused(send(client, web, pid, "entscheidung/ziel",
                 {"goal": "Z1", "rating": "partly", "evidence": ""}), 400, "evidence")
    refused(send(client, web, pid, "entscheidung/ziel",
                 {"goal": "Z9", "rating": "met", "evidence": "x"}), 404, "Z9")
    assert trail(app_env, pid) == before
    done(client, send(client, web, pid, "entscheidung/ziel",
                      {"goal": "Z1", "rating": "partly", "evidence": "210 Beiträge"}), pid,
         "entscheidung")
    done(client, send(client, web, pid, "entscheidung/erkenntnisse",
                      {"lessons": "Früher online starten"}), pid, "entscheidung")
    case = process.get_process(app_env, pid)
    assert (case.evaluation.goals["Z1"].rating, case.evaluation.goals["Z1"].evidence) == (
        "partly", "210 Beiträge")
    assert case.evaluation.lessons_learned == "Früher online starten"


def test_a_lead_of_another_process_may_neither_see_nor_change_it(client, web, app_env, at):
    at("initiated")
    theirs = web.journey.new_process(app_env, actor=web.COORDINATOR, lead=OTHER,
                                     deputy=THIRD, title="Bernds Verfahren").id
    before = trail(app_env, theirs)
    for page in PAGES:
        answer = client.get(f"/intern/verfahren/{theirs}/{page}")
        assert answer.status_code == 403, page
        assert "Bernds Verfahren" not in answer.text
    for path in POSTS:
        assert send(client, web, theirs, path, {"name": "x", "text": "y"}).status_code == 403, \
            path
    assert trail(app_env, theirs) == before


def test_every_form_needs_its_csrf_token(client, web, app_env, at):
    pid = at("begleitgruppe")
    before = trail(app_env, pid)
    for path in POSTS:
        answer = client.post(f"/intern/verfahren/{pid}/{path}",
                             data={"requested_by": "department", "csrf": "forged"},
                             follow_redirects=False)
        assert answer.status_code == 403, path
    assert trail(app_env, pid) == before


def test_the_pages_need_a_sign_in(client, web, app_env):
    pid = web.journey.new_process(app_env).id
    answer = client.get(f"/intern/verfahren/{pid}/konzept", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/anmelden")


def test_user_text_is_escaped_and_english_is_offered(client, web, app_env, at):
    pid = at("begleitgruppe")
    done(client, send(client, web, pid, "begleitgruppe/mitglied",
                      {"name": "<script>alert(1)</script>", "organisation": "<b>Verein</b>",
                       "kind": "internal"}), pid, "begleitgruppe")
    page = client.get(f"/intern/verfahren/{pid}/begleitgruppe?lang=en").text
    assert "<script>alert(1)</script>" not in page and "<b>Verein</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Members" in page and "Back to the process page" in page


class Controls(HTMLParser):
    """The ids of a page, its form controls' ids and its labels' targets."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.controls: list[str] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.controls.append(attrs.get("id", "<no id>"))
        if tag == "label":
            self.labelled.add(attrs.get("for", ""))


def test_every_control_has_a_label_and_every_id_is_unique(client, web, app_env, at):
    pid = at("pre_reporting")
    for text in ("Mehr Bäume", "Mehr Bänke"):
        content.add_suggestion(app_env, web.COORDINATOR, pid, "concept", text)
    for phase in ("pre_reporting", "evaluation"):
        at(phase, pid)
        for page in PAGES[:5]:
            parsed = Controls()
            parsed.feed(client.get(f"/intern/verfahren/{pid}/{page}").text)
            assert parsed.controls, page
            assert len(parsed.ids) == len(set(parsed.ids)), page
            assert set(parsed.controls) <= parsed.labelled, (
                page, set(parsed.controls) - parsed.labelled)


def public_text(client, pid: int) -> str:
    """Every public route about the process, as one text (signed out)."""
    client.cookies.clear()
    answers = [client.get(url) for url in ("/", "/?lang=en", f"/vorhaben/{pid}",
                                           "/api/v1/public/processes")]
    assert all(a.status_code == 200 for a in answers), [a.status_code for a in answers]
    return "\n".join(a.text for a in answers)


def test_a_members_address_is_stored_shown_to_staff_and_never_public(client, web, app_env,
                                                                     at, clock):
    pid = at("begleitgruppe")
    form = client.get(f"/intern/verfahren/{pid}/begleitgruppe")
    assert 'type="email" id="email" name="email"' in form.text
    assert "E-Mail-Adresse (optional)" in form.text and "nie veröffentlicht" in form.text
    english = client.get(f"/intern/verfahren/{pid}/begleitgruppe?lang=en").text
    assert "E-mail address (optional)" in english and "never published" in english
    text = done(client, send(client, web, pid, "begleitgruppe/mitglied",
                             {"name": "Uta Berg", "organisation": "Quartiersverein",
                              "kind": "external", "email": " Uta.Berg@Example.org "}),
                pid, "begleitgruppe")
    assert "Uta.Berg@Example.org" in text  # staff see it
    [member] = [m for m in process.get_process(app_env, pid).begleitgruppe.members
                if m.name == "Uta Berg"]
    assert (member.email, set(member.refs)) == ("Uta.Berg@Example.org", {"name", "email"})
    web.journey.advance_to(app_env, pid, "pre_reporting", clock)  # a public page now
    shown = public_text(client, pid)
    assert "Lindener Marktplatz" in shown
    assert "uta.berg" not in shown.lower() and "Uta Berg" not in shown

    privacy_requests.erase(app_env, web.journey.COORDINATOR, "uta.berg@example.org", "Antrag")
    web.sign_in(client, LEAD)
    page = client.get(f"/intern/verfahren/{pid}/begleitgruppe?lang=de").text
    assert "Uta" not in page and page.count("<em>gelöscht</em>") == 2
    assert "Quartiersverein" in page
    english = client.get(f"/intern/verfahren/{pid}/begleitgruppe?lang=en").text
    assert "Uta" not in english and english.count("<em>erased</em>") == 2


def test_a_malformed_member_address_is_refused_on_the_form_and_writes_nothing(client, web,
                                                                             app_env, at):
    pid = at("begleitgruppe")
    before = trail(app_env, pid)
    text = refused(send(client, web, pid, "begleitgruppe/mitglied",
                        {"name": "Uta Berg", "organisation": "Quartiersverein",
                         "kind": "external", "email": "uta(at)berg"}),
                   400, "email: &#39;uta(at)berg&#39; ist keine E-Mail-Adresse")
    assert 'value="uta(at)berg"' in text and 'value="Quartiersverein"' in text
    assert trail(app_env, pid) == before
