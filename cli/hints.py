"""The command line that fixes each unmet condition, appended to refusals and ``process show``.

Keyed by the message codes of ``states.messages``. Each hint runs as printed: the process id,
the trigger and the numbers and goal ids of the condition are filled in (quoted for the
shell), every required option is there, and where the parser wants one of a few words, one is
written (the message itself names the others). What stays in capitals (NAME, TEXT, DATE) is
the lead's to type. A condition that no command fixes (a period that must end first) is in
``NO_COMMAND`` with the reason; ``tests/test_cli_hints.py`` parses every hint with the real
parser, for every code.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping

_DECISION = ("beteiligung decision record {id} --decided-by BODY --decided-on DATE "
             "--summary TEXT --implementation-by NAME")
_TEMPLATE = "beteiligung concept template {id} --out konzept-{id}.toml"

COMMANDS: dict[str, str] = {
    "lead_missing": "beteiligung process edit {id} --lead-name NAME --lead-email EMAIL",
    "deputy_missing": "beteiligung process edit {id} --deputy-name NAME --deputy-email EMAIL",
    "department_missing": "beteiligung process edit {id} --department CODE",
    "begleitgruppe_requester_missing": "beteiligung begleitgruppe requested-by {id} department",
    "begleitgruppe_no_members": "beteiligung begleitgruppe add-member {id} --name NAME "
    "--organisation ORGANISATION",
    "begleitgruppe_no_internal": "beteiligung begleitgruppe add-member {id} --name NAME "
    "--organisation ORGANISATION",
    "concept_missing": _TEMPLATE,
    "concept_section_missing": _TEMPLATE,
    "concept_no_goals": _TEMPLATE,
    "goal_incomplete": _TEMPLATE,
    "concept_not_published": "beteiligung concept publish {id}",
    "concept_unpublished_changes": "beteiligung concept publish {id} --note TEXT",
    "concept_contacts_missing": "beteiligung concept publish {id} --note TEXT",
    "suggestions_unanswered": "beteiligung suggestion answer {id} {number} accepted",
    "pre_report_missing": "beteiligung report publish {id} pre --text TEXT",
    "activities_missing": "beteiligung dialogue add {id} --format FORMAT --mode on_site "
    "--date DATE --place PLACE",
    "interim_results_missing": "beteiligung interim publish {id} --summary TEXT "
    "--comment-deadline DATE --decision-when WHEN --decision-where WHERE --decision-by BODY",
    "decision_missing": _DECISION,
    "decision_in_future": _DECISION,
    "decision_before_interim_results": _DECISION,
    "decision_maker_not_named": _DECISION,
    "deviation_unjustified": _DECISION + " --deviates --justification TEXT",
    "implementation_unassigned": _DECISION,
    "decision_unpublished": "beteiligung decision publish {id}",
    "post_report_missing": "beteiligung report publish {id} post --text TEXT",
    "goal_not_evaluated": "beteiligung evaluation rate {id} {goal} met --evidence TEXT",
    "reason_missing": "beteiligung advance {id} {trigger} --reason TEXT",
}

NO_COMMAND: dict[str, str] = {
    "comment_deadline_open": "the comment period must end first",
    "concept_comment_period_open": "the comment period must end first",
    "activities_not_yet_held": "the first activity must have taken place",
    "not_paused_here": "resume leads back to where the process was paused, nothing else",
    "header_not_possible": "a header, not a condition",
    "header_refused": "a header, not a condition",
}

# A parameter that holds several values ("1, 3"): one command per value.
EACH = {"suggestions_unanswered": ("numbers", "number")}


def commands_for(code: str, params: Mapping[str, object], process_id: int | None,
                 trigger: str = "") -> list[str]:
    """The command lines that fix one unmet condition (none for a code without one)."""
    hint = COMMANDS.get(code)
    if hint is None:
        return []
    values = {k: shlex.quote(str(v)) for k, v in params.items()}
    values |= {"id": str(process_id) if process_id else "ID", "trigger": trigger or "TRIGGER"}
    if code in EACH:
        many, one = EACH[code]
        items = [n.strip() for n in str(params.get(many, "")).split(",") if n.strip()]
        return [hint.format(**values, **{one: shlex.quote(n)}) for n in items]
    return [hint.format(**values)]


def fixes(unmet: Iterable, process_id: int | None, trigger: str = "") -> list[list[str]]:
    """For each unmet condition, the commands to print after it: a command that several
    conditions share (every missing section is fixed by one template) comes once, after the
    last of them."""
    wanted = [commands_for(u.code, u.params, process_id, trigger) for u in unmet]
    later: set[str] = set()
    shown: list[list[str]] = []
    for lines in reversed(wanted):
        shown.append([line for line in lines if line not in later])
        later.update(lines)
    return shown[::-1]
