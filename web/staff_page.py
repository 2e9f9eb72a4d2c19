"""The process page of the staff area, shared by its routes: what ``workflow.staff.process_page``
returns, put into words for the template (steps with what each lacks, deadlines in words,
the audit trail newest first).

``show`` renders it; routes that refuse something (a step, a bad deadline form) render it
again with the refusal in an alert box and the status of the error. A step that cannot be
undone (``Definition.needs_confirmation``: ``cancel``) is shown in a danger style and leads to
``confirm``, a page of its own that says so and takes the confirmed step.
Import rule: ``states``, ``workflow`` and the sibling ``web`` modules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse

from ..states.case import Case
from ..states.deadlines import Deadline, in_hannover, skipped_time
from ..states.definition import Transition
from ..states.errors import BadInput, TransitionRefused
from ..states.guards import Unmet
from ..states.lifecycle import Verdict
from ..states.messages import render as message
from ..workflow import staff as staff_views
from ..workflow.core import Env
from ..workflow.ports import AuditEvent
from ..workflow.sessions import Identity
from ..workflow.timeline import TITLES_EN
from .auth import staff
from .pages import render
from .staff_texts import ACTIONS, GO_TO, ORIGINS, STATUSES, SUBPAGES, TEXTS, TRIGGERS, word

Me = Annotated[Identity, Depends(staff)]  # the signed-in person, or a redirect to sign-in
Field = Annotated[str, Form()]  # a form field (every one defaults, so CSRF is checked first)
REASON_GUARD, NO_REASON = "reason_given", "reason_missing"
DONE = ("process_created", "process_edited", "deadline_added", "deadline_moved",
        "deadline_waived")


def show(request: Request, env: Env, me: Identity, process_id: int, status: int = 200,
         **extra: Any) -> HTMLResponse:
    """The process page of ``process_id`` (``NotPermitted`` for anyone but its lead, deputy
    or a coordinator)."""
    page = staff_views.process_page(env, me, process_id)
    lang = request.state.lang
    definition = env.lifecycle.definition
    phases = definition.phases
    context = {
        "case": page.case, "phases": {n: p.label(lang) for n, p in phases.items()},
        "options": [option(v, phases, lang) | {
            "danger": definition.needs_confirmation(v.transition)} for v in page.options],
        "deadlines": [deadline(d, env, lang) for d in page.deadlines],
        "events": [event(e, phases, lang) for e in reversed(page.events)],
        "origin": word(ORIGINS, page.case.origin, lang),
        "subpages": SUBPAGES, "ok": confirmation(request, env, page.case.phase),
        "refusal": None, "error": None,
    }
    return render(request, "staff/process.html", texts=TEXTS, status=status,
                  **(context | extra))


def option(verdict: Verdict, phases, lang: str) -> dict[str, Any]:
    """One next step: its button, where it leads, what it lacks, whether it needs a reason."""
    transition = verdict.transition
    dest = phases[transition.dest].label(lang)
    label = word(TRIGGERS, transition.trigger, lang)
    if label == transition.trigger:
        label = f"{word(GO_TO, 'go_to', lang)} {quoted(dest, lang)}"
    needs_reason = REASON_GUARD in transition.guards
    # the reason is typed into the step's own form, so its absence is no lack worth listing
    unmet = [u for u in verdict.unmet if not (needs_reason and u.code == NO_REASON)]
    return {"trigger": transition.trigger, "label": label, "dest": dest, "allowed": not unmet,
            "unmet": [unmet_text(u, lang) for u in unmet], "needs_reason": needs_reason}


def needing_confirmation(env: Env, case: Case, trigger: str) -> Transition | None:
    """The step ``trigger`` from the case's phase if it cannot be undone (it is then taken
    only from its confirmation page); ``None`` for every other step or an unknown trigger."""
    definition = env.lifecycle.definition
    return next((t for t in definition.transitions_from(case.phase)
                 if t.trigger == trigger and definition.needs_confirmation(t)), None)


def confirm(request: Request, env: Env, case: Case, trigger: str, reason: str = "",
            status: int = 200, refusal: dict[str, Any] | None = None) -> HTMLResponse:
    """The confirmation page of a step that cannot be undone: what it does, the reason field
    and a danger-styled button that posts the step with ``confirmed``."""
    lang = request.state.lang
    definition = env.lifecycle.definition
    verdict = env.lifecycle.check(case, trigger, env.context(reason=reason))
    step = option(verdict, definition.phases, lang)
    pausable = any(t.dest == definition.pause_phase
                   for t in definition.transitions_from(case.phase))
    return render(request, "staff/confirm.html", texts=TEXTS, status=status, case=case,
                  step=step, reason=reason, pausable=pausable, refusal=refusal,
                  phase=definition.phases[case.phase].label(lang))


def unmet_text(unmet: Unmet, lang: str) -> str:
    """What a condition lacks, in the page's words where the CLI's would not fit."""
    if unmet.code == NO_REASON:
        return word(TEXTS, "reason_missing", lang)
    return unmet.text(lang)


def work_item(item: staff_views.WorkItem, env: Env, lang: str) -> dict[str, Any]:
    """One process of the start page in words: what is overdue, unanswered, and next."""
    phases = env.lifecycle.definition.phases
    step = option(item.next_step, phases, lang) if item.next_step else None
    return {"summary": item.summary, "step": step, "unanswered": item.unanswered,
            "paused_in": item.case.paused_phase,
            "overdue": [{"title": deadline_title(d, env, lang), "due_at": d.due_at}
                        for d in item.overdue]}


def deadline(item: Deadline, env: Env, lang: str) -> dict[str, Any]:
    """One deadline in words: its state, and whether it is overdue."""
    overdue = item.status == "open" and item.due_at < env.clock()
    return {"id": item.id, "title": deadline_title(item, env, lang), "due_at": item.due_at,
            "status": word(STATUSES, item.status, lang), "overdue": overdue,
            "overdue_word": word(STATUSES, "overdue", lang), "reason": item.reason,
            "active": item.active, "custom": not item.managed}


def deadline_title(item: Deadline, env: Env, lang: str) -> str:
    """The engine's deadlines have German titles; in English they are named from their kind."""
    if lang != "en" or item.kind not in TITLES_EN:
        return item.title
    name = item.ref.split("@", 1)[0]
    phases = env.lifecycle.definition.phases
    phase = phases[name].label(lang) if name in phases else name
    return TITLES_EN[item.kind].format(phase=phase, ref=item.ref)


