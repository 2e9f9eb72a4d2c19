"""The people the audit trail named by address (actors, leads and deputies in the payloads,
the operating-system user of a command-line run) are kept by reference from now on; each
chain that named one is re-sealed and gets an event naming its old head
(``storage.actor_upgrade``), so that a staff address can be erased (Art. 17 DSGVO).

As with 0011, the trail is signed again with the current key when ``beteiligung db
upgrade`` has the keys; without keys the signatures of a re-sealed chain are removed. There
is no way back: the downgrade leaves the references where they are.

Revision ID: 0013
Revises: 0012
"""

from alembic import context, op

from beteiligung.storage.actor_upgrade import move_actors
from beteiligung.storage.personal_upgrade import run

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run(context.config.attributes, op.get_bind(), move_actors)


def downgrade() -> None:
    """The references stay: the program before 0013 shows them as the actors."""
