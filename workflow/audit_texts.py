"""The findings of ``audit verify`` in German (``workflow.audit_check`` holds their English
text): one source for the command line and the coordinators' page.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from .audit import Break

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
    "buried_edited": "sein Grabstein passt nicht zu seinem Hash: der Grabstein wurde verändert",
    "buried_alive": "er hat einen Grabstein, existiert aber noch: der Grabstein wurde am "
                    "Programm vorbei angelegt",
    "buried_unregistered": "er hat einen Grabstein, stand aber nie im Fallregister: der "
                           "Grabstein ist erfunden",
    "buried_open": "er wurde in der Phase „{phase}“ entfernt, die keine abschließende ist: er "
                   "wurde entfernt, während er lief",
    "buried_early": "er wurde {days} Tage nach seinem Abschluss entfernt, vor Ablauf seiner "
                    "Aufbewahrungsfrist von {kept} Tagen",
    "anchor_buried": "der Prozess war bei Ereignis {seq} verankert, sein Grabstein nennt aber "
                     "Ereignis {final} als letztes: der Trail wurde vor dem Entfernen gekürzt",
    "anchor_forged": "die Signatur des Ankers stimmt nicht: die Ankerdatei wurde verändert",
    "anchor_vanished": "der Prozess war bei Ereignis {seq} verankert und existiert nicht mehr: "
                       "er wurde entfernt oder die Datenbank zurückgesetzt",
    "anchor_behind": "der Trail endet bei {end}, vor dem verankerten Ereignis {seq}: die "
                     "Datenbank wurde zurückgesetzt oder der Trail gekürzt",
    "anchor_differs": "Ereignis {seq} ist nicht das verankerte: der Trail wurde neu geschrieben",
}
WHAT_DE = {"the table": "die Tabelle", "the trigger": "den Trigger"}


def problem(b: Break, language: str) -> str:
    """The finding in ``language``."""
    if language != "de" or b.code not in PROBLEMS_DE:
        return b.problem
    params = dict(b.params)
    if "what" in params:
        for en, de in WHAT_DE.items():
            params["what"] = params["what"].replace(en, de)
    return PROBLEMS_DE[b.code].format(**params)
