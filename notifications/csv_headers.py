"""The column names of the CSV files for spreadsheets, German and English, by field code.

``plain`` CSV files keep the field codes as their header (scripts read them); the ``excel-de``
files of ``notifications.spreadsheet`` show these words instead. ``PUBLIC`` names the columns
of the Vorhabenliste (``export public``), ``FINDINGS`` those of ``audit stuck --csv``.
Import rule: standard library only (a table of words).
"""

from __future__ import annotations

from collections.abc import Sequence

Words = dict[str, tuple[str, str]]

PUBLIC: Words = {
    "id": ("Nr.", "No."),
    "title": ("Titel", "Title"),
    "subject": ("Gegenstand", "Subject"),
    "department": ("Fachbereich", "Department"),
    "districts": ("Stadtbezirke", "Districts"),
    "phase": ("Phase (Code)", "Phase (code)"),
    "phase_label": ("Phase", "Phase"),
    "paused_phase": ("Pausiert in Phase", "Paused in phase"),
    "phase_entered_at": ("In der Phase seit", "In the phase since"),
    "created_at": ("Begonnen am", "Started on"),
    "cancel_reason": ("Abbruchgrund", "Reason for cancelling"),
    "contact_name": ("Ansprechperson", "Contact"),
    "concept_version": ("Konzeptversion", "Concept version"),
    "concept_published_at": ("Konzept veröffentlicht am", "Concept published on"),
    "concept_first_published_at": ("Konzept erstmals veröffentlicht am",
                                   "Concept first published on"),
    "concept_change_note": ("Änderung des Konzepts", "Concept change note"),
    "concept_summary": ("Zusammenfassung", "Summary"),
    "concept_easy_language_summary": ("Zusammenfassung in Leichter Sprache",
                                      "Summary in easy language"),
    "project_goal": ("Ziel des Vorhabens", "Goal of the project"),
    "participation_goal": ("Ziel der Beteiligung", "Goal of the participation"),
    "goals": ("Ziele (SMART, JSON)", "Goals (SMART, JSON)"),
    "pre_report_published_at": ("Vorbericht veröffentlicht am", "Pre-report published on"),
    "pre_report": ("Vorbericht", "Pre-report"),
    "interim_results": ("Zwischenergebnisse (JSON)", "Interim results (JSON)"),
    "suggestions": ("Anregungen und Antworten (JSON)", "Suggestions and answers (JSON)"),
    "decision_published_at": ("Entscheidung veröffentlicht am", "Decision published on"),
    "decided_by": ("Entschieden durch", "Decided by"),
    "decided_on": ("Entschieden am", "Decided on"),
    "decision_summary": ("Entscheidung", "Decision"),
    "decision_follows_results": ("Folgt den Ergebnissen", "Follows the results"),
    "decision_justification": ("Begründung der Entscheidung", "Justification of the decision"),
    "implementation_responsible": ("Verantwortlich für die Umsetzung",
                                   "Responsible for implementation"),
    "post_report_published_at": ("Nachbericht veröffentlicht am", "Post-report published on"),
    "post_report": ("Nachbericht", "Post-report"),
    "evaluation_goals": ("Evaluation der Ziele (JSON)", "Evaluation of the goals (JSON)"),
    "evaluation_lessons_learned": ("Erkenntnisse", "Lessons learned"),
    "activities": ("Veranstaltungen des Dialogs (JSON)", "Dialogue events (JSON)"),
}

FINDINGS: Words = {
    "severity": ("Schwere (Code)", "Severity (code)"),
    "code": ("Befund (Code)", "Finding (code)"),
    "name": ("Befund", "Finding"),
    "process_id": ("Prozess", "Process"),
    "title": ("Titel", "Title"),
    "department": ("Fachbereich", "Department"),
    "directorate": ("Dezernat", "Directorate"),
    "districts": ("Stadtbezirke", "Districts"),
    "phase": ("Phase (Code)", "Phase (code)"),
    "phase_label": ("Phase", "Phase"),
    "paused_phase": ("Pausiert in Phase", "Paused in phase"),
    "definition_version": ("Version der Prozessdefinition", "Definition version"),
    "days": ("Tage", "Days"),
    "limit_days": ("Grenze (Tage)", "Limit (days)"),
    "since": ("Seit", "Since"),
    "lead_email": ("Ansprechperson (E-Mail)", "Lead (e-mail)"),
    "deputy_email": ("Vertretung (E-Mail)", "Deputy (e-mail)"),
    "detail": ("Was ist", "What is wrong"),
    "next_step": ("Was zu tun ist", "What to do"),
    "deadline_ids": ("Fristen (Nr.)", "Deadlines (no.)"),
    "message_ids": ("Nachrichten (Nr.)", "Messages (no.)"),
    "params": ("Parameter", "Parameters"),
}


def header(words: Words, fields: Sequence[str], language: str) -> list[str]:
    """The column names of ``fields`` in ``language`` (a field without words: its code)."""
    index = 1 if language == "en" else 0
    return [words[f][index] if f in words else f for f in fields]
