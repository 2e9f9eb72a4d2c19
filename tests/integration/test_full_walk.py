"""A whole participation process on the real database, through the use cases only: every
phase from 'initiated' to 'closed' (with two dialogue rounds and a pause), refusals along the
way, and at the end a history with one event per change and an intact audit chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from beteiligung.config.settings import HERE
from beteiligung.states.case import Case, Decision, Member
from beteiligung.states.errors import BadInput, NotPermitted, TransitionRefused
from beteiligung.workflow import content, outcome, process
from beteiligung.workflow.concept_file import parse_concept

CONCEPT = (HERE / "example_concept.toml").read_text(encoding="utf-8")
OUTSIDER = "mallory@example.org"


@dataclass
class Walk:
    """Runs use cases one hour apart and writes down the event each one must leave."""

    env: object
    clock: object
    pid: int = 0
    expected: list[tuple[str, datetime]] = field(default_factory=list)
    steps: list[tuple[str, str]] = field(default_factory=list)
    saves: int = 0
    last: Case | None = None

    def do(self, action: str, call, *args, **kwargs) -> Case:
        self.clock.advance(hours=1)
        before = self.last.phase if self.last else None
        self.last = call(self.env, *args, **kwargs)
        self.expected.append((action, self.clock()))
        self.saves += 1
        if action == "transition":
            self.steps.append((before, self.last.phase))
        return self.last

    def content(self, action: str, call, *args, **kwargs) -> Case:
        return self.do(action, call, self.actor(), self.pid, *args, **kwargs)

    def advance(self, trigger: str, reason: str = "", actor: str | None = None) -> Case:
        return self.do("transition", process.advance, actor or self.actor(), self.pid,
                       trigger, reason)

    def refused(self, trigger: str, error=TransitionRefused, reason: str = "") -> list[str]:
        """A step that must be refused; the refusal is audited but changes nothing."""
        self.clock.advance(hours=1)
        with pytest.raises(error) as refusal:
            process.advance(self.env, self.actor(), self.pid, trigger, reason)
        self.expected.append(("transition_refused", self.clock()))
        return [u.code for u in refusal.value.unmet]

    @staticmethod
    def actor() -> str:
        return "anna.lehmann@hannover-stadt.de"


def test_a_process_walks_every_phase_to_closed(env, clock, kit):
    walk = Walk(env, clock)
    lead = walk.actor()
    created = walk.do("process_created", process.create_process, lead, process.ProcessInput(
        "Neugestaltung des Lindener Marktplatzes", "Umgestaltung von Platz und Grün",
        "Umwelt und Stadtgrün (67)", "Dezernat V", ("Linden-Limmer",),
        "district_council_motion", kit.LEAD, kit.DEPUTY))
    walk.pid = pid = created.id
    assert created.phase == "initiated"

    # initiated -> begleitgruppe; an outsider is turned away (and that is audited)
    clock.advance(hours=1)
    with pytest.raises(NotPermitted):
        process.advance(env, OUTSIDER, pid, "set_up_begleitgruppe")
    walk.expected.append(("permission_refused", clock()))
    walk.advance("set_up_begleitgruppe", actor=kit.DEPUTY.email)

    # begleitgruppe -> concept, refused first with every unmet rule
    assert walk.refused("draft_concept") == ["begleitgruppe_requester_missing",
                                             "begleitgruppe_no_members"]
    walk.content("begleitgruppe_requester_set", content.set_begleitgruppe_requester,
                 "politics")
    walk.content("begleitgruppe_member_added", content.add_member,
                 Member("Klaus Becker", "Marktbeschicker e.V.", "external"))
    assert walk.refused("draft_concept") == ["begleitgruppe_no_internal"]
    walk.content("begleitgruppe_member_added", content.add_member,
                 Member("Dr. Petra Nowak", "Stadtplanung (61)"))
    walk.content("project_group_department_added", content.add_project_department,
                 "Stadtplanung (61)")
    walk.advance("draft_concept")

    # concept -> pre_reporting: publish, take suggestions, answer them, publish again
    walk.content("concept_loaded", content.load_concept, parse_concept(CONCEPT))
    walk.content("concept_published", content.publish_concept, "")
    walk.content("suggestion_received", content.add_suggestion, "concept",
                 "Bitte auch Jugendliche gezielt einladen.", "Jugendzentrum Linden")
    walk.content("suggestion_received", content.add_suggestion, "concept",
                 "Der Wochenmarkt soll verlegt werden.")
    assert walk.refused("start_pre_reporting") == ["concept_comment_period_open",
                                                   "suggestions_unanswered"]
    walk.content("suggestion_answered", content.answer_suggestion, 1, "accepted")
    walk.content("suggestion_answered", content.answer_suggestion, 2, "rejected",
                 "Der Wochenmarkt ist nicht Gegenstand der Beteiligung.")
    revised = parse_concept(CONCEPT)
    revised.stakeholders.target_groups.append("Jugendliche")
    walk.content("concept_loaded", content.load_concept, revised)
    assert walk.refused("start_pre_reporting") == ["concept_unpublished_changes",
                                                   "concept_comment_period_open"]
    walk.content("concept_published", content.publish_concept, "Jugendliche ergänzt")
    # the public comment period runs 28 days from the first publication, a second version
    # does not extend it; only after it may the process go on
    assert walk.last.concept_comments_until.date() == (
        walk.last.concept_versions[0].published_at + timedelta(days=28)).date()
    clock.advance(days=28)
    walk.advance("start_pre_reporting")

    # pre_reporting -> dialogue, with a pause in between that does not reset the phase's clock
    walk.content("pre_report_published", outcome.publish_report, "pre",
                 "Ankündigung in der Stadtteilzeitung: Auftakt am 14. März.")
    assert walk.refused("hold") == ["reason_missing"]
    entered = walk.last.phase_entered_at
    held = walk.advance("hold", "Haushaltssperre bis zum Nachtrag")
    assert (held.phase, held.paused_phase) == ("on_hold", "pre_reporting")
    clock.advance(days=10)
    resumed = walk.advance("resume")
    assert (resumed.phase, resumed.paused_phase) == ("pre_reporting", None)
    assert resumed.phase_entered_at == entered + (clock() - held.phase_entered_at)
    walk.advance("open_dialogue")

    # two dialogue rounds, each with activities and interim results
    for round_ in (1, 2):
        assert walk.last.dialogue_round == round_
        day = (clock() + timedelta(days=3)).date()
        walk.content("dialogue_activity_recorded", outcome.add_activity, "Werkstatt",
                     "on_site", day, "Freizeitheim Linden")
        walk.content("dialogue_activity_recorded", outcome.add_activity, "Online-Dialog",
                     "online", day + timedelta(days=1), "hannover.de/beteiligung")
        # an activity still ahead has not taken place: it does not count yet
        assert walk.refused("present_interim_results") == ["activities_not_yet_held"]
        clock.advance(days=4)
        walk.advance("present_interim_results")
        walk.content("interim_results_published", outcome.publish_interim_results,
                     f"Ergebnisse der Runde {round_}", clock() + timedelta(days=21),
                     "Herbst 2026", "Freizeitheim Linden", "Stadtbezirksrat Linden-Limmer")
        if round_ == 1:
            assert walk.refused("start_another_round") == ["comment_deadline_open"]
            clock.advance(days=22)
            walk.advance("start_another_round")
    walk.content("suggestion_received", content.add_suggestion, "interim_results",
                 "Bitte Trinkbrunnen vorsehen.", "Seniorentreff")
    assert walk.refused("go_to_decision") == ["comment_deadline_open",
                                              "suggestions_unanswered"]
    walk.content("suggestion_answered", content.answer_suggestion, 3, "partly_accepted")
    clock.advance(days=22)
    walk.advance("go_to_decision")

    # decision -> evaluation -> closed
    clock.advance(days=30)
    walk.content("decision_recorded", outcome.record_decision, Decision(
        "Stadtbezirksrat Linden-Limmer", (clock() - timedelta(days=2)).date(),
        "Entwurf B mit Wasserspiel", False,
        "Die Folgekosten übersteigen den Unterhaltungshaushalt.",
        "Fachbereich Umwelt und Stadtgrün, 67.3"))
    assert walk.refused("start_evaluation") == ["decision_unpublished", "post_report_missing"]
    walk.content("decision_published", outcome.publish_decision)
    walk.content("post_report_published", outcome.publish_report, "post",
                 "Bericht über Entscheidung, Begründung und nächste Schritte.")
    walk.advance("start_evaluation")
    walk.content("goal_evaluated", outcome.rate_goal, "Z1", "met", "412 Beiträge")
    assert walk.refused("close") == ["goal_not_evaluated"]
    walk.content("goal_evaluated", outcome.rate_goal, "Z2", "partly", "18 Prozent")
    walk.content("lessons_recorded", outcome.record_lessons, "Kinder früher ansprechen.")
    closed = walk.advance("close")
    assert closed.phase == "closed" and closed.phase_entered_at == clock()

    # closed is the end: nothing moves it, and a data change is refused without an event
    assert walk.refused("hold", reason="zu spät") == []
    with pytest.raises(BadInput):
        outcome.publish_report(env, lead, pid, "post", "Noch ein Bericht")

    # the phases: every one but 'cancelled', in the order of the definition's main path
    assert walk.steps == [
        ("initiated", "begleitgruppe"), ("begleitgruppe", "concept"),
        ("concept", "pre_reporting"), ("pre_reporting", "on_hold"),
        ("on_hold", "pre_reporting"), ("pre_reporting", "dialogue"),
        ("dialogue", "interim_results"), ("interim_results", "dialogue"),
        ("dialogue", "interim_results"), ("interim_results", "decision"),
        ("decision", "evaluation"), ("evaluation", "closed")]
    visited = {p for step in walk.steps for p in step}
    assert visited == set(env.lifecycle.definition.phases) - {"cancelled"}

    # the history: one event per change and per refusal, in order, at the clock's times
    trail = process.history(env, pid)
    assert [(e.action, e.at) for e in trail] == walk.expected
    assert [e.seq for e in trail] == list(range(1, len(walk.expected) + 1))
    moves = [(e.from_phase, e.to_phase) for e in trail if e.action == "transition"]
    assert moves == walk.steps
    rounds = [e.payload.get("round") for e in trail if e.action == "transition"]
    assert rounds.count(2) == 1 and [r for r in rounds if r] == [2]
    assert [e.reason for e in trail if e.action == "transition" and e.reason] == [
        "Haushaltssperre bis zum Nachtrag"]
    assert trail[2].actor == kit.DEPUTY.email and trail[1].actor == OUTSIDER

    # the stored process is exactly the one the use cases returned; versions count the saves
    stored, options = process.show_process(env, pid)
    assert stored == walk.last
    assert stored.version == walk.saves
    assert options == []
    assert [s.id for s in process.list_processes(env, phase="closed")] == [pid]
    assert [v.number for v in stored.concept_versions] == [1, 2]
    assert stored.dialogue_round == 2 and len(stored.interim_results) == 2

    checked, breaks = process.verify_audit(env)
    assert (checked, breaks) == (len(walk.expected), [])


def test_a_cancelled_process_keeps_its_reason(env, clock, kit):
    walk = Walk(env, clock)
    walk.pid = pid = kit.new_process(env)
    walk.expected.append(("process_created", clock()))
    walk.advance("set_up_begleitgruppe")
    assert walk.refused("cancel") == ["reason_missing"]
    cancelled = walk.advance("cancel", "Der Stadtbezirksrat hat den Antrag zurückgezogen.")

    assert cancelled.phase == "cancelled"
    stored, options = process.show_process(env, pid)
    assert stored.cancel_reason == "Der Stadtbezirksrat hat den Antrag zurückgezogen."
    assert options == []
    trail = process.history(env, pid)
    assert [e.action for e in trail] == [a for a, _ in walk.expected]
    assert (trail[-1].from_phase, trail[-1].to_phase, trail[-1].reason) == (
        "begleitgruppe", "cancelled", stored.cancel_reason)
    assert process.verify_audit(env) == (4, [])
