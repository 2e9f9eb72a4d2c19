"""The words of ``audit verify`` and ``audit anchor``, German and English.

``PROBLEMS`` says each finding of ``workflow.audit_check`` (by its code) in German; in English
the finding's own text is used.
"""

from __future__ import annotations

from ..workflow.audit import Break

PROBLEMS_DE = {
    "edited": "sein Inhalt passt nicht zu seinem Hash: das Ereignis wurde verändert",
    "link": "seine Verkettung mit dem vorigen Ereignis stimmt nicht: ein Ereignis wurde entfernt "
            "oder eingefügt",
    "gap": "erwartet war Nummer {expected}, gefunden {found}: Einträge entfernt oder eingefügt",
    "cut": "der Trail endet mit Ereignis {seq}, erwartet {head}: Ereignisse am Ende wurden "
           "entfernt",
    "extended": "der Trail geht bis Ereignis {seq}, erwartet {head}: Ereignisse wurden hinten "
                "angefügt",
    "replaced": "das letzte Ereignis ist nicht das verzeichnete: es wurde ersetzt",
    "phase": "der Prozess steht in Phase '{head}', sein Trail endet in Phase '{trail}': die "
             "Prozesszeile wurde verändert",
    "state": "der gespeicherte Prozess ist nicht der Stand, den sein letztes Ereignis "
             "festhält: Prozesszeile, Dokument oder Fristen wurden ohne Ereignis geändert",
    "state_dropped": "es trägt keinen Stand-Hash, die Ereignisse davor schon: es wurde nach "
                     "dem alten Rezept am Programm vorbei geschrieben",
    "unsigned": "es ist nicht signiert, die Einträge davor schon: es wurde ohne den "
                "Schlüssel angefügt",
    "bad_mac": "seine Signatur stimmt nicht: gefälscht oder ohne den Schlüssel verändert",
    "unknown_key": "es ist mit dem Schlüssel '{key}' signiert, der nicht vorhanden ist: diesen "
                   "Schlüssel ergänzen, oder es ist gefälscht",
    "orphaned": "Ereignisse eines Prozesses ohne Prozesszeile: die Zeile wurde entfernt",
    "vanished": "Prozess {pid} ist Eintrag {seq} des Fallregisters, hat aber keine "
                "Prozesszeile: er wurde entfernt",
    "unregistered": "der Prozess steht nicht im Fallregister: er wurde am Programm vorbei "
                    "angelegt",
    "safeguard": "der Datenbank fehlt {what}: der Schutz gegen Ändern und Löschen wurde "
                 "entfernt",
    "anchor_forged": "die Signatur des Ankers stimmt nicht: die Ankerdatei wurde verändert",
    "anchor_vanished": "der Prozess war bei Ereignis {seq} verankert und existiert nicht mehr: "
                       "er wurde entfernt oder die Datenbank zurückgesetzt",
    "anchor_behind": "der Trail endet bei {end}, vor dem verankerten Ereignis {seq}: die "
                     "Datenbank wurde zurückgesetzt oder der Trail gekürzt",
    "anchor_differs": "Ereignis {seq} ist nicht das verankerte: der Trail wurde neu geschrieben",
}
WHAT_DE = {"the table": "die Tabelle", "the trigger": "den Trigger"}

TEXTS = {
    "intact": {"de": "Audit-Trail intakt: {n} Ereignisse geprüft",
               "en": "audit trail intact: {n} events checked"},
    "process": {"de": "Prozess {pid}: erstes gebrochenes Ereignis {seq}: {problem}",
                "en": "process {pid}: first broken event {seq}: {problem}"},
    "case": {"de": "Prozess {pid}: {problem}", "en": "process {pid}: {problem}"},
    "registry": {"de": "Fallregister: erster gebrochener Eintrag {seq}: {problem}",
                 "en": "case registry: first broken entry {seq}: {problem}"},
    "anchor": {"de": "Anker: {problem}", "en": "anchor: {problem}"},
    "database": {"de": "Datenbank: {problem}", "en": "database: {problem}"},
    "unbound": {
        "de": "Hinweis: bei {n} Prozess(en) ist der gespeicherte Stand noch nicht an den Trail "
              "gebunden (Trail von vor Revision 0009; gebunden ab der nächsten Änderung): {ids}",
        "en": "note: the stored state of {n} process(es) is not bound to the trail yet (trails "
              "from before revision 0009; bound from their next change on): {ids}"},
    "unsigned": {
        "de": "Hinweis: die Trails von {n} Prozess(en) tragen keine Signatur (von vor Revision "
              "0009): {ids}",
        "en": "note: the trails of {n} process(es) carry no signature (from before revision "
              "0009): {ids}"},
    "unchecked": {
        "de": "Hinweis: kein Audit-Schlüssel vorhanden: {n} Signatur(en) konnten nicht geprüft "
              "werden (Schlüsseldatei oder BETEILIGUNG_AUDIT_KEYS, siehe docs/audit.md)",
        "en": "note: no audit key present: {n} signature(s) could not be checked (key file or "
              "BETEILIGUNG_AUDIT_KEYS, see docs/audit.md)"},
    "anchored": {
        "de": "Anker in {path} geschrieben: {n} Prozess(e), Fallregister bis Eintrag {seq}",
        "en": "anchor written to {path}: {n} process(es), case registry up to entry {seq}"},
    "not_anchored": {
        "de": "kein Anker geschrieben: der Audit-Trail ist nicht intakt (siehe oben)",
        "en": "no anchor written: the audit trail is not intact (see above)"},
}


def problem(b: Break, language: str) -> str:
    """The finding in ``language``."""
    if language != "de" or b.code not in PROBLEMS_DE:
        return b.problem
    params = dict(b.params)
    if "what" in params:
        for en, de in WHAT_DE.items():
            params["what"] = params["what"].replace(en, de)
    return PROBLEMS_DE[b.code].format(**params)


def line(b: Break, language: str) -> str:
    """One line of the report for one finding."""
    if b.code == "anchor_forged":
        key = "anchor"
    elif not b.process_id:
        key = "database" if b.code == "safeguard" else "registry"
    else:
        key = "process" if b.seq and b.code not in ("vanished", "unregistered") else "case"
    return TEXTS[key][language].format(pid=b.process_id, seq=b.seq,
                                       problem=problem(b, language))
