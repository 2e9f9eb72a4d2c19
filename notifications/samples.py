"""Sample data that every template is rendered with when ``Templates`` is built.

The samples cover each branch a template is likely to have (days left, due today, one day and
many days overdue, nobody responsible, no next steps, an empty digest), so an override that
uses an unknown variable in any of them fails at start-up. The texts contain ``<`` and ``&`` to
exercise escaping.
Import rule: ``states``, ``notifications`` and the standard library only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..states.case import Person
from .messages import AnswerContext, DigestItem, ReminderContext

DUE = datetime(2026, 5, 26, 21, 59, tzinfo=UTC)
LEAD = Person("Anna Lehmann", "anna.lehmann@example.org")
DEPUTY = Person("Jonas Weber", "jonas.weber@example.org")
STEPS = ["Die Ergebnisse der Kommentierung veröffentlichen", "Rückmeldungen <& beantworten>"]


def sample_reminders(language: str) -> list[ReminderContext]:
    """Reminders and escalations in ``language`` that reach every usual template branch."""
    cases = [(14, [LEAD], STEPS, False), (1, [LEAD, DEPUTY], [], False), (0, [], STEPS, False),
             (-1, [LEAD], STEPS, False), (-7, [LEAD, DEPUTY], STEPS, True),
             (-1, [], [], True), (3, [LEAD], STEPS, True)]
    return [ReminderContext(process_id=7, process_title="Lindener Marktplatz <Umbau & Co>",
                            deadline_id=42, deadline_title="Kommentierungsfrist",
                            due_at=DUE, days=days, responsible=people, next_steps=steps,
                            link="https://beteiligung.example.org/verfahren/7?a=1&b=2",
                            escalation=escalation, language=language)
            for days, people, steps, escalation in cases]


def sample_digests() -> list[tuple[list[DigestItem], datetime]]:
    """An empty digest and one with a lead and without one, each with its ``as_of``."""
    as_of = DUE + timedelta(days=10)
    link = "https://beteiligung.example.org/verfahren/{}?a=1&b=2".format
    items = [DigestItem(7, "Lindener Marktplatz <Umbau & Co>", "Kommentierungsfrist", DUE, 10,
                        LEAD, link(7)),
             DigestItem(8, "Spielplatz Nordstadt", "Antwortfrist", DUE - timedelta(days=20),
                        30, None, link(8)),
             DigestItem(9, "Radweg Limmerstraße", "Auswertungsfrist", DUE + timedelta(days=9),
                        1, DEPUTY, link(9))]
    return [([], as_of), (items, as_of)]


def sample_answers(language: str) -> list[AnswerContext]:
    """An answer of each kind, with and without a justification, on both targets."""
    link = "https://beteiligung.example.org/vorhaben/7#anregung-3"
    return [AnswerContext(7, "Lindener Marktplatz <Umbau & Co>", 3, target, answer,
                          justification, link, language)
            for target, answer, justification in (
                ("concept", "accepted", ""),
                ("interim_results", "partly_accepted", "Teilweise <umsetzbar> & geplant"),
                ("concept", "rejected", "Liegt außerhalb des Plangebiets."))]
