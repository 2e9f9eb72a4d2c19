"""The trail proves the case: a state hash and a signature on every event, and a registry of
cases.

``audit_events`` gains ``state`` (the hash of the case's state after the event, hashed into the
event: recipe 2), ``key_id`` and ``mac`` (the HMAC of the event's hash under a key kept outside
the database). All three are NULL on the events written before: no event is edited. Their
heads show in ``audit verify`` as "state not yet bound" until the case's next change.
The columns are added with plain ``ALTER TABLE ... ADD COLUMN``, which SQLite does in place: a
batch rebuild would drop the append-only triggers of 0004.

``audit_cases`` is the registry: one chained entry per process, append-only like
``audit_events`` (a trigger on each database). The processes that exist now are registered in
the order of their ids, at their creation time, unsigned (the migration has no key); entries
made by the program afterwards are signed.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from beteiligung.storage.schema import UtcDateTime
from beteiligung.workflow.audit import GENESIS
from beteiligung.workflow.audit_check import entry_hash

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

FUNCTION = "audit_cases_refuse_change"
PG_TRIGGER = "audit_cases_append_only"
SQLITE_TRIGGERS = {"UPDATE": "audit_cases_no_update", "DELETE": "audit_cases_no_delete"}
MESSAGE = "audit_cases is append-only: {op} refused"


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("state", sa.String(64), nullable=True))
    op.add_column("audit_events", sa.Column("key_id", sa.String(40), nullable=True))
    op.add_column("audit_events", sa.Column("mac", sa.String(64), nullable=True))
    cases = op.create_table(
        "audit_cases",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("process_id", sa.Integer, nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(40), nullable=True),
        sa.Column("mac", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_cases"),
        sa.UniqueConstraint("process_id", name="uq_audit_cases_process_id"),
    )
    _register_existing(cases)
    _guard()


def _register_existing(cases: sa.Table) -> None:
    existing = sa.table("processes", sa.column("id", sa.Integer),
                        sa.column("created_at", UtcDateTime()))
    rows = op.get_bind().execute(sa.select(existing.c.id, existing.c.created_at)
                                 .order_by(existing.c.id)).all()
    entries, prev = [], GENESIS
    for seq, (pid, at) in enumerate(rows, start=1):
        digest = entry_hash(seq, pid, at, prev)
        entries.append({"seq": seq, "process_id": pid, "at": at, "prev_hash": prev,
                        "hash": digest})
        prev = digest
    if entries:
        op.bulk_insert(cases, entries)


def _guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        schema = _pg_schema()
        op.execute(f"""
            CREATE FUNCTION {schema}.{FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_cases is append-only: % refused', TG_OP
                    USING ERRCODE = 'integrity_constraint_violation';
            END
            $$""")
        op.execute(f"CREATE TRIGGER {PG_TRIGGER} BEFORE UPDATE OR DELETE OR TRUNCATE "
                   f"ON {schema}.audit_cases FOR EACH STATEMENT "
                   f"EXECUTE FUNCTION {schema}.{FUNCTION}()")
        return
    for operation, name in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} BEFORE {operation} ON audit_cases "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(op=operation)}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        schema = _pg_schema()
        op.execute(f"DROP TRIGGER IF EXISTS {PG_TRIGGER} ON {schema}.audit_cases")
        op.execute(f"DROP FUNCTION IF EXISTS {schema}.{FUNCTION}()")
    else:
        for name in SQLITE_TRIGGERS.values():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("audit_cases")
    for column in ("mac", "key_id", "state"):
        op.drop_column("audit_events", column)


def _pg_schema() -> str:
    """The quoted name of the schema ``audit_events`` resolves to on this connection."""
    name = op.get_bind().execute(sa.text(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass('audit_events')")).scalar_one()
    return '"' + name.replace('"', '""') + '"'
