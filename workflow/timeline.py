"""A process's timeline: its stays in each phase and its deadlines, drawn as a Mermaid Gantt chart.

``build`` reads the audit trail and the deadlines: every creation or transition event starts a
stay in the phase it enters and ends the stay before it, so a phase entered twice (another
dialogue round, a pause and resume) gives two stays; the current stay runs until ``now``.
Each deadline becomes a milestone at its due time, placed with the stay it arose in.
``gantt`` renders that: one section per phase in the order first visited, a bar per stay
(``done``, or ``active`` for the current one), a milestone per deadline tagged by its status
(met ``done``, waived ``done``, missed ``crit``, open ``active`` or ``crit`` when overdue), and
the end of a closed or cancelled process as a milestone.

Times are Europe/Berlin to the minute (``dateFormat YYYY-MM-DD HH:mm``): several phases are
often left on the day they were entered, and with whole days such a bar would have no length.

Every text that reaches the chart goes through ``sanitise`` (see there).
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..states.deadlines import Deadline
from ..states.definition import Definition
from .core import Env
from .ports import AuditEvent

BERLIN = ZoneInfo("Europe/Berlin")
DATE_FORMAT = "YYYY-MM-DD HH:mm"  # Mermaid (dayjs) tokens; the same as STRFTIME
STRFTIME = "%Y-%m-%d %H:%M"
# axisFormat (d3 tokens): whole dates, or times when everything lies within two days
AXIS = {"de": ("%d.%m.%Y", "%d.%m. %H:%M"), "en": ("%Y-%m-%d", "%m-%d %H:%M")}
SHORT_SPAN = timedelta(days=2)
DAY = {"de": "%d.%m.%Y", "en": "%Y-%m-%d"}

WORDS = {
    "process": ("Prozess", "Process"),
    "round": ("Runde", "round"),
    "part": ("Teil", "part"),
    "due": ("fällig", "due"),
    "met": ("eingehalten", "met"),
    "missed": ("versäumt", "missed"),
    "open": ("offen", "open"),
    "overdue": ("überfällig", "overdue"),
    "waived": ("entfallen", "waived"),
    "cut_short": ("vorzeitig beendet", "cut short"),
}
# The engine's own deadlines in English (their stored titles are German); a lead's own
# deadlines keep the title they were given.
TITLES_EN = {
    "phase": "Phase {phase}",
    "concept_comments": "Comment period on the concept",
    "interim_comments": "Comment period on the interim results ({ref})",
    "suggestion_answer": "Answer to suggestion {ref}",
    "evaluation": "Evaluation",
}
TAGS = {"met": "done", "waived": "done", "missed": "crit", "cut_short": "crit", "overdue": "crit",
        "open": "active"}


@dataclass(frozen=True)
class Stay:
    """One stay in a phase, from entering it to leaving it (``end`` is None while it lasts, and
    for the closed or cancelled end). ``visit`` counts the stays in this phase, from 1."""

    phase: str
    start: datetime
    end: datetime | None
    round: int = 1
    reason: str = ""
    visit: int = 1


@dataclass(frozen=True)
class Milestone:
    """A deadline on the timeline; ``stay`` is the index of the stay it arose in."""

    deadline_id: int | None
    kind: str
    ref: str
    title: str
    status: str
    overdue: bool
    due_at: datetime
    closed_at: datetime | None
    stay: int


@dataclass(frozen=True)
class Timeline:
    """What the chart shows of one process, as of ``now``."""

    process_id: int
    title: str
    now: datetime
    stays: tuple[Stay, ...]
    milestones: tuple[Milestone, ...]


def process_timeline(env: Env, process_id: int) -> Timeline:
    """The timeline of one process as of the clock's now (``NotFound`` when there is none)."""
    with env.uow() as uow:
        case = uow.processes.get(process_id)
        events = uow.processes.events(process_id)
        deadlines = uow.deadlines.for_process(process_id)
    return build(process_id, case.title, events, deadlines, env.clock())


def build(process_id: int, title: str, events: Iterable[AuditEvent],
          deadlines: Iterable[Deadline], now: datetime) -> Timeline:
    """The stays from the audit trail and the milestones from the deadlines."""
    found = stays(events)
    return Timeline(process_id, title, now, tuple(found), tuple(milestones(deadlines, found, now)))


