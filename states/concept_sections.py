"""Every section of a participation concept with its name for people, German and English.

One table for the guards' messages, the commented template (``concept template``) and the
labelled ``concept show``: ``path`` is the key in the concept file (``budget.costs`` is
``costs`` in ``[budget]``), ``kind`` how it is written (text, a list of texts, true/false),
``rule`` the Leitlinien rule it serves, and ``hint`` one line on what belongs there.
Import rule: standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One key of the concept file."""

    path: str
    de: str
    en: str
    rule: str = ""
    kind: str = "text"  # "text", "list" or "flag"
    hint_de: str = ""
    hint_en: str = ""

    def label(self, lang: str = "de") -> str:
        """The section's name in ``lang`` (German unless English is asked for)."""
        return self.en if lang == "en" else self.de


S = Section
SECTIONS: tuple[Section, ...] = (
    S("topic", "Thema", "Topic", "R6", hint_de="worum es geht, in einem Satz",
      hint_en="what it is about, in one sentence"),
    S("subject_matter", "Beteiligungsgegenstand", "Subject of the participation", "R6",
      hint_de="worüber mitgeredet werden kann, und worüber nicht",
      hint_en="what people can have a say on, and what not"),
    S("summary", "Zusammenfassung", "Summary", hint_de="für die öffentliche Vorhabenliste",
      hint_en="for the public list of projects"),
    S("easy_language_summary", "Zusammenfassung in Leichter Sprache", "Summary in easy language",
      hint_de="freiwillig", hint_en="optional"),
    S("project_goal", "Ziel des Vorhabens", "Goal of the project", "R6"),
    S("participation_goal", "Ziel der Beteiligung", "Goal of the participation", "R6"),
    S("scope", "Gestaltungs- und Entscheidungsspielräume", "Scope for design and decision", "R6",
      hint_de="was durch die Beteiligung offen ist", hint_en="what the participation can shape"),
    S("limits", "Grenzen der Spielräume", "Limits of that scope", "R6",
      hint_de="was feststeht (Recht, Budget, Beschlüsse)",
      hint_en="what is fixed (law, budget, decisions)"),
    S("procedure", "Ablauf des Verfahrens", "Course of the procedure", "R6"),
    S("handling_of_results", "Umgang mit den Ergebnissen", "How the results are handled", "R6"),
    S("implementation", "Umsetzung mit Blick auf die Ergebnisse",
      "Implementation in view of the results", "R6"),
    S("responsibilities", "Zuständigkeiten", "Responsibilities", "R6"),
    S("structure", "Beteiligungs- und Entscheidungsstruktur",
      "Participation and decision structure", "R6"),
    S("decision_makers", "Entscheidungsträger*innen", "Decision-makers", "R10", "list",
      "die Gremien, die entscheiden dürfen (die Entscheidung wird daran geprüft)",
      "the bodies that may decide (the decision is checked against them)"),
    S("accessibility", "Barrierefreiheit", "Accessibility", "R7", "list",
      "barrierefreie Orte, Leichte Sprache, Formate ohne Reden vor Publikum",
      "barrier-free venues, easy language, formats without speaking in public"),
    S("decision.who", "Wer entscheidet", "Who decides", "R6"),
    S("decision.where", "Wo wird entschieden", "Where the decision is taken", "R6"),
    S("decision.when", "Wann wird entschieden", "When the decision is taken", "R6"),
    S("decision.influence", "Wie die Beteiligung in die Entscheidung einfließt",
      "How the participation bears on the decision", "R6"),
    S("budget.staff", "Personal", "Staff", "R15"),
    S("budget.costs", "Kosten", "Costs", "R15"),
    S("budget.time", "Zeitraum", "Time", "R15"),
    S("budget.external_moderation", "Externe Moderation", "External moderation", "R3", "flag",
      "true oder false; bei true sind Auswahl und Finanzierung Pflicht",
      "true or false; with true, selection and financing are required"),
    S("budget.moderation_selection", "Auswahl der Moderation", "Selection of the moderation",
      "R3"),
    S("budget.moderation_financing", "Finanzierung der Moderation",
      "Financing of the moderation", "R3"),
    S("stakeholders.analysis", "Akteur*innen-Analyse", "Stakeholder analysis", "R7"),
    S("stakeholders.target_groups", "Zielgruppen", "Target groups", "R7", "list"),
    S("stakeholders.forums_checked", "Geprüfte Stadtteil- und Stadtbezirksrunden",
      "District forums checked", "R7"),
)
TABLES = {"decision": ("Entscheidung", "Decision"),
          "budget": ("Ressourcen und Budget", "Resources and budget"),
          "stakeholders": ("Akteur*innen und Zielgruppen", "Stakeholders and target groups")}
GOALS = ("SMART-Ziele", "SMART goals")
GOAL_FIELDS: dict[str, tuple[str, str]] = {
    "id": ("Kennung", "Id"), "description": ("Beschreibung", "Description"),
    "indicator": ("Indikator", "Indicator"), "target": ("Zielwert", "Target"),
    "due": ("Termin", "Due date"),
}
BY_PATH = {s.path: s for s in SECTIONS}


def section_label(path: str, lang: str = "de") -> str:
    """The name of the section at ``path`` (the path itself for a key this table lacks)."""
    section = BY_PATH.get(path)
    return section.label(lang) if section else path


def goal_field_label(name: str, lang: str = "de") -> str:
    """The name of a field of a SMART goal."""
    de, en = GOAL_FIELDS.get(name, (name, name))
    return en if lang == "en" else de
