"""What the public list's filter form offers: the departments that have processes.

One ``SELECT DISTINCT`` on the ``department`` column (a few dozen values), so the
form above a streamed list need not read the list twice.
Import rule: ``states``, ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from .schema import processes

_DEPARTMENTS = (select(processes.c.department).distinct()
                .where(processes.c.department != "").order_by(processes.c.department))


def departments(connection: Connection) -> list[str]:
    """Every department named by a stored process, sorted."""
    return [row[0] for row in connection.execute(_DEPARTMENTS)]
