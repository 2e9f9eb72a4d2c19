"""The reminder sweep: queue every reminder that is due as of ``now``, each exactly once.

The sweep reads only the deadlines whose next reminder is due (an index range), so its cost
grows with the due reminders, not with all deadlines. Each deadline is handled in its own
transaction: the message goes into the outbox under the key deadline x step, and the deadline
records that step as done, in one commit. Two sweeps at once cannot queue a step twice (the key
is unique, and the deadline update is optimistic). After downtime only the latest due step of
each deadline is queued. Messages are written by a ``Composer`` (``notifications.compose``).
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from ..states.case import Case, Person
from ..states.deadlines import Deadline
from ..states.errors import Busy, Conflict
from ..states.reminders import Step, latest_due, next_step
from .core import Env, event
from .ports import OutgoingMessage, UnitOfWork

BERLIN = ZoneInfo("Europe/Berlin")
SYSTEM = "beteiligung@system"


@dataclass(frozen=True)
class ReminderFacts:
    """What a reminder says: the case, the deadline, the step, who gets it and what to do."""

    case: Case
    deadline: Deadline
    step: Step
    now: datetime
    days: int
    to: list[str]
    cc: list[str]
    responsible: list[Person]
    next_steps: list[str]


@dataclass(frozen=True)
class Overdue:
    """One line of the coordinators' weekly digest."""

    case: Case
    deadline: Deadline
    days_overdue: int


class Composer(Protocol):
    """Writes the messages of reminders and digests (templates live in ``notifications``)."""

    def reminder(self, facts: ReminderFacts) -> OutgoingMessage:
        """The e-mail for ``facts``, with ``dedup_key`` deadline x step."""

    def digest(self, items: list[Overdue], to: list[str], now: datetime) -> OutgoingMessage:
        """The weekly list of overdue deadlines, keyed by the ISO week of ``now``."""


@dataclass(frozen=True)
class Queued:
    """A reminder the sweep queued, without its bodies (a catch-up over many due reminders
    must not hold every rendered e-mail in memory)."""

    dedup_key: str
    kind: str
    to: list[str]
    cc: list[str]
    subject: str
    process_id: int | None
    deadline_id: int | None
    step: int | None

    @classmethod
    def of(cls, message: OutgoingMessage) -> Queued:
        return cls(message.dedup_key, message.kind, message.to, message.cc, message.subject,
                   message.process_id, message.deadline_id, message.step)


@dataclass
class SweepReport:
    """What one sweep did: reminders queued (or, dry, that would be) and deadlines now missed."""

    queued: list[Queued] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    skipped: int = 0


def sweep(env: Env, composer: Composer, now: datetime, *, dry_run: bool = False,
          batch: int = 500) -> SweepReport:
    """Queue every reminder due by ``now`` (``dry_run``: compute them, write nothing)."""
    report = SweepReport()
    done: set[int] = set()
    while True:
        with env.uow() as uow:
            ids = [i for i in uow.deadlines.due(now, batch + len(done)) if i not in done]
        for deadline_id in ids:
            done.add(deadline_id)
            _retrying(env, composer, deadline_id, now, dry_run, report)
        if len(ids) < batch:
            return report


def _retrying(env: Env, composer: Composer, deadline_id: int, now: datetime, dry_run: bool,
              report: SweepReport) -> None:
    """One deadline; run again when the database was busy with another writer (the deadline
    is re-read, so a step another sweep queued meanwhile is not queued twice)."""
    for _ in range(3):
        try:
            _one(env, composer, deadline_id, now, dry_run, report)
            return
        except Busy:
            continue
        except Conflict:
            break
    report.skipped += 1  # another sweep or a change won, or stayed busy: the next run sees it


def _one(env: Env, composer: Composer, deadline_id: int, now: datetime, dry_run: bool,
         report: SweepReport) -> None:
    with env.uow() as uow:
        deadline = uow.deadlines.get(deadline_id)
        if deadline is None or not deadline.active or deadline.next_remind_at is None:
            return
        step = latest_due(env.policy, deadline.due_at, env.working_day, deadline.last_step,
                          now)
        queued, missed = None, False
        if step is not None:
            case = uow.processes.get(deadline.process_id)
            message = composer.reminder(facts(env, case, deadline, step, now))
            queued = Queued.of(message)
            if dry_run:
                report.queued.append(queued)
                return
            uow.outbox.enqueue(message, now)
            deadline.last_step = step.index
            missed = now > deadline.due_at and deadline.status == "open"
        following = next_step(env.policy, deadline.due_at, env.working_day,
                              deadline.last_step)
        deadline.next_remind_at = following.at if following else None
        if missed:
            deadline.status = "missed"
            _record_missed(env, uow, case, deadline, now)
        if uow.deadlines.update(deadline, strict=False):
            uow.commit()
            report.queued += [queued] if queued else []
            report.missed += [deadline_id] if missed else []


