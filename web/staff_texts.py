"""The words of the process leads' pages (``web.staff``), German and English.

``TEXTS`` is the page-text table handed to ``render``; the smaller tables name the origins of
a process, the lifecycle's triggers as buttons, audit actions and deadline states in words.
A trigger or action that none of them knows is shown by its code, so a new one in the
definition file still appears.
Import rule: standard library only (a table of words).
"""

from __future__ import annotations

from collections.abc import Mapping

Texts = Mapping[str, tuple[str, str]]

TEXTS: Texts = {
    "new_process": ("Neues Verfahren", "New process"),
    "erased_person": ("gelöscht", "erased"),
    "no_processes": ("Keine Verfahren gefunden.", "No processes found."),
    "start_intro": ("Was in jedem Verfahren zu tun ist: überfällige Fristen, unbeantwortete "
                    "Anregungen und der nächste Schritt mit dem, was ihm noch fehlt.",
                    "What needs doing in each process: overdue deadlines, unanswered "
                    "suggestions, and the next step with what it still lacks."),
    "shown_of": ("{first}–{last} von {total}", "{first}–{last} of {total}"),
    "overdue_deadline": ("Frist überfällig: {title} (fällig {due})",
                         "Deadline overdue: {title} (due {due})"),
    "unanswered_one": ("1 Anregung ist noch nicht beantwortet",
                       "1 suggestion is not answered yet"),
    "unanswered_many": ("{n} Anregungen sind noch nicht beantwortet",
                        "{n} suggestions are not answered yet"),
    "next_step": ("Nächster Schritt", "Next step"),
    "ended": ("Das Verfahren ist beendet; nichts mehr zu tun.",
              "The process has ended; nothing left to do."),
    "pages": ("Seiten der Liste", "Pages of the list"),
    "page": ("Seite", "Page"),
    "previous_page": ("Vorherige Seite", "Previous page"),
    "next_page": ("Nächste Seite", "Next page"),
    "phase": ("Phase", "Phase"),
    "all_phases": ("alle Phasen", "all phases"),
    "filter": ("Anzeigen", "Show"),
    "title": ("Titel", "Title"),
    "since": ("seit", "since"),
    "department": ("Fachbereich", "Department"),
    "directorate": ("Dezernat", "Directorate"),
    "subject": ("Beteiligungsgegenstand", "Subject of participation"),
    "districts": ("Stadtbezirke", "Districts"),
    "origin": ("Anstoß", "Origin"),
    "lead": ("Federführende Ansprechperson", "Process lead"),
    "deputy": ("Vertretung", "Deputy"),
    "name": ("Name", "Name"),
    "create": ("Verfahren anlegen", "Create process"),
    "save": ("Speichern", "Save"),
    "edit": ("Grunddaten bearbeiten", "Edit basic data"),
    "edit_title": ("Grunddaten bearbeiten", "Edit basic data"),
    "cancel_edit": ("Zurück zum Verfahren", "Back to the process"),
    "basic_data": ("Grunddaten", "Basic data"),
    "none": ("–", "–"),
    "paused_in": ("Pausiert in der Phase", "Paused in phase"),
    "cancel_reason": ("Grund des Abbruchs", "Reason for cancelling"),
    "next_steps": ("Nächste Schritte", "Next steps"),
    "no_steps": ("Aus dieser Phase führt kein Schritt weiter.",
                 "No step leads on from this phase."),
    "ready": ("Alle Voraussetzungen sind erfüllt.", "Every condition is met."),
    "lacks": ("Es fehlt noch:", "Still missing:"),
    "reason": ("Begründung", "Reason"),
    "reason_needed": ("Begründung (nötig)", "Reason (required)"),
    "reason_missing": ("Für diesen Schritt ist eine Begründung nötig: sie in das Feld "
                       "„Begründung“ eintragen.",
                       "This step needs a reason: enter it in the field “Reason”."),
    "goes_to": ("führt zu", "leads to"),
    "content": ("Inhalte", "Content"),
    "begleitgruppe": ("Begleitgruppe", "Begleitgruppe"),
    "konzept": ("Beteiligungskonzept", "Participation concept"),
    "anregungen": ("Anregungen", "Suggestions"),
    "ergebnisse": ("Berichte und Zwischenergebnisse", "Reports and interim results"),
    "entscheidung": ("Entscheidung und Evaluation", "Decision and evaluation"),
    "deadlines": ("Fristen", "Deadlines"),
    "no_deadlines": ("Keine Fristen.", "No deadlines."),
    "due": ("Fällig", "Due"),
    "status": ("Stand", "Status"),
    "change": ("Ändern", "Change"),
    "add_deadline": ("Eigene Frist hinzufügen", "Add a deadline of your own"),
    "add": ("Hinzufügen", "Add"),
    "new_due": ("Neue Fälligkeit", "New due time"),
    "move": ("Verschieben", "Move"),
    "waive": ("Entfallen lassen", "Waive"),
    "berlin_time": ("Ortszeit Hannover", "Hannover local time"),
    "timeline": ("Verlauf", "Timeline"),
    "when": ("Zeitpunkt", "Time"),
    "actor": ("Wer", "Who"),
    "action": ("Vorgang", "Action"),
    "move_phase": ("Phase (von → nach)", "Phase (from → to)"),
    "refused_because": ("fehlte", "missing"),
    "refused": ("Der Schritt wurde nicht ausgeführt.", "The step was not taken."),
    "done": ("Erledigt.", "Done."),
    "step_done": ("Ausgeführt:", "Done:"),
    "now_in": ("Das Verfahren ist jetzt in der Phase", "The process is now in phase"),
    "process_created": ("Das Verfahren wurde angelegt.", "The process was created."),
    "process_edited": ("Die Grunddaten wurden gespeichert.", "The basic data was saved."),
    "deadline_added": ("Die Frist wurde hinzugefügt.", "The deadline was added."),
    "deadline_moved": ("Die Frist wurde verschoben.", "The deadline was moved."),
    "deadline_waived": ("Die Frist entfällt.", "The deadline was waived."),
    "not_saved": ("Nicht gespeichert:", "Not saved:"),
    "cannot_be_undone": ("Dieser Schritt kann nicht rückgängig gemacht werden.",
                         "This step cannot be undone."),
    "final_explained": ("Das Verfahren geht aus der Phase „{phase}“ in die Phase „{dest}“ "
                        "und endet damit: Es kann danach weder fortgesetzt noch geändert "
                        "werden, alle offenen Fristen entfallen, und die Begründung wird mit "
                        "dem Verfahren veröffentlicht.",
                        "The process goes from phase “{phase}” to phase “{dest}” and ends "
                        "there: it can neither be resumed nor changed afterwards, every open "
                        "deadline is waived, and the reason is published with the process."),
    "pause_instead": ("Soll das Verfahren nur eine Zeit lang ruhen, pausieren Sie es "
                      "stattdessen: Ein pausiertes Verfahren lässt sich fortsetzen.",
                      "If the process is only to rest for a while, put it on hold instead: "
                      "a process on hold can be resumed."),
    "reason_published": ("Begründung (nötig, wird veröffentlicht)",
                         "Reason (required, published)"),
    "confirm_final": ("Endgültig: {step}", "For good: {step}"),
    "back_without_step": ("Zurück zum Verfahren, ohne den Schritt auszuführen",
                          "Back to the process without taking the step"),
    "required": ("Pflichtfeld", "required"),
}

