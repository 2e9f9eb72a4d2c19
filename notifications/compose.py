"""The composer of the reminder sweep: facts in, a rendered e-mail for the outbox out.

Import rule: ``states``, ``workflow`` (ports and the sweep's types) and this package only.
"""

from __future__ import annotations

from datetime import datetime

from ..workflow.ports import OutgoingMessage
from ..workflow.reminders import Overdue, ReminderFacts, reminder_key
from .messages import DigestItem, ReminderContext
from .templates import Templates


class TemplateComposer:
    """Renders reminders and escalations with the (possibly overridden) templates."""

    def __init__(self, templates: Templates, base_url: str, language: str = "de") -> None:
        self.templates = templates
        self.base_url = base_url.rstrip("/")
        self.language = language

    def reminder(self, facts: ReminderFacts) -> OutgoingMessage:
        """The e-mail of one reminder step; its key makes queueing it twice a no-op."""
        case, deadline, step = facts.case, facts.deadline, facts.step
        context = ReminderContext(
            process_id=case.id, process_title=case.title, deadline_id=deadline.id,
            deadline_title=deadline.title, due_at=deadline.due_at, days=facts.days,
            responsible=facts.responsible, next_steps=facts.next_steps,
            link=f"{self.base_url}/processes/{case.id}", escalation=step.escalation,
            language=self.language)
        message = self.templates.reminder(context, facts.to, facts.cc, now=facts.now)
        return OutgoingMessage(
            dedup_key=reminder_key(deadline, step.index),
            kind="escalation" if step.escalation else "reminder", to=message.to,
            cc=message.cc, subject=message.subject, text=message.text, html=message.html,
            ics=message.ics, process_id=case.id, deadline_id=deadline.id, step=step.index)

    def digest(self, items: list[Overdue], to: list[str], now: datetime) -> OutgoingMessage:
        """The coordinators' weekly digest; one per ISO week (its key)."""
        lines = [DigestItem(i.case.id, i.case.title, i.deadline.title, i.deadline.due_at,
                            i.days_overdue, i.case.lead) for i in items]
        message = self.templates.digest(lines, to, self.language, now)
        year, week, _ = now.isocalendar()
        return OutgoingMessage(dedup_key=f"digest:{year}-W{week:02d}", kind="digest",
                               to=message.to, cc=[], subject=message.subject,
                               text=message.text, html=message.html)
