"""Staff sub-pages for what a lead enters up to the dialogue: the Projektbegleitgruppe
(``/intern/verfahren/{id}/begleitgruppe``) and the suggestions (``…/anregungen``); the
concept pages come from ``web.staff_concept`` through this router.

Each POST calls one use case of ``workflow.content`` with the signed-in person as actor
(see ``web.staff_forms`` for the round trip).
Import rule: ``states``, ``workflow``, ``config`` and FastAPI/Starlette (an entrypoint module).
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from ..config.settings import WebSettings
from ..states.case import ANSWERS, MEMBER_KINDS, REQUESTERS, SUGGESTION_TARGETS, Member
from ..workflow import content
from ..workflow.core import Env
from . import staff_concept
from .pages import Texts
from .staff_forms import Me, Posted, SubPage, field

BEGLEITGRUPPE: Texts = {
    "requested_by": ("Wer hat die Projektbegleitgruppe angeregt oder beantragt?",
                     "Who asked for the Begleitgruppe?"),
    "requested_by_unset": ("noch nicht erfasst", "not recorded yet"),
    "req.department": ("der Fachbereich", "the department"),
    "req.residents": ("Einwohner*innen (anregen)", "residents (suggested)"),
    "req.politics": ("die Politik (beantragen)", "politics (motion)"),
    "req.committee": ("ein Beteiligungsgremium (einfordern)", "a participation committee"),
    "members": ("Mitglieder", "Members"),
    "name": ("Name", "Name"),
    "organisation": ("Organisation", "Organisation"),
    "kind": ("Art", "Kind"),
    "email": ("E-Mail-Adresse (optional)", "E-mail address (optional)"),
    "email_hint": ("Nur für die Verwaltung sichtbar, nie veröffentlicht; personenbezogen: "
                   "Auskunft und Löschung über diese Adresse",
                   "Shown to staff only, never published; personal data: disclosed and "
                   "erased on request for this address"),
    "email_column": ("E-Mail-Adresse (nur intern sichtbar)", "E-mail address (staff only)"),
    "erased": ("gelöscht", "erased"),
    "kind.internal": ("intern", "internal"),
    "kind.external": ("extern", "external"),
    "actions": ("Aktionen", "Actions"),
    "remove": ("Entfernen", "Remove"),
    "add_member": ("Mitglied hinzufügen", "Add a member"),
    "project_group": ("Interdisziplinäre Projektgruppe: beteiligte Fachbereiche",
                      "Interdisciplinary project group: departments taking part"),
    "department": ("Fachbereich", "Department"),
    "add_department": ("Fachbereich hinzufügen", "Add a department"),
    "done_requester": ("Gespeichert: wer die Projektbegleitgruppe angeregt hat.",
                       "Saved: who asked for the Begleitgruppe."),
    "done_member_added": ("Das Mitglied wurde hinzugefügt.", "The member was added."),
    "done_member_removed": ("Das Mitglied wurde entfernt.", "The member was removed."),
    "done_department": ("Der Fachbereich wurde hinzugefügt.", "The department was added."),
}
ANREGUNGEN: Texts = {
    "number": ("Nr.", "No."),
    "target": ("Bezug", "Refers to"),
    "target.concept": ("Konzept", "Concept"),
    "target.interim_results": ("Zwischenergebnisse", "Interim results"),
    "received": ("Eingegangen", "Received"),
    "author": ("Verfasser*in (nur intern sichtbar)", "Author (visible to staff only)"),
    "erased": ("gelöscht", "erased"),
    "answer": ("Antwort", "Answer"),
    "answer.accepted": ("übernommen", "accepted"),
    "answer.partly_accepted": ("teilweise übernommen", "partly accepted"),
    "answer.rejected": ("nicht übernommen", "rejected"),
    "open": ("offen", "open"),
    "justification": ("Begründung (wird veröffentlicht; Pflicht bei Ablehnung)",
                      "Justification (published; required when rejected)"),
    "record": ("Anregung erfassen (per Post oder E-Mail erhalten)",
               "Record a suggestion (received by post or e-mail)"),
    "answer_open": ("Offene Anregungen beantworten", "Answer open suggestions"),
    "answer_number": ("Anregung Nr.", "Suggestion no."),
    "send_answer": ("Antwort speichern", "Save the answer"),
    "no_open": ("Alle Anregungen sind beantwortet.", "Every suggestion is answered."),
    "done_added": ("Die Anregung wurde erfasst.", "The suggestion was recorded."),
    "done_answered": ("Die Antwort wurde gespeichert.", "The answer was saved."),
}


def router(env: Env, web: WebSettings) -> APIRouter:
    """The Begleitgruppe and suggestion pages, and the concept pages."""
    routes = APIRouter(include_in_schema=False)
    _begleitgruppe(routes, env)
    _anregungen(routes, env)
    routes.include_router(staff_concept.router(env, web))
    return routes


def _begleitgruppe(routes: APIRouter, env: Env) -> None:
    page = SubPage(env, "begleitgruppe", BEGLEITGRUPPE, lambda case, lang, values: {
        "requesters": REQUESTERS, "kinds": MEMBER_KINDS},
        done=("requester", "member_added", "member_removed", "department"))
    base = "/intern/verfahren/{pid}/begleitgruppe"

    @routes.get(base)
    def show(request: Request, pid: int, me: Me, done: str | None = None):
        return page.show(request, me, pid, done=done)

    @routes.post(base + "/angefragt")
    def requester(request: Request, pid: int, me: Me,
                  form: Posted):
        return page.submit(request, me, pid, form, lambda: content.set_begleitgruppe_requester(
            env, me.email, pid, field(form, "requested_by")), "requester")

    @routes.post(base + "/mitglied")
    def add_member(request: Request, pid: int, me: Me,
                   form: Posted):
        member = Member(field(form, "name").strip(), field(form, "organisation").strip(),
                        field(form, "kind"), field(form, "email").strip())
        return page.submit(request, me, pid, form, lambda: content.add_member(
            env, me.email, pid, member), "member_added")

    @routes.post(base + "/mitglied/entfernen")
    def remove_member(request: Request, pid: int, me: Me,
                      form: Posted):
        return page.submit(request, me, pid, form, lambda: content.remove_member(
            env, me.email, pid, field(form, "name")), "member_removed")

    @routes.post(base + "/fachbereich")
    def add_department(request: Request, pid: int, me: Me,
                       form: Posted):
        return page.submit(request, me, pid, form, lambda: content.add_project_department(
            env, me.email, pid, field(form, "department")), "department")


def _anregungen(routes: APIRouter, env: Env) -> None:
    page = SubPage(env, "anregungen", ANREGUNGEN, lambda case, lang, values: {
        "targets": SUGGESTION_TARGETS, "answers": ANSWERS,
        "open_items": [s for s in case.suggestions if s.answer is None]},
        done=("added", "answered"))
    base = "/intern/verfahren/{pid}/anregungen"

    @routes.get(base)
    def show(request: Request, pid: int, me: Me, done: str | None = None):
        return page.show(request, me, pid, done=done)

    @routes.post(base)
    def add(request: Request, pid: int, me: Me,
            form: Posted):
        return page.submit(request, me, pid, form, lambda: content.add_suggestion(
            env, me.email, pid, field(form, "target"), field(form, "text"),
            field(form, "author")), "added")

    @routes.post(base + "/{number}/antwort")
    def answer(request: Request, pid: int, number: int, me: Me,
               form: Posted):
        def values() -> dict[str, str]:
            return {"answer_number": str(number), "answer": field(form, "answer"),
                    "justification": field(form, "justification")}

        return page.submit(request, me, pid, form, lambda: content.answer_suggestion(
            env, me.email, pid, number, field(form, "answer"), field(form, "justification")),
            "answered", values)
