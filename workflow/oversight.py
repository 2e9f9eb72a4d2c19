"""Oversight: the open processes that are stuck, overdue or breaking a rule (``audit stuck``).

The rules are pure functions of small facts that a read port (``OversightReader``) streams
from indexed queries: columns of ``processes``, the overdue rows of ``deadlines``, the failed
rows of ``outbox``. No case document is decoded; only the districts of the processes that
have a finding are read from theirs, in the query. So the cost follows the processes that
have something to report, not all processes.

A finding has a severity (``info`` < ``warning`` < ``critical``), a code, and ``days``:

==========================  =============================================  =================
code                        found when                                     days count since
==========================  =============================================  =================
``dwell_exceeded``          longer in its phase than the definition's      the phase began
                            dwell limit (of the process's definition
                            version; the pause phase: ``on_hold_long``)
``on_hold_long``            on hold longer than ``hold_days``              the pause began
``holds_repeated``          put on hold ``hold_repeat_count`` times or     the first of them
                            more within ``hold_repeat_days`` (pausing and
                            resuming no longer resets a phase's clock,
                            but doing it again and again is itself a sign)
``idle``                    no audit event by a person for longer than     that last event
                            ``idle_days`` (the sweep's own events do not
                            count; not reported while on hold)
``deadline_missed``         a deadline still open past its due day, or     the due day
                            marked missed by the sweep (phase deadlines
                            are ``dwell_exceeded``, comment periods are
                            not tasks)
``suggestions_unanswered``  answer deadlines of suggestions passed         the oldest due day
``interim_stalled``         the interim results' comment deadline passed   the comment deadline
                            more than ``interim_days`` ago, and the
                            process has not moved on
``lead_email_missing``      the lead has no e-mail address                 the process began
``deputy_email_missing``    the deputy has no e-mail address (``info``)    the process began
``reminder_failed``         an e-mail about the process failed for good    the oldest was queued
``phase_unknown``           its phase (or paused phase) is not in the      the phase began
                            current definition (``critical``)
==========================  =============================================  =================

A time finding is a ``warning`` past its limit and ``critical`` past ``critical_factor`` times
the limit; a deadline or an unanswered suggestion is ``critical`` more than
``critical_overdue_days`` overdue. Days are whole calendar days in Europe/Berlin: as of a
date D, a deadline due on D - 1 is one day overdue.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..states.definition import Definition
from ..states.errors import BadInput
from ..states.lifecycle import Lifecycle
from .oversight_facts import (
    CRITICAL,
    INFO,
    NOT_TASKS,
    RANK,
    SEVERITIES,
    WARNING,
    DeadlineFacts,
    FailedMessage,
    Finding,
    Limits,
    OversightReader,
    ProcessFacts,
)
from .reminders import SYSTEM

__all__ = ["SEVERITIES", "NOT_TASKS", "Limits", "Finding", "OversightReader", "ProcessFacts",
           "DeadlineFacts", "FailedMessage", "find_stuck", "counts", "at_least",
           "stuck_per_department", "day_start"]

BERLIN = ZoneInfo("Europe/Berlin")


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in Europe/Berlin, as a UTC time."""
    return datetime.combine(day, time(0), tzinfo=BERLIN).astimezone(UTC)


