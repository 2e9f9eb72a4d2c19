"""Personal data out of the audit chain: the privacy store and the privacy log.

``personal_data`` holds each personal value (a suggestion's text and author, a Begleitgruppe
member's name) under a random reference, which the case document and the audit payload name
instead of the value (``workflow.sealing``); ``privacy_log`` records every disclosure and
erasure by references only. Values written before this revision are still in the documents
and payloads; the next revision moves them.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from beteiligung.storage.schema import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "personal_data",
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(400), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("process_id", sa.Integer, nullable=True),
        sa.Column("value", sa.Text, nullable=True),
        sa.Column("salt", sa.String(64), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("erased_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("ref", name="pk_personal_data"),
    )
    op.create_index("ix_personal_data_subject", "personal_data", ["subject"])
    op.create_index("ix_personal_data_process_id", "personal_data", ["process_id"])
    op.create_table(
        "privacy_log",
        sa.Column("id", sa.Integer(), autoincrement=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("subject_digest", sa.String(64), nullable=False),
        sa.Column("refs", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_privacy_log"),
        sa.CheckConstraint("action IN ('erased', 'disclosed')", name="action"),
    )
    op.create_index("ix_privacy_log_subject_digest", "privacy_log", ["subject_digest"])


def downgrade() -> None:
    op.drop_table("privacy_log")
    op.drop_table("personal_data")
