"""An index over the open deadlines only, by status and due time, for ``audit stuck``.

"Open deadlines past their due day, or marked missed" is then a range on a small index: the
closed deadlines (met, missed or waived; most deadlines, and more every year) are not in it.
A partial index (``WHERE closed_at IS NULL``) on both SQLite and PostgreSQL; the query repeats
that condition word for word, which is how both planners know the index applies.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NAME = "ix_deadlines_open_status_due"
OPEN = sa.text("closed_at IS NULL")


def upgrade() -> None:
    op.create_index(NAME, "deadlines", ["status", "due_at"], sqlite_where=OPEN,
                    postgresql_where=OPEN)


def downgrade() -> None:
    op.drop_index(NAME, table_name="deadlines")
