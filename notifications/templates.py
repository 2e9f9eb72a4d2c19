"""Renders reminders, escalations, the weekly digest and the answer to a resident's suggestion
from Jinja2 templates, German or English.

Each kind has three templates per language in ``notifications/templates/``: ``<kind>.<lang>.
subject.j2``, ``.txt.j2`` (plain text, never escaped) and ``.html.j2`` (autoescaped). A folder of
overrides is searched first; every template is rendered with sample data when ``Templates`` is
built, so a broken override stops the start-up with ``BadInput`` instead of failing the sweep at
night. Times are shown in Europe/Berlin; each reminder carries its deadline as ``.ics``.
Import rule: ``states``, ``notifications``, the standard library and ``jinja2`` (``icalendar`` via
``notifications.ics``).
"""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateSyntaxError,
    select_autoescape,
)

from ..states.errors import BadInput
from .ics import deadline_ics
from .messages import AnswerContext, DigestItem, Message, ReminderContext
from .samples import sample_answers, sample_digests, sample_reminders

BERLIN = ZoneInfo("Europe/Berlin")
PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = ("de", "en")
KINDS = ("reminder", "escalation", "digest", "answered")
PARTS = ("subject", "txt", "html")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def template_name(kind: str, language: str, part: str) -> str:
    """The file name of one template, e.g. ``reminder.de.html.j2``."""
    return f"{kind}.{language}.{part}.j2"


TOP_LEVEL = frozenset(template_name(k, lang, p) for k in KINDS for lang in LANGUAGES
                      for p in PARTS)


def format_date(moment: datetime, language: str) -> str:
    """The Berlin date of ``moment``: ``26.05.2026`` in German, ``26 May 2026`` in English."""
    local = moment.astimezone(BERLIN)
    if language == "en":
        return f"{local.day} {MONTHS_EN[local.month - 1]} {local.year}"
    return local.strftime("%d.%m.%Y")


def check_language(language: str) -> str:
    """The language if supported, else ``BadInput`` naming the supported ones."""
    if language not in LANGUAGES:
        raise BadInput(f"language {language!r} is not supported; use one of {', '.join(LANGUAGES)}")
    return language


def reminder_values(ctx: ReminderContext) -> dict[str, Any]:
    """What a reminder or escalation template can use (listed in ``templates/README.md``)."""
    due = ctx.due_at.astimezone(BERLIN)
    return {
        "process_id": ctx.process_id, "process_title": ctx.process_title,
        "deadline_id": ctx.deadline_id, "deadline_title": ctx.deadline_title,
        "days": ctx.days, "days_left": max(ctx.days, 0), "days_overdue": max(-ctx.days, 0),
        "due_local": due, "due_date": format_date(due, ctx.language),
        "due_time": due.strftime("%H:%M"), "responsible": list(ctx.responsible),
        "next_steps": list(ctx.next_steps), "link": ctx.link, "escalation": ctx.escalation,
        "language": ctx.language,
    }


def digest_values(items: list[DigestItem], language: str, as_of: datetime,
                  overview: str = "") -> dict[str, Any]:
    """What a digest template can use; the items most overdue first; ``overview`` is the
    address of the coordinators' list of stuck processes."""
    ordered = sorted(items, key=lambda i: (-i.days_overdue, i.process_title, i.deadline_title))
    rows = [{"process_id": i.process_id, "process_title": i.process_title,
             "deadline_title": i.deadline_title, "days_overdue": i.days_overdue,
             "due_local": i.due_at.astimezone(BERLIN), "due_date": format_date(i.due_at, language),
             "due_time": i.due_at.astimezone(BERLIN).strftime("%H:%M"), "lead": i.lead,
             "link": i.link}
            for i in ordered]
    return {"items": rows, "count": len(rows), "as_of_date": format_date(as_of, language),
            "as_of_local": as_of.astimezone(BERLIN), "language": language,
            "overview_link": overview}


ANSWERS = {"de": {"accepted": "angenommen", "partly_accepted": "teilweise angenommen",
                  "rejected": "abgelehnt"},
           "en": {"accepted": "accepted", "partly_accepted": "partly accepted",
                  "rejected": "rejected"}}
TARGETS = {"de": {"concept": "zum Beteiligungskonzept",
                  "interim_results": "zu den Zwischenergebnissen"},
           "en": {"concept": "on the participation concept",
                  "interim_results": "on the interim results"}}


def answer_values(ctx: AnswerContext) -> dict[str, Any]:
    """What an ``answered`` template can use (listed in ``templates/README.md``)."""
    return {"process_id": ctx.process_id, "process_title": ctx.process_title,
            "number": ctx.number, "target": TARGETS[ctx.language][ctx.target],
            "answer": ANSWERS[ctx.language][ctx.answer], "answer_code": ctx.answer,
            "justification": ctx.justification, "link": ctx.link, "language": ctx.language}


