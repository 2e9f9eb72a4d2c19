"""Handlers of ``beteiligung audit verify`` and ``audit anchor``.

``verify`` checks every chain, the state it binds, the signatures, the case registry and the
database's append-only safeguards (``workflow.audit_check``), and with ``--anchor FILE`` that
the database still passes through an anchor written earlier (``workflow.anchor``). Exit 0:
intact (notes, such as trails from before revision 0009, do not fail it); 1: broken. Verifying
never creates a key: without one it says the signatures could not be checked.
``anchor`` writes the signed heads to a file, whole or not at all, and only from an intact
trail.
"""

from __future__ import annotations

import argparse

from ..config.bootstrap import key_ring
from ..config.settings import load_settings
from ..states.textfile import read_text
from ..workflow import anchor as anchors
from ..workflow.audit import format_at
from ..workflow.audit_check import Report, verify_store
from .audit_texts import TEXTS, line
from .commands import wired
from .files import check_target, write_atomically
from .render import lang, print_json


def _read_anchor(path: str) -> dict:
    text = read_text(path, "--anchor")
    return anchors.parse(text, f"--anchor {path}")


def _report(anchor: dict | None) -> Report:
    settings = load_settings()
    keys = key_ring(settings).existing()
    env = wired(settings)
    with env.uow() as uow:
        store = uow.processes
        report = verify_store(store, keys, anchors.watch(anchor) if anchor else None,
                              env.lifecycle.definition.terminal_phases)
        if anchor is not None and not any(b.code == "safeguard" and "table" in b.problem
                                          for b in report.breaks):
            existing = {h.process_id for h in store.chain_heads()}
            anchors.check(anchor, report, keys, existing)
    return report


def verify(args: argparse.Namespace) -> int:
    """Check the whole trail; exit 1 when anything is broken."""
    anchor = _read_anchor(args.anchor) if getattr(args, "anchor", None) else None
    report = _report(anchor)
    if args.json:
        print_json({"events_checked": report.checked, "cases_checked": report.cases,
                    "ok": report.ok,
                    "broken": [{"process_id": b.process_id, "first_broken_seq": b.seq,
                                "code": b.code, "problem": b.problem} for b in report.breaks],
                    "state_not_bound": report.unbound, "not_signed": report.unsigned,
                    "signatures_unchecked": report.unchecked,
                    "removed": [{"process_id": t.process_id, "final_seq": t.final_seq,
                                 "final_hash": t.final_hash,
                                 "removed_at": format_at(t.removed_at)}
                                for t in report.buried.values()]})
        return 0 if report.ok else 1
    language = lang(args)
    for b in report.breaks:
        print(line(b, language))
    if report.ok:
        print(TEXTS["intact"][language].format(n=report.checked))
    _notes(report, language)
    return 0 if report.ok else 1


def _notes(report: Report, language: str) -> None:
    for key, ids in (("unbound", report.unbound), ("unsigned", report.unsigned),
                     ("buried", sorted(report.buried))):
        if ids:
            shown = ", ".join(map(str, ids[:20])) + (" …" if len(ids) > 20 else "")
            print(TEXTS[key][language].format(n=len(ids), ids=shown))
    if report.unchecked:
        print(TEXTS["unchecked"][language].format(n=report.unchecked))


def anchor(args: argparse.Namespace) -> int:
    """Write the signed heads of an intact trail to ``--out``."""
    target = check_target(args.out)
    settings = load_settings()
    env = wired(settings)
    keys = key_ring(settings).signing()
    language = lang(args)
    with env.uow() as uow:
        store = uow.processes
        report = verify_store(store, keys, final=env.lifecycle.definition.terminal_phases)
        if not report.ok:
            for b in report.breaks:
                print(line(b, language))
            print(TEXTS["not_anchored"][language])
            return 1
        heads = list(store.chain_heads())
        cases = list(store.cases())
    made = anchors.build(heads, cases[-1] if cases else None, env.clock(), keys)
    write_atomically(target, anchors.text_of(made).encode("utf-8"))
    print(TEXTS["anchored"][language].format(path=args.out, n=len(heads),
                                             seq=made["registry"]["seq"]))
    return 0
