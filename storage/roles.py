"""Least privilege on PostgreSQL: the SQL that sets up an owner role and a runtime role.

The **owner** owns the schema and its tables and runs the migrations (``beteiligung db
upgrade``); only an owner (or a superuser) can disable or drop the append-only triggers or
the tables. The **runtime** role, which the program runs as (``run``, ``serve`` and every
other command), may read and write the tables it writes, may only SELECT and INSERT on the
case registry and the tombstones, may delete audit events only of a process whose tombstone is
written (a trigger checks; retention removes processes ten years after they closed), and owns
nothing: no DDL. ``GRANTS`` is the
one list of what it may do; ``beteiligung db roles`` prints the statements, and
``docs/operations.md`` explains them. Run the grants again after a migration that adds a table.
Import rule: the standard library only.
"""

from __future__ import annotations

import re

# table -> the privileges of the runtime role. It deletes ended sessions and, when their
# retention period has passed, whole processes (``storage.removal``): the rows that name one,
# its audit events included, which the database lets go only after its tombstone is written
GRANTS = {
    "processes": "SELECT, INSERT, UPDATE, DELETE",
    "deadlines": "SELECT, INSERT, UPDATE, DELETE",
    "outbox": "SELECT, INSERT, UPDATE, DELETE",
    # retention blanks old bodies and deletes ended sessions (``workflow.retention``)
    "outbox_bodies": "SELECT, INSERT, UPDATE, DELETE",
    "users": "SELECT, INSERT, UPDATE, DELETE",
    "user_tokens": "SELECT, INSERT, UPDATE, DELETE",
    "audit_events": "SELECT, INSERT, DELETE",
    "audit_cases": "SELECT, INSERT",
    "process_tombstones": "SELECT, INSERT",
    # an erasure overwrites a value with NULL (the row stays: its reference is named); the
    # rows of a removed process go with it
    "personal_data": "SELECT, INSERT, UPDATE, DELETE",
    "privacy_log": "SELECT, INSERT",
    "alembic_version": "SELECT",
}
NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_name(what: str, value: str) -> str:
    """A role, schema or database name as the statements use it unquoted."""
    if not NAME.match(value):
        from ..states.errors import BadInput

        raise BadInput(f"--{what}: {value!r} is not a plain PostgreSQL name (lower-case "
                       "letters, digits and '_', not starting with a digit)")
    return value


def setup(owner: str, runtime: str, schema: str, database: str) -> list[str]:
    """Once, as a superuser: the two roles, the database and the schema."""
    return [
        f"CREATE ROLE {owner} LOGIN;  -- then: \\password {owner}",
        f"CREATE ROLE {runtime} LOGIN;  -- then: \\password {runtime}",
        f"GRANT CONNECT ON DATABASE {database} TO {owner}, {runtime};",
        f"CREATE SCHEMA IF NOT EXISTS {schema} AUTHORIZATION {owner};",
        f"ALTER SCHEMA {schema} OWNER TO {owner};",
        f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC;",
        f"GRANT USAGE ON SCHEMA {schema} TO {runtime};",
    ]


def grants(runtime: str, schema: str) -> list[str]:
    """After every ``db upgrade`` (as the owner or a superuser): the runtime role's rights."""
    lines = [f"GRANT {rights} ON {schema}.{table} TO {runtime};"
             for table, rights in GRANTS.items()]
    lines.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {runtime};")
    return lines
