"""Processes and their append-only, hash-chained audit events.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from beteiligung.storage.schema import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "processes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("department", sa.String(200), nullable=False),
        sa.Column("directorate", sa.String(200), nullable=False),
        sa.Column("phase", sa.String(50), nullable=False),
        sa.Column("phase_entered_at", UtcDateTime(), nullable=False),
        sa.Column("paused_phase", sa.String(50), nullable=True),
        sa.Column("dialogue_round", sa.Integer(), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.Column("lead_email", sa.String(320), nullable=False),
        sa.Column("deputy_email", sa.String(320), nullable=False),
        sa.Column("definition_version", sa.String(50), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("audit_head", sa.String(64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_processes"),
    )
    op.create_index("ix_processes_phase_entered", "processes", ["phase", "phase_entered_at"])
    op.create_index("ix_processes_lead_email", "processes", ["lead_email"])
    op.create_index("ix_processes_deputy_email", "processes", ["deputy_email"])
    op.create_index("ix_processes_department", "processes", ["department"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=True),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("from_phase", sa.String(50), nullable=True),
        sa.Column("to_phase", sa.String(50), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
        sa.ForeignKeyConstraint(["process_id"], ["processes.id"],
                                name="fk_audit_events_process_id_processes"),
        sa.UniqueConstraint("process_id", "seq", name="uq_audit_events_process_seq"),
    )


def downgrade() -> None:
    op.drop_table("audit_events")
    op.drop_index("ix_processes_department", table_name="processes")
    op.drop_index("ix_processes_deputy_email", table_name="processes")
    op.drop_index("ix_processes_lead_email", table_name="processes")
    op.drop_index("ix_processes_phase_entered", table_name="processes")
    op.drop_table("processes")
