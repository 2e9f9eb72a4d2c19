"""The one error tree of beteiligung; entrypoints map it to exit codes (and later HTTP).

=====================  =========  ======================================================
error                  exit code  meaning
=====================  =========  ======================================================
``BadInput``           2          a value, file or option is wrong; nothing was written
``TransitionRefused``  3          guards unmet, or the trigger is not allowed here
``NotFound``           4          no such process, suggestion, goal, ...
``Conflict``           5          someone else changed the process at the same time
``Busy``               5          (retried first) the database was busy with another write
``NotPermitted``       6          the actor may not change this process
``DefinitionError``    2          the process definition file is invalid
``StorageError``       7          the database is unreachable or not migrated
``PortInUse``          8          ``serve``: the port to listen on is taken already
(``outbox deliver``)   9          e-mails were due and none could be delivered
(any other exception)  70         a defect of the program (``UNEXPECTED``): one line, the
                                  traceback only with ``--debug``
=====================  =========  ======================================================

Exit code 1 is not an error of this tree: ``audit verify`` found a broken trail, or
``audit stuck --fail-on`` a finding of that severity.

An error may carry its message in each language (``texts``, by language code); the entrypoint
shows ``text(lang)``, and ``str(error)`` is the English one (or the only one given).

Import rule: standard library only (this is the lowest layer, so every layer may raise these).
"""

from __future__ import annotations

from collections.abc import Mapping

UNEXPECTED = 70
"""The exit code of an exception outside this tree (``EX_SOFTWARE`` of sysexits.h)."""


class BeteiligungError(Exception):
    """Base of every error a user can cause or meet; ``exit_code`` is the CLI's exit status.

    An error made by ``states.error_texts.refuse`` carries a message ``code`` and its
    ``params``; another may carry its message per language (``texts``). Either way an
    entrypoint says it in its user's language with ``text``.
    """

    exit_code = 1
    code = ""
    params: dict = {}

    def __init__(self, message: str = "", texts: Mapping[str, str] | None = None) -> None:
        self.texts = dict(texts or {})
        super().__init__(message or self.texts.get("en") or next(iter(self.texts.values()), ""))

    def text(self, lang: str = "de") -> str:
        """The message in ``lang``: rendered from its ``code`` (``states.error_texts``), else
        as given in that language (``texts``), else the message as raised."""
        if self.code:
            from .error_texts import render_error

            return render_error(self.code, self.params, lang)
        return self.texts.get(lang) or str(self)


class BadInput(BeteiligungError):
    """Input that cannot be taken: the message names the field and how to fix it."""

    exit_code = 2


class DefinitionError(BadInput):
    """The process definition file is invalid (unknown guard, unreachable phase, ...)."""


class TransitionRefused(BeteiligungError):
    """A trigger that is not allowed from this phase, or whose guards are unmet.

    ``unmet`` holds every unmet condition (``states.guards.Unmet``); empty when the trigger is
    simply not available from the current phase.
    """

    exit_code = 3

    def __init__(self, message: str, unmet: list | None = None, trigger: str = "",
                 phase: str = "", allowed: list[str] | None = None) -> None:
        super().__init__(message)
        self.unmet = list(unmet or [])
        self.trigger = trigger
        self.phase = phase
        self.allowed = list(allowed or [])


class NotFound(BeteiligungError):
    """The thing named does not exist."""

    exit_code = 4


class Conflict(BeteiligungError):
    """A concurrent change won; retry with fresh data."""

    exit_code = 5


class Busy(Conflict):
    """The database was busy with another writer (SQLite: a stale snapshot); the unit of work
    may be run again, and is a real ``Conflict`` if the process itself changed meanwhile."""


class NotPermitted(BeteiligungError):
    """The actor is neither lead, deputy nor coordinator of this process."""

    exit_code = 6


class StorageError(BeteiligungError):
    """The database cannot be reached or is not at the expected schema."""

    exit_code = 7


class PortInUse(BeteiligungError):
    """``serve`` cannot listen: another program holds the port."""

    exit_code = 8
