"""Handlers of the data-entry commands: one verb per thing a lead enters."""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..states.case import Decision, Member
from ..states.codec import to_plain
from ..states.deadlines import in_hannover, skipped_time
from ..states.errors import BadInput
from ..states.personal import shown
from ..states.textfile import read_text
from ..workflow import content, outcome
from ..workflow.concept_file import parse_concept
from ..workflow.process import get_process
from .commands import wired
from .render import BERLIN, label, lang, local, print_json, table


def _done(args: argparse.Namespace, what: str, **data: object) -> int:
    """The one line saying what was done, or with ``--json`` the process id and ``data``."""
    if getattr(args, "json", False):
        print_json({"id": args.id} | to_plain(data))
    else:
        print(f"{label('process', lang(args))} {args.id}: {what}")
    return 0


GERMAN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?:\s*Uhr)?)?")
DATE_FORMS = {"de": "13.02.2027 oder 2027-02-13", "en": "13.02.2027 or 2027-02-13"}
TIME_FORMS = {"de": "13.02.2027 18:00 oder 2027-02-13T18:00",
              "en": "13.02.2027 18:00 or 2027-02-13T18:00"}


def _not_a(option: str, text: str, time_too: bool) -> BadInput:
    forms = {lang: (f"{DATE_FORMS[lang]}, {'mit Uhrzeit' if lang == 'de' else 'with a time'} "
                    f"{TIME_FORMS[lang]}" if time_too else DATE_FORMS[lang])
             for lang in ("de", "en")}
    return BadInput(texts={
        "de": f"{option}: „{text}“ ist kein Datum; so schreiben: {forms['de']}",
        "en": f"{option}: {text!r} is not a date; write it like {forms['en']}"})


def _read(option: str, text: str, time_too: bool) -> date | datetime:
    """A date, or (``time_too``) a date with a time: German ``13.02.2027 18:00`` or ISO."""
    german = GERMAN.fullmatch(text.strip())
    try:
        if german:
            day, month, year, hour, minute = german.groups()
            if hour is None:
                return date(int(year), int(month), int(day))
            if time_too:
                return datetime(int(year), int(month), int(day), int(hour), int(minute))
        elif time_too and ("T" in text or " " in text.strip()):
            return datetime.fromisoformat(text.strip())
        elif "T" not in text:
            return date.fromisoformat(text.strip())
    except ValueError:
        pass
    raise _not_a(option, text, time_too)


def _in_range(option: str, text: str, day: date) -> None:
    # years far out are typing mistakes, and date arithmetic would overflow near 1 or 9999
    if not 1900 <= day.year <= 2999:
        raise BadInput(texts={
            "de": f"{option}: „{text}“ liegt außerhalb des Möglichen; ein Datum von 1900 bis "
                  "2999 angeben",
            "en": f"{option}: {text!r} is out of range; give a date from 1900 to 2999"})


def parse_date(option: str, text: str) -> date:
    """A calendar date from 1900 to 2999 (``13.02.2027`` or ``2027-02-13``), or
    ``BadInput`` naming the option."""
    day = _read(option, text, time_too=False)
    _in_range(option, text, day)
    return day


def parse_deadline(option: str, text: str) -> datetime:
    """A deadline in Europe/Berlin: a bare date means the end of that day."""
    moment = _read(option, text, time_too=True)
    if isinstance(moment, datetime):
        _in_range(option, text, moment.date())
        return moment if moment.tzinfo else _in_berlin(option, text, moment)
    _in_range(option, text, moment)
    end = datetime.combine(moment, time(23, 59, 59), tzinfo=BERLIN)
    return end + timedelta(microseconds=999999)


def parse_moment(option: str, text: str | None) -> datetime | None:
    """A time (Europe/Berlin when it has no offset; a bare date is its midnight); ``None``
    when not given."""
    if not text:
        return None
    moment = _read(option, text, time_too=True)
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(0))
    _in_range(option, text, moment.date())
    return moment if moment.tzinfo else _in_berlin(option, text, moment)


def _in_berlin(option: str, text: str, naive: datetime) -> datetime:
    moment = in_hannover(naive)
    if moment is None:
        raise BadInput(texts=skipped_time(option, text))
    return moment


def requested_by(args: argparse.Namespace) -> int:
    content.set_begleitgruppe_requester(wired(), args.actor, args.id, args.who)
    return _done(args, f"requested_by = {args.who}", requested_by=args.who)


def add_member(args: argparse.Namespace) -> int:
    kind = "external" if args.external else "internal"
    member = Member(args.name, args.organisation, kind, args.email.strip())
    content.add_member(wired(), args.actor, args.id, member)
    contact = f", {member.email}" if member.email else ""
    return _done(args, f"+ {args.name} ({args.organisation}, {label(kind, lang(args))}{contact})",
                 member_added=member)


def remove_member(args: argparse.Namespace) -> int:
    content.remove_member(wired(), args.actor, args.id, args.name)
    return _done(args, f"- {args.name}", member_removed=args.name)


