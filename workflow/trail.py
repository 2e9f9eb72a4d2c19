"""One process's trail as stored, checked: for ``audit export`` and the chain tests.

``verify`` checks chains against their heads (``workflow.audit_check.check`` does the work);
``read_trail`` reads one process's trail and its first break through a ``TrailReader``.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from ..states.errors import NotFound
from .audit import Break
from .audit_check import check
from .ports import AuditEvent, ChainHead


def verify(heads: Iterable[ChainHead], events: Iterable[AuditEvent]) -> tuple[int, list[Break]]:
    """Check every chain; return how many events were checked and the first break of each.

    ``events`` must come ordered by process and sequence; ``heads`` says where each chain ends,
    so a removed last event is found too. ``workflow.audit_check.check`` does the work (and
    more: the case registry, signatures, anchors).
    """
    report = check(heads, events)
    return report.checked, report.breaks


class TrailReader(Protocol):
    """Reads one process's trail and the head its process row records (for ``export``)."""

    def head(self, process_id: int) -> ChainHead | None:
        """Where the process's chain should end, or ``None`` when there is no such process."""

    def events(self, process_id: int) -> Iterable[AuditEvent]:
        """The process's audit events, ordered by sequence number."""


@dataclass(frozen=True)
class Trail:
    """One process's whole trail as stored, the head its row records, and its first break."""

    head: ChainHead
    events: list[AuditEvent]
    broken: Break | None


def read_trail(reader: TrailReader, process_id: int) -> Trail:
    """The trail of one process, checked; ``NotFound`` when there is no such process.

    The trail is returned as stored even when it is broken: an export must show what is
    there, and ``broken`` says what the verification found.
    """
    head = reader.head(process_id)
    if head is None:
        raise NotFound(f"no process with id {process_id}")
    events = list(reader.events(process_id))
    _, breaks = verify([head], events)
    breaks = [b for b in breaks if b.process_id == process_id]
    return Trail(head, events, breaks[0] if breaks else None)
