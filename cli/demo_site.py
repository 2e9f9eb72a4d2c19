"""``beteiligung serve --demo``: a living system for a first look in the browser.

It builds a SQLite database in a folder of its own: the process of ``beteiligung demo`` (told
quietly, from the motion to the closed evaluation, with its stalled neighbour), and four more
processes brought up to today, so that the public pages show open comment periods and the
coordinators' pages something to find. Two demo accounts, with a password printed on the
console, let a newcomer sign in as process lead and as coordinator. Mail goes to files in the
folder. Nothing here is used without ``--demo``.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..config.bootstrap import build_env, system_clock
from ..config.settings import Settings
from ..states.case import Member, Person
from ..workflow import accounts, content, outcome, process
from . import demo
from .demo_texts import concept_for

PASSWORD = "beteiligung-demo"
COORDINATOR = demo.COORDINATOR
LEAD, DEPUTY = demo.LEAD, demo.DEPUTY
OTHER_LEAD = Person("Bernd Koch", "bernd.koch@hannover-stadt.de")


@dataclass
class _Clock:
    """Simulated time that ends at today's wall-clock time."""

    now: datetime = field(default_factory=system_clock)

    def __call__(self) -> datetime:
        return self.now


def build(settings: Settings) -> list[tuple[str, str]]:
    """Fill ``settings``'s (empty, migrated) database; return the demo accounts."""
    with contextlib.redirect_stdout(io.StringIO()):
        story_clock = demo.StoryClock()
        story_env = build_env(settings, clock=story_clock)
        story = demo._Story(story_env, story_clock, settings.language,
                            demo.Mailing(settings, story_env, story_clock))
        story.run()
    clock = _Clock()
    env = build_env(settings, clock=clock)
    _more_processes(env, clock)
    accounts.add_user(env, COORDINATOR, LEAD.email, LEAD.name, PASSWORD)
    accounts.add_user(env, COORDINATOR, COORDINATOR, "Koordinierungsstelle", PASSWORD,
                      "coordinator")
    return [(LEAD.email, "Prozessleitung"), (COORDINATOR, "Koordinierungsstelle")]


def _more_processes(env, clock: _Clock) -> None:
    today = clock.now
    plans = [
        ("Radverkehrskonzept Südstadt", "Sichere Radwege zu den Schulen", "Südstadt-Bult",
         "Tiefbau (66)", "concept", 20),
        ("Umgestaltung des Klagesmarkts", "Platz, Bäume und Marktstände", "Mitte",
         "Stadtplanung (61)", "interim_results", 120),
        ("Stadtteilpark Bothfeld", "Ein Park für alle Generationen", "Bothfeld-Vahrenheide",
         "Umwelt und Stadtgrün (67)", "dialogue", 90),
        ("Jugendtreff Vahrenwald", "Was wünschen sich Jugendliche?", "Vahrenwald-List",
         "Jugend und Familie (51)", "begleitgruppe", 200),
    ]
    for title, subject, district, department, phase, days_ago in plans:
        clock.now = today - timedelta(days=days_ago)
        lead = LEAD if phase != "begleitgruppe" else OTHER_LEAD
        _bring_to(env, clock, title, subject, district, department, lead, phase, today)
    clock.now = today


def _bring_to(env, clock: _Clock, title: str, subject: str, district: str, department: str,
              lead: Person, phase: str, today: datetime) -> None:
    actor = COORDINATOR
    pid = demo.stored_id(process.create_process(env, actor, process.ProcessInput(
        title, subject, department, "", (district,), "administration", lead,
        DEPUTY)))
    process.advance(env, actor, pid, "set_up_begleitgruppe")
    if phase == "begleitgruppe":
        return
    content.set_begleitgruppe_requester(env, actor, pid, "department")
    content.add_member(env, actor, pid, Member("Sabine Wolf", department))
    content.add_member(env, actor, pid, Member("Ömer Yılmaz", "Stadtteilrunde", "external"))
    process.advance(env, actor, pid, "draft_concept")
    clock.now += timedelta(days=7)
    content.load_concept(env, actor, pid, concept_for(title))
    content.publish_concept(env, actor, pid, "")
    if phase == "concept":
        content.add_suggestion(env, actor, pid, "concept", "Bitte die Querung an der "
                               "Hildesheimer Straße mitdenken.")
        return
    clock.now += timedelta(days=29)  # the public comment period on the concept ends first
    process.advance(env, actor, pid, "start_pre_reporting")
    clock.now += timedelta(days=7)
    outcome.publish_report(env, actor, pid, "pre", f"Ankündigung: {title}.")
    process.advance(env, actor, pid, "open_dialogue")
    clock.now += timedelta(days=14)
    outcome.add_activity(env, actor, pid, "Stadtteilspaziergang", "on_site",
                         date(clock.now.year, clock.now.month, clock.now.day), district)
    if phase == "dialogue":
        return
    process.advance(env, actor, pid, "present_interim_results")
    outcome.publish_interim_results(env, actor, pid, "Mehr Bäume, weniger Parkplätze, "
                                    "Marktstände bleiben.", today + timedelta(days=14),
                                    "Frühjahr 2027", "Rathaus, Hodlersaal", "Rat der Stadt")