def project_group_add(args: argparse.Namespace) -> int:
    content.add_project_department(wired(), args.actor, args.id, args.department)
    return _done(args, f"+ {args.department}", project_group_added=args.department)


def concept_load(args: argparse.Namespace) -> int:
    path = Path(args.file)
    text = read_text(path, "concept file" if lang(args) == "en" else "Konzeptdatei")
    concept = parse_concept(text, str(path))
    if args.note and not args.publish:
        raise BadInput("--note goes with --publish")
    case = content.load_concept(wired(), args.actor, args.id, concept,
                                args.note if args.publish else None)
    published = case.published_concept
    what = f"concept loaded from {path}"
    if args.publish and published:
        what += f", published as version {published.number}"
    return _done(args, what, concept_loaded_from=str(path),
                 published_version=published.number if args.publish and published else None)


def concept_publish(args: argparse.Namespace) -> int:
    case = content.publish_concept(wired(), args.actor, args.id, args.note)
    published = case.published_concept
    assert published is not None  # publish_concept refuses otherwise
    number = published.number
    return _done(args, f"concept version {number} published", published_version=number)


def concept_show(args: argparse.Namespace) -> int:
    from .concept import concept_lines, no_draft

    case = get_process(wired(), args.id)
    no_draft(case, args.version)
    version = content.concept_version(case, args.version)
    if version is None:
        assert case.concept_draft is not None  # no_draft refuses otherwise
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
    for line in concept_lines(concept, lang(args)):
        print(line)
    return 0


def suggestion_add(args: argparse.Namespace) -> int:
    case = content.add_suggestion(wired(), args.actor, args.id, args.on, args.text, args.author)
    number = case.suggestions[-1].number
    return _done(args, f"suggestion {number} recorded", suggestion=number, on=args.on)


def suggestion_answer(args: argparse.Namespace) -> int:
    content.answer_suggestion(wired(), args.actor, args.id, args.number, args.answer,
                              args.justification)
    return _done(args, f"suggestion {args.number}: {args.answer}", suggestion=args.number,
                 answer=args.answer)


def suggestion_list(args: argparse.Namespace) -> int:
    case = get_process(wired(), args.id)
    if args.json:
        print_json(shown({"suggestions": to_plain(case.suggestions)})["suggestions"])
        return 0
    rows = [[str(s.number), s.target, local(s.received_at), s.answer or "-",
             s.text + (f" | {s.justification}" if s.justification else "")]
            for s in case.suggestions]
    table(rows, ["NR", "ON", "RECEIVED", "ANSWER", "TEXT"])
    return 0


def report_publish(args: argparse.Namespace) -> int:
    outcome.publish_report(wired(), args.actor, args.id, args.kind, args.text)
    return _done(args, f"{args.kind}-report published", report_published=args.kind)


def dialogue_add(args: argparse.Namespace) -> int:
    on = parse_date("--date", args.date)
    outcome.add_activity(wired(), args.actor, args.id, args.format, args.mode, on, args.place,
                         args.accessibility)
    return _done(args, f"activity {args.format} ({args.mode}) on {on.isoformat()} recorded",
                 activity={"format": args.format, "mode": args.mode, "on": on,
                           "place": args.place, "accessibility": args.accessibility})


def interim_publish(args: argparse.Namespace) -> int:
    deadline = parse_deadline("--comment-deadline", args.comment_deadline)
    outcome.publish_interim_results(wired(), args.actor, args.id, args.summary, deadline,
                                    args.decision_when, args.decision_where, args.decision_by)
    return _done(args, f"interim results published, comments until {local(deadline)}",
                 comment_deadline=deadline)


def decision_record(args: argparse.Namespace) -> int:
    decision = Decision(args.decided_by, parse_date("--decided-on", args.decided_on),
                        args.summary, not args.deviates, args.justification,
                        args.implementation_by)
    case = outcome.record_decision(wired(), args.actor, args.id, decision)
    assert case.decision is not None  # record_decision stores it or refuses
    if case.decision.published_at is not None:
        return _done(args, "decision corrected; the correction is published at once, as the "
                     "decision was", decision=case.decision)
    return _done(args, "decision recorded (publish it with 'decision publish')",
                 decision=case.decision)


def decision_publish(args: argparse.Namespace) -> int:
    outcome.publish_decision(wired(), args.actor, args.id)
    return _done(args, "decision published", decision_published=True)


def evaluation_rate(args: argparse.Namespace) -> int:
    outcome.rate_goal(wired(), args.actor, args.id, args.goal, args.rating, args.evidence)
    return _done(args, f"goal {args.goal}: {args.rating}", goal=args.goal, rating=args.rating)


def evaluation_lessons(args: argparse.Namespace) -> int:
    outcome.record_lessons(wired(), args.actor, args.id, args.text)
    return _done(args, "lessons learned recorded", lessons_recorded=True)
