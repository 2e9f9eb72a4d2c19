"""The e-mail to a resident when their suggestion is answered: once, to the address they gave.

``queue_answer`` runs in the unit of work of ``content.answer_suggestion`` (the outbox row is
written in the same transaction as the answer, ``core.save_change``'s ``then``). It queues
nothing when the author gave no e-mail address, when no composer is wired, or when the
suggestion was answered before: the outbox key ``answered:<process>:<number>`` makes a
second answer (a correction) a no-op, so a resident hears once.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..states.case import Case
from .core import EMAIL, Env
from .ports import OutgoingMessage, UnitOfWork


@dataclass(frozen=True)
class AnswerNotice:
    """What the composer needs to write the e-mail."""

    process_id: int
    process_title: str
    number: int
    target: str
    answer: str
    justification: str
    to: str
    now: datetime

    @property
    def dedup_key(self) -> str:
        return f"answered:{self.process_id}:{self.number}"


class AnswerComposer(Protocol):
    """Writes the e-mail of an answered suggestion (``notifications.compose``)."""

    def answered(self, notice: AnswerNotice) -> OutgoingMessage:
        """The e-mail, with ``dedup_key`` from ``notice``."""


def queue_answer(env: Env, uow: UnitOfWork, case: Case, number: int, now: datetime) -> bool:
    """Queue the e-mail for the answer to suggestion ``number``; whether one was queued."""
    item = case.suggestion(number)
    if env.answer_mail is None or item is None or item.answer is None \
            or not EMAIL.match(item.author or "") or case.id is None:
        return False
    notice = AnswerNotice(case.id, case.title, number, item.target, item.answer,
                          item.justification, item.author, now)
    return uow.outbox.enqueue(env.answer_mail().answered(notice), now)
