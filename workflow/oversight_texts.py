"""What a finding of ``audit stuck`` says, German and English: a short name, what is wrong,
and what to do next (with the command that does it, where there is one).

Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..states.definition import Definition
from .oversight_facts import Finding

BERLIN = ZoneInfo("Europe/Berlin")
DATES = {"de": "%d.%m.%Y", "en": "%Y-%m-%d"}
SEVERITY = {"info": ("Hinweis", "info"), "warning": ("Warnung", "warning"),
            "critical": ("kritisch", "critical")}

# code -> (name, what is wrong, what to do next), each as (German, English)
TEXTS: dict[str, tuple[tuple[str, str], ...]] = {
    "dwell_exceeded": (
        ("Phase zu lang", "phase too long"),
        ("Seit {days} Tagen in der Phase „{phase}“ (Pausen nicht mitgezählt); vorgesehen "
         "sind höchstens {limit} Tage.",
         "In phase '{phase}' for {days} days (pauses not counted); the definition allows "
         "{limit} days."),
        ("Den Schritt „{trigger}“ vorbereiten und ausführen (was fehlt, zeigt „beteiligung process "
         "show {id}“), oder den Prozess mit Begründung pausieren oder abbrechen.",
         "Prepare and take the step '{trigger}' ('beteiligung process show {id}' shows what "
         "is missing), or put the process on hold or cancel it, with a reason."),
    ),
    "on_hold_long": (
        ("lange pausiert", "on hold too long"),
        ("Seit {days} Tagen pausiert (in der Phase „{paused}“); mehr als {limit} Tage.",
         "On hold for {days} days (paused in '{paused}'); more than {limit} days."),
        ("Fortsetzen („beteiligung advance {id} resume“) oder mit Begründung abbrechen "
         "(„beteiligung advance {id} cancel --reason …“).",
         "Resume it ('beteiligung advance {id} resume') or cancel it with a reason "
         "('beteiligung advance {id} cancel --reason ...')."),
    ),
    "holds_repeated": (
        ("mehrfach pausiert", "paused repeatedly"),
        ("In den letzten {limit} Tagen {count}-mal pausiert, zuerst am {since}: Pausen "
         "halten die Fristen der Phase nicht an.",
         "Put on hold {count} times in the last {limit} days, first on {since}: pausing does "
         "not stop the phase's clock."),
        ("Mit der Prozessleitung klären, was den Prozess aufhält, und ihn fortführen oder mit "
         "Begründung abbrechen („beteiligung history {id}“ zeigt die Pausen).",
         "Ask the process lead what holds the process up, and move it on or cancel it with a "
         "reason ('beteiligung history {id}' shows the pauses)."),
    ),
    "idle": (
        ("keine Aktivität", "no activity"),
        ("Seit {days} Tagen kein Eintrag im Verlauf (zuletzt am {since}); mehr als {limit} "
         "Tage.",
         "Nothing in the history for {days} days (last on {since}); more than {limit} days."),
        ("Bei der Ansprechperson nachfragen, wie es weitergeht, und den Stand eintragen "
         "lassen.",
         "Ask the lead how the process goes on, and have the current state entered."),
    ),
    "deadline_missed": (
        ("Frist versäumt", "deadline missed"),
        ("Die Frist „{deadline}“ ist seit {days} Tagen abgelaufen (fällig am {since}).",
         "Deadline '{deadline}' passed {days} days ago (due on {since})."),
        ("Erledigen, was die Frist verlangt, oder sie mit Begründung verschieben („beteiligung "
         "deadline move {id} {deadline_id} --due … --reason …“).",
         "Do what the deadline asks, or move it with a reason ('beteiligung deadline move "
         "{id} {deadline_id} --due ... --reason ...')."),
    ),
    "suggestions_unanswered": (
        ("Anregungen offen", "suggestions unanswered"),
        ("{count} Anregung(en) über der Antwortfrist (Nr. {numbers}), die älteste seit {days} "
         "Tagen.",
         "{count} suggestion(s) past the answer deadline (no. {numbers}), the oldest by "
         "{days} days."),
        ("Jede beantworten: „beteiligung suggestion answer {id} NR accepted|partly_accepted|"
         "rejected“ (eine Ablehnung mit Begründung).",
         "Answer each: 'beteiligung suggestion answer {id} NO accepted|partly_accepted|"
         "rejected' (a rejection with a justification)."),
    ),
    "interim_stalled": (
        ("Entscheidung steht aus", "decision pending"),
        ("Die Kommentierungsfrist der Zwischenergebnisse (Runde {round}) endete vor {days} "
         "Tagen, am {since}; mehr als {limit} Tage.",
         "The comment period on the interim results (round {round}) ended {days} days ago, "
         "on {since}; more than {limit} days."),
        ("Offene Anregungen beantworten und den Schritt „{trigger}“ ausführen, oder eine weitere "
         "Dialogrunde beginnen.",
         "Answer the open suggestions and take the step '{trigger}', or start another "
         "dialogue round."),
    ),
    "lead_email_missing": (
        ("Ansprechperson o. E-Mail", "lead without e-mail"),
        ("Die federführende Ansprechperson hat keine E-Mail-Adresse: Erinnerungen gehen an die "
         "Koordinierungsstelle.",
         "The lead has no e-mail address: reminders go to the coordinators."),
        ("Name und E-Mail-Adresse eintragen: „beteiligung process edit {id} --lead-name … "
         "--lead-email …“.",
         "Enter name and e-mail address: 'beteiligung process edit {id} --lead-name ... "
         "--lead-email ...'."),
    ),
    "deputy_email_missing": (
        ("Vertretung ohne E-Mail", "deputy without e-mail"),
        ("Die Vertretung hat keine E-Mail-Adresse: Eskalationen erreichen sie nicht.",
         "The deputy has no e-mail address: escalations do not reach them."),
        ("Name und E-Mail-Adresse eintragen: „beteiligung process edit {id} --deputy-name … "
         "--deputy-email …“.",
         "Enter name and e-mail address: 'beteiligung process edit {id} --deputy-name ... "
         "--deputy-email ...'."),
    ),
    "reminder_failed": (
        ("E-Mail gescheitert", "e-mail failed"),
        ("{count} E-Mail(s) zum Prozess nicht zugestellt (zuletzt: {error}).",
         "{count} e-mail(s) about the process not delivered (last: {error})."),
        ("Die Adressen prüfen und erneut senden: „beteiligung outbox retry {message}“ "
         "(alle: „beteiligung outbox list --status failed“).",
         "Check the addresses and send again: 'beteiligung outbox retry {message}' (all: "
         "'beteiligung outbox list --status failed')."),
    ),
    "phase_unknown": (
        ("Phase unbekannt", "unknown phase"),
        ("Die Phase „{missing}“ gibt es in der Definition {current} nicht (der Prozess läuft "
         "unter {version}): er kann nicht geändert werden.",
         "Definition {current} has no phase '{missing}' (the process runs under {version}): "
         "it cannot be changed."),
        ("Die Phase in der Definitionsdatei wiederherstellen und sie prüfen („beteiligung "
         "definition check“).",
         "Restore the phase in the definition file and check it ('beteiligung definition "
         "check')."),
    ),
}
# A phase with no step forward (it should not happen outside the pause phase).
NO_TRIGGER = ("Den Prozess fortführen oder mit Begründung abbrechen.",
              "Move the process on, or cancel it with a reason.")


@dataclass(frozen=True)
class Words:
    """A finding in words."""

    severity: str
    name: str
    detail: str
    next_step: str


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def phase_label(definition: Definition, phase: str | None, lang: str = "de") -> str:
    """A phase's name for people (its code when the definition does not know it)."""
    if not phase:
        return "-"
    known = definition.phases.get(phase)
    return known.label(lang) if known else phase


def words(finding: Finding, definition: Definition, lang: str = "de") -> Words:
    """What ``finding`` says in ``lang`` (German unless ``en``)."""
    name, detail, action = TEXTS[finding.code]
    values = {"id": finding.process_id, "days": finding.days, "limit": finding.limit_days,
              "phase": phase_label(definition, finding.phase, lang),
              "paused": phase_label(definition, finding.paused_phase, lang),
              "version": finding.definition_version,
              "since": finding.since.astimezone(BERLIN).strftime(DATES.get(lang, DATES["de"]))}
    values |= dict(finding.params)
    step = _pick(action, lang)
    if "{trigger}" in step and "trigger" not in values:
        step = _pick(NO_TRIGGER, lang)
    return Words(_pick(SEVERITY[finding.severity], lang), _pick(name, lang),
                 _pick(detail, lang).format(**values), step.format(**values))
