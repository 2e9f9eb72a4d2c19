"""Use cases for what a lead enters up to the dialogue: Begleitgruppe, project group, concept
and suggestions (the rest is in ``workflow.outcome``).

Each is one call of ``core.change``: it validates, mutates the case and returns the payload
that the audit event keeps.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import copy
import dataclasses
from datetime import datetime
from typing import Any

from ..states.case import (
    ANSWERS,
    MEMBER_KINDS,
    REQUESTERS,
    SUGGESTION_TARGETS,
    Case,
    Concept,
    ConceptVersion,
    Member,
    Suggestion,
)
from ..states.codec import to_plain
from ..states.deadlines import concept_comments_end
from ..states.errors import BadInput, NotFound
from ..states.limits import visible
from .answer_notice import queue_answer
from .core import Env, change, check_email
from .ports import UnitOfWork
from .privacy import personal, subject_of


def need(field: str, value: str) -> str:
    """The trimmed value, or ``BadInput`` when it is empty."""
    if not value or not visible(value):
        raise BadInput(f"{field}: must not be empty")
    return value.strip()


def phase_in(case: Case, phases: tuple[str, ...], what: str) -> None:
    """Refuse unless the case is (or, on hold, was paused) in one of ``phases``."""
    phase = case.paused_phase or case.phase
    if phase not in phases:
        raise BadInput(f"{what} is possible only in phase {' or '.join(phases)}; "
                       f"process {case.id} is in phase '{case.phase}'")


# R2: the concept is drafted only once the Begleitgruppe is installed.
CONCEPT_PHASES = ("concept", "pre_reporting", "dialogue", "interim_results", "decision",
                  "evaluation")


def set_begleitgruppe_requester(env: Env, actor: str, pid: int, requested_by: str) -> Case:
    """Record who asked for the Projektbegleitgruppe (R2)."""
    if requested_by not in REQUESTERS:
        raise BadInput(f"requested-by: {requested_by!r} is not one of {', '.join(REQUESTERS)}")

    def apply(case: Case) -> dict[str, Any]:
        before = case.begleitgruppe.requested_by
        case.begleitgruppe.requested_by = requested_by
        return {"requested_by": {"from": before, "to": requested_by}}

    return change(env, actor, pid, "begleitgruppe_requester_set", apply)


def add_member(env: Env, actor: str, pid: int, member: Member) -> Case:
    """Add a member to the Projektbegleitgruppe. A contact address (``email``, optional) is
    personal data like the name: both go to the privacy store with the normalised address as
    their subject, so that an Auskunft or a Löschung for that address finds them."""
    need("name", member.name)
    need("organisation", member.organisation)
    if member.kind not in MEMBER_KINDS:
        raise BadInput(f"kind: {member.kind!r} is not one of {', '.join(MEMBER_KINDS)}")
    email = _member_email(member.email)

    def apply(case: Case) -> dict[str, Any]:
        if any(m.name == member.name for m in case.begleitgruppe.members):
            raise BadInput(f"name: {member.name!r} is already a member")
        subject = subject_of(email or member.name)   # an address is its own subject
        name = personal("member_name", member.name, subject)
        refs = {"name": name.ref}
        payload: dict[str, Any] = {"name": name, "organisation": member.organisation,
                                   "kind": member.kind}
        if email:
            address = personal("member_email", email, subject)
            refs["email"] = address.ref
            payload["email"] = address
        case.begleitgruppe.members.append(dataclasses.replace(
            member, email=email, refs=refs, erased=[]))
        return {"member": payload}

    return change(env, actor, pid, "begleitgruppe_member_added", apply)


def _member_email(value: str) -> str:
    """The member's contact address as given (trimmed), ``""`` for none, or ``BadInput``."""
    if not value or not value.strip():
        return ""
    try:
        return check_email("email", value)
    except BadInput:
        shown = value.strip()
        raise BadInput(texts={
            "de": f"email: {shown!r} ist keine E-Mail-Adresse (wie name@example.org); "
                  "die Adresse des Mitglieds ist freiwillig: weglassen oder berichtigen",
            "en": f"email: {shown!r} is not an e-mail address (like name@example.org); "
                  "the member's address is optional: leave it out or correct it",
        }) from None


def remove_member(env: Env, actor: str, pid: int, name: str) -> Case:
    """Remove a member of the Projektbegleitgruppe by name."""
    need("name", name)   # an erased member's name reads as "": it names no one

    def apply(case: Case) -> dict[str, Any]:
        members = case.begleitgruppe.members
        gone = [m for m in members if m.name == name]
        if not gone:
            raise NotFound(f"no member named {name!r} in process {case.id}")
        case.begleitgruppe.members = [m for m in members if m.name != name]
        # the name in this event belongs to the same subject as when it was added
        email = gone[0].email
        subject = subject_of(email or name)
        return {"member": personal("member_name", name, subject)}

    return change(env, actor, pid, "begleitgruppe_member_removed", apply)


def add_project_department(env: Env, actor: str, pid: int, department: str) -> Case:
    """Add a department to the interdisciplinary project group."""
    department = need("department", department)

    def apply(case: Case) -> dict[str, Any]:
        if department in case.project_group:
            raise BadInput(f"department: {department!r} is already in the project group")
        case.project_group.append(department)
        return {"department": department}

    return change(env, actor, pid, "project_group_department_added", apply)


def load_concept(env: Env, actor: str, pid: int, concept: Concept,
                 publish_note: str | None = None) -> Case:
    """Replace the concept draft; with ``publish_note``, publish it as a new version at once."""
    def apply(case: Case) -> dict[str, Any]:
        phase_in(case, CONCEPT_PHASES, "the concept")
        _keep_fixed_parts(case, concept)
        case.concept_draft = concept
        payload: dict[str, Any] = {"concept": to_plain(concept)}
        if publish_note is not None:
            payload["published_version"] = _publish(env, case, publish_note)
        return payload

    return change(env, actor, pid, "concept_loaded", apply)


