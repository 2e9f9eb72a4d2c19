"""The command line that fixes each unmet condition, appended to refusals by the CLI.

Keyed by the message codes of ``states.messages``; ``ID`` and ``TRIGGER`` are filled in.
"""

from __future__ import annotations

COMMANDS: dict[str, str] = {
    "lead_missing": "beteiligung process edit ID --lead-name NAME --lead-email EMAIL",
    "deputy_missing": "beteiligung process edit ID --deputy-name NAME --deputy-email EMAIL",
    "department_missing": "beteiligung process edit ID --department NAME",
    "begleitgruppe_requester_missing": "beteiligung begleitgruppe requested-by ID WHO",
    "begleitgruppe_no_members": "beteiligung begleitgruppe add-member ID --name N --organisation O "
    "[--external]",
    "begleitgruppe_no_internal": "beteiligung begleitgruppe add-member ID --name N "
    "--organisation O",
    "concept_missing": "beteiligung concept load ID FILE.toml",
    "concept_section_missing": "beteiligung concept load ID FILE.toml",
    "concept_no_goals": "beteiligung concept load ID FILE.toml",
    "goal_incomplete": "beteiligung concept load ID FILE.toml",
    "concept_not_published": "beteiligung concept publish ID --note TEXT",
    "concept_unpublished_changes": "beteiligung concept publish ID --note TEXT",
    "concept_contacts_missing": "beteiligung concept publish ID --note TEXT",
    "suggestions_unanswered": "beteiligung suggestion answer ID NUMBER "
    "accepted|partly_accepted|rejected",
    "pre_report_missing": "beteiligung report publish ID pre --text TEXT",
    "activities_missing": "beteiligung dialogue add ID --format F --mode online|on_site",
    "interim_results_missing": "beteiligung interim publish ID --summary S --comment-deadline D",
    "decision_missing": "beteiligung decision record ID ...",
    "decision_in_future": "beteiligung decision record ID --decided-on DATE ...",
    "decision_before_interim_results": "beteiligung decision record ID --decided-on DATE ...",
    "decision_maker_not_named": "beteiligung decision record ID --decided-by BODY ...",
    "deviation_unjustified": "beteiligung decision record ID --deviates --justification TEXT",
    "decision_unpublished": "beteiligung decision publish ID",
    "implementation_unassigned": "beteiligung decision record ID --implementation-by NAME",
    "post_report_missing": "beteiligung report publish ID post --text TEXT",
    "goal_not_evaluated": "beteiligung evaluation rate ID GOAL met|partly|not_met --evidence T",
    "reason_missing": "beteiligung advance ID TRIGGER --reason TEXT",
}
