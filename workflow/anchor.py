"""Anchors: the signed heads of every trail and of the case registry, kept outside the
database, and the check that the database still passes through them.

Whoever owns the database can roll all of it back to an older copy, or rewrite a trail and its
process row consistently; the chain alone cannot tell. An anchor written earlier can: every
anchored process must still exist, and its trail must still hold the anchored event with the
anchored hash (the chain then proves everything before it unchanged); so must the registry.
A process removed since, after its retention period, passes when its tombstone's last event
is the anchored one or a later one (its chain was checked whole before it was removed).
``beteiligung audit anchor`` writes one, ``audit verify --anchor FILE`` checks one;
``docs/audit.md`` describes the file.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..states.errors import BadInput
from .audit import canonical, format_at
from .audit_check import Report, finding
from .ports import CaseEntry, ChainHead
from .signing import AuditKeys

FORMAT = "beteiligung-audit-anchor"
HEX64 = frozenset("0123456789abcdef")


def build(heads: Iterable[ChainHead], last_case: CaseEntry | None, at: datetime,
          keys: AuditKeys | None) -> dict[str, Any]:
    """The anchor of the heads as they are now, signed with the current key."""
    body: dict[str, Any] = {
        "format": FORMAT, "version": 1, "at": format_at(at),
        "registry": {"seq": last_case.seq if last_case else 0,
                     "hash": last_case.hash if last_case else "0" * 64},
        "processes": [{"process_id": h.process_id, "seq": h.seq, "hash": h.hash}
                      for h in heads],
    }
    if keys is not None:
        body["key_id"] = keys.current
        body["mac"] = keys.sign(canonical(body))[1]
    return body


def text_of(anchor: dict[str, Any]) -> str:
    """The anchor file's content: one JSON object, UTF-8, ending in a line feed."""
    return json.dumps(anchor, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def parse(text: str, where: str) -> dict[str, Any]:
    """The anchor in ``text``; ``BadInput`` naming what is wrong with it."""
    try:
        anchor = json.loads(text)
    except ValueError:
        raise BadInput(f"{where}: not an anchor file (not JSON); write one with "
                       "'beteiligung audit anchor --out FILE'") from None
    if not isinstance(anchor, dict) or anchor.get("format") != FORMAT:
        raise BadInput(f"{where}: not an anchor file (no \"format\": \"{FORMAT}\")")
    try:
        places = [(0, anchor["registry"]["seq"], anchor["registry"]["hash"])]
        places += [(p["process_id"], p["seq"], p["hash"]) for p in anchor["processes"]]
    except (KeyError, TypeError):
        raise BadInput(f"{where}: the anchor lacks its registry or processes") from None
    for pid, seq, digest in places:
        if not (isinstance(pid, int) and isinstance(seq, int) and isinstance(digest, str)
                and len(digest) == 64 and set(digest) <= HEX64):
            raise BadInput(f"{where}: the anchor's entry for process {pid!r} is malformed")
    return anchor


def watch(anchor: dict[str, Any]) -> dict[int, int]:
    """Where ``audit_check.check`` must note the hashes: each anchored process and the
    registry (0)."""
    places = {p["process_id"]: p["seq"] for p in anchor["processes"]}
    return places | {0: anchor["registry"]["seq"]}


def check(anchor: dict[str, Any], report: Report, keys: AuditKeys | None,
          existing: set[int]) -> None:
    """Add to ``report`` what the database no longer holds of the anchor."""
    if "mac" in anchor:
        body = {k: v for k, v in anchor.items() if k != "mac"}
        good = keys.check(anchor.get("key_id", ""), canonical(body), anchor["mac"]) \
            if keys else None
        if good is None:
            report.unchecked += 1
        elif not good:
            report.breaks.insert(0, finding(0, 0, "anchor_forged"))
    broken = {b.process_id for b in report.breaks}
    places = [(0, anchor["registry"]["seq"], anchor["registry"]["hash"])]
    places += [(p["process_id"], p["seq"], p["hash"]) for p in anchor["processes"]]
    for pid, seq, digest in places:
        if pid in broken or seq == 0:
            continue
        if pid and pid not in existing and pid in report.buried:
            buried = report.buried[pid]
            if seq > buried.final_seq:
                report.breaks.append(finding(pid, seq, "anchor_buried", seq=seq,
                                             final=buried.final_seq))
            elif seq == buried.final_seq and digest != buried.final_hash:
                report.breaks.append(finding(pid, seq, "anchor_differs", seq=seq))
        elif pid and pid not in existing:
            report.breaks.append(finding(pid, seq, "anchor_vanished", seq=seq))
        elif report.ends.get(pid, 0) < seq:
            report.breaks.append(finding(pid, seq, "anchor_behind", seq=seq,
                                         end=report.ends.get(pid, 0)))
        elif report.watched.get(pid) != digest:
            report.breaks.append(finding(pid, seq, "anchor_differs", seq=seq))
    report.breaks.sort(key=lambda b: b.process_id)
