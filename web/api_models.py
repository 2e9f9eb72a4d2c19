"""The JSON shapes of the API (``web.api``): request bodies with their length limits, the
answers, and the error responses each route declares in the OpenAPI document.

Bodies only bound and type what comes in; what a value must be (a known origin, a phase, a
complete concept) is the use cases' to decide, so the rules stay in one place.
Import rule: ``states``, ``workflow`` and pydantic/FastAPI.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..states import limits
from ..states.case import Person
from ..workflow.sessions import Identity
from .auth import staff

ID_MAX = limits.ID_MAX  # a larger id is a 400, not a driver error

# Declares the scheme in the OpenAPI document; the token itself is checked by the middleware
# (``web.auth``), which also refuses what this would let through.
BEARER = HTTPBearer(auto_error=False, description="a personal token from 'beteiligung token "
                    "create'")


def _me(request: Request, _declared: Annotated[HTTPAuthorizationCredentials | None,
                                               Depends(BEARER)]) -> Identity:
    return staff(request)


Me = Annotated[Identity, Depends(_me)]
ProcessId = Annotated[int, Path(ge=1, le=ID_MAX, description="the process's id")]
Short = Annotated[str, Field(max_length=limits.SHORT)]
Line = Annotated[str, Field(max_length=limits.LINE)]
Text = Annotated[str, Field(max_length=limits.TEXT)]
Email = Annotated[str, Field(max_length=limits.EMAIL)]


def _sane_year(value: date) -> date:
    # Dates far out are typing mistakes, and reminder arithmetic would overflow near year 9999
    # (the command line refuses them the same way).
    if not 1900 <= value.year <= 2999:
        raise ValueError("give a date from 1900 to 2999")
    return value


def _aware(value: datetime) -> datetime:
    _sane_year(value.date())
    if value.tzinfo is None:
        raise ValueError("give a time zone, like 2026-05-31T18:00:00+02:00")
    return value


Day = Annotated[date, AfterValidator(_sane_year)]
Moment = Annotated[datetime, AfterValidator(_aware)]


class Body(BaseModel):
    """A request body: unknown fields are refused (a typo must not be dropped silently)."""

    model_config = ConfigDict(extra="forbid")


class Error(BaseModel):
    """Every error answer: one line saying what went wrong."""

    error: str


class Unmet(BaseModel):
    """One condition that a step still lacks: its code and the sentence for people."""

    code: str
    text: str


class Refusal(Error):
    """A refused step (422): every unmet condition, not just the first."""

    trigger: str
    phase: str
    allowed: list[str]
    unmet: list[Unmet]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    # "4XX" also keeps FastAPI from announcing its own 422 for bad fields: this API answers
    # those with 400 (``web.errors``), and 422 only for a refused step.
    texts: dict[int | str, str] = {
        400: "bad input (a field, a value or the body)", 401: "no valid API token",
        403: "not permitted", 404: "no such process (or part of it)",
        409: "changed by someone else meanwhile: reload and retry",
        "4XX": "another client error, such as 413 for too large a body"}
    shown: tuple[int | str, ...] = (*codes, "4XX")
    return {code: {"model": Error, "description": texts[code]} for code in shown}


READ = _errors(400, 401, 403, 404)
WRITE = _errors(400, 401, 403, 404, 409)
LIST = _errors(400, 401)
OUTBOX = _errors(400, 401, 403)
REFUSED: dict[int | str, dict[str, Any]] = {
    422: {"model": Refusal, "description": "the step is refused: every unmet condition"}}


class PersonBody(Body):
    name: Short
    email: Email

    def person(self) -> Person:
        return Person(self.name, self.email)


class ProcessCreate(Body):
    """A new process; the caller must name themselves as lead or deputy (or coordinate)."""

    title: Line
    subject: Text = ""
    department: Short = ""
    directorate: Short = ""
    districts: Annotated[list[Short], Field(max_length=50)] = []
    origin: Short = "administration"
    lead: PersonBody | None = None
    deputy: PersonBody | None = None
    confirm_duplicate: bool = Field(False, description="create it even when its department "
                                    "already has a process with this title (else 400)")


class DepartmentOut(BaseModel):
    """One entry of the register of departments: ``label`` is what a process stores."""

    code: str
    name: str
    directorate: str
    label: str


class ProcessEdit(Body):
    """The fields to change; a field left out (or null) stays as it is."""

    title: Line | None = None
    subject: Text | None = None
    department: Short | None = None
    directorate: Short | None = None
    districts: Annotated[list[Short], Field(max_length=50)] | None = None
    origin: Short | None = None
    lead: PersonBody | None = None
    deputy: PersonBody | None = None


class AdvanceBody(Body):
    trigger: Short
    reason: Text = ""


class Advanced(BaseModel):
    id: int
    phase: str


class NoteBody(Body):
    note: Line = ""


class RequesterBody(Body):
    requested_by: Short


class ActivityBody(Body):
    format: Short
    mode: Short
    on: Day
    place: Line
    accessibility: Line = ""


class MemberBody(Body):
    name: Short
    organisation: Short
    kind: Short = "internal"
    email: Email = Field("", description="a contact address (optional): personal data, "
                         "shown to staff only, never published")


class SuggestionBody(Body):
    on: Short
    text: Text
    author: Short = ""


class AnswerBody(Body):
    answer: Short
    justification: Text = ""


class TextBody(Body):
    text: Text


class InterimBody(Body):
    summary: Text
    comment_deadline: Moment
    decision_when: Line
    decision_where: Line
    decision_by: Line


class DecisionBody(Body):
    decided_by: Line
    decided_on: Day
    summary: Text
    follows_results: bool = True
    justification: Text = ""
    implementation_responsible: Line = ""


class RatingBody(Body):
    rating: Short
    evidence: Text


class DeadlineBody(Body):
    title: Line
    due_at: Moment


class ProcessSummary(BaseModel):
    id: int
    title: str
    department: str
    phase: str
    phase_entered_at: datetime
    lead_email: str
    updated_at: datetime


class NextStep(BaseModel):
    """A step the process could take now: where it leads and what it still lacks."""

    trigger: str
    to: str
    allowed: bool
    unmet: list[Unmet]


class OutboxMessage(BaseModel):
    id: int
    status: str
    kind: str
    to: list[str]
    cc: list[str]
    subject: str
    process_id: int | None
    attempts: int
    next_attempt_at: datetime
    last_error: str
    created_at: datetime
    sent_at: datetime | None


class Retried(BaseModel):
    id: int
    status: str


class ProcessView(BaseModel):
    """A process as plain data (``states.codec.to_plain``: every part of the case) and its
    possible next steps."""

    model_config = ConfigDict(extra="allow")

    id: int
    title: str
    phase: str
    version: int
    next: list[NextStep]


class HistoryEvent(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    from_phase: str | None
    to_phase: str | None
    reason: str
    payload: dict[str, Any]
    hash: str


class DeadlineOut(BaseModel):
    id: int
    kind: str
    ref: str
    title: str
    due_at: datetime
    status: str
    managed: bool
    reason: str
    next_remind_at: datetime | None
    closed_at: datetime | None
