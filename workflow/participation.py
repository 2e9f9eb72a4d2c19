"""The public side's use cases: a process's public page, and suggestions from residents.

- ``has_page``: a process has a public page once a concept version is published. Before that
  ``public_process`` answers ``NotFound`` with the very message of a missing id. (The
  Vorhabenliste, ``published_processes``, lists every process from its creation with its
  title, subject, department, districts and phase, as ``workflow.public`` documents; the page
  adds nothing but what was published since.)
- ``comment_period``: which part of a process is open for comments now, by the rule of
  ``content.add_suggestion`` (``content.check_open_for_comments``, one rule for both);
  ``open_period`` adds until when: the interim results' comment deadline, or the end of the
  concept's public comment period (``states.deadlines.concept_comments_end``). Once that has
  passed the concept still takes comments until the interim results are left, with no end
  date set: ``until`` is then ``None``.
- ``listing``: the Vorhabenliste's entries, each with its open period (``published_processes``
  with ``open_period`` beside each view).
- ``submit_suggestion``: a suggestion without an account. Recorded like ``add_suggestion``
  (same audit action ``suggestion_received``, same payload, through ``core.save_change``),
  but by ``PUBLIC_ACTOR`` instead of a staff address.

Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..states.case import Case
from ..states.deadlines import DeadlineRules, concept_comments_end
from ..states.errors import BadInput, BeteiligungError, Conflict, NotFound
from .content import append_suggestion, check_open_for_comments
from .core import Env, check_email, in_unit, save_change
from .ports import UnitOfWork
from .public import PublicProcess, PublicProcesses, public_view

# The audit actor of a resident's suggestion. Deliberately not an address: ``require_actor``
# refuses it, so no one can act as "public" through the CLI or a sign-in, ``may_change``
# never grants it anything, and it cannot be mistaken for (or collide with) a person. The
# audit chain hashes the actor as any text, so the chain stays valid. Who wrote the
# suggestion, if they said so, is its author (the optional e-mail address), which staff see.
PUBLIC_ACTOR = "public"
RECEIPT_PREFIX = "B"
# When both are open (phase interim_results, before the deadline), the form takes comments on
# the interim results: they are what the process asks about now.
TARGET_ORDER = ("interim_results", "concept")


class Limiter(Protocol):
    """Counts submissions per client key (a web entrypoint keeps one in memory)."""

    def admit(self, key: str) -> bool:
        """Count one submission for ``key``; ``False`` (and nothing counted) when ``key`` has
        used up its share for now."""


class OverLimit(BeteiligungError):
    """The client sent more suggestions than it may for now; nothing was written."""


class PeriodClosed(Conflict):
    """No part of the process is open for comments now; nothing was written."""


class InvalidSubmission(BadInput):
    """The form's input cannot be taken; ``code`` says which rule failed, for the page.

    Codes: ``text_missing``, ``text_too_long``, ``email_invalid``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Receipt:
    """What a resident is told after submitting: ``code`` is ``B-<process id>-<number>``,
    the number being the suggestion's number in its process (the one its answer shows)."""

    process_id: int
    number: int
    target: str

    @property
    def code(self) -> str:
        return f"{RECEIPT_PREFIX}-{self.process_id}-{self.number}"


@dataclass(frozen=True)
class CommentPeriod:
    """What of a process takes suggestions now (``on``: ``"concept"`` or
    ``"interim_results"``) and until when (``None``: still open, with no end date set)."""

    on: str
    until: datetime | None


def has_page(view: PublicProcess) -> bool:
    """Whether a process has a public page: a concept version is published."""
    return view.concept is not None


def public_process(env: Env, process_id: int) -> tuple[PublicProcess, CommentPeriod | None]:
    """The public view of one process and what is open for comments now (or ``None``).

    ``NotFound`` for a missing id and, with the same message, for a process without a page.
    """
    with env.uow() as uow:
        case = uow.processes.get(process_id)
        _require_page(case)
        return public_view(case), open_period(case, env.clock(), env.deadline_rules)


