"""Personal values written before revision 0010 move into the privacy store; each chain that
held one is re-sealed and gets an event naming its old head (``storage.personal_upgrade``).

The trail is signed again with the current key when ``beteiligung db upgrade`` has the keys
(it passes them); without keys the signatures of a re-sealed chain are removed. There is no
way back: the downgrade leaves the data where it is now.

Revision ID: 0011
Revises: 0010
"""

from alembic import context, op

from beteiligung.storage.personal_upgrade import move_personal_data, run

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run(context.config.attributes, op.get_bind(), move_personal_data)


def downgrade() -> None:
    """The values stay in the privacy store: the program before 0010 shows the suggestions
    and members that came after with empty texts and names."""
