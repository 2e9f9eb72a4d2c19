"""The SQL user repository (``workflow.ports.UserRepository``): the local accounts of the
staff pages, in the ``users`` table.

Adding is an ``INSERT ... ON CONFLICT (email) DO NOTHING RETURNING id`` on both databases, so
two coordinators adding the same address at once get one account and one ``Conflict``, and a
PostgreSQL transaction is not left aborted by a unique violation.
Import rule: ``states``, ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..states.errors import Conflict
from ..workflow.ports import User
from .schema import users

_c = users.c
_SELECT = select(_c.id, _c.email, _c.name, _c.role, _c.active, _c.created_at, _c.created_by,
                 _c.disabled_at, _c.disabled_by, _c.password_hash)
_INSERT = {name: (dialect.insert(users).on_conflict_do_nothing(index_elements=["email"])
                  .returning(_c.id))
           for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))}


class SqlUserRepository:
    """Accounts on one connection, inside the unit of work's transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _row(self, email: str) -> Row | None:
        return self.conn.execute(_SELECT.where(_c.email == email)).first()

    def get(self, email: str) -> User | None:
        row = self._row(email)
        return None if row is None else _user(row)

    def credentials(self, email: str) -> tuple[User, str] | None:
        row = self._row(email)
        return None if row is None else (_user(row), row.password_hash)

    def add(self, user: User, password_hash: str) -> int:
        new_id = self.conn.execute(_INSERT[self.conn.dialect.name], {
            "email": user.email, "name": user.name, "password_hash": password_hash,
            "role": user.role, "active": user.active, "created_at": user.created_at,
            "created_by": user.created_by, "disabled_at": None, "disabled_by": None,
        }).scalar()
        if new_id is None:
            raise Conflict(f"a user {user.email} exists already")
        return new_id

    def disable(self, user_id: int, at: datetime, by: str) -> None:
        self.conn.execute(update(users).where(_c.id == user_id, _c.active.is_(True))
                          .values(active=False, disabled_at=at, disabled_by=by))

    def erase(self, email: str, mark: str) -> bool:
        """Delete the account of ``email``; where it created or disabled others, ``mark``
        takes its place. Whether there was an account."""
        for column in ("created_by", "disabled_by"):
            self.conn.execute(update(users).where(_c[column] == email).values({column: mark}))
        return self.conn.execute(delete(users).where(_c.email == email)).rowcount > 0

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self.conn.execute(update(users).where(_c.id == user_id)
                          .values(password_hash=password_hash))


def _user(row: Row) -> User:
    return User(row.id, row.email, row.name, row.role, row.active, row.created_at,
                row.created_by, row.disabled_at, row.disabled_by)