class _Context:
    """The audit's day, limits and definitions, and the arithmetic of days."""

    def __init__(self, lifecycle: Lifecycle, as_of: date, limits: Limits,
                 definitions: Mapping[str, Definition]) -> None:
        self.lifecycle, self.definition = lifecycle, lifecycle.definition
        self.as_of, self.limits, self.definitions = as_of, limits, definitions
        self._forward: dict[str, dict[str, str | int]] = {}

    def age(self, moment: datetime) -> int:
        """Whole days from ``moment``'s day to ``as_of`` (Europe/Berlin)."""
        return (self.as_of - moment.astimezone(BERLIN).date()).days

    def cutoff(self, days: int) -> datetime:
        """The earliest moment whose age is at most ``days``: older is older than ``days``."""
        return day_start(self.as_of - timedelta(days=days))

    def dwell(self, phase: str, version: str) -> int | None:
        """The dwell limit of ``phase`` under ``version`` (the current definition when that
        version is not known)."""
        definition = self.definitions.get(version, self.definition)
        known = definition.phases.get(phase) or self.definition.phases.get(phase)
        return known.dwell_days if known else None

    def forward(self, phase: str) -> dict[str, str | int]:
        """The trigger of the main step out of ``phase``, as a text parameter."""
        if phase not in self._forward:
            step = self.lifecycle.way_forward(phase)
            self._forward[phase] = {"trigger": step.trigger} if step else {}
        return self._forward[phase]

    def graded(self, days: int, limit: int) -> str:
        return CRITICAL if days > limit * self.limits.critical_factor else WARNING

    def overdue(self, days: int) -> str:
        return CRITICAL if days > self.limits.critical_overdue_days else WARNING


def _finding(fact: ProcessFacts, code: str, severity: str, days: int, since: datetime,
             limit: int | None = None, *, params: Mapping[str, str | int] | None = None,
             deadline_ids: tuple[int, ...] = (), message_ids: tuple[int, ...] = ()) -> Finding:
    return Finding(severity, code, fact.id, fact.title, fact.department, fact.directorate,
                   fact.phase, fact.paused_phase, fact.definition_version, days, limit, since,
                   fact.lead_email, fact.deputy_email, (), deadline_ids, message_ids,
                   dict(params or {}))


def find_stuck(reader: OversightReader, lifecycle: Lifecycle, as_of: date, limits: Limits, *,
               definitions: Mapping[str, Definition] | None = None,
               department: str | None = None, district: str | None = None,
               known_districts: Collection[str] = ()) -> list[Finding]:
    """Every finding about an open process as of ``as_of``, most severe first, then longest.

    ``definitions`` maps older definition versions to their definitions (for their dwell
    limits); a process under a version not given is judged by the current definition.
    Raises ``BadInput`` for a district not in ``known_districts`` or a department no process
    names.
    """
    if district is not None and known_districts and district not in known_districts:
        raise BadInput(f"--district: {district!r} is not a district; known districts: "
                       f"{', '.join(known_districts)}")
    if department is not None and not reader.has_department(department):
        raise BadInput(_unknown_department(department, reader.departments()))
    ctx = _Context(lifecycle, as_of, limits, definitions or {})
    facts: dict[int, ProcessFacts] = {}
    findings = list(_by_time(reader, ctx, facts))
    findings += _repeated_holds(reader, ctx, facts)
    findings += _by_rows(reader, ctx, facts)
    if department is not None:
        findings = [f for f in findings if f.department == department]
    districts = reader.districts({f.process_id for f in findings})
    for finding in findings:
        finding.districts = districts.get(finding.process_id, ())
    if district is not None:
        findings = [f for f in findings if district in f.districts]
    return sorted(findings, key=lambda f: (-RANK[f.severity], -f.days, f.process_id, f.code))


def _by_time(reader: OversightReader, ctx: _Context,
             facts: dict[int, ProcessFacts]) -> Iterator[Finding]:
    """Dwell and hold: a range scan per open phase; idle: a range scan per open phase for
    the processes unchanged since ``idle_days``, then the last events of those."""
    pause = ctx.definition.pause_phase
    cutoffs, running = {}, []
    for name, phase in ctx.definition.phases.items():
        if phase.terminal:
            continue
        if name == pause:  # judged by hold_days; not idle while on hold
            cutoffs[name] = ctx.cutoff(ctx.limits.hold_days)
            continue
        running.append(name)
        dwell = [days for d in (ctx.definition, *ctx.definitions.values())
                 if name in d.phases and (days := d.phases[name].dwell_days)]
        if dwell:
            cutoffs[name] = ctx.cutoff(min(dwell))
    for fact in reader.entered_before(cutoffs):
        facts[fact.id] = fact
        days = ctx.age(fact.phase_entered_at)
        on_hold = fact.phase == pause
        limit = (ctx.limits.hold_days if on_hold
                 else ctx.dwell(fact.phase, fact.definition_version))
        if limit and days > limit:
            yield _finding(fact, "on_hold_long" if on_hold else "dwell_exceeded",
                           ctx.graded(days, limit), days, fact.phase_entered_at, limit,
                           params=ctx.forward(fact.paused_phase or fact.phase))
    limit = ctx.limits.idle_days
    quiet = list(reader.unchanged_since(running, ctx.cutoff(limit)))
    last = reader.last_activity([f.id for f in quiet], SYSTEM) if quiet else {}
    for fact in quiet:
        facts.setdefault(fact.id, fact)
        moment = max(fact.updated_at, last.get(fact.id, fact.updated_at))
        days = ctx.age(moment)
        if days > limit:
            yield _finding(fact, "idle", ctx.graded(days, limit), days, moment, limit)


