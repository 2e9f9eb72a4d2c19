"""The outbox keeps each e-mail as rendered when it was queued, to send it as it is, in a table
of bodies apart from the narrow rows that claiming and marking rewrite.

The parts of rows queued before move to ``outbox_bodies``; their ``content`` stays NULL, and
delivery builds them from the parts as it did.

A later migration that rebuilds ``outbox`` on SQLite (``batch_alter_table`` copies the table
and drops the old one) would cascade to every body, since migrations run with foreign keys
on: drop the foreign key of ``outbox_bodies`` first and add it again after, as this one does.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_MOVED = ("body_text", "body_html", "ics")


def upgrade() -> None:
    op.create_table(
        "outbox_bodies",
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("ics", sa.Text(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("outbox_id", name="pk_outbox_bodies"),
    )
    op.execute("INSERT INTO outbox_bodies (outbox_id, body_text, body_html, ics) "
               "SELECT id, body_text, body_html, ics FROM outbox")
    with op.batch_alter_table("outbox") as batch:
        for column in _MOVED:
            batch.drop_column(column)
    # Only now the foreign key: on SQLite, dropping a column copies ``outbox`` into a new
    # table and drops the old one, and that drop would cascade to every body already moved.
    with op.batch_alter_table("outbox_bodies") as batch:
        batch.create_foreign_key("fk_outbox_bodies_outbox_id_outbox", "outbox", ["outbox_id"],
                                 ["id"], ondelete="CASCADE")


def downgrade() -> None:
    with op.batch_alter_table("outbox_bodies") as batch:  # first, for the same reason
        batch.drop_constraint("fk_outbox_bodies_outbox_id_outbox", type_="foreignkey")
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("body_text", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("body_html", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("ics", sa.Text(), nullable=True))
    for column in _MOVED:
        op.execute(f"UPDATE outbox SET {column} = (SELECT b.{column} FROM outbox_bodies b "
                   "WHERE b.outbox_id = outbox.id) "
                   "WHERE id IN (SELECT outbox_id FROM outbox_bodies)")
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("body_text", server_default=None)
        batch.alter_column("body_html", server_default=None)
    op.drop_table("outbox_bodies")
