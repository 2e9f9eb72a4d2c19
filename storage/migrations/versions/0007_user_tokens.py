"""Sign-in sessions and personal API tokens of the web application: the SHA-256 of each
secret, whose address it signs in, and when it expires or was revoked.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from beteiligung.storage.schema import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=True),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_user_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_user_tokens_token_hash"),
        sa.CheckConstraint("kind IN ('session', 'api')", name="kind"),
    )
    op.create_index("ix_user_tokens_email", "user_tokens", ["email"])


def downgrade() -> None:
    op.drop_index("ix_user_tokens_email", "user_tokens")
    op.drop_table("user_tokens")