def stays(events: Iterable[AuditEvent]) -> list[Stay]:
    """One stay per phase entered (creation or transition), in order; edits and refused
    attempts change no phase and are passed over."""
    result: list[Stay] = []
    round_ = 1
    for event in events:
        if event.action not in ("process_created", "transition") or not event.to_phase:
            continue
        round_ = int(event.payload.get("round", round_))
        if result:
            result[-1] = replace(result[-1], end=event.at)
        visit = 1 + sum(s.phase == event.to_phase for s in result)
        result.append(Stay(event.to_phase, event.at, None, round_, event.reason, visit))
    return result


def milestones(deadlines: Iterable[Deadline], found: list[Stay],
               now: datetime) -> list[Milestone]:
    """A milestone per deadline, by due time, with the stay that was current when it arose."""
    return [Milestone(d.id, d.kind, d.ref, d.title, d.status,
                      d.status == "open" and d.due_at < now, d.due_at, d.closed_at,
                      _stay_of(found, d))
            for d in sorted(deadlines, key=lambda d: (d.due_at, d.id or 0))]


# The phase each of the engine's deadlines arises in (a phase's own limit names it in its ref).
HOME = {"concept_comments": "concept", "interim_comments": "interim_results",
        "evaluation": "decision"}


def _stay_of(found: list[Stay], deadline: Deadline) -> int:
    """The index of the stay that was current when ``deadline`` arose. Several steps taken at
    one instant leave several stays around that instant: then the one in the deadline's own
    phase, else the latest."""
    moment = deadline.created_at
    around = [i for i, s in enumerate(found)
              if s.start <= moment and (s.end is None or moment <= s.end)]
    home = deadline.ref.split("@", 1)[0] if deadline.kind == "phase" else HOME.get(deadline.kind)
    own = [i for i in around if found[i].phase == home]
    return (own or around or [0])[-1]


# ---------------------------------------------------------------------------------------------
# Mermaid

# Mermaid's gantt lexer (packages/mermaid/src/diagrams/gantt/parser/gantt.jison) ends a task's
# text at ':', reads '#' and '%' as the start of a comment, ends a statement at ';' or a line
# end, and takes the first of its rules that matches: a line that starts with a keyword or a
# date is read as that statement. So these characters become their full-width twins, control
# characters and line breaks become spaces, and a text that starts like a statement is preceded
# by a zero-width space (invisible, but no keyword and no date then).
_TWINS = str.maketrans({":": "\uff1a", "#": "\uff03", ";": "\uff1b", "%": "\uff05"})
_STATEMENT = re.compile(
    r"(gantt|dateformat|axisformat|tickinterval|inclusiveenddates|topaxis|includes|excludes|"
    r"todaymarker|weekday|weekend|title|section|click|call|href|acc|displaymode)"
    r"|\d{4}-\d{2}-\d{2}", re.IGNORECASE)
_BREAKING = frozenset({"Cc", "Cs", "Zl", "Zp"})
MAX_TEXT = 120
MAX_REASON = 80


