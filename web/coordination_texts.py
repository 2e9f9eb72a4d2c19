"""The words of the coordinators' pages (``web.coordination``), German and English.

``TEXTS`` is the page-text table handed to ``render``. What a finding of the stuck list says
comes from ``workflow.oversight_texts``, the quarterly report's own words from
``notifications.quarterly_texts``; this table holds only the pages' frame.
Import rule: standard library only (a table of words).
"""

from __future__ import annotations

from collections.abc import Mapping

Texts = Mapping[str, tuple[str, str]]

TEXTS: Texts = {
    # overview
    "coordination_title": ("Koordinierungsstelle", "Coordination office"),
    "coordination_intro": ("Übersicht über alle Verfahren: was hängt, welche E-Mails nicht "
                           "zugestellt wurden, ob der Audit-Trail intakt ist, und der "
                           "Quartalsbericht.",
                           "An overview of every process: what is stuck, which e-mails were "
                           "not delivered, whether the audit trail is intact, and the "
                           "quarterly report."),
    "stuck_title": ("Hängende Verfahren", "Stuck processes"),
    "stuck_link_text": ("Befunde zu offenen Verfahren, die hängen, überfällig sind oder eine "
                        "Regel verletzen.",
                        "Findings about open processes that are stuck, overdue or breaking a "
                        "rule."),
    "messages_title": ("Nachrichten", "Messages"),
    "messages_link_text": ("E-Mails im Postausgang; fehlgeschlagene erneut senden.",
                           "E-mails in the outbox; send failed ones again."),
    "audit_title": ("Audit-Trail prüfen", "Verify the audit trail"),
    "audit_link_text": ("Prüft die Hash-Kette jedes Verfahrens (kann bei großen Datenbanken "
                        "dauern).",
                        "Checks every process's hash chain (may take a while on a large "
                        "database)."),
    "quarterly_title": ("Quartalsbericht", "Quarterly report"),
    "quarterly_link_text": ("Zahlen je Dezernat und Fachbereich für die Gremien.",
                            "Figures per directorate and department for the committees."),
    "findings_count": ("Befunde", "findings"),
    "critical_n": ("davon {n} kritisch", "{n} of them critical"),
    "failed_count": ("fehlgeschlagene E-Mails", "failed e-mails"),
    # stuck list
    "as_of": ("Stand", "As of"),
    "severity": ("Schwere", "Severity"),
    "severity_filter": ("Mindestens", "At least"),
    "sev_info": ("alle Befunde", "all findings"),
    "sev_warning": ("Warnung oder kritisch", "warning or critical"),
    "sev_critical": ("nur kritisch", "critical only"),
    "show": ("Anzeigen", "Show"),
    "process": ("Verfahren", "Process"),
    "finding": ("Befund", "Finding"),
    "days": ("Tage", "Days"),
    "responsible": ("Verantwortlich", "Responsible"),
    "deputy": ("Vertretung", "Deputy"),
    "next_step": ("Nächster Schritt", "Next step"),
    "no_findings": ("Keine Befunde: kein offenes Verfahren hängt oder ist überfällig.",
                    "No findings: no open process is stuck or overdue."),
    "findings_summary": ("{n} Befund(e): {critical} kritisch, {warning} Warnung(en), "
                         "{info} Hinweis(e).",
                         "{n} finding(s): {critical} critical, {warning} warning(s), "
                         "{info} info."),
    "shown_first": ("Angezeigt sind die ersten {shown}; alle stehen in der CSV-Datei.",
                    "The first {shown} are shown; the CSV file holds all."),
    "csv_download": ("Als CSV herunterladen", "Download as CSV"),
    "phase": ("Phase", "Phase"),
    # messages
    "status": ("Status", "Status"),
    "st_failed": ("fehlgeschlagen", "failed"),
    "st_queued": ("in der Warteschlange", "queued"),
    "st_sending": ("wird gesendet", "sending"),
    "st_sent": ("gesendet", "sent"),
    "st_skipped": ("übersprungen", "skipped"),
    "recipients": ("Empfänger", "Recipients"),
    "subject": ("Betreff", "Subject"),
    "attempts": ("Versuche", "Attempts"),
    "last_error": ("Letzter Fehler", "Last error"),
    "when": ("Zeitpunkt", "When"),
    "created": ("erstellt", "created"),
    "sent": ("gesendet", "sent"),
    "next_attempt": ("nächster Versuch", "next attempt"),
    "action": ("Aktion", "Action"),
    "retry": ("Erneut senden", "Send again"),
    "retried": ("Nachricht {id} steht wieder in der Warteschlange und wird beim nächsten "
                "Versand zugestellt.",
                "Message {id} is queued again and goes out with the next delivery."),
    "no_messages": ("Keine Nachrichten mit diesem Status.", "No messages with this status."),
    "newest_first": ("Die neuesten {n} Nachrichten.", "The newest {n} messages."),
    # audit
    "audit_intact": ("Intakt: {n} Ereignisse geprüft.", "Intact: {n} events checked."),
    "audit_broken": ("Gebrochen: {n} Ereignisse geprüft, {broken} Verfahren mit Bruch.",
                     "Broken: {n} events checked, {broken} process(es) broken."),
    "first_broken": ("Erstes gebrochenes Ereignis", "First broken event"),
    "problem": ("Problem", "Problem"),
    "audit_hint": ("Der Verlauf eines Verfahrens lässt sich mit „beteiligung audit export“ "
                   "sichern und außerhalb prüfen.",
                   "A process's trail can be saved and checked elsewhere with 'beteiligung "
                   "audit export'."),
    # quarterly
    "quarter": ("Quartal", "Quarter"),
    "running": ("laufend", "running"),
    "downloads": ("Herunterladen", "Download"),
    "download_html": ("Vollständiger Bericht mit Diagrammen (HTML-Datei)",
                      "Full report with charts (HTML file)"),
    "download_md": ("Markdown", "Markdown"),
    "download_csv": ("CSV (eine Zeile je Fachbereich)", "CSV (one row per department)"),
    "quarterly_note": ("Diese Seite zeigt die Zahlen des Berichts; die Diagramme und die "
                       "Erläuterungen zur Methode stehen in der HTML-Datei.",
                       "This page shows the report's figures; the charts and the notes on "
                       "method are in the HTML file."),
}
