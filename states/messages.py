"""What a refused step tells the process lead: one text per unmet condition, German and English.

Each entry says what is missing and what to do; the entrypoints add how (the CLI appends the
command line that does it, see ``cli/hints.py``).
Import rule: standard library only.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from .concept_sections import goal_field_label, section_label

LANGUAGES = ("de", "en")

TEXTS: dict[str, dict[str, str]] = {
    "lead_missing": {
        "de": "Die federführende Ansprechperson fehlt: Name und E-Mail-Adresse eintragen.",
        "en": "The process lead is missing: enter their name and e-mail address.",
    },
    "deputy_missing": {
        "de": "Die Vertretung fehlt: Name und E-Mail-Adresse der Vertretung eintragen.",
        "en": "The deputy is missing: enter the deputy's name and e-mail address.",
    },
    "department_missing": {
        "de": "Der zuständige Fachbereich fehlt: den Fachbereich eintragen.",
        "en": "The responsible department is missing: enter the department.",
    },
    "begleitgruppe_requester_missing": {
        "de": "Es ist nicht erfasst, wer die Projektbegleitgruppe angeregt hat "
        "(Fachbereich, Einwohner*innen, Politik oder Beteiligungsgremium): eintragen.",
        "en": "Who asked for the Projektbegleitgruppe is not recorded "
        "(department, residents, politics or committee): record it.",
    },
    "begleitgruppe_no_members": {
        "de": "Die Projektbegleitgruppe hat noch keine Mitglieder: Mitglieder eintragen.",
        "en": "The Projektbegleitgruppe has no members yet: add its members.",
    },
    "begleitgruppe_no_internal": {
        "de": "Die Projektbegleitgruppe hat kein internes Mitglied aus der Verwaltung: "
        "mindestens ein internes Mitglied eintragen.",
        "en": "The Projektbegleitgruppe has no internal member from the administration: "
        "add at least one internal member.",
    },
    "concept_missing": {
        "de": "Es gibt noch kein Beteiligungskonzept: eine Vorlage schreiben, ausfüllen und "
        "laden.",
        "en": "There is no participation concept yet: write a template, fill it in and load "
        "it.",
    },
    "concept_section_missing": {
        "de": "Im Beteiligungskonzept fehlt der Abschnitt „{section}“: ergänzen und neu laden.",
        "en": "The concept lacks the section '{section}': fill it in and load it again.",
    },
    "concept_no_goals": {
        "de": "Das Konzept nennt keine SMART-Ziele: mindestens ein Ziel mit Indikator, "
        "Zielwert und Termin eintragen.",
        "en": "The concept names no SMART goals: add at least one goal with an indicator, "
        "a target and a date.",
    },
    "goal_incomplete": {
        "de": "Dem Ziel „{goal}“ fehlt: {missing} (SMART: spezifisch, messbar, terminiert).",
        "en": "Goal '{goal}' lacks: {missing} (SMART: specific, measurable, time-bound).",
    },
    "concept_not_published": {
        "de": "Das Beteiligungskonzept ist nicht veröffentlicht: das Konzept veröffentlichen.",
        "en": "The participation concept is not published: publish it.",
    },
    "concept_unpublished_changes": {
        "de": "Das Konzept hat unveröffentlichte Änderungen: als neue Version mit "
        "Änderungsnotiz veröffentlichen.",
        "en": "The concept has unpublished changes: publish them as a new version with a "
        "note of what changed.",
    },
    "concept_contacts_missing": {
        "de": "Die veröffentlichte Konzeptversion nennt nicht die heutige Ansprechperson und "
        "Vertretung: beide eintragen und das Konzept erneut veröffentlichen.",
        "en": "The published concept does not name the current lead and deputy: enter both "
        "and publish the concept again.",
    },
    "suggestions_unanswered": {
        "de": "{count} Anregung(en) {target} noch unbeantwortet (Nr. {numbers}): "
        "jede Anregung beantworten (angenommen, teilweise angenommen oder abgelehnt).",
        "en": "{count} suggestion(s) {target} still unanswered (no. {numbers}): "
        "answer each one (accepted, partly accepted or rejected).",
    },
    "pre_report_missing": {
        "de": "Die Vorberichterstattung ist nicht veröffentlicht: den Vorbericht veröffentlichen.",
        "en": "No pre-report is published: publish the pre-report.",
    },
    "activities_missing": {
        "de": "Für die Dialogrunde {round} sind keine Dialogaktivitäten erfasst: "
        "die Aktivitäten (online oder vor Ort) eintragen.",
        "en": "No dialogue activities are recorded for round {round}: "
        "record the activities (online or on site).",
    },
    "interim_results_missing": {
        "de": "Die Zwischenergebnisse der Runde {round} sind nicht veröffentlicht: mit "
        "Kommentierungsfrist und Ort, Zeit und Gremium der Entscheidung veröffentlichen.",
        "en": "The interim results of round {round} are not published: publish them with a "
        "comment deadline and when, where and by whom the decision is made.",
    },
    "comment_deadline_open": {
        "de": "Die Kommentierungsfrist der Zwischenergebnisse läuft noch bis {deadline}: "
        "das Ende der Frist abwarten.",
        "en": "The comment period on the interim results runs until {deadline}: "
        "wait until it has ended.",
    },
    "concept_comment_period_open": {
        "de": "Die Kommentierungsfrist zum Konzept läuft noch bis {deadline}: "
        "das Ende der Frist abwarten.",
        "en": "The comment period on the concept runs until {deadline}: "
        "wait until it has ended.",
    },
    "activities_not_yet_held": {
        "de": "Die Dialogaktivitäten der Runde {round} haben noch nicht stattgefunden "
        "(die erste am {first}): weitergehen, sobald die erste stattgefunden hat.",
        "en": "The dialogue activities of round {round} have not taken place yet "
        "(the first on {first}): go on once the first has taken place.",
    },
    "decision_in_future": {
        "de": "Die Entscheidung ist auf den {decided_on} datiert, der noch in der Zukunft "
        "liegt: die Entscheidung erst erfassen, wenn sie gefallen ist.",
        "en": "The decision is dated {decided_on}, which is still in the future: record the "
        "decision once it has been taken.",
    },
    "decision_before_interim_results": {
        "de": "Die Entscheidung ist auf den {decided_on} datiert, vor die Veröffentlichung "
        "der Zwischenergebnisse am {published}: das Datum der Entscheidung berichtigen.",
        "en": "The decision is dated {decided_on}, before the interim results were published "
        "on {published}: correct the date of the decision.",
    },
    "decision_missing": {
        "de": "Die Entscheidung ist nicht erfasst: die Entscheidung eintragen.",
        "en": "The decision is not recorded: record the decision.",
    },
    "decision_maker_not_named": {
        "de": "„{decided_by}“ ist im Konzept nicht als Entscheidungsträger*in genannt "
        "(genannt: {makers}): die Entscheidung durch eines der genannten Gremien treffen "
        "lassen und so erfassen.",
        "en": "'{decided_by}' is not named as a decision-maker in the concept "
        "(named: {makers}): have one of the named bodies decide, and record that.",
    },
    "deviation_unjustified": {
        "de": "Die Entscheidung weicht von den Ergebnissen ab, aber es fehlt eine Begründung: "
        "die Begründung eintragen.",
        "en": "The decision departs from the results but gives no justification: "
        "enter the justification.",
    },
    "decision_unpublished": {
        "de": "Die Entscheidung und ihre Begründung sind nicht veröffentlicht: veröffentlichen.",
        "en": "The decision and its justification are not published: publish them.",
    },
    "implementation_unassigned": {
        "de": "Es ist nicht benannt, wer für die Umsetzung verantwortlich ist: eintragen.",
        "en": "Nobody is named as responsible for implementation: name them.",
    },
    "post_report_missing": {
        "de": "Die Nachberichterstattung ist nicht veröffentlicht: den Nachbericht "
        "veröffentlichen.",
        "en": "No post-report is published: publish the post-report.",
    },
    "goal_not_evaluated": {
        "de": "Das Ziel „{goal}“ ist nicht evaluiert: erreicht, teilweise oder nicht "
        "erreicht, mit Beleg, eintragen.",
        "en": "Goal '{goal}' is not evaluated: record met, partly or not met, with evidence.",
    },
    "reason_missing": {
        "de": "Für diesen Schritt ist eine Begründung nötig: mit --reason angeben.",
        "en": "This step needs a reason: give one with --reason.",
    },
    "header_not_possible": {
        "de": "„{trigger}“ ist in der Phase „{phase}“ nicht möglich (möglich: {allowed})",
        "en": "'{trigger}' is not possible in phase '{phase}' (possible: {allowed})",
    },
    "header_refused": {
        "de": "„{trigger}“ in der Phase „{phase}“ abgelehnt, es fehlt:",
        "en": "'{trigger}' refused in phase '{phase}'; still missing:",
    },
    "not_paused_here": {
        "de": "Der Prozess wurde nicht in der Phase „{phase}“ pausiert.",
        "en": "The process was not paused in phase '{phase}'.",
    },
}

TARGET_NAMES = {
    "concept": {"de": "zum Konzept", "en": "on the concept"},
    "interim_results": {"de": "zu den Zwischenergebnissen", "en": "on the interim results"},
}
DATE_FORMATS = {"de": "%d.%m.%Y %H:%M", "en": "%Y-%m-%d %H:%M"}
DAY_FORMATS = {"de": "%d.%m.%Y", "en": "%Y-%m-%d"}
BERLIN = ZoneInfo("Europe/Berlin")


def render(code: str, params: dict[str, object], lang: str = "de") -> str:
    """The text for an unmet condition in ``lang`` (German when the language is unknown)."""
    entry = TEXTS[code]
    values = dict(params)
    if "target" in values:
        values["target"] = TARGET_NAMES.get(str(values["target"]), {}).get(lang, values["target"])
    if "section" in values:
        values["section"] = section_label(str(values["section"]), lang)
    if code == "goal_incomplete":
        values["missing"] = ", ".join(goal_field_label(name.strip(), lang)
                                      for name in str(values["missing"]).split(","))
    for key, value in values.items():
        if isinstance(value, datetime):
            values[key] = local_time(value, lang)
        elif isinstance(value, date):
            values[key] = value.strftime(DAY_FORMATS.get(lang, DAY_FORMATS["de"]))
    return entry.get(lang, entry["de"]).format(**values)


def local_time(moment: datetime, lang: str = "de") -> str:
    """A time as people here read it: Europe/Berlin, in the language's date format."""
    return moment.astimezone(BERLIN).strftime(DATE_FORMATS.get(lang, DATE_FORMATS["de"]))
