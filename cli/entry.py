"""Handlers of the data-entry commands: one verb per thing a lead enters."""

from __future__ import annotations

import argparse
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..states.case import Decision, Member
from ..states.codec import to_plain
from ..states.errors import BadInput
from ..workflow import content, outcome
from ..workflow.concept_file import parse_concept
from ..workflow.process import get_process
from .commands import wired
from .render import BERLIN, label, lang, local, print_json, table


def _done(args: argparse.Namespace, what: str) -> int:
    print(f"{label('process', lang(args))} {args.id}: {what}")
    return 0


def parse_date(option: str, text: str) -> date:
    """A calendar date from 1900 to 2999, or ``BadInput`` naming the option (years far out
    are typing mistakes, and date arithmetic would overflow near year 1 or 9999)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{option}: {text!r} is not a date like 2026-05-31") from None
    if not 1900 <= day.year <= 2999:
        raise BadInput(f"{option}: {text!r} is out of range; give a date from 1900 to 2999")
    return day


def parse_deadline(option: str, text: str) -> datetime:
    """A deadline in Europe/Berlin: a bare date means the end of that day."""
    try:
        if "T" in text or " " in text:
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=BERLIN)
        day = date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{option}: {text!r} is not a date like 2026-05-31 or a time like "
                       "2026-05-31T18:00") from None
    end = datetime.combine(day, time(23, 59, 59), tzinfo=BERLIN)
    return end + timedelta(microseconds=999999)


def parse_moment(option: str, text: str | None) -> datetime | None:
    """An ISO time (Europe/Berlin when it has no offset); ``None`` when not given."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{option}: {text!r} is not a time like 2026-05-31T08:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=BERLIN)


def requested_by(args: argparse.Namespace) -> int:
    content.set_begleitgruppe_requester(wired(), args.actor, args.id, args.who)
    return _done(args, f"requested_by = {args.who}")


def add_member(args: argparse.Namespace) -> int:
    kind = "external" if args.external else "internal"
    content.add_member(wired(), args.actor, args.id, Member(args.name, args.organisation, kind))
    return _done(args, f"+ {args.name} ({args.organisation}, {kind})")


def remove_member(args: argparse.Namespace) -> int:
    content.remove_member(wired(), args.actor, args.id, args.name)
    return _done(args, f"- {args.name}")


def project_group_add(args: argparse.Namespace) -> int:
    content.add_project_department(wired(), args.actor, args.id, args.department)
    return _done(args, f"+ {args.department}")


def concept_load(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"concept file {path}: cannot be read ({exc.__class__.__name__})") from None
    concept = parse_concept(text, str(path))
    if args.note and not args.publish:
        raise BadInput("--note goes with --publish")
    case = content.load_concept(wired(), args.actor, args.id, concept,
                                args.note if args.publish else None)
    published = case.published_concept
    what = f"concept loaded from {path}"
    if args.publish and published:
        what += f", published as version {published.number}"
    return _done(args, what)


def concept_publish(args: argparse.Namespace) -> int:
    case = content.publish_concept(wired(), args.actor, args.id, args.note)
    return _done(args, f"concept version {case.published_concept.number} published")


def concept_show(args: argparse.Namespace) -> int:
    case = get_process(wired(), args.id)
    version = content.concept_version(case, args.version)
    if version is None:
        concept, stamp = case.concept_draft, label("draft", lang(args))
    else:
        concept = version.concept
        stamp = (f"{label('version', lang(args))} {version.number}, "
                 f"{local(version.published_at, lang(args))}: {version.change_note}")
    if args.json:
        print_json({"process_id": case.id, "version": args.version,
                    "concept": to_plain(concept)})
        return 0
    print(f"{label('concept', lang(args))} ({stamp})")
    for key, value in to_plain(concept).items():
        print(f"  {key}: {value}")
    return 0


def suggestion_add(args: argparse.Namespace) -> int:
    case = content.add_suggestion(wired(), args.actor, args.id, args.on, args.text, args.author)
    return _done(args, f"suggestion {case.suggestions[-1].number} recorded")


def suggestion_answer(args: argparse.Namespace) -> int:
    content.answer_suggestion(wired(), args.actor, args.id, args.number, args.answer,
                              args.justification)
    return _done(args, f"suggestion {args.number}: {args.answer}")


def suggestion_list(args: argparse.Namespace) -> int:
    case = get_process(wired(), args.id)
    if args.json:
        print_json([to_plain(s) for s in case.suggestions])
        return 0
    rows = [[str(s.number), s.target, local(s.received_at), s.answer or "-",
             s.text + (f" | {s.justification}" if s.justification else "")]
            for s in case.suggestions]
    table(rows, ["NR", "ON", "RECEIVED", "ANSWER", "TEXT"])
    return 0


def report_publish(args: argparse.Namespace) -> int:
    outcome.publish_report(wired(), args.actor, args.id, args.kind, args.text)
    return _done(args, f"{args.kind}-report published")


def dialogue_add(args: argparse.Namespace) -> int:
    on = parse_date("--date", args.date)
    outcome.add_activity(wired(), args.actor, args.id, args.format, args.mode, on, args.place,
                         args.accessibility)
    return _done(args, f"activity {args.format} ({args.mode}) on {on.isoformat()} recorded")


def interim_publish(args: argparse.Namespace) -> int:
    deadline = parse_deadline("--comment-deadline", args.comment_deadline)
    outcome.publish_interim_results(wired(), args.actor, args.id, args.summary, deadline,
                                    args.decision_when, args.decision_where, args.decision_by)
    return _done(args, f"interim results published, comments until {local(deadline)}")


def decision_record(args: argparse.Namespace) -> int:
    decision = Decision(args.decided_by, parse_date("--decided-on", args.decided_on),
                        args.summary, not args.deviates, args.justification,
                        args.implementation_by)
    outcome.record_decision(wired(), args.actor, args.id, decision)
    return _done(args, "decision recorded (publish it with 'decision publish')")


def decision_publish(args: argparse.Namespace) -> int:
    outcome.publish_decision(wired(), args.actor, args.id)
    return _done(args, "decision published")


def evaluation_rate(args: argparse.Namespace) -> int:
    outcome.rate_goal(wired(), args.actor, args.id, args.goal, args.rating, args.evidence)
    return _done(args, f"goal {args.goal}: {args.rating}")


def evaluation_lessons(args: argparse.Namespace) -> int:
    outcome.record_lessons(wired(), args.actor, args.id, args.text)
    return _done(args, "lessons learned recorded")
