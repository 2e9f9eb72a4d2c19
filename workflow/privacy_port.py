"""The privacy store's port: the one way a use case records personal data (DSGVO).

A use case puts a ``Personal`` into its audit payload where a personal value would go;
``core.save_change`` records it here and writes only its reference and commitment into the
event (``workflow.privacy.seal``). The store keeps the value with its subject (whose data it
is: a normalised e-mail address, or a pseudonymous subject of its own), so that an Auskunft
(Art. 15) finds it and a Löschung (Art. 17) removes it without touching the audit chain.
Storage implements it (``storage.personal``); ``tests/workflow/fakes.py`` has a fake.
Import rule: the standard library only.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


def new_ref() -> str:
    """A fresh random reference: 128 bits, in hex, prefixed so that it reads as one."""
    return "p" + secrets.token_hex(16)


@dataclass(frozen=True)
class Personal:
    """A personal value a use case records: whose it is (``subject``), what it is (``kind``,
    see ``states.personal.KINDS``), and the random ``salt`` of its commitment."""

    ref: str
    subject: str
    kind: str
    value: str
    salt: str = field(default_factory=lambda: secrets.token_hex(16))


@dataclass(frozen=True)
class Stable:
    """A personal value that stands for a person the same way wherever it occurs (an
    actor's address, a lead's name or address, the operating-system user of a run): recorded
    once per ``kind``, ``subject`` and ``value`` (a lead's once per process too, see
    ``workflow.actors.PER_PROCESS``) and sealed with that record's reference and commitment
    each time, so that one erasure covers every place."""

    kind: str
    subject: str
    value: str


@dataclass(frozen=True)
class PersonalRecord:
    """A stored personal value; ``value`` and ``subject`` are ``None`` once erased."""

    ref: str
    subject: str | None
    kind: str
    process_id: int | None
    value: str | None
    created_at: datetime
    erased_at: datetime | None = None


@dataclass(frozen=True)
class PrivacyLogEntry:
    """One line of the privacy log: an erasure (``action`` "erased") or a disclosure
    ("disclosed"). ``subject_digest`` is the SHA-256 of the normalised address (so that a
    repeated request is recognised); ``refs`` are the references concerned. No value."""

    at: datetime
    action: str
    actor: str
    subject_digest: str
    refs: tuple[str, ...]
    reason: str = ""


class PersonalData(Protocol):
    """The privacy store (``storage.personal``)."""

    def record(self, item: Personal, process_id: int | None, at: datetime) -> None:
        """Store one value under its reference."""

    def stable(self, item: Stable, at: datetime, process_id: int | None = None) -> Personal:
        """The record held of ``item`` (same kind, subject and value, not erased) for
        ``process_id`` (``None``: for no process), or a new one recorded at ``at``."""

    def values(self, refs: Iterable[str]) -> dict[str, str | None]:
        """The value of each known reference (``None``: erased)."""

    def of_subject(self, subject: str) -> list[PersonalRecord]:
        """Everything still held about ``subject``, oldest first."""

    def records(self, refs: Iterable[str]) -> list[PersonalRecord]:
        """The stored records of these references (unknown ones left out)."""

    def of_closed(self, kinds: Iterable[str], phases: Iterable[str],
                  closed_by: datetime) -> list[PersonalRecord]:
        """The values still held of these kinds in processes that entered one of ``phases``
        (the final ones) at or before ``closed_by``, by process."""

    def erase(self, refs: Iterable[str], at: datetime) -> int:
        """Remove the value, salt and subject of each reference; how many held a value."""

    def log(self, entry: PrivacyLogEntry) -> None:
        """Append a line to the privacy log."""

    def logged(self, subject_digest: str) -> list[PrivacyLogEntry]:
        """The log's lines about one subject, oldest first."""

    def erasures(self) -> list[PrivacyLogEntry]:
        """Every erasure logged, oldest first (``privacy replay``)."""


@dataclass(frozen=True)
class Erased:
    """One line of the erasure log: when, whose (``subject_digest``, as in
    ``PrivacyLogEntry``) and which references; no value, no reason."""

    at: datetime
    subject_digest: str
    refs: tuple[str, ...]


class ErasureLog(Protocol):
    """The erasure log outside the database (``storage.erasure_log``): written before an
    erasure commits, so that ``privacy replay`` can repeat every erasure after an older
    backup of the database was restored."""

    def append(self, entry: Erased) -> None:
        """Add a line, durably (it is on disk when this returns)."""

    def entries(self) -> list[Erased]:
        """Every line, oldest first."""
