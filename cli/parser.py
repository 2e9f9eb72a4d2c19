"""The argument parser of every ``beteiligung`` command (standard library and
``states.vocabulary`` only; the pieces are in ``cli.arguments``).

Each subcommand names its handler as a dotted ``module:function`` string, resolved only when
that command runs, so building the parser imports nothing heavy. Options that take a word of
``states.vocabulary`` (``--mode vor Ort``) are declared with ``_word``: ``--help`` lists the
words, and ``cli.main`` turns what was typed into the code before the handler runs.
"""

from __future__ import annotations

import argparse
from functools import partial

from .arguments import DATE, EPILOG, ID, MOMENT, Parser
from .arguments import cmd as _cmd
from .arguments import csv_dialect as _csv_dialect
from .arguments import group as _group
from .arguments import lazy_text as _lazy_text
from .arguments import word as _word


def _process_fields(parser: argparse.ArgumentParser, create: bool) -> None:
    parser.add_argument("--title", required=create)
    parser.add_argument("--subject", help="Beteiligungsgegenstand in one sentence")
    parser.add_argument("--department", help="responsible department (Fachbereich) from the "
                        "register: 67, 'FB 67', its name or 'Name (67)' (see 'department "
                        "list')")
    parser.add_argument("--directorate", help="directorate (Dezernat); follows from the "
                        "department, needed only for one outside the register")
    parser.add_argument("--district", action="append", metavar="NAME",
                        help="a Stadtbezirk; repeat for several")
    _word(parser, "--origin", "origin", "why the process exists")
    for role in ("lead", "deputy"):
        parser.add_argument(f"--{role}-name")
        parser.add_argument(f"--{role}-email")