def _repeated_holds(reader: OversightReader, ctx: _Context,
                    facts: dict[int, ProcessFacts]) -> list[Finding]:
    """Processes paused again and again: ``hold_repeat_count`` pauses begun within the last
    ``hold_repeat_days`` (the few processes paused recently, by ``last_hold_at``)."""
    pause, limits = ctx.definition.pause_phase, ctx.limits
    if pause is None:
        return []
    window, later = limits.hold_repeat_days, day_start(ctx.as_of + timedelta(days=1))
    holds = {pid: [at for at in times if at < later]
             for pid, times in reader.recent_holds(ctx.cutoff(window), pause).items()}
    holds = {pid: times for pid, times in holds.items() if len(times) >= limits.hold_repeat_count}
    missing = set(holds) - set(facts)
    if missing:
        facts.update((f.id, f) for f in reader.processes(missing))
    found = []
    for pid, times in sorted(holds.items()):
        fact = facts[pid]
        if fact.phase in ctx.definition.phases and not ctx.definition.is_open(fact.phase):
            continue
        found.append(_finding(fact, "holds_repeated", WARNING, ctx.age(times[0]), times[0],
                              window, params={"count": len(times)}))
    return found


def _by_rows(reader: OversightReader, ctx: _Context,
             facts: dict[int, ProcessFacts]) -> list[Finding]:
    """Deadlines, contacts, failed e-mails and unknown phases: rows found by their indexes."""
    deadlines: dict[int, list[DeadlineFacts]] = {}
    for item in reader.overdue_deadlines(day_start(ctx.as_of), NOT_TASKS):
        deadlines.setdefault(item.process_id, []).append(item)
    failed: dict[int, list[FailedMessage]] = {}
    for message in reader.failed_messages():
        failed.setdefault(message.process_id, []).append(message)
    lacking = {f.id: f for f in reader.missing_email(ctx.definition.terminal_phases)}
    unknown = {f.id: f for f in reader.outside(list(ctx.definition.phases),
                                               ctx.definition.pause_phase)}
    facts.update(lacking | unknown)
    wanted = (set(deadlines) | set(failed)) - set(facts)
    if wanted:
        facts.update((f.id, f) for f in reader.processes(wanted))
    found: list[Finding] = []
    later = day_start(ctx.as_of + timedelta(days=1))   # made after as_of: not judged then
    for pid in sorted(set(deadlines) | set(failed) | set(lacking) | set(unknown)):
        fact = facts.get(pid)
        if fact is None or fact.created_at >= later or (
                fact.phase in ctx.definition.phases and not ctx.definition.is_open(fact.phase)):
            continue
        found += _deadline_findings(ctx, fact, deadlines.get(pid, []))
        found += _failed_findings(ctx, fact, failed.get(pid, []))
        found += _contact_findings(ctx, fact) if pid in lacking else []
        found += [_unknown_finding(ctx, fact)] if pid in unknown else []
    return found


