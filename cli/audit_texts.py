"""The words of ``audit verify`` and ``audit anchor``, German and English.

Each finding of ``workflow.audit_check`` is said by ``workflow.audit_texts.problem`` (German by
its code; in English the finding's own text).
"""

from __future__ import annotations

from ..workflow.audit import Break
from ..workflow.audit_texts import problem

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
    "buried": {
        "de": "Hinweis: {n} Prozess(e) nach Ablauf der Aufbewahrungsfrist entfernt; ihr "
              "Grabstein bewahrt den letzten Hash ihres Trails: {ids}",
        "en": "note: {n} process(es) removed after their retention period; each tombstone "
              "keeps its trail's last hash: {ids}"},
    "anchored": {
        "de": "Anker in {path} geschrieben: {n} Prozess(e), Fallregister bis Eintrag {seq}",
        "en": "anchor written to {path}: {n} process(es), case registry up to entry {seq}"},
    "not_anchored": {
        "de": "kein Anker geschrieben: der Audit-Trail ist nicht intakt (siehe oben)",
        "en": "no anchor written: the audit trail is not intact (see above)"},
}


def line(b: Break, language: str) -> str:
    """One line of the report for one finding."""
    if b.code == "anchor_forged":
        key = "anchor"
    elif not b.process_id:
        key = "database" if b.code == "safeguard" else "registry"
    else:
        key = "process" if b.seq and b.code not in ("vanished", "unregistered") \
            and not b.code.startswith("buried") else "case"
    return TEXTS[key][language].format(pid=b.process_id, seq=b.seq,
                                       problem=problem(b, language))