def build_parser() -> Parser:
    """The whole command tree."""
    parser = Parser(prog="beteiligung", description="Participation processes by Hannover's "
                    "Leitlinien: phases, rules, deadlines and an audit trail.", epilog=EPILOG)
    parser.add_argument("--as", dest="actor", metavar="EMAIL",
                        help="who acts (default: $BETEILIGUNG_USER)")
    parser.add_argument("--lang", choices=("de", "en"), help="language of messages")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an "
                        "unexpected error (exit code 70) instead of one line")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)

    proc = _group(sub, "process", "create, show, list and edit processes")
    p = _cmd(proc, "create", "commands:process_create", "create a process; prints its id",
             json=True, actor=True)
    _process_fields(p, create=True)
    p.add_argument("--yes", action="store_true", help="create it even when its department "
                   "already has a process with this title")
    p = _cmd(proc, "show", "commands:process_show", "a process and what each next step lacks",
             json=True)
    p.add_argument("id", type=ID)
    p = _cmd(proc, "list", "commands:process_list", "list processes", json=True)
    p.add_argument("--state", metavar="PHASE", help="only processes in this phase: its code "
                   "or its label, German or English (Initiierung, Dialog, Pausiert, ...)")
    p = _cmd(proc, "edit", "commands:process_edit", "change a process's basic data", actor=True,
             json=True)
    p.add_argument("id", type=ID)
    _process_fields(p, create=False)

    grp = _group(sub, "department", "the register of departments (Fachbereiche)")
    _cmd(grp, "list", "commands:department_list", "every department a process may name",
         json=True)

    p = _cmd(sub, "advance", "commands:advance", "take a step (trigger) if its rules hold",
             actor=True, json=True, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("id", type=ID)
    p.add_argument("trigger", help="one of the triggers listed below")
    p.add_argument("--reason", default="", help="needed for hold and cancel")
    p.add_argument("--yes", action="store_true", help="confirm a step that cannot be undone "
                   "(cancel) without being asked")
    p.epilog_source = partial(_lazy_text, "helptexts:triggers")

    p = _cmd(sub, "history", "commands:history", "the audit timeline of a process", json=True)
    p.add_argument("id", type=ID)
    p.add_argument("--format", choices=("text", "mermaid"), default="text",
                   help="mermaid: a Gantt chart of the phases and deadlines")

    aud = _group(sub, "audit", "the coordinators' checks: audit trail and stuck processes")
    p = _cmd(aud, "verify", "audit_verify:verify", "verify every process's hash chain, the "
             "state it binds, its signatures and the case registry", json=True)
    p.add_argument("--anchor", metavar="FILE", help="also check that the database still "
                   "passes through this anchor (written by 'audit anchor')")
    p = _cmd(aud, "anchor", "audit_verify:anchor", "write the signed heads of every trail and "
             "of the case registry to a file, for a later 'audit verify --anchor'")
    p.add_argument("--out", metavar="FILE", required=True, help="the anchor file to write")
    p = _cmd(aud, "export", "auditing:export", "a process's whole audit trail as JSON lines "
             "(verifiable with the hash recipe in docs/audit.md)")
    p.add_argument("id", type=ID)
    p.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    p = _cmd(aud, "stuck", "oversight:stuck", "every open process that is stuck, overdue or "
             "breaking a rule, most severe first", json=True)
    p.add_argument("--as-of", metavar="DATE", help=f"{DATE} (default: today)")
    p.add_argument("--department", metavar="D", help="only this department (67, 'FB 67', "
                   "its name or 'Name (67)')")
    p.add_argument("--district", metavar="X", help="only processes in this Stadtbezirk")
    p.add_argument("--csv", action="store_true", help="CSV with every field")
    _csv_dialect(p)
    _word(p, "--fail-on", "severity", "exit 1 when a finding has this severity or a higher one",
          metavar="SEVERITY")

    exp = _group(sub, "export", "open data")
    p = _cmd(exp, "public", "public:export", "the Vorhabenliste: only what is published")
    p.add_argument("--format", choices=("json", "csv", "html"), default="json")
    _csv_dialect(p)
    p.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")

    defn = _group(sub, "definition", "the lifecycle definition")
    _cmd(defn, "diagram", "commands:definition_diagram", "the lifecycle as a Mermaid diagram",
         json=True)
    p = _cmd(defn, "check", "commands:definition_check", "validate a definition file",
             json=True)
    p.add_argument("file", nargs="?", help="default: the configured definition")

    db = _group(sub, "db", "the database")
    _cmd(db, "upgrade", "commands:db_upgrade", "migrate the database to the current schema")
    p = _cmd(db, "roles", "db_roles:roles", "print the SQL of an owner role (migrations) and "
             "a runtime role (no DDL, no UPDATE of the audit trail, a DELETE only after a "
             "tombstone) on PostgreSQL")
    p.add_argument("--owner", default="beteiligung_owner", help="(beteiligung_owner)")
    p.add_argument("--runtime", default="beteiligung_app", help="(beteiligung_app)")
    p.add_argument("--schema", default="public", help="(public)")
    p.add_argument("--database", default="beteiligung", help="(beteiligung)")

    _cmd(sub, "run", "run:run", "run the reminder sweep, the delivery and the weekly digest "
         "on a schedule (until SIGTERM or Ctrl-C)")
    p = _cmd(sub, "serve", "run:serve", "the web application (public Vorhabenliste and API) "
             "and the scheduler of 'run', until SIGTERM or Ctrl-C")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    p.add_argument("--demo", action="store_true", help="first fill a new demo database (with "
                   "demo accounts) and serve that")
    p.add_argument("--dir", help="with --demo: folder for the demo database (default: a new "
                   "temp folder)")

    grp = _group(sub, "user", "local accounts for the staff pages (coordinators)")
    p = _cmd(grp, "add", "accounts:user_add", "add an account; the password comes from "
             "$BETEILIGUNG_NEW_PASSWORD or is asked for", actor=True, json=True)
    p.add_argument("email")
    p.add_argument("--name", required=True)
    _word(p, "--role", "role", "what the account may do (default: lead)", default="lead")
    p = _cmd(grp, "disable", "accounts:user_disable", "disable an account", actor=True,
             json=True)
    p.add_argument("email")

    grp = _group(sub, "token", "personal tokens for the JSON API (/api/v1)")
    p = _cmd(grp, "create", "tokens:token_create", "a new API token; its secret is shown "
             "only once", actor=True, json=True)
    p.add_argument("email", help="whose token (yours; a coordinator may name anyone)")
    p.add_argument("--label", required=True, help="what the token is for")
    p.add_argument("--days", type=int, default=365, help="how long it lives (365)")
    p = _cmd(grp, "revoke", "tokens:token_revoke", "revoke every API token and session of "
             "an account", actor=True, json=True)
    p.add_argument("email")

    grp = _group(sub, "privacy", "requests under the DSGVO: Auskunft and Löschung "
                 "(coordinators; docs/privacy.md)")
    p = _cmd(grp, "export", "privacy:privacy_export", "everything held about an address, "
             "as JSON (Art. 15)", actor=True)
    p.add_argument("email")
    p.add_argument("--out", metavar="FILE", help="write the JSON there (readable by you "
                   "only) instead of to standard output")
    p = _cmd(grp, "erase", "privacy:privacy_erase", "erase what is held about an address "
             "(Art. 17)", actor=True, json=True)
    p.add_argument("email")
    p.add_argument("--reason", required=True, help="why: the request's date and file "
                   "number (kept in the privacy log, not in the audit trail)")
    _cmd(grp, "replay", "privacy:privacy_replay", "after restoring an older backup: erase "
         "again what the erasure log names", actor=True, json=True)

    p = _cmd(sub, "demo", "demo:demo", "walk a realistic process through every phase")
    p.add_argument("--dir", help="folder for the demo's database (default: a new temp folder)")

    _entry_commands(sub)
    return parser


def _entry_commands(sub) -> None:
    grp = _group(sub, "begleitgruppe", "the Projektbegleitgruppe (R2)")
    p = _cmd(grp, "requested-by", "entry:requested_by", "record who asked for the group",
             actor=True, json=True)
    p.add_argument("id", type=ID)
    _word(p, "who", "requester", metavar="WHO")
    p = _cmd(grp, "add-member", "entry:add_member", "add a member", actor=True, json=True)
    p.add_argument("id", type=ID)
    p.add_argument("--name", required=True)
    p.add_argument("--organisation", required=True)
    p.add_argument("--external", action="store_true", help="not from the administration")
    p.add_argument("--email", default="", metavar="ADDRESS",
                   help="a contact address (optional; personal data: shown to staff only, "
                   "found and erased by 'privacy export' and 'privacy erase')")
    p = _cmd(grp, "remove-member", "entry:remove_member", "remove a member", actor=True,
             json=True)
    p.add_argument("id", type=ID)
    p.add_argument("--name", required=True)

    grp = _group(sub, "project-group", "the interdisciplinary project group")
    p = _cmd(grp, "add", "entry:project_group_add", "add a department", actor=True,
             json=True)
    p.add_argument("id", type=ID)
    p.add_argument("department")

    grp = _group(sub, "concept", "the participation concept (R4-R7, R15)")
    p = _cmd(grp, "load", "entry:concept_load", "load the concept draft from a TOML file",
             actor=True, json=True)
    p.add_argument("id", type=ID)
    p.add_argument("file")
    p.add_argument("--publish", action="store_true", help="publish it at once as a new version")
    p.add_argument("--note", default="", help="what changed (with --publish)")
    p = _cmd(grp, "publish", "entry:concept_publish", "publish the draft as a new version",
             actor=True, json=True)
    p.add_argument("id", type=ID)
    p.add_argument("--note", default="", help="what changed since the last version")
    p = _cmd(grp, "template", "concept:concept_template", "a commented concept file with every "
             "section, filled with the draft, to fill in and load")
    p.add_argument("id", type=ID)
    p.add_argument("--out", metavar="FILE", help="write to FILE, which must not exist yet "
                   "(default: standard output)")
    p = _cmd(grp, "show", "entry:concept_show", "the draft or a published version, "
             "section by section", json=True)
    p.add_argument("id", type=ID)
    p.add_argument("--version", type=ID, help="a published version (default: the draft)")

    grp = _group(sub, "suggestion", "suggestions (Anregungen) and their answers (R5)")
    p = _cmd(grp, "add", "entry:suggestion_add", "record a suggestion; prints its number",
             actor=True, json=True)
    p.add_argument("id", type=ID)
    _word(p, "--on", "suggestion_target", "what it comments on", required=True)
    p.add_argument("--text", required=True)
    p.add_argument("--author", default="")
    p = _cmd(grp, "answer", "entry:suggestion_answer", "answer a suggestion", actor=True,
             json=True)
    p.add_argument("id", type=ID)
    p.add_argument("number", type=ID)
    _word(p, "answer", "answer", metavar="ANSWER")
    p.add_argument("--justification", default="", help="required when rejected")
    p = _cmd(grp, "list", "entry:suggestion_list", "the suggestions of a process", json=True)
    p.add_argument("id", type=ID)

    grp = _group(sub, "report", "pre-report and post-report (R9); the quarterly report")
    p = _cmd(grp, "publish", "entry:report_publish", "publish a report", actor=True,
             json=True)
    p.add_argument("id", type=ID)
    _word(p, "kind", "report_kind", metavar="KIND")
    p.add_argument("--text", required=True)
    p = _cmd(grp, "quarterly", "reports:quarterly", "the quarterly report (Berichtswesen)")
    p.add_argument("--quarter", required=True, metavar="YYYYQn", help="2026Q4 or 2026-Q4")
    p.add_argument("--format", choices=("html", "md", "csv"), default="html")
    _csv_dialect(p)
    p.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")

    grp = _group(sub, "dialogue", "dialogue activities of the current round")
    p = _cmd(grp, "add", "entry:dialogue_add", "record a dialogue activity", actor=True,
             json=True)
    p.add_argument("id", type=ID)
    p.add_argument("--format", required=True, help="e.g. Planungswerkstatt, Online-Dialog")
    _word(p, "--mode", "activity_mode", required=True)
    p.add_argument("--date", required=True, help=DATE)
    p.add_argument("--place", required=True)
    p.add_argument("--accessibility", default="", metavar="TEXT",
                   help="what makes it accessible (published), e.g. stufenloser Zugang")

    grp = _group(sub, "interim", "interim results (R8)")
    p = _cmd(grp, "publish", "entry:interim_publish", "publish this round's interim results",
             actor=True, json=True)
    p.add_argument("id", type=ID)
    p.add_argument("--summary", required=True)
    p.add_argument("--comment-deadline", required=True, help=MOMENT)
    p.add_argument("--decision-when", required=True)
    p.add_argument("--decision-where", required=True)
    p.add_argument("--decision-by", required=True)

    grp = _group(sub, "decision", "the decision (R10)")
    p = _cmd(grp, "record", "entry:decision_record", "record the decision", actor=True,
             json=True)
    p.add_argument("id", type=ID)
    p.add_argument("--decided-by", required=True, help="a decision-maker named in the concept")
    p.add_argument("--decided-on", required=True, help=DATE)
    p.add_argument("--summary", required=True)
    p.add_argument("--deviates", action="store_true", help="departs from the results")
    p.add_argument("--justification", default="", help="required with --deviates")
    p.add_argument("--implementation-by", default="", help="who implements")
    p = _cmd(grp, "publish", "entry:decision_publish", "publish the decision", actor=True,
             json=True)
    p.add_argument("id", type=ID)

    grp = _group(sub, "reminders", "the reminder sweep")
    p = _cmd(grp, "run", "reminders:run", "queue every reminder due now (once each)",
             json=True)
    p.add_argument("--now", help="as of this time: 13.02.2027 08:00 or 2027-02-13T08:00, "
                   "Europe/Berlin if no offset")
    p.add_argument("--dry-run", action="store_true", help="show, queue nothing")

    grp = _group(sub, "retention", "how long data is kept (config/retention.toml)")
    p = _cmd(grp, "run", "retention:run", "remove what is kept no longer (run and serve do "
             "it every night)", json=True)
    p.add_argument("--now", help="as of this time: 13.02.2027 03:00 or 2027-02-13T03:00, "
                   "Europe/Berlin if no offset")
    p.add_argument("--dry-run", action="store_true", help="count, remove nothing")

    grp = _group(sub, "deadline", "deadlines of a process (the engine keeps its own)")
    p = _cmd(grp, "list", "deadlines:list_", "every deadline of a process", json=True)
    p.add_argument("id", type=ID)
    p = _cmd(grp, "add", "deadlines:add", "add a deadline of your own; prints its id",
             actor=True, json=True)
    p.add_argument("id", type=ID)
    p.add_argument("--title", required=True)
    p.add_argument("--due", required=True, help=MOMENT)
    p = _cmd(grp, "move", "deadlines:move", "give a deadline a new due time", actor=True,
             json=True)
    p.add_argument("id", type=ID)
    p.add_argument("deadline", type=ID)
    p.add_argument("--due", required=True, help=MOMENT)
    p.add_argument("--reason", required=True)
    p = _cmd(grp, "waive", "deadlines:waive", "waive a deadline (no more reminders)",
             actor=True, json=True)
    p.add_argument("id", type=ID)
    p.add_argument("deadline", type=ID)
    p.add_argument("--reason", required=True)

    grp = _group(sub, "outbox", "the e-mails waiting to go out, sent and failed")
    p = _cmd(grp, "deliver", "outbox:deliver", "send every message that is due")
    p.add_argument("--now", help="as of this time: 13.02.2027 08:00 or 2027-02-13T08:00, "
                   "Europe/Berlin if no offset")
    p = _cmd(grp, "list", "outbox:list_", "the newest messages", json=True)
    _word(p, "--status", "outbox_status", metavar="STATUS")
    p = _cmd(grp, "retry", "outbox:retry", "queue a failed message again (coordinators)",
             actor=True, json=True)
    p.add_argument("id", type=ID)

    grp = _group(sub, "evaluation", "the evaluation against the SMART goals (R11)")
    p = _cmd(grp, "rate", "entry:evaluation_rate", "evaluate one goal", actor=True, json=True)
    p.add_argument("id", type=ID)
    p.add_argument("goal")
    _word(p, "rating", "goal_rating", metavar="RATING")
    p.add_argument("--evidence", required=True)
    p = _cmd(grp, "lessons", "entry:evaluation_lessons", "record lessons learned", actor=True,
             json=True)
    p.add_argument("id", type=ID)
    p.add_argument("--text", required=True)