def _deadline_findings(ctx: _Context, fact: ProcessFacts,
                       items: list[DeadlineFacts]) -> list[Finding]:
    found = []
    answers = sorted((d for d in items if d.kind == "suggestion_answer"), key=lambda d: d.due_at)
    if answers:
        days = ctx.age(answers[0].due_at)
        numbers = ", ".join(d.ref for d in sorted(answers, key=_number))
        found.append(_finding(fact, "suggestions_unanswered", ctx.overdue(days), days,
                              answers[0].due_at, deadline_ids=tuple(d.id for d in answers),
                              params={"count": len(answers), "numbers": numbers,
                                      "first": numbers.split(", ")[0]}))
    for item in items:
        days = ctx.age(item.due_at)
        if item.kind == "interim_comments":
            limit = ctx.limits.interim_days
            if days > limit:
                found.append(_finding(fact, "interim_stalled", ctx.graded(days, limit), days,
                                      item.due_at, limit, deadline_ids=(item.id,),
                                      params={"round": item.ref.removeprefix("round ")}
                                      | ctx.forward(fact.paused_phase or fact.phase)))
        elif item.kind != "suggestion_answer":
            found.append(_finding(fact, "deadline_missed", ctx.overdue(days), days,
                                  item.due_at, deadline_ids=(item.id,),
                                  params={"deadline": item.title, "kind": item.kind,
                                          "deadline_id": item.id, "status": item.status}))
    return found


def _number(item: DeadlineFacts) -> tuple[int, str]:
    return (int(item.ref), "") if item.ref.isdigit() else (0, item.ref)


def _failed_findings(ctx: _Context, fact: ProcessFacts,
                     messages: list[FailedMessage]) -> list[Finding]:
    if not messages:
        return []
    oldest = min(m.created_at for m in messages)
    ids = tuple(sorted(m.id for m in messages))
    last = max(messages, key=lambda m: m.id)
    return [_finding(fact, "reminder_failed", WARNING, ctx.age(oldest), oldest,
                     message_ids=ids, params={"count": len(ids), "message": ids[0],
                                              "error": last.last_error or "-"})]


def _contact_findings(ctx: _Context, fact: ProcessFacts) -> list[Finding]:
    days = ctx.age(fact.created_at)
    found = []
    if not fact.lead_email:
        found.append(_finding(fact, "lead_email_missing", WARNING, days, fact.created_at))
    if not fact.deputy_email:
        found.append(_finding(fact, "deputy_email_missing", INFO, days, fact.created_at))
    return found


def _unknown_finding(ctx: _Context, fact: ProcessFacts) -> Finding:
    phases = ctx.definition.phases
    missing = fact.phase if fact.phase not in phases else fact.paused_phase or ""
    return _finding(fact, "phase_unknown", CRITICAL, ctx.age(fact.phase_entered_at),
                    fact.phase_entered_at, params={"missing": missing,
                                                   "current": ctx.definition.version})


def _unknown_department(department: str, known: list[str]) -> str:
    from difflib import get_close_matches

    close = get_close_matches(department, known, n=3, cutoff=0.4)
    close += [k for k in known if department.lower() in k.lower() and k not in close][:3]
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return (f"--department: no process names the department {department!r} (it must match "
            f"as entered){hint}")


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings of each severity (every severity present, most severe first)."""
    tally = Counter(f.severity for f in findings)
    return {name: tally[name] for name in reversed(SEVERITIES)}


def at_least(findings: Iterable[Finding], severity: str) -> bool:
    """Whether any finding has ``severity`` or a higher one."""
    return any(RANK[f.severity] >= RANK[severity] for f in findings)


def stuck_per_department(reader: OversightReader, lifecycle: Lifecycle, as_of: date,
                         limits: Limits, *, severity: str = WARNING) -> dict[str, int]:
    """How many open processes of each department have a finding of ``severity`` or higher
    as of ``as_of`` (for the quarterly report: pass the quarter's last day); ``""`` counts
    the processes without a department."""
    tally: dict[str, set[int]] = {}
    for f in find_stuck(reader, lifecycle, as_of, limits):
        if RANK[f.severity] >= RANK[severity]:
            tally.setdefault(f.department, set()).add(f.process_id)
    return {name: len(ids) for name, ids in sorted(tally.items())}
