"""What coordinators do with the outbox: look at the messages, and queue a failed one again.

Sending itself is ``notifications.dispatch``; these are the use cases behind
``beteiligung outbox list`` and ``beteiligung outbox retry``.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from ..states.errors import BadInput, NotFound, NotPermitted
from .core import Env, normalise_email, require_actor
from .ports import OutboxEntry

STATUSES = ("queued", "sending", "sent", "failed", "skipped")
MAX_ID = 2**31 - 1


def list_messages(env: Env, status: str | None = None, limit: int = 100) -> list[OutboxEntry]:
    """The newest ``limit`` messages of the outbox, optionally only those of ``status``."""
    if status is not None and status not in STATUSES:
        raise BadInput(f"status: {status!r} is not one of {', '.join(STATUSES)}")
    if limit < 1:
        raise BadInput(f"limit: must be at least 1, not {limit}")
    with env.uow() as uow:
        return uow.outbox.list(status, limit)


def retry_message(env: Env, actor: str, entry_id: int) -> None:
    """Queue a failed message again, due at once and with a fresh count of attempts.

    Raises:
        NotPermitted: ``actor`` is not a coordinator.
        NotFound: there is no failed message with this id.
    """
    actor = require_actor(actor)
    if normalise_email(actor) not in env.coordinators:
        raise NotPermitted(f"{actor} may not retry messages: only a coordinator may")
    with env.uow() as uow:
        if not 1 <= entry_id <= MAX_ID or not uow.outbox.requeue(entry_id, env.clock()):
            raise NotFound(f"no failed message with id {entry_id} (only failed messages can be "
                           "retried; see 'beteiligung outbox list --status failed')")
        uow.commit()
