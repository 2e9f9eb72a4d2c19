"""Route by route, phase by phase: nothing unpublished reaches a public route.

One process is driven through every phase (through the use cases and the public form). Unique
markers are planted in every place that is not (yet) published: the concept draft before it is
published and a changed draft after a publish, suggestion authors' addresses, unanswered
suggestions, the recorded but unpublished decision, the evaluation before the close, lead and
deputy addresses, the deputy's name, the directorate, a Begleitgruppe member and its contact
address, a hold reason (kept only in the audit trail) and a deadline. After every step every
public route is fetched (list, process page, JSON; with and without filters and language) and
none may show a hidden marker or any '@'. The idea is that of
``tests/integration/test_public_export.py``, over HTTP.

Dialogue activities are published facts (residents need date, place, format and
accessibility to come), so their markers are never hidden: the test checks instead that
they appear on the page and in the JSON from the moment they are recorded, and the hidden
markers stay hidden beside them.
"""

from __future__ import annotations

from datetime import timedelta

from beteiligung.states.case import Decision, Member, Person
from beteiligung.workflow import content, deadlines, outcome, process

LEAD = Person("Anna Lehmann", "mk-leadmail@hannover-stadt.de")
DEPUTY = Person("MK-deputyname", "mk-deputymail@hannover-stadt.de")
HIDDEN_ALWAYS = {"mk-leadmail", "mk-deputymail", "MK-deputyname", "MK-directorate",
                 "MK-member", "mk-contactmail", "MK-hold-reason", "MK-deadline",
                 "mk-public-author", "MK-author"}


class Watch:
    """The markers hidden so far; ``check`` fetches every public route and looks."""

    def __init__(self, client, env, pid: int) -> None:
        self.client, self.env, self.pid = client, env, pid
        self.hidden = set(HIDDEN_ALWAYS)
        self.steps: list[tuple[str, str]] = []

    def hide(self, *markers: str) -> None:
        self.hidden |= set(markers)

    def reveal(self, *markers: str) -> None:
        assert set(markers) <= self.hidden
        self.hidden -= set(markers)

    def urls(self, phase: str) -> list[str]:
        chosen = f"district=Linden-Limmer&department=FB%2061%20Stadtplanung&phase={phase}"
        page = f"/vorhaben/{self.pid}"
        return ["/", "/?lang=en", f"/?{chosen}", f"/?{chosen}&lang=en", "/?phase=closed",
                page, f"{page}?lang=en", f"{page}?lang=de",
                "/api/v1/public/processes", "/api/v1/public/processes?lang=en",
                f"/api/v1/public/processes?{chosen}", f"/api/v1/public/processes?{chosen}&lang=en"]

    def check(self, step: str, has_page: bool = True) -> None:
        phase = process.get_process(self.env, self.pid).phase
        self.steps.append((step, phase))
        self.client.cookies.clear()
        for url in self.urls(phase):
            answer = self.client.get(url)
            expected = 404 if url.startswith("/vorhaben/") and not has_page else 200
            assert answer.status_code == expected, (step, url, answer.status_code)
            text = answer.text.lower()
            assert "@" not in text, (step, url)
            leaked = sorted(m for m in self.hidden if m.lower() in text)
            assert leaked == [], (step, url, leaked)
            if "/vorhaben/" not in url and "phase=closed" not in url:
                assert "mk-title" in text, (step, url)  # the list does show the process


