"""The database itself refuses to change or remove audit events: ``audit_events`` is append-only.

PostgreSQL: one trigger function, created in the schema that holds ``audit_events`` (the tests
run each session in a schema of its own), and one statement-level trigger that raises before
any UPDATE, DELETE or TRUNCATE of the table. SQLite: a BEFORE UPDATE and a BEFORE DELETE
trigger that ``RAISE(ABORT, ...)`` (SQLite has no TRUNCATE). INSERT, the engine's only write to
the table, is untouched. Both refusals reach SQLAlchemy as ``IntegrityError`` (SQLSTATE 23000 on
PostgreSQL, SQLITE_CONSTRAINT_TRIGGER on SQLite).

A table owner can still disable or drop the triggers; the hash chain (``beteiligung audit
verify``) is what finds a change made that way. A later migration that rebuilds
``audit_events`` on SQLite (``batch_alter_table`` copies the table) loses these triggers and
must create them again.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FUNCTION = "audit_events_refuse_change"
PG_TRIGGER = "audit_events_append_only"
SQLITE_TRIGGERS = {"UPDATE": "audit_events_no_update", "DELETE": "audit_events_no_delete"}
MESSAGE = "audit_events is append-only: {op} refused"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        schema = _pg_schema()
        op.execute(f"""
            CREATE FUNCTION {schema}.{FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
                    USING ERRCODE = 'integrity_constraint_violation';
            END
            $$""")
        op.execute(f"CREATE TRIGGER {PG_TRIGGER} BEFORE UPDATE OR DELETE OR TRUNCATE "
                   f"ON {schema}.audit_events FOR EACH STATEMENT "
                   f"EXECUTE FUNCTION {schema}.{FUNCTION}()")
        return
    for operation, name in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} BEFORE {operation} ON audit_events "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(op=operation)}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        schema = _pg_schema()
        op.execute(f"DROP TRIGGER IF EXISTS {PG_TRIGGER} ON {schema}.audit_events")
        op.execute(f"DROP FUNCTION IF EXISTS {schema}.{FUNCTION}()")
        return
    for name in SQLITE_TRIGGERS.values():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _pg_schema() -> str:
    """The quoted name of the schema ``audit_events`` resolves to on this connection."""
    name = op.get_bind().execute(sa.text(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass('audit_events')")).scalar_one()
    return '"' + name.replace('"', '""') + '"'
