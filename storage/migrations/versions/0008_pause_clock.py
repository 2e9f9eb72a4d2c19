"""The dwell clock across pauses: when the paused phase was entered, and when the process was
last put on hold.

``paused_phase_entered_at`` lets ``resume`` continue the paused phase's clock (time on hold does
not count, time before it does); ``last_hold_at``, indexed, lets ``audit stuck`` find the few
processes paused recently and count their pauses. Processes on hold before this revision have
no entry time; resuming them starts the phase's clock anew, as before.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from beteiligung.storage.schema import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("processes") as batch:
        batch.add_column(sa.Column("paused_phase_entered_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("last_hold_at", UtcDateTime(), nullable=True))
        batch.create_index("ix_processes_last_hold_at", ["last_hold_at"])


def downgrade() -> None:
    with op.batch_alter_table("processes") as batch:
        batch.drop_index("ix_processes_last_hold_at")
        batch.drop_column("last_hold_at")
        batch.drop_column("paused_phase_entered_at")
