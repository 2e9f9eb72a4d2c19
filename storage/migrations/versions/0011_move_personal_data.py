"""Personal values written before revision 0010 move into the privacy store; each chain that
held one is re-sealed and gets an event naming its old head (``storage.personal_upgrade``).

The trail is signed again with the current key when ``beteiligung db upgrade`` has the keys
(it passes them); without keys the signatures of a re-sealed chain are removed. There is no
way back: the downgrade leaves the data where it is now.

Revision ID: 0011
Revises: 0010
"""

from datetime import UTC, datetime

from alembic import context, op

from beteiligung.storage.personal_upgrade import lift_safeguards, move_personal_data

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    attributes = context.config.attributes
    keys = attributes.get("audit_keys")
    now = attributes.get("now") or datetime.now(UTC)
    conn = op.get_bind()
    restore = lift_safeguards(conn)
    move_personal_data(conn, keys() if callable(keys) else keys, now)
    restore()


def downgrade() -> None:
    """The values stay in the privacy store: the program before 0010 shows the suggestions
    and members that came after with empty texts and names."""
