"""Handlers of the process, advance, history, audit, definition and db commands."""

from __future__ import annotations

import argparse
import os
import pwd
from typing import Any

from ..config.bootstrap import build_env, upgrade_database
from ..config.settings import Settings, load_settings
from ..states.case import Person
from ..states.codec import to_plain
from ..states.error_texts import refuse
from ..states.errors import BadInput
from ..states.personal import shown
from ..workflow import actors, audit, process
from ..workflow.departments import DuplicateTitle
from ..workflow.sealing import mentions_erased
from .hints import commands_for
from .render import label, lang, local, print_json, table, unmet_lines


def wired(settings: Settings | None = None):
    """The use cases' wiring from the settings, for a run by this operating-system user."""
    return build_env(settings or load_settings(), os_user=operator())


def operator() -> str:
    """Who runs this command on the operating system: ``--as`` only declares who acts, so
    every audit event of the command line records this beside it. It is the name of the
    effective uid from the system's user database, not ``LOGNAME``/``USER``, which anyone can
    set for one command."""
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid without a name (some containers)
        return f"uid {uid}"


def _person(args: argparse.Namespace, role: str) -> Person | None:
    name, email = getattr(args, f"{role}_name"), getattr(args, f"{role}_email")
    if name is None and email is None:
        return None
    if not name or not email:
        raise BadInput(f"--{role}-name and --{role}-email go together: give both")
    return Person(name, email)


