"""Drive a process along its lifecycle with valid data, through the use cases only.

``fill_phase`` enters whatever the next step of the main path still lacks (it reads the unmet
conditions and fixes each one), ``progress`` then takes that step. Both act as the coordinator,
who may change every process. Loaded by ``tests/workflow/conftest.py``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from beteiligung.config.settings import HERE
from beteiligung.states.case import Case, Concept, Decision, Member, Person
from beteiligung.states.guards import GuardContext
from beteiligung.workflow import content, outcome, process
from beteiligung.workflow.concept_file import parse_concept
from beteiligung.workflow.core import Env

LEAD = Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")
DEPUTY = Person("Jonas Weber", "jonas.weber@hannover-stadt.de")
COORDINATOR = "koordination@hannover-stadt.de"
STRANGER = "mallory@example.org"
EXAMPLE_CONCEPT = HERE / "example_concept.toml"
BERLIN = ZoneInfo("Europe/Berlin")

MAIN_TRIGGER = {
    "initiated": "set_up_begleitgruppe",
    "begleitgruppe": "draft_concept",
    "concept": "start_pre_reporting",
    "pre_reporting": "open_dialogue",
    "dialogue": "present_interim_results",
    "interim_results": "go_to_decision",
    "decision": "start_evaluation",
    "evaluation": "close",
    "on_hold": "resume",
}
ORDER = ["initiated", "begleitgruppe", "concept", "pre_reporting", "dialogue",
         "interim_results", "decision", "evaluation", "closed"]


def complete_concept() -> Concept:
    """The example concept shipped in config/: complete by R4-R7 and R15."""
    return parse_concept(EXAMPLE_CONCEPT.read_text(encoding="utf-8"), str(EXAMPLE_CONCEPT))


def new_process(env: Env, actor: str = LEAD.email, **changes: Any) -> Case:
    """A process with lead, deputy and department: ready for ``set_up_begleitgruppe``."""
    data = process.ProcessInput(**({"title": "Lindener Marktplatz", "subject": "Umgestaltung",
                                    "department": "FB 61 Stadtplanung",
                                    "directorate": "Dezernat VI",
                                    "districts": ("Linden-Limmer",), "lead": LEAD,
                                    "deputy": DEPUTY} | changes))
    return process.create_process(env, actor, data)


def current(env: Env, pid: int) -> Case:
    """The stored case."""
    case, _ = process.show_process(env, pid)
    return case


def fill_phase(env: Env, pid: int, clock: Any, actor: str = COORDINATOR) -> Case:
    """Enter everything that the main step out of the current phase still lacks."""
    for _ in range(30):
        case = current(env, pid)
        trigger = MAIN_TRIGGER.get(case.phase)
        if trigger is None:
            return case
        verdict = env.lifecycle.check(case, trigger, GuardContext(env.clock()))
        if verdict.allowed:
            return case
        _fix(env, pid, clock, actor, case, verdict.unmet[0].code)
    raise AssertionError(f"could not fill phase {current(env, pid).phase}")


def progress(env: Env, pid: int, clock: Any, actor: str = COORDINATOR) -> Case:
    """Fill the current phase and take the main step out of it."""
    case = fill_phase(env, pid, clock, actor)
    trigger = MAIN_TRIGGER.get(case.phase)
    if trigger is None:
        return case
    return process.advance(env, actor, pid, trigger)


def advance_to(env: Env, pid: int, phase: str, clock: Any, actor: str = COORDINATOR) -> Case:
    """Walk the main path until the process is in ``phase``."""
    case = current(env, pid)
    while case.phase != phase:
        assert ORDER.index(case.phase) < ORDER.index(phase), (case.phase, phase)
        case = progress(env, pid, clock, actor)
    return case


def _fix(env: Env, pid: int, clock: Any, actor: str, case: Case, code: str) -> None:
    if code in ("lead_missing", "deputy_missing", "department_missing"):
        process.edit_process(env, actor, pid, {"lead": case.lead or LEAD,
                                               "deputy": case.deputy or DEPUTY,
                                               "department": case.department.strip()
                                               or "FB 61"})
    elif code == "begleitgruppe_requester_missing":
        content.set_begleitgruppe_requester(env, actor, pid, "department")
    elif code in ("begleitgruppe_no_members", "begleitgruppe_no_internal"):
        names = {m.name for m in case.begleitgruppe.members}
        name = next(f"Eva Stein {n}" for n in range(1, 100) if f"Eva Stein {n}" not in names)
        content.add_member(env, actor, pid, Member(name, "FB 61", "internal"))
    elif code in ("concept_missing", "concept_section_missing", "concept_no_goals",
                  "goal_incomplete"):
        concept = complete_concept()
        latest = case.published_concept
        if latest and latest.concept == concept and (latest.lead, latest.deputy) == (
                case.lead, case.deputy):
            content.load_concept(env, actor, pid, concept)
        else:
            content.load_concept(env, actor, pid, concept, "Vollständiges Konzept geladen")
    elif code in ("concept_not_published", "concept_unpublished_changes",
                  "concept_contacts_missing"):
        content.publish_concept(env, actor, pid, "Aktualisiert")
    elif code == "suggestions_unanswered":
        for item in case.suggestions:
            if item.answer is None:
                content.answer_suggestion(env, actor, pid, item.number, "accepted")
    elif code == "pre_report_missing":
        outcome.publish_report(env, actor, pid, "pre", "Vorbericht: so läuft die Beteiligung")
    elif code == "activities_missing":
        outcome.add_activity(env, actor, pid, "Planungswerkstatt", "on_site",
                             env.clock().date(), "Freizeitheim Linden")
    elif code == "interim_results_missing":
        outcome.publish_interim_results(env, actor, pid, "Zwischenergebnisse",
                                        env.clock() + timedelta(days=14), "Herbst 2026",
                                        "Freizeitheim Linden", "Stadtbezirksrat")
    elif code in ("comment_deadline_open", "concept_comment_period_open"):
        _wait_until(env, clock, case.current_interim_results().comment_deadline
                    if code == "comment_deadline_open" else case.concept_comments_until)
    elif code == "activities_not_yet_held":
        first = min(a.on for a in case.activities if a.round == case.dialogue_round)
        _wait_until(env, clock, datetime.combine(first, time(12), tzinfo=BERLIN))
    elif code in ("decision_missing", "decision_maker_not_named", "deviation_unjustified",
                  "implementation_unassigned", "decision_in_future",
                  "decision_before_interim_results"):
        maker = case.published_concept.concept.decision_makers[0]
        outcome.record_decision(env, actor, pid, Decision(
            maker, env.clock().astimezone(BERLIN).date(), "Umgestaltung wie vorgeschlagen",
            True, "", "FB 61.3"))
    elif code == "decision_unpublished":
        outcome.publish_decision(env, actor, pid)
    elif code == "post_report_missing":
        outcome.publish_report(env, actor, pid, "post", "Nachbericht: das wurde entschieden")
    elif code == "goal_not_evaluated":
        for goal in case.published_concept.concept.goals:
            if goal.id not in case.evaluation.goals:
                outcome.rate_goal(env, actor, pid, goal.id, "met", "Zählung der Beiträge")
    else:
        raise AssertionError(f"journey does not know how to fix {code!r}")


def _wait_until(env: Env, clock: Any, moment: datetime) -> None:
    """Move the test's clock a minute past ``moment`` (a period that must end first)."""
    clock.advance(seconds=(moment - env.clock()).total_seconds() + 60)
