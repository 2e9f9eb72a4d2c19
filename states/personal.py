"""Which parts of a case are personal data, and how a case holds them: by reference.

A resident's suggestion (its text and its author) and a Begleitgruppe member's name and contact
address are personal data. Their values live in the privacy store
(``workflow.ports.PersonalData``), keyed by a random reference; the case names each such
field's reference in the holder's ``refs`` (``{"text": "<ref>", "author": "<ref>"}``), and the
audit trail holds only the reference and a commitment (``workflow.privacy``). Storage writes
the case's document with those fields blank (``strip``) and fills them from the store when it
loads a case (``fill``); a value that was erased comes back empty, its field listed in the
holder's ``erased``.
A field without a reference (a case written before revision 0010) keeps its value.
Import rule: standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .case import Case, Member, Suggestion

# kind of each personal field, as the privacy store records it
KINDS = {("suggestion", "text"): "suggestion_text",
         ("suggestion", "author"): "suggestion_author",
         ("member", "name"): "member_name",
         ("member", "email"): "member_email"}

Holder = Suggestion | Member


def holders(case: Case) -> Iterator[Holder]:
    """Every part of ``case`` that may hold personal data."""
    yield from case.suggestions
    yield from case.begleitgruppe.members


def refs_of(case: Case) -> list[str]:
    """The references ``case`` holds, in document order."""
    return [ref for holder in holders(case) for ref in holder.refs.values()]


def fill(case: Case, values: Mapping[str, str | None]) -> None:
    """Put each referenced value of ``values`` into its field; a reference missing from
    ``values`` or mapped to ``None`` was erased: its field is emptied and listed in
    ``erased``."""
    for holder in holders(case):
        for name, ref in holder.refs.items():
            value = values.get(ref)
            if value is None:
                setattr(holder, name, "")
                if name not in holder.erased:
                    holder.erased.append(name)
            else:
                setattr(holder, name, value)


def _plain_holders(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from document.get("suggestions") or ()
    yield from (document.get("begleitgruppe") or {}).get("members") or ()


def strip(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` (a case's plain parts, as ``states.codec.to_plain`` makes them) with
    every referenced field blank: what storage writes. Changes ``document`` in place."""
    for holder in _plain_holders(document):
        for name in holder.get("refs") or ():
            holder[name] = ""
    return document


def plain_refs(document: dict[str, Any]) -> list[str]:
    """The references in a plain document (``strip``'s input or output)."""
    return [ref for holder in _plain_holders(document)
            for ref in (holder.get("refs") or {}).values()]


def shown(plain: dict[str, Any]) -> dict[str, Any]:
    """A case as ``states.codec.to_plain`` gives it, for staff output (``--json``, the API):
    without the references, which are storage's business, and with ``erased`` only where
    something was erased. Changes ``plain`` in place."""
    for holder in _plain_holders(plain):
        holder.pop("refs", None)
        if not holder.get("erased"):
            holder.pop("erased", None)
    return plain