def sanitise(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` as one safe line of Mermaid gantt text (title, section or task), at most
    ``limit`` characters; never empty."""
    spaced = "".join(" " if unicodedata.category(c) in _BREAKING else c for c in text)
    clean = " ".join(spaced.translate(_TWINS).split())
    if len(clean) > limit:
        clean = clean[:limit - 1].rstrip() + "…"
    if _STATEMENT.match(clean):
        clean = "\u200b" + clean
    return clean or "–"


def gantt(timeline: Timeline, definition: Definition, lang: str = "de") -> str:
    """The timeline as a Mermaid Gantt chart (``lang``: ``de`` or ``en``)."""
    title = f"{_word('process', lang)} {timeline.process_id} – {timeline.title}"
    lines = ["gantt", f"    title {sanitise(title)}", f"    dateFormat {DATE_FORMAT}",
             f"    axisFormat {_axis(timeline, lang)}"]
    marks = list(enumerate(timeline.milestones, start=1))
    for phase in dict.fromkeys(s.phase for s in timeline.stays):
        lines.append(f"    section {sanitise(_phase_label(definition, phase, lang))}")
        for index, stay in enumerate(timeline.stays):
            if stay.phase == phase:
                lines.append(_bar(timeline, index, definition, lang))
                lines += [_milestone(m, n, definition, lang) for n, m in marks
                          if m.stay == index]
    if not timeline.stays:  # no trail to place them by: the deadlines alone
        lines.append(f"    section {_word('process', lang)}")
        lines += [_milestone(m, n, definition, lang) for n, m in marks]
    return "\n".join(lines) + "\n"


def _word(key: str, lang: str) -> str:
    de, en = WORDS[key]
    return en if lang == "en" else de


def _time(moment: datetime) -> str:
    return moment.astimezone(BERLIN).strftime(STRFTIME)


def _axis(timeline: Timeline, lang: str) -> str:
    moments = [timeline.now, *(s.start for s in timeline.stays),
               *(m.due_at for m in timeline.milestones)]
    short = max(moments) - min(moments) <= SHORT_SPAN
    return AXIS.get(lang, AXIS["de"])[short]


def _phase_label(definition: Definition, phase: str, lang: str) -> str:
    known = definition.phases.get(phase)
    return known.label(lang) if known else phase


def _bar(timeline: Timeline, index: int, definition: Definition, lang: str) -> str:
    """A stay as a bar; the end of a closed or cancelled process as a milestone."""
    stay = timeline.stays[index]
    text = _stay_label(timeline, index, definition, lang)
    start = _time(stay.start)
    known = definition.phases.get(stay.phase)
    if known is not None and known.terminal:
        tag = "crit" if stay.phase == "cancelled" else "done"
        return f"    {text} :milestone, {tag}, s{index + 1}, {start}, 0d"
    tag = "done" if stay.end is not None else "active"
    end = _time(max(stay.end or timeline.now, stay.start))
    return f"    {text} :{tag}, s{index + 1}, {start}, {end}"


def _stay_label(timeline: Timeline, index: int, definition: Definition, lang: str) -> str:
    """The phase's name; with the round when the phase saw several, and the part when it was
    entered more than once in one round (a pause); then the reason it was entered for (a pause,
    a cancellation), cut short if long."""
    stay = timeline.stays[index]
    label = _phase_label(definition, stay.phase, lang)
    same = [i for i, s in enumerate(timeline.stays) if s.phase == stay.phase]
    rounds = {timeline.stays[i].round for i in same}
    parts = [i for i in same if timeline.stays[i].round == stay.round]
    suffix = [f"{_word('round', lang)} {stay.round}"] if len(rounds) > 1 else []
    suffix += [f"{_word('part', lang)} {parts.index(index) + 1}"] if len(parts) > 1 else []
    label += f" – {', '.join(suffix)}" if suffix else ""
    reason = f" – {sanitise(stay.reason, MAX_REASON)}" if stay.reason.strip() else ""
    return sanitise(label) + reason


def _milestone(mark: Milestone, number: int, definition: Definition, lang: str) -> str:
    """A deadline as a milestone at its due time; its id is ``d`` and the deadline's id."""
    status = "overdue" if mark.overdue else mark.status
    word = _word(status, lang) if status in WORDS else status
    due = mark.due_at.astimezone(BERLIN).strftime(DAY.get(lang, DAY["de"]))
    text = f"{sanitise(_deadline_title(mark, definition, lang))} ({_word('due', lang)} {due}, " \
        f"{sanitise(word)})"
    tags = ", ".join(["milestone"] + ([TAGS[status]] if status in TAGS else []))
    ident = f"d{mark.deadline_id}" if mark.deadline_id is not None else f"m{number}"
    return f"    {text} :{tags}, {ident}, {_time(mark.due_at)}, 0d"


def _deadline_title(mark: Milestone, definition: Definition, lang: str) -> str:
    if lang != "en" or mark.kind not in TITLES_EN:
        return mark.title
    phase = mark.ref.split("@", 1)[0]
    return TITLES_EN[mark.kind].format(phase=_phase_label(definition, phase, lang),
                                       ref=mark.ref)