def open_period(case: Case, now: datetime, rules: DeadlineRules) -> CommentPeriod | None:
    """What of ``case`` takes suggestions at ``now``, and until when."""
    target = comment_period(case, now)
    if target is None:
        return None
    if target == "interim_results":
        results = case.current_interim_results()
        assert results is not None  # comment_period found them open for comments
        return CommentPeriod(target, results.comment_deadline)
    end = concept_comments_end(case, rules)
    return CommentPeriod(target, end if end is not None and now <= end else None)


def listing(source: PublicProcesses, now: datetime, rules: DeadlineRules
            ) -> Generator[tuple[PublicProcess, CommentPeriod | None], None, None]:
    """Every process's public view with what of it is open for comments at ``now``, streamed
    in the order of ``source`` (closing this generator closes the source's stream)."""
    cases = source.cases()
    try:
        for case in cases:
            yield public_view(case), open_period(case, now, rules)
    finally:
        close = getattr(cases, "close", None)
        if close is not None:
            close()


def comment_period(case: Case, now: datetime) -> str | None:
    """``"interim_results"`` or ``"concept"``: what of ``case`` takes suggestions at ``now``
    (interim results first when both do); ``None`` when nothing does."""
    for target in TARGET_ORDER:
        try:
            check_open_for_comments(case, target, now)
        except BadInput:
            continue
        return target
    return None


def submit_suggestion(env: Env, process_id: int, text: str, email: str, client_key: str, *,
                      max_chars: int, limiter: Limiter | None = None,
                      discard: bool = False) -> Receipt:
    """Record a resident's suggestion on what is open for comments now (no account needed).

    Checks in this order, each refusal writing nothing: ``InvalidSubmission`` (``text``
    required and at most ``max_chars`` characters; ``email`` optional, else an address);
    ``OverLimit`` when ``limiter`` does not admit ``client_key`` (only well-formed
    submissions are counted); ``NotFound`` as ``public_process``; ``PeriodClosed``.
    The suggestion's author is the address (staff see it, the public never does); the audit
    actor is ``PUBLIC_ACTOR``. With ``discard`` (the entrypoint caught a bot), every check is
    made and the receipt the suggestion would have had is returned, but nothing is stored.
    """
    text, email = _checked(text, email, max_chars)
    if limiter is not None and not limiter.admit(client_key):
        raise OverLimit(f"too many suggestions from {client_key!r} for now")

    def body(uow: UnitOfWork, case: Case) -> Receipt:
        _require_page(case)
        target = comment_period(case, env.clock())
        if target is None:
            raise PeriodClosed(f"process {process_id} is not open for comments now")
        if discard:
            return Receipt(process_id, max((s.number for s in case.suggestions), default=0) + 1,
                           target)
        payload: dict = {}

        def apply(changed: Case) -> dict:
            payload.update(append_suggestion(changed, target, text, email, env.clock()))
            return payload

        save_change(env, uow, case, PUBLIC_ACTOR, "suggestion_received", apply)
        return Receipt(process_id, payload["number"], target)

    return in_unit(env, process_id, body)


def _checked(text: str, email: str, max_chars: int) -> tuple[str, str]:
    text = (text or "").strip()
    if not text:
        raise InvalidSubmission("text_missing", "text: must not be empty")
    if len(text) > max_chars:
        raise InvalidSubmission("text_too_long", f"text: at most {max_chars} characters")
    email = (email or "").strip()
    if email:
        try:
            email = check_email("email", email)
        except BadInput as error:
            raise InvalidSubmission("email_invalid", str(error)) from None
    return text, email


def _require_page(case: Case) -> None:
    # the message of ``ProcessRepository.get`` for a missing id, word for word
    if case.published_concept is None:
        raise NotFound(f"no process with id {case.id}")
