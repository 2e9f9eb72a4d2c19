"""Staff sub-pages of the Beteiligungskonzept (``/intern/verfahren/{id}/konzept``): the draft
as one form, publishing with a change note, the published versions read-only, and a
field-by-field comparison of two versions (``workflow.concept_diff``).

The form is turned into plain data shaped like the concept file and read by
``workflow.concept_file.concept_from_plain``, so it is refused for the same reasons a file
would be (duplicate goal ids, a goal without an id, a bad date).
Import rule: ``states``, ``workflow``, ``config`` and FastAPI/Starlette (an entrypoint module).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData

from ..config.settings import WebSettings
from ..states.case import Case, Concept
from ..workflow import content
from ..workflow.concept_diff import compare, flatten, show_scalar
from ..workflow.concept_file import concept_from_plain
from ..workflow.core import Env
from .concept_texts import CONCEPT_TEXTS
from .pages import translator
from .staff_forms import SHARED, Me, Posted, SubPage, field, load

# The form, section by section: (legend, ((path, control), ...)); the goals come after
# "sec_goals". Every path is a field of ``flatten(Concept())`` (tested).
FORM = (
    ("sec_subject", (("topic", "line"), ("subject_matter", "area"), ("summary", "area"),
                     ("easy_language_summary", "area"))),
    ("sec_goals", (("project_goal", "area"), ("participation_goal", "area"))),
    ("sec_scope", (("scope", "area"), ("limits", "area"))),
    ("sec_course", (("procedure", "area"), ("handling_of_results", "area"),
                    ("implementation", "area"), ("responsibilities", "area"),
                    ("structure", "area"))),
    ("sec_decision", (("decision.who", "line"), ("decision.where", "line"),
                      ("decision.when", "line"), ("decision.influence", "area"),
                      ("decision_makers", "lines"))),
    ("sec_budget", (("budget.staff", "area"), ("budget.costs", "area"),
                    ("budget.time", "line"), ("budget.external_moderation", "check"),
                    ("budget.moderation_selection", "area"),
                    ("budget.moderation_financing", "area"))),
    ("sec_stakeholders", (("stakeholders.analysis", "area"),
                          ("stakeholders.target_groups", "lines"),
                          ("stakeholders.forums_checked", "area"), ("accessibility", "lines"))),
)
CONTROLS = {path: control for _, items in FORM for path, control in items}
GOAL_PARTS = ("id", "description", "indicator", "target", "due")


def draft_values(concept: Concept | None) -> dict[str, Any]:
    """What the form shows for a stored concept: texts, lines joined, goals as rows."""
    flat = flatten(concept or Concept())
    values: dict[str, Any] = {path: "\n".join(flat[path]) if control == "lines"
                              else flat[path] for path, control in CONTROLS.items()}
    values["goals"] = [{"id": g.id, "description": g.description, "indicator": g.indicator,
                        "target": g.target, "due": g.due.isoformat() if g.due else ""}
                       for g in (concept or Concept()).goals]
    return values


def form_values(form: FormData) -> dict[str, Any]:
    """What the form sent, in the shape of ``draft_values`` (rows left empty dropped)."""
    values: dict[str, Any] = {}
    for path, control in CONTROLS.items():
        values[path] = form.get(path) is not None if control == "check" else field(form, path)
    columns = [[v if isinstance(v, str) else "" for v in form.getlist(f"goal.{part}")]
               for part in GOAL_PARTS]
    rows = [dict(zip(GOAL_PARTS, row, strict=False)) for row in zip(*columns, strict=False)]
    values["goals"] = [row for row in rows if any(v.strip() for v in row.values())]
    return values


def to_concept(values: dict[str, Any]) -> Concept:
    """The concept of the form's values; ``BadInput`` as for a concept file."""
    raw: dict[str, Any] = {}
    for path, control in CONTROLS.items():
        value = values[path]
        if control == "lines":
            value = [line.strip() for line in value.splitlines() if line.strip()]
        section, _, name = path.rpartition(".")
        (raw.setdefault(section, {}) if section else raw)[name] = value
    raw["goals"] = [{k: v.strip() for k, v in row.items() if k != "due" or v.strip()}
                    for row in values["goals"]]
    return concept_from_plain(raw, "concept")


def router(env: Env, web: WebSettings) -> APIRouter:
    """The concept pages."""
    routes = APIRouter(include_in_schema=False)
    page = SubPage(env, "konzept", CONCEPT_TEXTS, _context, done=("saved", "published"))
    base = "/intern/verfahren/{pid}/konzept"

    @routes.get(base)
    def show(request: Request, pid: int, me: Me, done: str | None = None):
        return page.show(request, me, pid, done=done)

    @routes.post(base)
    def save(request: Request, pid: int, me: Me,
             form: Posted):
        values = form_values(form)
        return page.submit(request, me, pid, form, lambda: content.load_concept(
            env, me.email, pid, to_concept(values)), "saved", lambda: {"draft": values})

    @routes.post(base + "/veroeffentlichen")
    def publish(request: Request, pid: int, me: Me,
                form: Posted):
        return page.submit(request, me, pid, form, lambda: content.publish_concept(
            env, me.email, pid, field(form, "note")), "published")

    @routes.get(base + "/version/{number}")
    def version(request: Request, pid: int, number: int, me: Me):
        shown = content.concept_version(load(env, me, pid), number)
        assert shown is not None  # for a number: the published version, or NotFound
        label = _labeller(request.state.lang)
        fields = [(label(path), value) for path, value in flatten(shown.concept).items()]
        return page.show(request, me, pid, template="konzept_version", version=shown,
                         fields=fields)

    @routes.get(base + "/vergleich")
    def diff(request: Request, pid: int, von: int, bis: int, me: Me):
        case = load(env, me, pid)
        old, new = (content.concept_version(case, n) for n in (von, bis))
        assert old is not None and new is not None  # for a number: a version, or NotFound
        label, show_value = _labeller(request.state.lang), _shower(request.state.lang)
        changes = [(label(c.path), c) for c in compare(old.concept, new.concept, show_value)]
        return page.show(request, me, pid, template="konzept_vergleich", old=old, new=new,
                         changes=changes)

    return routes


def _context(case: Case, lang: str, values: dict[str, Any]) -> dict[str, Any]:
    return {"form": FORM, "goal_parts": GOAL_PARTS,
            "draft": values.get("draft") or draft_values(case.concept_draft),
            "label": _labeller(lang)}


def _shower(lang: str):
    """How the diff shows a non-text value: yes/no in ``lang``, dates in ISO form."""
    t = translator(lang, SHARED)

    def show(value: Any) -> str:
        if isinstance(value, bool):
            return t("yes") if value else t("no")
        return show_scalar(value)

    return show


def _labeller(lang: str):
    """``label(path)``: the field's name in ``lang``; goals as "Ziel Z1: Indikator"."""
    t = translator(lang, CONCEPT_TEXTS)

    def label(path: str) -> str:
        if path.startswith("goals."):
            _, goal_id, part = path.split(".", 2)
            return f"{t('goal')} {goal_id}: {t('goal.' + part)}"
        return t("f." + path)

    return label