def event(item: AuditEvent, phases, lang: str) -> dict[str, Any]:
    """One line of the timeline."""
    def label(name: str | None) -> str:
        return phases[name].label(lang) if name in phases else (name or "")

    moved = item.from_phase != item.to_phase and item.to_phase is not None
    refused = item.action == "transition_refused"
    actor = item.actor or word(TEXTS, "erased_person", lang)   # an erased person
    return {"at": item.at, "actor": actor, "action": word(ACTIONS, item.action, lang),
            "from": label(item.from_phase) if moved or refused else "",
            "to": label(item.to_phase) if moved else "", "reason": item.reason,
            "trigger": str(item.payload.get("trigger", "")) if refused else "",
            "unmet": [str(code) for code in item.payload.get("unmet", [])] if refused else []}


def refusal(error: TransitionRefused, phases, lang: str) -> dict[str, Any]:
    """What a refused step says: a headline and every unmet condition."""
    phase = phases[error.phase].label(lang) if error.phase in phases else error.phase
    key = "header_refused" if error.unmet else "header_not_possible"
    headline = message(key, {"trigger": error.trigger, "phase": phase,
                             "allowed": ", ".join(error.allowed or []) or "–"}, lang)
    return {"headline": headline, "unmet": [unmet_text(u, lang) for u in error.unmet]}


def confirmation(request: Request, env: Env, phase: str) -> str | None:
    """The ``?ok=`` message after a redirect: only known keys, never the query's own text."""
    key = request.query_params.get("ok", "")
    lang = request.state.lang
    if key in DONE:
        return word(TEXTS, key, lang)
    definition = env.lifecycle.definition
    done = next((t for t in definition.transitions if t.trigger == key), None)
    if done is None:
        return None
    step = option(Verdict(done, ()), definition.phases, lang)["label"]
    name = definition.phases[phase].label(lang)
    return f"{word(TEXTS, 'step_done', lang)} {step}. {word(TEXTS, 'now_in', lang)} " \
           f"{quoted(name, lang)}."


def quoted(text: str, lang: str) -> str:
    return f"„{text}“" if lang == "de" else f"“{text}”"


def parse_local(field: str, text: str) -> datetime:
    """A ``datetime-local`` value as Hannover's wall clock, or ``BadInput`` naming the field."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"{field}: {text!r} is not a time like 2026-05-31T18:00") from None
    if not 1900 <= moment.year <= 2999:
        raise BadInput(f"{field}: {text!r} is out of range; give a year from 1900 to 2999")
    if moment.tzinfo:
        return moment
    local = in_hannover(moment)
    if local is None:
        raise BadInput(texts=skipped_time(field, text))
    return local