def _where(error: Exception, fallback: str) -> str:
    """``file:line`` of the template line that raised ``error``, as well as can be found."""
    if isinstance(error, TemplateSyntaxError):
        return f"{error.filename or error.name or fallback}:{error.lineno}"
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".j2")]
    if frames:
        return f"{frames[-1].filename}:{frames[-1].lineno}"
    return fallback


class Templates:
    """The mail templates, checked once at construction and then rendered per message."""

    def __init__(self, override_dir: Path | None = None) -> None:
        """Load the templates and render each with sample data.

        Args:
            override_dir: a folder whose templates replace the built-in ones of the same name
                (names starting with ``_`` are partials that templates may include).

        Raises:
            BadInput: the folder is missing, holds an unknown template name, or a template has
                a syntax error, uses an undefined variable or fails to render; the message
                names the file.
        """
        loaders = [FileSystemLoader(PACKAGE_TEMPLATES)]
        self.override_dir = override_dir
        if override_dir is not None:
            self._check_override_names(Path(override_dir))
            loaders.insert(0, FileSystemLoader(override_dir))
        self._env = Environment(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html", "html.j2"),
                                         disabled_extensions=(), default_for_string=False,
                                         default=False),
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        )
        self._validate()

    def reminder(self, ctx: ReminderContext, to: list[str], cc: list[str], *,
                 now: datetime | None = None) -> Message:
        """A reminder (or, when ``ctx.escalation``, an escalation) with the deadline as ``.ics``.

        Args:
            ctx: the deadline and its process.
            to: the recipients (the lead).
            cc: the copies (the deputy and coordinators on escalation).
            now: the DTSTAMP of the ``.ics``; the wall clock when not given.
        """
        check_language(ctx.language)
        kind = "escalation" if ctx.escalation else "reminder"
        subject, text, html = self._render_kind(kind, ctx.language, reminder_values(ctx))
        ics = deadline_ics(ctx, now or datetime.now(UTC))
        return Message(list(to), list(cc), subject, text, html, ics)

    def digest(self, items: list[DigestItem], to: list[str], language: str,
               as_of: datetime, overview: str = "") -> Message:
        """The weekly list of overdue deadlines for the coordinators (no attachment);
        ``overview`` is the address of their list of stuck processes."""
        check_language(language)
        subject, text, html = self._render_kind("digest", language,
                                                digest_values(items, language, as_of, overview))
        return Message(list(to), [], subject, text, html, None)

    def answered(self, ctx: AnswerContext, to: str) -> Message:
        """The e-mail to the resident whose suggestion was answered (no attachment)."""
        check_language(ctx.language)
        subject, text, html = self._render_kind("answered", ctx.language, answer_values(ctx))
        return Message([to], [], subject, text, html, None)

    def _render_kind(self, kind: str, language: str, values: dict[str, Any]
                     ) -> tuple[str, str, str]:
        parts = [self._env.get_template(template_name(kind, language, part)).render(values)
                 for part in PARTS]
        subject = " ".join(parts[0].split())  # one line: no header injection, no stray breaks
        return subject, parts[1], parts[2]

    def _check_override_names(self, folder: Path) -> None:
        if not folder.is_dir():
            raise BadInput(f"mail template folder {folder} does not exist or is not a folder")
        for path in sorted(folder.glob("*.j2")):
            if path.name not in TOP_LEVEL and not path.name.startswith("_"):
                raise BadInput(f"mail template {path}: unknown template name; expected one of "
                               f"{', '.join(sorted(TOP_LEVEL))} or a partial named _*.j2")

    def _validate(self) -> None:
        if self.override_dir is not None:
            for path in sorted(Path(self.override_dir).glob("*.j2")):
                self._attempt(path.name, lambda name=path.name: self._env.get_template(name))
        for language in LANGUAGES:
            for ctx in sample_reminders(language):
                kind = "escalation" if ctx.escalation else "reminder"
                self._check_kind(kind, language, reminder_values(ctx))
            for answer in sample_answers(language):
                self._check_kind("answered", language, answer_values(answer))
            for items, as_of in sample_digests():
                self._check_kind("digest", language, digest_values(
                    items, language, as_of, "https://beteiligung.example.org/haengend"))

    def _check_kind(self, kind: str, language: str, values: dict[str, Any]) -> None:
        for part in PARTS:
            name = template_name(kind, language, part)
            rendered = self._attempt(name, lambda n=name: self._env.get_template(n).render(values))
            if part == "subject" and not rendered.strip():
                raise BadInput(f"mail template {self._filename(name)}: the subject is empty")

    def _attempt(self, name: str, action: Any) -> Any:
        try:
            return action()
        except Exception as error:  # any failure of a template is the template's fault here
            where = _where(error, self._filename(name))
            raise BadInput(f"mail template {where}: {type(error).__name__}: {error} "
                           f"(while rendering {name})") from error

    def _filename(self, name: str) -> str:
        try:
            return self._env.get_template(name).filename or name
        except Exception:  # the name itself is what fails; say so with the bare name
            return name
