"""The texts of the public pages (Vorhabenliste, process page, suggestion form), German and
English; ``t(key)`` in the templates looks them up (``web.pages.translator``).
Import rule: standard library only.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # the list
    "list_title": ("Vorhabenliste: Beteiligungsverfahren in Hannover",
                   "List of projects: participation processes in Hannover"),
    "list_intro": ("Hier steht, was zu jedem Beteiligungsverfahren der Landeshauptstadt "
                   "Hannover veröffentlicht ist. Wählen Sie ein Verfahren, um mehr zu lesen "
                   "und – solange Anregungen möglich sind – Ihre Anregung zu senden.",
                   "What has been published about each participation process of the City "
                   "of Hannover. Choose a process to read more and, while comments are "
                   "open, to send a suggestion."),
    "filter": ("Filter", "Filter"),
    "district": ("Stadtbezirk", "District"),
    "department": ("Fachbereich", "Department"),
    "phase": ("Phase", "Phase"),
    "all": ("alle", "all"),
    "apply_filter": ("Filter anwenden", "Apply filter"),
    "reset_filter": ("Filter zurücksetzen", "Reset filter"),
    "process": ("Vorhaben", "Project"),
    "districts": ("Stadtbezirke", "Districts"),
    "since": ("seit", "since"),
    "paused_in": ("angehalten in der Phase", "paused in phase"),
    "no_page_yet": ("Konzept noch nicht veröffentlicht", "concept not published yet"),
    "count": ("Verfahren auf dieser Seite", "Processes on this page"),
    "pages": ("Seiten der Vorhabenliste", "Pages of the list"),
    "page": ("Seite", "Page"),
    "previous_page": ("Vorherige Seite", "Previous page"),
    "next_page": ("Nächste Seite", "Next page"),
    "empty": ("Keine Verfahren gefunden.", "No processes found."),
    "open_concept_until": ("Jetzt Anregungen zum Konzept möglich, bis {until}",
                           "Open for comments on the concept now, until {until}"),
    "open_concept": ("Anregungen zum Konzept weiterhin möglich (ohne Enddatum)",
                     "Still open for comments on the concept (no end date)"),
    "open_interim_results_until": ("Jetzt Anregungen zu den Zwischenergebnissen möglich, bis "
                                   "{until}", "Open for comments on the interim results now, "
                                   "until {until}"),
    "open_interim_results": ("Anregungen zu den Zwischenergebnissen möglich",
                             "Open for comments on the interim results"),
    "none": ("–", "–"),
    "text_erased": ("(Text auf Wunsch gelöscht)", "(text erased on request)"),
    # the process page
    "number": ("Nr.", "No."),
    "subject": ("Gegenstand", "Subject"),
    "started": ("Begonnen am", "Started on"),
    "contact": ("Ansprechperson", "Contact"),
    "cancel_reason": ("Abgebrochen, weil", "Cancelled because"),
    "concept": ("Beteiligungskonzept", "Participation concept"),
    "version": ("Version", "version"),
    "published_on": ("veröffentlicht am", "published on"),
    "first_published": ("erstmals veröffentlicht am", "first published on"),
    "change_note": ("Änderung", "What changed"),
    "summary": ("Zusammenfassung", "Summary"),
    "easy_language": ("In Leichter Sprache", "In easy language"),
    "project_goal": ("Ziel des Vorhabens", "Goal of the project"),
    "participation_goal": ("Ziel der Beteiligung", "Goal of the participation"),
    "goals": ("Ziele (SMART)", "Goals (SMART)"),
    "goal": ("Ziel", "Goal"),
    "description": ("Beschreibung", "Description"),
    "indicator": ("Indikator", "Indicator"),
    "target": ("Zielwert", "Target"),
    "due": ("Termin", "Due"),
    "pre_report": ("Vorbericht", "Pre-report"),
    "post_report": ("Nachbericht", "Post-report"),
    "events": ("Veranstaltungen", "Events"),
    "events_intro": ("Die Veranstaltungen des Dialogs: online und vor Ort.",
                     "The events of the dialogue, online and on site."),
    "upcoming": ("Anstehende Veranstaltungen", "Upcoming events"),
    "past_events": ("Vergangene Veranstaltungen", "Past events"),
    "date": ("Datum", "Date"),
    "format": ("Format", "Format"),
    "place": ("Ort", "Place"),
    "accessibility": ("Barrierefreiheit", "Accessibility"),
    "no_details": ("keine Angaben", "not stated"),
    "online": ("online", "online"),
    "on_site": ("vor Ort", "on site"),
    "today": ("heute", "today"),
    "interim_results": ("Zwischenergebnisse", "Interim results"),
    "round": ("Runde", "Round"),
    "comment_deadline": ("Anregungen bis", "Comments until"),
    "decision_when": ("Entscheidung wann", "Decision when"),
    "decision_where": ("Entscheidung wo", "Decision where"),
    "decision_by": ("Entscheidung durch", "Decision by"),
    "suggestions": ("Anregungen und ihre Beantwortung", "Suggestions and their answers"),
    "suggestion": ("Anregung", "Suggestion"),
    "answer": ("Antwort", "Answer"),
    "justification": ("Begründung", "Justification"),
    "on_concept": ("zum Konzept", "on the concept"),
    "on_interim_results": ("zu den Zwischenergebnissen", "on the interim results"),
    "accepted": ("angenommen", "accepted"),
    "partly_accepted": ("teilweise angenommen", "partly accepted"),
    "rejected": ("abgelehnt", "rejected"),
    "decision": ("Entscheidung", "Decision"),
    "decided_by": ("Entschieden durch", "Decided by"),
    "decided_on": ("am", "on"),
    "follows_results": ("Folgt den Ergebnissen der Beteiligung",
                        "Follows the results of the participation"),
    "yes": ("ja", "yes"),
    "no": ("nein", "no"),
    "implementation": ("Verantwortlich für die Umsetzung", "Responsible for implementation"),
    "evaluation": ("Evaluation", "Evaluation"),
    "rating": ("Bewertung", "Rating"),
    "evidence": ("Beleg", "Evidence"),
    "lessons": ("Erkenntnisse", "Lessons learned"),
    "met": ("erreicht", "met"),
    "partly": ("teilweise erreicht", "partly met"),
    "not_met": ("nicht erreicht", "not met"),
    "to_list": ("Zurück zur Vorhabenliste", "Back to the list of projects"),
    "not_found": ("Dieses Vorhaben gibt es nicht (oder noch nicht öffentlich).",
                  "There is no such project (or it is not public yet)."),
    # the suggestion form
    "form_title": ("Ihre Anregung", "Your suggestion"),
    "form_on_concept_until": ("Sie können jetzt Anregungen zum Beteiligungskonzept geben, "
                              "bis {until} Uhr (Ende der öffentlichen Kommentierungsfrist).",
                              "You can now comment on the participation concept, until "
                              "{until} (the end of the public comment period)."),
    "form_on_concept": ("Sie können weiterhin Anregungen zum Beteiligungskonzept geben; ein "
                        "Enddatum ist nicht festgelegt.",
                        "You can still comment on the participation concept; no end date "
                        "is set."),
    "form_on_interim_results_until": ("Sie können jetzt Anregungen zu den "
                                      "Zwischenergebnissen geben, bis {until} Uhr.",
                                      "You can now comment on the interim results, until "
                                      "{until}."),
    "form_on_interim_results": ("Sie können jetzt Anregungen zu den Zwischenergebnissen "
                                "geben.", "You can now comment on the interim results."),
    "form_privacy": ("Ihre Anregung wird erst veröffentlicht, wenn sie beantwortet ist – mit "
                     "der Antwort, aber ohne Ihren Namen und ohne Ihre E-Mail-Adresse. Die "
                     "E-Mail-Adresse ist freiwillig: Geben Sie sie an, schreiben wir Ihnen "
                     "einmal, sobald Ihre Anregung beantwortet ist, und für nichts anderes.",
                     "Your suggestion is published once it has been answered, with the "
                     "answer, but without your name or e-mail address. The address is "
                     "optional: if you give it, we write to you once, when your suggestion "
                     "has been answered, and for nothing else."),
    "privacy_link": ("Mehr dazu im Datenschutzhinweis", "More in the privacy notice"),
    "privacy_title": ("Datenschutzhinweis", "Privacy notice"),
    "privacy_what": ("Was gespeichert wird", "What is kept"),
    "privacy_what_text": (
        "Der Text Ihrer Anregung und, wenn Sie sie angeben, Ihre E-Mail-Adresse. Beides "
        "liegt getrennt vom Prüfpfad des Verfahrens; dieser enthält nur einen Verweis darauf.",
        "The text of your suggestion and, if you give it, your e-mail address. Both are kept "
        "apart from the process's audit trail, which holds only a reference to them."),
    "privacy_why": ("Wozu", "What for"),
    "privacy_why_text": (
        "Die Verwaltung beantwortet jede Anregung; beantwortete Anregungen werden mit ihrer "
        "Antwort auf der Seite des Vorhabens veröffentlicht, nie mit Ihrer Adresse. Die "
        "Adresse dient nur dazu, Ihnen einmal zu schreiben, wenn Ihre Anregung beantwortet "
        "ist.",
        "The administration answers every suggestion; answered suggestions are published with "
        "their answer on the project's page, never with your address. The address serves "
        "only to write to you once, when your suggestion has been answered."),
    "privacy_basis": ("Rechtsgrundlage", "Legal basis"),
    "privacy_basis_text": (
        "Art. 6 Abs. 1 lit. e DSGVO: Die Beteiligung der Einwohner*innen ist eine Aufgabe im "
        "öffentlichen Interesse. Die Angabe der E-Mail-Adresse ist freiwillig.",
        "Art. 6 (1)(e) GDPR: involving residents is a task carried out in the public "
        "interest. Giving your e-mail address is voluntary."),
    "privacy_how_long": ("Wie lange", "How long"),
    "privacy_how_long_text": (
        "Ihre Adresse wird {days} Tage nach dem Abschluss des Verfahrens gelöscht, die Texte "
        "der E-Mails an Sie {mail_days} Tage nach dem Versand. Die Anregung selbst bleibt mit "
        "ihrer Antwort Teil der Dokumentation des Verfahrens, bis das ganze Verfahren "
        "{process_days} Tage nach seinem Abschluss gelöscht wird.",
        "Your address is erased {days} days after the process has been concluded, the text of "
        "e-mails to you {mail_days} days after they were sent. The suggestion itself stays, "
        "with its answer, part of the record of the process until the whole process is "
        "deleted {process_days} days after it was concluded."),
    "privacy_rights": ("Ihre Rechte", "Your rights"),
    "privacy_rights_text": (
        "Sie können Auskunft über Ihre gespeicherten Daten verlangen (Art. 15 DSGVO) und ihre "
        "Löschung (Art. 17 DSGVO), ohne Angabe von Gründen.",
        "You may ask what is kept about you (Art. 15 GDPR) and have it erased (Art. 17 GDPR), "
        "without giving a reason."),
    "privacy_contact": ("Ansprechperson für den Datenschutz",
                        "Contact for data protection"),
    "privacy_no_contact": ("Die Koordinierungsstelle Beteiligung der Stadt.",
                           "The city's participation coordination office."),
    "text_label": ("Ihre Anregung (Pflichtfeld, höchstens {n} Zeichen)",
                   "Your suggestion (required, at most {n} characters)"),
    "email_label": ("E-Mail-Adresse (freiwillig, für die Nachricht, wenn Ihre Anregung "
                    "beantwortet ist)",
                    "E-mail address (optional, for the message when your suggestion has been "
                    "answered)"),
    "hp_label": ("Dieses Feld bitte leer lassen", "Please leave this field empty"),
    "send": ("Anregung absenden", "Send suggestion"),
    "form_errors": ("Die Anregung wurde nicht gesendet:", "The suggestion was not sent:"),
    "text_missing": ("Bitte schreiben Sie Ihre Anregung in das Textfeld.",
                     "Please write your suggestion in the text field."),
    "text_too_long": ("Die Anregung ist zu lang: höchstens {n} Zeichen.",
                      "The suggestion is too long: at most {n} characters."),
    "email_invalid": ("Die E-Mail-Adresse ist nicht gültig. Lassen Sie das Feld leer oder "
                      "geben Sie eine vollständige Adresse an.",
                      "The e-mail address is not valid. Leave the field empty or enter a "
                      "complete address."),
    "period_closed": ("Für dieses Vorhaben können zurzeit keine Anregungen gegeben werden: "
                      "die Frist ist abgelaufen oder noch nicht eröffnet. Ihre Anregung wurde "
                      "nicht gespeichert.",
                      "This project does not take suggestions at the moment: the period has "
                      "ended or has not opened yet. Your suggestion was not saved."),
    "form_expired": ("Das Formular war abgelaufen; Ihre Anregung wurde nicht gespeichert. "
                     "Ihr Text steht noch im Formular: Bitte senden Sie es noch einmal.",
                     "The form had expired; your suggestion was not saved. Your text is "
                     "still in the form: please send it again."),
    "kept_text": ("Ihr Text, damit Sie ihn nicht verlieren (zum Kopieren)",
                  "Your text, so that you do not lose it (to copy)"),
    "too_many": ("Von Ihrem Anschluss kamen in der letzten Stunde schon {n} Anregungen zu diesem "
                 "Vorhaben; mehr "
                 "sind nicht möglich. Bitte versuchen Sie es später noch einmal. Ihre "
                 "Anregung wurde nicht gespeichert.",
                 "{n} suggestions on this project came from your connection within the last "
                 "hour; no more are possible. Please try again later. Your suggestion was "
                 "not saved."),
    # the receipt
    "thanks": ("Vielen Dank für Ihre Anregung", "Thank you for your suggestion"),
    "receipt": ("Ihre Eingangsnummer", "Your receipt number"),
    "receipt_note": ("Bitte notieren Sie die Nummer. Sobald Ihre Anregung beantwortet ist, "
                     "steht sie mit der Antwort auf der Seite des Vorhabens, unter der Nummer "
                     "nach dem letzten Bindestrich.",
                     "Please note the number. Once your suggestion is answered, it appears "
                     "with the answer on the project's page, under the number after the last "
                     "hyphen."),
    "to_process": ("Zurück zum Vorhaben", "Back to the project"),
}
