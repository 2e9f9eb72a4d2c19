"""The composer of the reminder sweep: facts in, a rendered e-mail for the outbox out.

Import rule: ``states``, ``workflow`` (ports and the sweep's types) and this package only.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr

from ..states.errors import BadInput
from ..workflow.answer_notice import AnswerNotice
from ..workflow.links import url
from ..workflow.ports import OutgoingMessage
from ..workflow.reminders import Overdue, ReminderFacts, reminder_key
from .email import key_message_id, render
from .messages import AnswerContext, DigestItem, Message, ReminderContext
from .templates import Templates


class TemplateComposer:
    """Renders reminders, escalations and digests with the (possibly overridden) templates,
    and, given the From address, each into the finished e-mail that the outbox keeps."""

    def __init__(self, templates: Templates, base_url: str, language: str = "de",
                 sender: str | None = None) -> None:
        """Args:
            templates: the mail templates.
            base_url: where the links in the e-mails point (``[mail] base_url``).
            language: ``de`` or ``en``.
            sender: the From address (``[mail] sender``); without it the outbox gets no
                finished e-mail and delivery builds one (as before migration 0003).

        Raises:
            BadInput: ``sender`` is not an address with a valid domain.
        """
        self.templates = templates
        self.base_url = base_url.rstrip("/")
        self.language = language
        self.sender = sender
        self.domain = ""
        if sender is not None:
            address = parseaddr(sender)[1]
            if "@" not in address:
                raise BadInput(f"mail sender {sender!r} is not an e-mail address "
                               "(like beteiligung@hannover-stadt.de)")
            self.domain = address.rpartition("@")[2]
            key_message_id("check", self.domain)  # a malformed domain is refused at start-up

    def _content(self, message: Message, key: str, now: datetime) -> bytes | None:
        if self.sender is None or not (message.to or message.cc):
            return None  # without recipients, delivery marks it failed for the coordinators
        return render(message, key_message_id(key, self.domain), self.sender, now)

    def reminder(self, facts: ReminderFacts) -> OutgoingMessage:
        """The e-mail of one reminder step; its key makes queueing it twice a no-op."""
        case, deadline, step = facts.case, facts.deadline, facts.step
        process_id, deadline_id = _stored(case.id), _stored(deadline.id)
        context = ReminderContext(
            process_id=process_id, process_title=case.title, deadline_id=deadline_id,
            deadline_title=deadline.title, due_at=deadline.due_at, days=facts.days,
            responsible=facts.responsible, next_steps=facts.next_steps,
            link=url(self.base_url, "staff_process", process_id=process_id),
            escalation=step.escalation,
            language=self.language)
        message = self.templates.reminder(context, facts.to, facts.cc, now=facts.now)
        key = reminder_key(deadline, step.index)
        return OutgoingMessage(
            dedup_key=key, kind="escalation" if step.escalation else "reminder",
            to=message.to, cc=message.cc, subject=message.subject, text=message.text,
            html=message.html, ics=message.ics, process_id=process_id, deadline_id=deadline_id,
            step=step.index, content=self._content(message, key, facts.now))

    def digest(self, items: list[Overdue], to: list[str], now: datetime) -> OutgoingMessage:
        """The coordinators' weekly digest; one per ISO week (its key)."""
        lines = [DigestItem(_stored(i.case.id), i.case.title, i.deadline.title, i.deadline.due_at,
                            i.days_overdue, i.case.lead,
                            url(self.base_url, "staff_process", process_id=i.case.id))
                 for i in items]
        message = self.templates.digest(lines, to, self.language, now,
                                        url(self.base_url, "coordination_stuck"))
        year, week, _ = now.isocalendar()
        key = f"digest:{year}-W{week:02d}"
        return OutgoingMessage(dedup_key=key, kind="digest", to=message.to, cc=[],
                               subject=message.subject, text=message.text, html=message.html,
                               content=self._content(message, key, now))


    def answered(self, notice: AnswerNotice) -> OutgoingMessage:
        """The e-mail to a resident whose suggestion was answered; once per suggestion."""
        link = url(self.base_url, "public_process", process_id=notice.process_id)
        context = AnswerContext(notice.process_id, notice.process_title, notice.number,
                                notice.target, notice.answer, notice.justification,
                                f"{link}#anregung-{notice.number}", self.language)
        message = self.templates.answered(context, notice.to)
        return OutgoingMessage(dedup_key=notice.dedup_key, kind="answered", to=message.to,
                               cc=[], subject=message.subject, text=message.text,
                               html=message.html, process_id=notice.process_id,
                               content=self._content(message, notice.dedup_key, notice.now))


def _stored(ident: int | None) -> int:
    """The id of a stored process or deadline (the sweep reads only those)."""
    assert ident is not None, "the sweep reads only stored processes and deadlines"
    return ident
