"""Processes removed after their retention period leave a tombstone; only then may their
audit events be deleted.

``process_tombstones`` holds, per removed process, its trail's last event and hash, when it
closed, when it was removed and after how many days (``workflow.ports.Tombstone``). It is
append-only (a trigger on each database, as ``audit_events`` and ``audit_cases``), and a
tombstone is accepted only when it names its process as the row stands (head, phase and the
moment it entered it), with a period of at least 365 days that has passed by its removal
time: the runtime role cannot bury a process that goes on, or one that closed yesterday.

The delete refusal on ``audit_events`` becomes a row trigger that lets a row go only when its
process has a tombstone: a process is removed whole (``storage.removal``) by writing the
tombstone first. UPDATE and TRUNCATE stay refused as before. ``outbox`` gets an index on
``process_id``, so that removing a process finds its e-mails without a scan, and
``audit_events`` one on ``lower(actor)``, so that an Auskunft (``privacy export``) finds what an
address did without one.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

from beteiligung.storage.schema import UtcDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TOMBSTONES_FUNCTION = "process_tombstones_refuse_change"
TOMBSTONES_PG = "process_tombstones_append_only"
TOMBSTONES_SQLITE = {"UPDATE": "process_tombstones_no_update",
                     "DELETE": "process_tombstones_no_delete"}
EVENTS_FUNCTION = "audit_events_refuse_change"
EVENTS_PG = "audit_events_append_only"
DELETE_FUNCTION = "audit_events_refuse_delete"
DELETE_PG = "audit_events_delete_buried"
DELETE_SQLITE = "audit_events_no_delete"
REFUSED = "audit_events is append-only: DELETE refused"
CHECK_FUNCTION = "process_tombstones_check"
CHECK_PG = "process_tombstones_match_the_process"
CHECK_SQLITE = "process_tombstones_match_the_process"
UNFIT = "process_tombstones: a tombstone must name its process as it ends now, after its period"
MIN_DAYS = 365   # as states.retention.MIN_CLOSED_DAYS


def upgrade() -> None:
    op.create_table(
        "process_tombstones",
        sa.Column("process_id", sa.Integer, autoincrement=False),
        sa.Column("phase", sa.String(50), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=False),
        sa.Column("final_seq", sa.Integer, nullable=False),
        sa.Column("final_hash", sa.String(64), nullable=False),
        sa.Column("removed_at", UtcDateTime(), nullable=False),
        sa.Column("kept_days", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(40), nullable=True),
        sa.Column("mac", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("process_id", name="pk_process_tombstones"),
    )
    op.create_index("ix_outbox_process_id", "outbox", ["process_id"])
    op.create_index("ix_audit_events_actor_lower", "audit_events", [sa.text("lower(actor)")])
    if op.get_bind().dialect.name == "postgresql":
        _pg_upgrade(_pg_schema())
        return
    for operation, name in TOMBSTONES_SQLITE.items():
        op.execute(f"CREATE TRIGGER {name} BEFORE {operation} ON process_tombstones BEGIN "
                   f"SELECT RAISE(ABORT, 'process_tombstones is append-only: {operation} "
                   "refused'); END")
    op.execute(f"CREATE TRIGGER {CHECK_SQLITE} BEFORE INSERT ON process_tombstones "
               "WHEN NOT EXISTS (SELECT 1 FROM processes p WHERE p.id = NEW.process_id "
               "AND p.audit_seq = NEW.final_seq AND p.audit_head = NEW.final_hash "
               "AND p.phase = NEW.phase AND p.phase_entered_at = NEW.closed_at) "
               f"OR NEW.kept_days < {MIN_DAYS} "
               "OR julianday(NEW.removed_at) < julianday(NEW.closed_at) + NEW.kept_days "
               f"BEGIN SELECT RAISE(ABORT, '{UNFIT}'); END")
    op.execute(f"DROP TRIGGER {DELETE_SQLITE}")
    op.execute(f"CREATE TRIGGER {DELETE_SQLITE} BEFORE DELETE ON audit_events "
               "WHEN NOT EXISTS (SELECT 1 FROM process_tombstones t "
               "WHERE t.process_id = OLD.process_id) "
               f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END")


def _pg_upgrade(schema: str) -> None:
    op.execute(f"""
        CREATE FUNCTION {schema}.{TOMBSTONES_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'process_tombstones is append-only: % refused', TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END
        $$""")
    op.execute(f"CREATE TRIGGER {TOMBSTONES_PG} BEFORE UPDATE OR DELETE OR TRUNCATE "
               f"ON {schema}.process_tombstones FOR EACH STATEMENT "
               f"EXECUTE FUNCTION {schema}.{TOMBSTONES_FUNCTION}()")
    op.execute(f"""
        CREATE FUNCTION {schema}.{CHECK_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM {schema}.processes p WHERE p.id = NEW.process_id
                           AND p.audit_seq = NEW.final_seq AND p.audit_head = NEW.final_hash
                           AND p.phase = NEW.phase AND p.phase_entered_at = NEW.closed_at)
               OR NEW.kept_days < {MIN_DAYS}
               OR NEW.removed_at < NEW.closed_at + make_interval(days => NEW.kept_days) THEN
                RAISE EXCEPTION '{UNFIT}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END
        $$""")
    op.execute(f"CREATE TRIGGER {CHECK_PG} BEFORE INSERT ON {schema}.process_tombstones "
               f"FOR EACH ROW EXECUTE FUNCTION {schema}.{CHECK_FUNCTION}()")
    op.execute(f"DROP TRIGGER {EVENTS_PG} ON {schema}.audit_events")
    op.execute(f"CREATE TRIGGER {EVENTS_PG} BEFORE UPDATE OR TRUNCATE "
               f"ON {schema}.audit_events FOR EACH STATEMENT "
               f"EXECUTE FUNCTION {schema}.{EVENTS_FUNCTION}()")
    # the function names its schema: it runs as whoever deletes, whatever their search_path
    op.execute(f"""
        CREATE FUNCTION {schema}.{DELETE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM {schema}.process_tombstones t
                           WHERE t.process_id = OLD.process_id) THEN
                RAISE EXCEPTION '{REFUSED}'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN OLD;
        END
        $$""")
    op.execute(f"CREATE TRIGGER {DELETE_PG} BEFORE DELETE ON {schema}.audit_events "
               f"FOR EACH ROW EXECUTE FUNCTION {schema}.{DELETE_FUNCTION}()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        schema = _pg_schema()
        op.execute(f"DROP TRIGGER IF EXISTS {DELETE_PG} ON {schema}.audit_events")
        op.execute(f"DROP FUNCTION IF EXISTS {schema}.{DELETE_FUNCTION}()")
        op.execute(f"DROP TRIGGER {EVENTS_PG} ON {schema}.audit_events")
        op.execute(f"CREATE TRIGGER {EVENTS_PG} BEFORE UPDATE OR DELETE OR TRUNCATE "
                   f"ON {schema}.audit_events FOR EACH STATEMENT "
                   f"EXECUTE FUNCTION {schema}.{EVENTS_FUNCTION}()")
        op.execute(f"DROP TRIGGER IF EXISTS {TOMBSTONES_PG} ON {schema}.process_tombstones")
        op.execute(f"DROP FUNCTION IF EXISTS {schema}.{TOMBSTONES_FUNCTION}()")
        op.execute(f"DROP TRIGGER IF EXISTS {CHECK_PG} ON {schema}.process_tombstones")
        op.execute(f"DROP FUNCTION IF EXISTS {schema}.{CHECK_FUNCTION}()")
    else:
        op.execute(f"DROP TRIGGER {DELETE_SQLITE}")
        op.execute(f"CREATE TRIGGER {DELETE_SQLITE} BEFORE DELETE ON audit_events "
                   f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END")
        for name in (*TOMBSTONES_SQLITE.values(), CHECK_SQLITE):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_audit_events_actor_lower", "audit_events")
    op.drop_index("ix_outbox_process_id", "outbox")
    op.drop_table("process_tombstones")


def _pg_schema() -> str:
    """The quoted name of the schema ``audit_events`` resolves to on this connection."""
    name = op.get_bind().execute(sa.text(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass('audit_events')")).scalar_one()
    return '"' + name.replace('"', '""') + '"'