def _record_missed(env: Env, uow: UnitOfWork, case: Case, deadline: Deadline,
                   now: datetime) -> None:
    payload = {"deadline": deadline.id, "kind": deadline.kind, "title": deadline.title,
               "due_at": deadline.due_at.isoformat()}
    uow.processes.record(case, event(env, now, SYSTEM, "deadline_missed", case.phase,
                                     case.phase, "", payload))


def reminder_key(deadline: Deadline, step: int) -> str:
    """The outbox key of a reminder: deadline, its due time and the step. A moved deadline
    has new keys, so its reminders are queued anew and the old ones are recognised as stale."""
    due = deadline.due_at.astimezone(BERLIN).strftime("%Y%m%dT%H%M%S")
    return f"deadline:{deadline.id}:{due}:step:{step}"


@dataclass(frozen=True)
class DigestRun:
    """What one ``queue_digest`` did: the message it queued, or why none."""

    message: OutgoingMessage | None = None
    """The digest this run queued; ``None`` when there was nothing to queue or another run
    had it already."""
    taken: bool = False
    """This week's digest was queued already (by another ``run`` or ``serve`` on the same
    database, or earlier this week), or another run was writing it at this moment."""


def queue_digest(env: Env, composer: Composer, now: datetime) -> DigestRun:
    """Queue this week's digest of every overdue deadline for the coordinators (once a week;
    none when there are no coordinators or nothing is overdue). Several schedulers on one
    database race for it: the loser says so (``taken``), it does not fail."""
    if not env.coordinators:
        return DigestRun()
    try:
        with env.uow() as uow:
            late = uow.deadlines.overdue(now)
            cases = {pid: uow.processes.get(pid) for pid in {d.process_id for d in late}}
            items = [Overdue(cases[d.process_id], d, _days_between(d.due_at, now))
                     for d in late]
            if not items:
                return DigestRun()
            message = composer.digest(items, sorted(env.coordinators), now)
            if not uow.outbox.enqueue(message, now):
                return DigestRun(taken=True)
            uow.commit()
    except Busy:  # SQLite: the other run holds the write lock; the dedup key settles it
        return DigestRun(taken=True)
    return DigestRun(message)


def _days_between(earlier: datetime, later: datetime) -> int:
    return (later.astimezone(BERLIN).date() - earlier.astimezone(BERLIN).date()).days


def facts(env: Env, case: Case, deadline: Deadline, step: Step, now: datetime) -> ReminderFacts:
    """Everything a reminder of ``deadline`` at ``step`` says, as of ``now``."""
    people = [p for p in (case.lead, case.deputy) if p and p.email]
    to = [case.lead.email] if case.lead and case.lead.email else [p.email for p in people]
    cc: list[str] = []
    if step.escalation:
        cc = [p.email for p in people if p.email not in to] + sorted(env.coordinators)
    if not to:
        to, cc = sorted(env.coordinators), []
    days = -_days_between(deadline.due_at, now)
    return ReminderFacts(case, deadline, step, now, days, to, cc, people,
                         next_steps(env, case, deadline, now, env.language))


def next_steps(env: Env, case: Case, deadline: Deadline, now: datetime,
               lang: str = "de") -> list[str]:
    """What to do: for a phase deadline, what the way forward still lacks."""
    if deadline.kind == "phase":
        forward = env.lifecycle.way_forward(case.phase)
        if forward is None:
            return [_text("on_hold", lang)] if case.paused_phase else []
        verdict = env.lifecycle.check(case, forward.trigger, env.context(now))
        if verdict.allowed:
            return [_text("ready", lang).format(trigger=forward.trigger)]
        return [u.text(lang) for u in verdict.unmet]
    return [_text(deadline.kind, lang).format(ref=deadline.ref)]


_NEXT = {
    "ready": ("Alles für den nächsten Schritt liegt vor: „{trigger}“ ausführen.",
              "Everything for the next step is there: take '{trigger}'."),
    "on_hold": ("Den pausierten Prozess fortsetzen („resume“) oder mit Begründung abbrechen.",
                "Resume the paused process ('resume') or cancel it with a reason."),
    "concept_comments": ("Anregungen zum Konzept beantworten und den Prozess fortsetzen.",
                         "Answer the suggestions on the concept and move the process on."),
    "interim_comments": ("Nach Ablauf der Frist jede Anregung beantworten und zur "
                         "Entscheidung gehen.",
                         "When the period has ended, answer every suggestion and go on to "
                         "the decision."),
    "suggestion_answer": ("Anregung {ref} beantworten (angenommen, teilweise oder abgelehnt "
                          "mit Begründung).",
                          "Answer suggestion {ref} (accepted, partly, or rejected with a "
                          "justification)."),
    "evaluation": ("Jedes SMART-Ziel evaluieren und die Evaluation abschließen.",
                   "Evaluate every SMART goal and close the evaluation."),
    "custom": ("Die Frist „{ref}“ einhalten oder mit Begründung verschieben.",
               "Meet the deadline '{ref}' or move it with a reason."),
}


def _text(key: str, lang: str) -> str:
    de, en = _NEXT.get(key, _NEXT["custom"])
    return en if lang == "en" else de
