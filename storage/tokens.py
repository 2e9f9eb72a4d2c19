"""The SQL token repository (``workflow.ports.TokenRepository``): sign-in sessions and
personal API tokens in ``user_tokens``, found by the SHA-256 of their secret.
Import rule: ``workflow`` and SQLAlchemy only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row, and_, delete, func, insert, or_, select, update

from ..workflow.ports import Token
from .schema import user_tokens

_c = user_tokens.c
_SELECT = select(_c.id, _c.kind, _c.token_hash, _c.email, _c.label, _c.created_at,
                 _c.expires_at, _c.revoked_at)


class SqlTokenRepository:
    """Tokens on one connection, inside the unit of work's transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, token: Token) -> int:
        return self.conn.execute(insert(user_tokens).returning(_c.id), {
            "kind": token.kind, "token_hash": token.token_hash, "email": token.email,
            "label": token.label, "created_at": token.created_at,
            "expires_at": token.expires_at, "revoked_at": None}).scalar_one()

    def find(self, token_hash: str) -> Token | None:
        row = self.conn.execute(_SELECT.where(_c.token_hash == token_hash)).first()
        return None if row is None else _token(row)

    def revoke(self, token_hash: str, at: datetime) -> None:
        self.conn.execute(update(user_tokens).where(_c.token_hash == token_hash,
                                                    _c.revoked_at.is_(None))
                          .values(revoked_at=at))

    def erase(self, email: str) -> int:
        """Delete every session and API token of ``email``; how many."""
        return self.conn.execute(delete(user_tokens).where(_c.email == email)).rowcount

    def revoke_all(self, email: str, at: datetime) -> int:
        return self.conn.execute(update(user_tokens).where(_c.email == email,
                                                           _c.revoked_at.is_(None))
                                 .values(revoked_at=at)).rowcount

    def purge_sessions(self, ended_by: datetime, dry_run: bool = False) -> int:
        """Delete the sessions that ended at or before ``ended_by``; how many (with
        ``dry_run``, only counted)."""
        if dry_run:
            return self.conn.execute(select(func.count()).select_from(user_tokens)
                                     .where(_ended(ended_by))).scalar_one()
        return self.conn.execute(delete(user_tokens).where(_ended(ended_by))).rowcount

    def of(self, email: str, kind: str) -> list[Token]:
        rows = self.conn.execute(_SELECT.where(_c.email == email, _c.kind == kind)
                                 .order_by(_c.id.desc()))
        return [_token(r) for r in rows]


def _ended(before: datetime):
    """Sessions that ended (revoked, or expired) at or before ``before``."""
    return and_(_c.kind == "session",
                or_(_c.revoked_at <= before,
                    and_(_c.revoked_at.is_(None), _c.expires_at <= before)))


def _token(row: Row) -> Token:
    return Token(row.id, row.kind, row.token_hash, row.email, row.label, row.created_at,
                 row.expires_at, row.revoked_at)
