"""The words of the quarterly report, German and English (``notifications.quarterly``).

Placeholders in braces are filled by the templates with ``|fill``.
Import rule: standard library only.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Quartalsbericht Beteiligung {quarter}",
        "subtitle": "Berichtswesen nach den Leitlinien für die Beteiligung der Einwohner*innen "
                    "der Landeshauptstadt Hannover",
        "period": "Berichtszeitraum: {first} bis {last}",
        "as_of_end": "Alle Zahlen geben den Stand am Ende des Quartals wieder (Stichtag: Ende "
                     "des {last}).",
        "provisional": "Vorläufig: Das Quartal läuft noch. Alle Zahlen geben den Stand vom "
                       "{moment} wieder.",
        "generated": "Erstellt am {at}",
        "overview": "Überblick",
        "processes": "Prozesse",
        "open": "offen",
        "per_phase": "Prozesse nach Phase",
        "per_phase_desc": "Balkendiagramm: Zahl der Prozesse je Phase am Stichtag.",
        "per_department": "Prozesse nach Dezernat und Fachbereich",
        "per_department_chart": "Offene Prozesse je Fachbereich",
        "per_department_desc": "Gestapeltes Balkendiagramm: offene Prozesse je Fachbereich am "
                               "Stichtag, nach Stand des Verfahrens (die Zahlen je Stand "
                               "stehen in der Tabelle darunter). Offene Prozesse insgesamt:",
        "planned": "Geplante Beteiligung im nächsten Quartal ({next})",
        "planned_intro": "Prozesse in der Vorberichterstattung (ihr Dialog beginnt als "
                         "Nächstes) und offene Prozesse mit Dialogaktivitäten im nächsten "
                         "Quartal (R12).",
        "preparing": "Außerdem sind {n} Prozesse in Vorbereitung (Initiierung, "
                     "Projektbegleitgruppe, Konzept); sie stehen je Fachbereich in der Tabelle "
                     "„Prozesse nach Dezernat und Fachbereich“.",
        "deviations": "Entscheidungen, die von den Ergebnissen abweichen",
        "deviations_intro": "Im Quartal veröffentlichte Entscheidungen, die von den Ergebnissen "
                            "oder Empfehlungen der Beteiligung abweichen, mit ihrer Begründung "
                            "(R10). Im Quartal veröffentlichte Entscheidungen insgesamt: {n}.",
        "unpublished": "Dazu kommen {n} abweichende Entscheidung(en), die erfasst, aber noch "
                       "nicht veröffentlicht sind; ihre Begründung erscheint hier nach der "
                       "Veröffentlichung.",
        "without_evaluation": "Fachbereiche ohne Evaluation",
        "without_evaluation_intro": "Fachbereiche, von denen bis zum Stichtag noch kein Prozess "
                                    "nach seiner Evaluation abgeschlossen wurde (R11).",
        "all_evaluated": "Jeder Fachbereich mit Prozessen hat mindestens eine Evaluation.",
        "times": "Verweildauer je Phase (Median)",
        "times_desc": "Balkendiagramm: Median der Verweildauer in Tagen je Phase, über alle "
                      "Aufenthalte bis zum Stichtag, laufende bis zum Stichtag gerechnet.",
        "method": "Zählweise",
        "directorate": "Dezernat",
        "department": "Fachbereich",
        "total": "gesamt",
        "all": "Alle Dezernate",
        "new": "neu im Quartal",
        "overdue": "überfällige Fristen",
        "stuck": "festgefahren",
        "phase": "Phase",
        "stays": "Aufenthalte",
        "median": "Median (Tage)",
        "days": "Tage",
        "process": "Prozess",
        "activities": "Dialogaktivitäten im nächsten Quartal",
        "decided_by": "entschieden von",
        "decided_on": "am",
        "decision": "Entscheidung",
        "justification": "Begründung",
        "published": "veröffentlicht am",
        "in_evaluation": "Prozesse in Evaluation",
        "none": "keine",
        "no_directorate": "(ohne Dezernat)",
        "no_department": "(ohne Fachbereich)",
        "online": "online",
        "on_site": "vor Ort",
        "in_quarter": "davon im Quartal",
        "stuck_unmatched": "Festgefahrene Prozesse in Fachbereichen, die bis zum Stichtag "
                           "keinen Prozess hatten: {items}.",
        "yes": "ja",
        "no": "nein",
        "quarter": "Quartal",
        "has_evaluation": "Evaluation vorhanden",
        "planned_count": "geplante Beteiligung",
        "deviation_count": "abweichende Entscheidungen",
        "preparation": "in Vorbereitung",
        "running": "laufend",
        "decision_phase": "in Entscheidung",
        "evaluation": "in Evaluation",
        "on_hold": "pausiert",
        "closed": "abgeschlossen",
        "cancelled": "abgebrochen",
        "other": "sonstige Phasen",
        "m_as_of": "Stichtag: Jede Zahl gibt den Stand am Ende des Quartals wieder (bei einem "
                   "laufenden Quartal den Stand bei Erstellung). Die Phase eines Prozesses an "
                   "diesem Tag wird aus seinem Prüfprotokoll bestimmt; Dezernat und Fachbereich "
                   "sind die heute eingetragenen.",
        "m_categories": "Gruppen: {groups}.",
        "m_ended": "„abgeschlossen“ und „abgebrochen“ zählen alle Prozesse, die bis zum "
                   "Stichtag abgeschlossen oder abgebrochen wurden; in Klammern, wie viele davon "
                   "im Quartal.",
        "m_planned": "Geplante Beteiligung (R12): einzeln genannt sind die Prozesse in der "
                     "Vorberichterstattung und jeder offene Prozess mit einer erfassten "
                     "Dialogaktivität, die im nächsten Quartal stattfindet; Prozesse in "
                     "Vorbereitung werden gezählt. Pausierte Prozesse zählen nur mit "
                     "Dialogaktivitäten im nächsten Quartal.",
        "m_deviations": "Abweichende Entscheidungen (R10): Entscheidungen, die im Quartal "
                        "veröffentlicht wurden und als abweichend erfasst sind. Nicht "
                        "veröffentlichte werden nur gezählt, nicht gezeigt.",
        "m_evaluation": "Evaluation (R11): Ein Fachbereich hat eine Evaluation, sobald einer "
                        "seiner Prozesse nach der Bewertung aller SMART-Ziele abgeschlossen "
                        "wurde. Fachbereiche ohne jeden Prozess sind dem System nicht bekannt.",
        "m_overdue": "Überfällige Fristen: Fristen, die am Stichtag fällig und noch offen waren "
                     "(auch die als versäumt markierten). Eine verschobene Frist zählt mit ihrem "
                     "heutigen Fälligkeitsdatum.",
        "m_times": "Verweildauer: jeder Aufenthalt in einer Phase seit Beginn der "
                   "Aufzeichnung, auch der, in dem ein Prozess am Stichtag noch ist (bis zum "
                   "Stichtag gerechnet), damit ein festgefahrener Prozess sichtbar wird. Eine "
                   "Pause oder eine weitere Dialogrunde beginnt einen neuen Aufenthalt. "
                   "Genauigkeit: eine Stunde.",
        "m_stuck": "Festgefahren: Prozesse auf der Liste der festgefahrenen Prozesse der "
                   "Koordinierungsstelle.",
    },
    "en": {
        "title": "Quarterly report on participation {quarter}",
        "subtitle": "Reporting under the guidelines for resident participation of the City of "
                    "Hannover",
        "period": "Period: {first} to {last}",
        "as_of_end": "All figures are as of the end of the quarter (reference date: end of "
                     "{last}).",
        "provisional": "Provisional: the quarter has not ended yet. All figures are as of "
                       "{moment}.",
        "generated": "Generated on {at}",
        "overview": "Overview",
        "processes": "Processes",
        "open": "open",
        "per_phase": "Processes by phase",
        "per_phase_desc": "Bar chart: number of processes in each phase on the reference date.",
        "per_department": "Processes by directorate and department",
        "per_department_chart": "Open processes by department",
        "per_department_desc": "Stacked bar chart: open processes of each department on the "
                               "reference date, by stage (the figures per stage are in the "
                               "table below). Open processes in all:",
        "planned": "Participation planned for the next quarter ({next})",
        "planned_intro": "Processes in pre-reporting (their dialogue comes next) and open "
                         "processes with dialogue activities in the next quarter (R12).",
        "preparing": "In addition, {n} processes are in preparation (initiation, "
                     "Projektbegleitgruppe, concept); they are counted per department in the "
                     "table 'Processes by directorate and department'.",
        "deviations": "Decisions that depart from the results",
        "deviations_intro": "Decisions published in the quarter that depart from the results or "
                            "recommendations of the participation, with their justification "
                            "(R10). Decisions published in the quarter in all: {n}.",
        "unpublished": "In addition, {n} departing decision(s) are recorded but not yet "
                       "published; their justification appears here once published.",
        "without_evaluation": "Departments without an evaluation",
        "without_evaluation_intro": "Departments none of whose processes had been closed after "
                                    "its evaluation by the reference date (R11).",
        "all_evaluated": "Every department with processes has at least one evaluation.",
        "times": "Time per phase (median)",
        "times_desc": "Bar chart: median time in days spent in each phase, over every stay "
                      "by the reference date, running ones counted up to it.",
        "method": "How the figures are counted",
        "directorate": "Directorate",
        "department": "Department",
        "total": "total",
        "all": "All directorates",
        "new": "new in quarter",
        "overdue": "overdue deadlines",
        "stuck": "stuck",
        "phase": "Phase",
        "stays": "Stays",
        "median": "Median (days)",
        "days": "days",
        "process": "Process",
        "activities": "Dialogue activities next quarter",
        "decided_by": "decided by",
        "decided_on": "on",
        "decision": "Decision",
        "justification": "Justification",
        "published": "published on",
        "in_evaluation": "processes being evaluated",
        "none": "none",
        "no_directorate": "(no directorate)",
        "no_department": "(no department)",
        "online": "online",
        "on_site": "on site",
        "in_quarter": "of them in the quarter",
        "stuck_unmatched": "Stuck processes in departments that had no process by the "
                           "reference date: {items}.",
        "yes": "yes",
        "no": "no",
        "quarter": "Quarter",
        "has_evaluation": "has evaluation",
        "planned_count": "planned participation",
        "deviation_count": "departing decisions",
        "preparation": "in preparation",
        "running": "running",
        "decision_phase": "being decided",
        "evaluation": "being evaluated",
        "on_hold": "on hold",
        "closed": "closed",
        "cancelled": "cancelled",
        "other": "other phases",
        "m_as_of": "Reference date: every figure is as of the end of the quarter (for a "
                   "running quarter, as of when the report was made). A process's phase on that "
                   "date is taken from its audit trail; directorate and department are the ones "
                   "recorded today.",
        "m_categories": "Groups: {groups}.",
        "m_ended": "'closed' and 'cancelled' count every process closed or cancelled by the "
                   "reference date; in brackets, how many of them in the quarter.",
        "m_planned": "Planned participation (R12): listed one by one are the processes in "
                     "pre-reporting and every open process with a recorded dialogue activity "
                     "that takes place in the next quarter; processes in preparation are "
                     "counted. Processes on hold count only with dialogue activities in the "
                     "next quarter.",
        "m_deviations": "Departing decisions (R10): decisions published in the quarter and "
                        "recorded as departing from the results. Unpublished ones are counted, "
                        "not shown.",
        "m_evaluation": "Evaluation (R11): a department has an evaluation once one of its "
                        "processes has been closed after every SMART goal was evaluated. "
                        "Departments without any process are unknown to the system.",
        "m_overdue": "Overdue deadlines: deadlines that were due and still open on the "
                     "reference date (including those marked as missed). A deadline that was "
                     "moved counts with its current due date.",
        "m_times": "Time per phase: every stay in a phase since records began, including "
                   "the one a process is still in on the reference date (counted up to it), "
                   "so that a stuck process shows. A pause or another dialogue round starts a "
                   "new stay. Resolution: one hour.",
        "m_stuck": "Stuck: processes on the coordinators' list of stuck processes.",
    },
}

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