ORIGINS: Texts = {
    "administration": ("Verwaltung", "Administration"),
    "district_council_motion": ("Antrag des Stadtbezirksrats", "District council motion"),
    "resident_suggestion": ("Anregung von Einwohner*innen", "Residents' suggestion"),
    "committee": ("Beteiligungsgremium", "Participation committee"),
}

# Buttons of the lifecycle's steps; a trigger not listed reads "Weiter zur Phase „…“".
TRIGGERS: Texts = {
    "hold": ("Pausieren", "Put on hold"),
    "resume": ("Fortsetzen", "Resume"),
    "cancel": ("Verfahren abbrechen", "Cancel the process"),
    "start_another_round": ("Weitere Dialogrunde beginnen", "Start another dialogue round"),
}
GO_TO: Texts = {"go_to": ("Weiter zur Phase", "Go on to phase")}

ACTIONS: Texts = {
    "process_created": ("Verfahren angelegt", "process created"),
    "process_edited": ("Grunddaten geändert", "basic data changed"),
    "transition": ("Phasenwechsel", "phase change"),
    "transition_refused": ("Schritt verweigert", "step refused"),
    "permission_refused": ("Zugriff verweigert", "access refused"),
    "refusals_counted": ("Weitere Verweigerungen gezählt", "further refusals counted"),
    "deadline_added": ("Frist hinzugefügt", "deadline added"),
    "deadline_moved": ("Frist verschoben", "deadline moved"),
    "deadline_waived": ("Frist entfallen", "deadline waived"),
    "deadline_missed": ("Frist versäumt", "deadline missed"),
    "concept_loaded": ("Konzept geändert", "concept changed"),
    "concept_published": ("Konzept veröffentlicht", "concept published"),
    "begleitgruppe_member_added": ("Mitglied der Begleitgruppe eingetragen",
                                   "Begleitgruppe member added"),
    "begleitgruppe_member_removed": ("Mitglied der Begleitgruppe entfernt",
                                     "Begleitgruppe member removed"),
    "suggestion_received": ("Anregung eingegangen", "suggestion received"),
    "suggestion_answered": ("Anregung beantwortet", "suggestion answered"),
    "decision_recorded": ("Entscheidung erfasst", "decision recorded"),
}

STATUSES: Texts = {
    "open": ("offen", "open"),
    "met": ("eingehalten", "met"),
    "missed": ("versäumt", "missed"),
    "waived": ("entfallen", "waived"),
    "cut_short": ("vorzeitig beendet", "cut short"),
    "overdue": ("überfällig", "overdue"),
}

# The content pages of a process (built in another module), by path under the process page.
SUBPAGES = ("begleitgruppe", "konzept", "anregungen", "ergebnisse", "entscheidung")


def word(table: Texts, key: str, lang: str) -> str:
    """``key`` in ``lang`` from ``table``, or the key itself when the table lacks it."""
    pair = table.get(key)
    return key if pair is None else pair[0 if lang == "de" else 1]
