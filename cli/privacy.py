"""Handlers of ``beteiligung privacy export`` (Auskunft, Art. 15 DSGVO), ``privacy erase``
(Löschung, Art. 17) and ``privacy replay`` (the erasure log applied again after a backup was
restored): the coordinators' answers to a data subject's request.

``export`` writes the JSON document (``workflow.privacy_requests.SCHEMA``) to ``--out``
(readable by its owner only) or to standard output, and its summary to standard output (to
standard error when the document is there). ``docs/privacy.md`` says how to answer a request.
Import rule: an entrypoint; it may import any layer.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..workflow import privacy_requests
from .commands import wired
from .files import check_target, write_atomically
from .render import lang, local, print_json

TEXTS: dict[str, dict[str, Any]] = {
    "summary": {
        "de": "Auskunft über {address}: {suggestions} Anregung(en), {processes} Verfahren als "
              "Ansprechperson oder Vertretung, {memberships} Mitgliedschaft(en) in "
              "Projektbegleitgruppen, {emails} E-Mail(s), {account}, {tokens} "
              "Sitzung(en) und Token(s), {audit_events} Ereignis(se) im Prüfpfad als "
              "handelnde Person. Die Auskunft ist im Prüfpfad vermerkt (ohne die Daten).",
        "en": "Disclosure for {address}: {suggestions} suggestion(s), {processes} process(es) "
              "as lead or deputy, {memberships} Begleitgruppe membership(s), {emails} "
              "e-mail(s), {account}, {tokens} session(s) and "
              "token(s), {audit_events} audit event(s) as the actor. The disclosure is "
              "recorded in the audit trail (without the data).",
    },
    "account": {"de": ("kein Konto", "ein Konto"), "en": ("no account", "an account")},
    "written": {"de": "Die Auskunft steht in {out}.", "en": "The disclosure is in {out}."},
    "erased": {
        "de": "Gelöscht: {values} Angabe(n) über {address} aus {count} Verfahren ({ids}). "
              "Die Löschung steht im Prüfpfad (nur Verweise) und im Löschprotokoll.",
        "en": "Erased: {values} value(s) about {address} from {count} process(es) ({ids}). "
              "The erasure is in the audit trail (references only) and in the erasure log.",
    },
    "replayed": {
        "de": "Löschprotokoll angewandt: {logged} Löschung(en) im Protokoll, {values} Angabe(n) "
              "erneut gelöscht in {count} Verfahren{ids}.",
        "en": "Erasure log applied: {logged} erasure(s) in the log, {values} value(s) erased "
              "again in {count} process(es){ids}.",
    },
    "emails": {
        "de": "Aus {emails} E-Mail(s) wurde die Adresse entfernt und der Text geleert.",
        "en": "The address was taken out of {emails} e-mail(s) and their text blanked.",
    },
    "staff": {
        "de": "Als Adresse der Verwaltung: als Ansprechperson und Vertretung aus ihren "
              "Verfahren genommen, im Prüfpfad als „gelöscht“; {tokens} Sitzung(en) oder "
              "Token gelöscht{account}.",
        "en": "As a staff address: taken out of its processes as lead and deputy, shown as "
              "\"erased\" in the audit trail; {tokens} session(s) or token(s) "
              "deleted{account}.",
    },
    "account_deleted": {"de": ", das Konto auch", "en": ", the account too"},
    "nothing_left": {
        "de": "Über {address} ist nichts mehr gespeichert: schon gelöscht am {when}.",
        "en": "Nothing is left about {address}: erased before, on {when}.",
    },
}


def _text(key: str, language: str, **values) -> str:
    return TEXTS[key][language].format(**values)


def privacy_export(args: argparse.Namespace) -> int:
    language = lang(args)
    target = check_target(args.out) if args.out else None
    found = privacy_requests.disclose(wired(), args.actor, args.email)
    data = json.dumps(found.document, ensure_ascii=False, indent=2) + "\n"
    counts = found.counts
    summary = _text("summary", language, address=found.address,
                    account=TEXTS["account"][language][counts["account"]],
                    **{k: counts[k] for k in ("suggestions", "processes", "memberships",
                                              "emails", "tokens", "audit_events")})
    if target is not None:
        write_atomically(target, data.encode("utf-8"), mode=0o600)
        print(summary)
        print(_text("written", language, out=target))
    else:
        sys.stdout.write(data)
        print(summary, file=sys.stderr)
    return 0


def privacy_erase(args: argparse.Namespace) -> int:
    language = lang(args)
    done = privacy_requests.erase(wired(), args.actor, args.email, args.reason)
    if args.json:
        print_json({"address": done.address, "erased": done.values, "emails": done.emails,
                    "processes": list(done.processes), "nothing_left": done.nothing_left,
                    "staff": done.staff, "tokens": done.tokens})
    elif done.nothing_left:
        when = ", ".join(local(at, language) for at in done.erased_before)
        print(_text("nothing_left", language, address=done.address, when=when))
    else:
        print(_text("erased", language, values=done.values, address=done.address,
                    count=len(done.processes), ids=", ".join(map(str, done.processes))))
        if done.emails:
            print(_text("emails", language, emails=done.emails))
        if done.staff:
            account = _text("account_deleted", language) if done.account else ""
            print(_text("staff", language, tokens=done.tokens, account=account))
    return 0


def privacy_replay(args: argparse.Namespace) -> int:
    done = privacy_requests.replay(wired(), args.actor)
    if args.json:
        print_json({"logged": done.logged, "erased": done.values,
                    "processes": list(done.processes)})
        return 0
    ids = f" ({', '.join(map(str, done.processes))})" if done.processes else ""
    print(_text("replayed", lang(args), logged=done.logged, values=done.values,
                count=len(done.processes), ids=ids))
    return 0