def test_no_public_route_shows_anything_unpublished_in_any_phase(client, web, app_env, clock):
    j, me = web.journey, web.journey.COORDINATOR
    pid = j.new_process(app_env, me, title="Vorhaben MK-title", directorate="MK-directorate",
                        lead=LEAD, deputy=DEPUTY).id
    w = Watch(client, app_env, pid)
    w.check("created", has_page=False)
    deadlines.add_deadline(app_env, me, pid, "Frist MK-deadline", clock() + timedelta(days=9))
    w.check("deadline", has_page=False)
    process.advance(app_env, me, pid, "set_up_begleitgruppe")
    content.add_member(app_env, me, pid, Member("MK-member", "Stadtteilrunde", "external",
                                                "mk-contactmail@example.org"))
    w.check("begleitgruppe", has_page=False)
    j.advance_to(app_env, pid, "concept", clock)

    draft = j.complete_concept()
    draft.summary += " MK-draft-one"
    content.load_concept(app_env, me, pid, draft)
    w.hide("MK-draft-one")
    w.check("draft loaded", has_page=False)
    content.publish_concept(app_env, me, pid)
    w.reveal("MK-draft-one")
    w.check("concept published")

    answer = web.post(client, f"/vorhaben/{pid}/anregung",
                      {"text": "MK-public-text", "email": "mk-public-author@example.org"})
    assert answer.status_code == 200 and f"B-{pid}-1" in answer.text
    w.hide("MK-public-text")
    w.check("public suggestion")
    content.add_suggestion(app_env, me, pid, "concept", "MK-unanswered", "MK-author")
    w.hide("MK-unanswered")
    w.check("staff suggestion")
    process.advance(app_env, me, pid, "hold", "Haushaltssperre MK-hold-reason")
    w.check("on hold")
    process.advance(app_env, me, pid, "resume")
    w.check("resumed")

    changed = j.complete_concept()
    changed.summary += " MK-draft-two"
    content.load_concept(app_env, me, pid, changed)
    w.hide("MK-draft-two")
    w.check("changed draft, not published")
    content.answer_suggestion(app_env, me, pid, 1, "accepted")
    w.reveal("MK-public-text")
    w.check("public suggestion answered")
    content.publish_concept(app_env, me, pid, "Zusammenfassung ergänzt")
    w.reveal("MK-draft-two")
    w.check("version 2")
    content.answer_suggestion(app_env, me, pid, 2, "rejected", "schon geplant")
    w.reveal("MK-unanswered")
    w.check("staff suggestion answered")

    for phase in ("pre_reporting", "dialogue"):
        j.advance_to(app_env, pid, phase, clock)
        w.check(phase)
    outcome.add_activity(app_env, me, pid, "Werkstatt", "on_site", clock().date(),
                         "Freizeitheim MK-activity-place", "Rampe MK-activity-access")
    w.check("activity recorded")
    for url in (f"/vorhaben/{pid}", "/api/v1/public/processes?district=Linden-Limmer"):
        shown = client.get(url).text
        assert "MK-activity-place" in shown and "MK-activity-access" in shown, url
    j.advance_to(app_env, pid, "interim_results", clock)
    w.check("interim_results")
    outcome.publish_interim_results(app_env, me, pid, "Ergebnis", clock() + timedelta(days=14),
                                    "Herbst 2026", "Freizeitheim Linden", "Stadtbezirksrat")
    w.check("interim results open")
    content.add_suggestion(app_env, me, pid, "interim_results", "MK-on-results", "MK-author")
    w.hide("MK-on-results")
    w.check("suggestion on the results")
    content.answer_suggestion(app_env, me, pid, 3, "partly_accepted")
    w.reveal("MK-on-results")
    w.check("suggestion on the results answered")

    j.advance_to(app_env, pid, "decision", clock)
    w.check("decision phase")
    maker = process.get_process(app_env, pid).published_concept.concept.decision_makers[0]
    outcome.record_decision(app_env, me, pid, Decision(
        maker, clock().date(), "MK-decision", True, "", "FB 61.3"))
    w.hide("MK-decision")
    w.check("decision recorded")
    outcome.publish_decision(app_env, me, pid)
    w.reveal("MK-decision")
    w.check("decision published")

    j.advance_to(app_env, pid, "evaluation", clock)
    for goal in process.get_process(app_env, pid).published_concept.concept.goals:
        outcome.rate_goal(app_env, me, pid, goal.id, "met", f"MK-evidence-{goal.id}")
        w.hide(f"MK-evidence-{goal.id}")
    w.check("goals rated")
    j.advance_to(app_env, pid, "closed", clock)
    w.reveal(*{m for m in w.hidden if m.startswith("MK-evidence-")})
    w.check("closed")

    final = client.get(f"/vorhaben/{pid}").text
    for shown in ("MK-public-text", "MK-unanswered", "MK-on-results", "MK-draft-two",
                  "MK-decision", "MK-evidence-"):
        assert shown in final
    phases = {phase for _, phase in w.steps}
    assert phases == set(app_env.lifecycle.definition.phases) - {"cancelled"}
    assert w.hidden == HIDDEN_ALWAYS