def _fields(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("title", "subject", "department", "directorate", "origin"):
        if getattr(args, name) is not None:
            values[name] = getattr(args, name)
    if args.district:
        values["districts"] = tuple(args.district)
    for role in ("lead", "deputy"):
        person = _person(args, role)
        if person is not None:
            values[role] = person
    return values


def process_create(args: argparse.Namespace) -> int:
    env = wired()
    data = process.ProcessInput(**_fields(args))
    try:
        case = process.create_process(env, args.actor, data, confirm_duplicate=args.yes)
    except DuplicateTitle as twice:
        raise refuse("duplicate_title_cli", **twice.params) from None
    if args.json:
        print_json(shown(to_plain(case)))
    else:
        print(case.id)
    return 0


def process_edit(args: argparse.Namespace) -> int:
    case = process.edit_process(wired(), args.actor, args.id, _fields(args))
    if args.json:
        print_json(shown(to_plain(case)))
    else:
        print(f"{label('process', lang(args))} {case.id}: {case.title}")
    return 0


def _options(verdicts: list, language: str) -> list[dict[str, Any]]:
    return [{"trigger": v.transition.trigger, "to": v.transition.dest, "allowed": v.allowed,
             "unmet": [{"code": u.code, "text": u.text(language)} for u in v.unmet]}
            for v in verdicts]


def process_show(args: argparse.Namespace) -> int:
    env = wired()
    language = lang(args)
    case, verdicts = process.show_process(env, args.id)
    if args.json:
        print_json(shown(to_plain(case)) | {"next": _options(verdicts, language)})
        return 0
    phases = env.lifecycle.definition.phases
    say = lambda key: label(key, language)  # noqa: E731
    print(f"{say('process')} {case.id}: {case.title}")
    print(f"  {say('phase')}: {phases[case.phase].label(language)} ({case.phase}), "
          f"{say('since')} {local(case.phase_entered_at)}")
    if case.paused_phase:
        print(f"  {say('paused_in')}: {phases[case.paused_phase].label(language)}")
    if case.cancel_reason:
        print(f"  {say('cancel_reason')}: {case.cancel_reason}")
    print(f"  {say('department')}: {department_text(env.departments, case, language)}")
    print(f"  {say('districts')}: {', '.join(case.districts) or '-'}; {say('origin')}: "
          f"{case.origin}")
    for role in ("lead", "deputy"):
        person = getattr(case, role)
        print(f"  {say(role)}: {person.name + ' <' + person.email + '>' if person else '-'}")
    version = case.published_concept
    print(f"  {say('concept')}: {say('version') + ' ' + str(version.number) if version else '-'}"
          f"; {say('round')}: {case.dialogue_round}; {say('suggestions')}: "
          f"{sum(s.answer is None for s in case.suggestions)} {say('open')}")
    print(f"  {say('definition')}: {case.definition_version}")
    print(f"{say('next')}:")
    for verdict in verdicts or []:
        print_step(verdict, phases, language, args.id)
    if not verdicts:
        print(f"  {say('none')}")
    return 0


def department_text(register, case, language: str) -> str:
    """Department and directorate as the register has them; a free-text department stored
    before the register is shown as stored, and said so."""
    entry = register.resolve(case.department) if register else None
    if entry is not None:
        shown, directorate = entry.label, entry.directorate
        note = "" if shown == case.department else label("stored_as", language).format(
            text=case.department)
    else:
        shown, directorate = case.department, case.directorate
        note = label("not_in_register", language) if register and shown.strip() else ""
    return f"{shown or '-'}{note} / {label('directorate', language)}: {directorate or '-'}"


def print_step(verdict, phases, language: str, process_id: int) -> None:
    """One possible step of ``process show``: ready, possible with a reason (``hold`` and
    ``cancel``, which is not something missing), or what it still lacks and how to fix it."""
    step, say = verdict.transition, lambda key: label(key, language)  # noqa: E731
    dest = phases[step.dest].label(language) if step.dest in phases else step.dest
    unmet = list(verdict.unmet)
    if unmet and all(u.code == "reason_missing" for u in unmet):
        print(f"  {step.trigger} -> {dest}: {say('with_reason')}")
        for command in commands_for("reason_missing", {}, process_id, step.trigger):
            print(f"        {command}")
        return
    print(f"  {step.trigger} -> {dest}: {say('ready') if verdict.allowed else say('lacks') + ':'}")
    for line in unmet_lines(unmet, language, process_id, step.trigger):
        print("  " + line)


def process_list(args: argparse.Namespace) -> int:
    from ..states.vocabulary import phase_words, resolve_word

    env = wired()
    phase = args.state and resolve_word(phase_words(env.lifecycle.definition), args.state,
                                        "--state")
    summaries = process.list_processes(env, phase)
    if args.json:
        print_json([to_plain(s) for s in summaries])
        return 0
    rows = [[str(s.id), s.phase, local(s.phase_entered_at),
             env.departments.canonical(s.department, "")[0], s.lead_email, s.title]
            for s in summaries]
    table(rows, ["ID", "PHASE", "SEIT" if lang(args) == "de" else "SINCE", "FACHBEREICH"
                 if lang(args) == "de" else "DEPARTMENT", "LEAD", "TITLE"])
    return 0


def department_list(args: argparse.Namespace) -> int:
    register = load_settings().departments
    if args.json:
        print_json([to_plain(d) | {"label": d.label} for d in register])
        return 0
    de = lang(args) == "de"
    table([[d.code, d.name, d.directorate] for d in register],
          ["KENNZAHL", "FACHBEREICH", "DEZERNAT"] if de else ["CODE", "DEPARTMENT",
                                                              "DIRECTORATE"])
    return 0


def advance(args: argparse.Namespace) -> int:
    from .confirm import confirmed

    env = wired()
    if not confirmed(env, args, lang(args)):
        return 1
    case = process.advance(env, args.actor, args.id, args.trigger, args.reason)
    if args.json:
        print_json({"id": case.id, "trigger": args.trigger, "phase": case.phase})
    else:
        print(f"{label('process', lang(args))} {case.id}: {case.phase}")
    return 0


def history(args: argparse.Namespace) -> int:
    if getattr(args, "format", "text") == "mermaid":
        from .timeline import mermaid

        return mermaid(args)
    events = process.history(wired(), args.id)
    if args.json:
        print_json(list(audit.iter_timeline(events)))
    else:
        print_history(events, lang(args))
    return 0


def print_history(events: list, language: str = "de") -> None:
    """The timeline: one line per audit event, times in Europe/Berlin; an event whose
    personal values were erased says so."""
    for e in events:
        move = e.to_phase or ""
        if e.from_phase and e.to_phase and e.from_phase != e.to_phase:
            move = f"{e.from_phase} -> {e.to_phase}"
        detail = f" ({e.reason})" if e.reason else ""
        if e.action == "transition_refused":
            move = f"{e.from_phase} x {e.payload.get('trigger')}"
            detail += " [" + ", ".join(e.payload.get("unmet", [])) + "]"
        if mentions_erased(e.payload):
            detail += f" [{label('erased', language)}]"
        os_user = actors.shown(e.payload.get("os_user"))
        who = (e.actor or label("erased_person", language)) + (f" ({os_user})" if os_user else "")
        print(f"{e.seq:>4}  {local(e.at)}  {who:<32} {e.action:<30} {move}{detail}")


def _definition_json(definition) -> dict[str, Any]:
    return {"version": definition.version, "initial": definition.initial,
            "phases": [to_plain(p) for p in definition.phases.values()],
            "transitions": [to_plain(t) for t in definition.transitions]}


def definition_diagram(args: argparse.Namespace) -> int:
    from ..states.definition import load_definition
    from ..states.lifecycle import mermaid

    definition = load_definition(load_settings().definition)
    diagram = mermaid(definition, lang(args))
    if args.json:
        print_json(_definition_json(definition) | {"mermaid": diagram})
    else:
        print(diagram, end="")
    return 0


def definition_check(args: argparse.Namespace) -> int:
    from ..states.definition import load_definition

    path = args.file or load_settings().definition
    definition = load_definition(path)
    if args.json:
        print_json({"file": str(path), "valid": True} | _definition_json(definition))
    else:
        print(f"{path}: valid, version {definition.version}, {len(definition.phases)} phases, "
              f"{len(definition.transitions)} transitions")
    return 0


def db_upgrade(args: argparse.Namespace) -> int:
    before, after = upgrade_database(load_settings())
    print(f"database at revision {after} (was {before or 'empty'})")
    return 0