# Once residents take part, what the participation is measured by (R4) and who decides (R10)
# must not be rewritten to fit the outcome.
FIXED_FROM = ("dialogue", "interim_results", "decision", "evaluation")


def _keep_fixed_parts(case: Case, concept: Concept) -> None:
    published = case.published_concept
    if published is None or (case.paused_phase or case.phase) not in FIXED_FROM:
        return
    for part in ("goals", "decision_makers"):
        if getattr(concept, part) != getattr(published.concept, part):
            raise BadInput(f"{part}: fixed since the dialogue opened (rules R4 and R10); "
                           f"keep them as in concept version {published.number}")


def publish_concept(env: Env, actor: str, pid: int, note: str = "") -> Case:
    """Publish the concept draft as a new version with a note of what changed (R5)."""
    def apply(case: Case) -> dict[str, Any]:
        phase_in(case, CONCEPT_PHASES, "publishing the concept")
        return {"version": _publish(env, case, note)}

    return change(env, actor, pid, "concept_published", apply)


def _publish(env: Env, case: Case, note: str) -> int:
    if case.concept_draft is None:
        raise BadInput(f"process {case.id} has no concept yet: load one with 'concept load'")
    latest = case.published_concept
    if latest is not None:
        if latest.concept == case.concept_draft and (latest.lead, latest.deputy) == (
                case.lead, case.deputy):
            raise BadInput(f"nothing to publish: version {latest.number} is the current concept")
        need("note (what changed since the last version)", note)
    number = latest.number + 1 if latest else 1
    case.concept_versions.append(ConceptVersion(
        number, env.clock(), note.strip() or "Erstveröffentlichung",
        copy.deepcopy(case.concept_draft), case.lead, case.deputy))
    if case.concept_comments_until is None:
        # R5: the public comment period runs from the first publication, and is fixed then
        case.concept_comments_until = concept_comments_end(case, env.deadline_rules)
    return number


def concept_version(case: Case, number: int | None) -> ConceptVersion | None:
    """A published version by number; ``None`` asks for the draft (returned as no version).

    Raises ``NotFound`` for a number that was never published, and when there is no concept.
    """
    if number is None:
        if case.concept_draft is None:
            raise NotFound(f"process {case.id} has no concept yet")
        return None
    version = next((v for v in case.concept_versions if v.number == number), None)
    if version is None:
        raise NotFound(f"process {case.id} has no published concept version {number}")
    return version


def add_suggestion(env: Env, actor: str, pid: int, target: str, text: str,
                   author: str = "") -> Case:
    """Record a suggestion (Anregung) on the concept or on the current interim results."""
    if target not in SUGGESTION_TARGETS:
        raise BadInput(f"on: {target!r} is not one of {', '.join(SUGGESTION_TARGETS)}")
    text = need("text", text)

    def apply(case: Case) -> dict[str, Any]:
        return append_suggestion(case, target, text, author, env.clock())

    return change(env, actor, pid, "suggestion_received", apply)


def check_open_for_comments(case: Case, target: str, now: datetime) -> None:
    """``BadInput`` unless ``target`` of ``case`` takes suggestions at ``now``: the published
    concept until the interim results phase, the current round's interim results until their
    comment deadline (also ``workflow.participation``'s rule for the public form)."""
    if target == "concept":
        if case.published_concept is None:
            raise BadInput("the concept is not published yet: there is nothing to comment on")
        phase_in(case, ("concept", "pre_reporting", "dialogue", "interim_results"),
                 "a suggestion on the concept")
    else:
        results = case.current_interim_results()
        if (case.paused_phase or case.phase) != "interim_results" or results is None:
            raise BadInput("no interim results are open for comments in this phase")
        if now > results.comment_deadline:
            raise BadInput("the comment period on the interim results has ended")


def append_suggestion(case: Case, target: str, text: str, author: str,
                      now: datetime) -> dict[str, Any]:
    """Check the comment period, add the suggestion as the next number, return the payload."""
    check_open_for_comments(case, target, now)
    number = max((s.number for s in case.suggestions), default=0) + 1
    author = author.strip()
    # the text is the author's too: an Auskunft or a Löschung for them finds both
    subject = subject_of(author)
    written = personal("suggestion_text", text, subject)
    payload: dict[str, Any] = {"number": number, "on": target, "text": written}
    refs = {"text": written.ref}
    if author:
        payload["author"] = personal("suggestion_author", author, subject)
        refs["author"] = payload["author"].ref
    case.suggestions.append(Suggestion(number, target, text, now, author, refs=refs))
    return payload


def answer_suggestion(env: Env, actor: str, pid: int, number: int, answer: str,
                      justification: str = "") -> Case:
    """Answer a suggestion: accepted, partly accepted or rejected (with a justification)."""
    if answer not in ANSWERS:
        raise BadInput(f"answer: {answer!r} is not one of {', '.join(ANSWERS)}")
    if answer == "rejected" and not visible(justification):
        raise BadInput("justification: a rejected suggestion needs a published justification")

    def apply(case: Case) -> dict[str, Any]:
        item = case.suggestion(number)
        if item is None:
            raise NotFound(f"process {case.id} has no suggestion number {number}")
        before = item.answer
        item.answer, item.justification = answer, justification.strip()
        item.answered_at = env.clock()
        return {"number": number, "answer": {"from": before, "to": answer},
                "justification": item.justification}

    def tell(uow: UnitOfWork, case: Case, now: datetime) -> None:
        queue_answer(env, uow, case, number, now)

    return change(env, actor, pid, "suggestion_answered", apply, then=tell)
