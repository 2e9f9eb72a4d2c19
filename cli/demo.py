"""``beteiligung demo``: one realistic process, from the motion to the closed evaluation.

It makes its own SQLite database, runs on a simulated clock (so comment periods can pass),
shows a refused step with its reasons, walks every phase to ``closed`` and ends with the
history and the verification of the audit trail.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ..config.bootstrap import build_composer, build_env, build_sender
from ..config.settings import HERE, MailSettings, Settings, load_settings
from ..notifications.dispatch import deliver
from ..states.case import Case, Decision, Member, Person
from ..states.errors import TransitionRefused
from ..states.messages import BERLIN
from ..workflow import content, outcome, process
from ..workflow.concept_file import parse_concept
from ..workflow.reminders import queue_digest, sweep
from . import demo_folder
from .audit_texts import TEXTS as AUDIT_TEXTS
from .audit_texts import line as audit_line
from .commands import print_history
from .render import lang, local, unmet_lines

COORDINATOR = "koordinierungsstelle@hannover-stadt.de"
LEAD = Person("Anna Lehmann", "anna.lehmann@hannover-stadt.de")
DEPUTY = Person("Jonas Weber", "jonas.weber@hannover-stadt.de")


@dataclass
class StoryClock:
    """Simulated time: the story moves it forward day by day."""

    now: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 8, 30, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def days(self, n: int) -> None:
        self.now += timedelta(days=n)


def stored_id(case: Case) -> int:
    """The id of a process that ``create_process`` has just stored (so it has one)."""
    assert case.id is not None, "a stored process has an id"
    return case.id


def demo(args: argparse.Namespace) -> int:
    folder = demo_folder.prepare(args.dir)
    db = folder / "demo.db"
    mail_folder = folder / "mail"
    base = load_settings({})
    settings = Settings(f"sqlite:///{db}", frozenset({COORDINATOR}), base.districts,
                        base.language, base.definition,
                        mail=MailSettings(folder=str(mail_folder),
                                          sender="beteiligung@hannover-stadt.de"),
                        embedded=True)
    clock = StoryClock()
    env = build_env(settings, clock=clock)
    language = lang(args)
    story = _Story(env, clock, language, Mailing(settings, env, clock))
    pid = story.run()
    print(f"\n== Verlauf (beteiligung history {pid}) ==")
    print_history(process.history(env, pid))
    checked, breaks = process.verify_audit(env)
    print("\n== Prüfung des Audit-Trails (beteiligung audit verify) ==")
    print(AUDIT_TEXTS["intact"][language].format(n=checked) if not breaks else
          "\n".join(audit_line(b, language) for b in breaks))
    command = shutil.which("beteiligung") or sys.argv[0]
    mails = sorted(mail_folder.glob("*.eml"))
    print(f"\nDie Demo-Datenbank liegt in {db}. Weiter erkunden mit:\n"
          f"  BETEILIGUNG_DATABASE_URL=sqlite:///{db} {command} process show {pid}\n"
          f"Die {len(mails)} verschickten E-Mails liegen als .eml-Dateien in {mail_folder}.")
    return 1 if breaks else 0


class Mailing:
    """The reminder sweep and the delivery (file backend) at instants of the story."""

    def __init__(self, settings: Settings, env, clock: StoryClock) -> None:
        self.settings, self.env, self.clock = settings, env, clock
        self.composer, self.sender = build_composer(settings), build_sender(settings)

    def run(self, digest: bool = False) -> None:
        now = self.clock()
        report = sweep(self.env, self.composer, now)
        if digest:
            queue_digest(self.env, self.composer, now)
        delivered = deliver(self.env, self.sender, self.settings.mail, now)
        print(f"[{local(now)}] Erinnerungslauf: {len(report.queued)} Erinnerung(en), "
              f"{len(delivered.sent)} E-Mail(s) verschickt")
        for message in report.queued:
            copied = f" (Kopie an {', '.join(message.cc)})" if message.cc else ""
            print(f"     an {', '.join(message.to)}{copied}: {message.subject}")


class _Story:
    pid: int  # the story's process, from the moment ``run`` creates it

    def __init__(self, env, clock: StoryClock, language: str, mailing: Mailing) -> None:
        self.env, self.clock, self.language = env, clock, language
        self.actor = LEAD.email
        self.mailing = mailing

    def say(self, text: str) -> None:
        print(f"[{local(self.clock())}] {text}")

    def refused(self, trigger: str) -> None:
        """Try ``trigger`` too early and show what the process lead is told."""
        try:
            process.advance(self.env, self.actor, self.pid, trigger)
        except TransitionRefused as refused:
            for line in unmet_lines(refused.unmet, self.language, self.pid, trigger):
                print("   " + line)

    def step(self, trigger: str, reason: str = "") -> None:
        case = process.advance(self.env, self.actor, self.pid, trigger, reason)
        label = self.env.lifecycle.definition.phases[case.phase].label(self.language)
        now = "phase is now" if self.language == "en" else "Phase ist jetzt"
        self.say(f"  -> {trigger}: {now} „{label}“")

    def run(self) -> int:
        env, actor = self.env, self.actor
        self.say("Der Stadtbezirksrat Linden-Limmer beantragt eine Beteiligung zur "
                 "Neugestaltung des Lindener Marktplatzes.")
        case = process.create_process(env, actor, process.ProcessInput(
            "Neugestaltung des Lindener Marktplatzes", "Umgestaltung von Platz und Grün",
            "Umwelt und Stadtgrün (67)", "Dezernat V", ("Linden-Limmer",),
            "district_council_motion", LEAD, DEPUTY))
        self.pid = pid = stored_id(case)
        self.say(f"Prozess {pid} angelegt; Ansprechperson {LEAD.name}, Vertretung {DEPUTY.name}.")
        stuck = process.create_process(env, actor, process.ProcessInput(
            "Spielplatz am Lindener Berg", "Erneuerung der Spielgeräte",
            "Umwelt und Stadtgrün (67)", "Dezernat V", ("Linden-Limmer",),
            "resident_suggestion", LEAD))
        self.say(f"Daneben Prozess {stuck.id} angelegt, noch ohne Vertretung: er bleibt liegen.")
        self.step("set_up_begleitgruppe")
        self.clock.days(7)
        self.say("Zu früh: das Konzept soll erstellt werden, bevor die Projektbegleitgruppe "
                 "steht.")
        try:
            process.advance(env, actor, pid, "draft_concept")
        except TransitionRefused as refused:
            self.say("  abgelehnt, es fehlt:")
            for line in unmet_lines(refused.unmet, self.language, pid):
                print("   " + line)
        content.set_begleitgruppe_requester(env, actor, pid, "politics")
        content.add_member(env, actor, pid, Member("Dr. Petra Nowak", "Stadtplanung (61)"))
        content.add_member(env, actor, pid, Member("Klaus Becker", "Marktbeschicker e.V.",
                                                   "external"))
        content.add_project_department(env, actor, pid, "Stadtplanung (61)")
        self.say("Projektbegleitgruppe eingerichtet (intern und extern).")
        self.step("draft_concept")
        self.concept_phase()
        self.dialogue_phases()
        self.decision_phase()
        return pid

    def concept_phase(self) -> None:
        env, actor, pid = self.env, self.actor, self.pid
        self.clock.days(30)
        text = (HERE / "example_concept.toml").read_text(encoding="utf-8")
        content.load_concept(env, actor, pid, parse_concept(text, "example_concept.toml"))
        content.publish_concept(env, actor, pid, "")
        self.say("Beteiligungskonzept veröffentlicht (Version 1).")
        self.clock.days(5)
        content.add_suggestion(env, actor, pid, "concept", "Bitte auch Jugendliche gezielt "
                               "einladen.", "Jugendzentrum Linden")
        content.add_suggestion(env, actor, pid, "concept", "Der Wochenmarkt soll verlegt "
                               "werden.")
        content.answer_suggestion(env, actor, pid, 1, "accepted")
        content.answer_suggestion(env, actor, pid, 2, "rejected", "Der Wochenmarkt ist nicht "
                                  "Gegenstand der Beteiligung (siehe Grenzen).")
        concept = parse_concept(text, "example_concept.toml")
        concept.stakeholders.target_groups.append("Jugendliche")
        content.load_concept(env, actor, pid, concept)
        content.publish_concept(env, actor, pid, "Jugendliche als Zielgruppe ergänzt "
                                "(Anregung 1)")
        self.say("Anregungen beantwortet; Konzept Version 2 mit Änderungsnotiz veröffentlicht.")
        self.say("Versuch, vor Ende der Kommentierungsfrist weiterzugehen:")
        self.refused("start_pre_reporting")
        self.clock.days(24)
        self.step("start_pre_reporting")
        self.clock.days(10)
        outcome.publish_report(env, actor, pid, "pre", "Ankündigung in der Stadtteilzeitung und "
                               "auf hannover.de: Auftakt am 14. März.")
        self.step("open_dialogue")

    def dialogue_phases(self) -> None:
        env, actor, pid = self.env, self.actor, self.pid
        for round_, extra in enumerate(("Auftakt vor Ort", "Planungswerkstatt"), 1):
            start = self.clock().astimezone(BERLIN).date() + timedelta(days=4)
            outcome.add_activity(env, actor, pid, extra, "on_site", start,
                                 "Freizeitheim Linden")
            outcome.add_activity(env, actor, pid, "Online-Dialog", "online",
                                 start + timedelta(days=1), "hannover.de/beteiligung")
            self.say(f"Dialogrunde {round_}: Aktivitäten vor Ort und online angekündigt "
                     f"(ab {start:%d.%m.%Y}).")
            self.clock.days(20)
            self.step("present_interim_results")
            outcome.publish_interim_results(
                env, actor, pid, f"Ergebnisse der Runde {round_}: mehr Schatten, Wasserspiel",
                self.clock() + timedelta(days=21), "Herbst 2026",
                "Sitzung im Freizeitheim Linden", "Stadtbezirksrat Linden-Limmer")
            self.say("Zwischenergebnisse veröffentlicht, Kommentierungsfrist 21 Tage.")
            if round_ == 1:
                self.clock.days(22)
                self.step("start_another_round")
        content.add_suggestion(env, actor, pid, "interim_results", "Bitte Trinkbrunnen "
                               "vorsehen.", "Seniorentreff")
        self.say("Versuch, vor Ende der Kommentierungsfrist zur Entscheidung zu gehen:")
        self.refused("go_to_decision")
        content.answer_suggestion(env, actor, pid, 3, "partly_accepted")
        self.clock.days(8)
        self.mailing.run()
        self.clock.days(14)
        self.step("go_to_decision")

    def decision_phase(self) -> None:
        env, actor, pid = self.env, self.actor, self.pid
        self.clock.days(60)
        session = self.clock().astimezone(BERLIN).date() - timedelta(days=2)  # the council met
        outcome.record_decision(env, actor, pid, Decision(
            "Stadtbezirksrat Linden-Limmer", session, "Entwurf B mit Wasserspiel",
            False, "Das Wasserspiel wird kleiner als gewünscht, weil die Folgekosten den "
            "Unterhaltungshaushalt übersteigen.", "Fachbereich Umwelt und Stadtgrün, 67.3"))
        outcome.publish_decision(env, actor, pid)
        outcome.publish_report(env, actor, pid, "post", "Bericht über Entscheidung, Begründung "
                               "und nächste Schritte veröffentlicht.")
        self.say("Entscheidung mit Begründung der Abweichung und Nachbericht veröffentlicht.")
        self.step("start_evaluation")
        self.clock.days(90)
        outcome.rate_goal(env, actor, pid, "Z1", "met", "412 Beiträge")
        outcome.rate_goal(env, actor, pid, "Z2", "partly", "18 Prozent der Beiträge")
        outcome.record_lessons(env, actor, pid, "Kinder früher über Schulen ansprechen.")
        self.say("Evaluation gegen die SMART-Ziele erfasst.")
        self.step("close")
        self.clock.days(3)
        self.say("Der liegengebliebene Prozess ist lange überfällig: Eskalation und "
                 "Wochenübersicht an die Koordinierungsstelle.")
        self.mailing.run(digest=True)
