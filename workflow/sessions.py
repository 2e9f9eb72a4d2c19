"""Who is at the keyboard: sign-in sessions, personal API tokens and the trusted header.

A session or token is a random secret handed to the person once; only its SHA-256 is stored.
Each resolves to an ``Identity``: the e-mail address that the permission rules of
``workflow.core`` judge (lead, deputy, the settings' coordinators). A disabled account signs
in by no route: its sessions and tokens are refused from the moment it is disabled.
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..states.errors import BadInput, NotFound
from .accounts import MAX_NAME, require_coordinator, verify_password
from .core import Env, check_email, normalise_email, require_actor
from .ports import Token, UnitOfWork

SESSION = "session"
API = "api"
API_PREFIX = "btg_"
MAX_TOKEN_DAYS = 3650


@dataclass(frozen=True)
class Identity:
    """A signed-in person: their address, display name and whether they coordinate."""

    email: str
    name: str
    coordinator: bool


def digest(secret: str) -> str:
    """The stored form of a secret: its SHA-256, hex (secrets have 256 bits of entropy, so a
    slow hash adds nothing)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def csrf_token(session_secret: str) -> str:
    """The CSRF token of a session: derived from its secret, which scripts cannot read (the
    cookie is HttpOnly), so another site cannot know it."""
    return hmac.new(session_secret.encode(), b"csrf", hashlib.sha256).hexdigest()


def sign_in(env: Env, email: str, password: str, hours: int) -> tuple[str, Identity] | None:
    """A new session secret for the account, or ``None`` for a wrong address or password or
    a disabled account (the three are indistinguishable, in answer and in time)."""
    user = verify_password(env, email, password)
    if user is None:
        return None
    secret = secrets.token_urlsafe(32)
    now = env.clock()
    with env.uow() as uow:
        uow.tokens.add(Token(0, SESSION, digest(secret), user.email, "", now,
                             now + timedelta(hours=hours)))
        uow.commit()
    return secret, _identity(env, user.email, user.name)


def sign_out(env: Env, secret: str) -> None:
    """End the session (nothing happens for an unknown secret)."""
    with env.uow() as uow:
        uow.tokens.revoke(digest(secret), env.clock())
        uow.commit()


def identify(env: Env, kind: str, secret: str) -> Identity | None:
    """The identity behind a live session or API token, or ``None``."""
    if not secret or len(secret) > 200:
        return None
    with env.uow() as uow:
        token = uow.tokens.find(digest(secret))
        if token is None or token.kind != kind or not _live(token, env.clock()):
            return None
        return _account_identity(env, uow, token.email, needs_account=kind == SESSION)


def trusted(env: Env, header_value: str) -> Identity | None:
    """The identity a reverse proxy vouches for (single sign-on): an e-mail address. No local
    account is needed, but a disabled one refuses."""
    try:
        email = normalise_email(check_email("trusted header", header_value))
    except BadInput:
        return None
    with env.uow() as uow:
        return _account_identity(env, uow, email, needs_account=False)


def create_api_token(env: Env, actor: str, email: str, label: str,
                     days: int | None = 365) -> str:
    """A new personal API token for ``email``; only the returned secret can use it.

    The actor creates a token for themselves; a coordinator may create one for anyone.
    """
    actor = normalise_email(require_actor(actor))
    email = normalise_email(check_email("email", email))
    if email != actor:
        require_coordinator(env, actor, f"create a token for {email}")
    label = label.strip()
    if not label or len(label) > MAX_NAME:
        raise BadInput(f"label: 1 to {MAX_NAME} characters, saying what the token is for")
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        raise BadInput(f"days: a token lives 1 to {MAX_TOKEN_DAYS} days, not {days}")
    secret = API_PREFIX + secrets.token_urlsafe(32)
    now = env.clock()
    with env.uow() as uow:
        if _account_identity(env, uow, email, needs_account=False) is None:
            raise BadInput(f"email: the account {email} is disabled")
        uow.tokens.add(Token(0, API, digest(secret), email, label, now,
                             None if days is None else now + timedelta(days=days)))
        uow.commit()
    return secret


def revoke_api_tokens(env: Env, actor: str, email: str) -> int:
    """Revoke every API token and session of ``email``; how many were live."""
    actor = normalise_email(require_actor(actor))
    email = normalise_email(email)
    if email != actor:
        require_coordinator(env, actor, f"revoke the tokens of {email}")
    with env.uow() as uow:
        count = uow.tokens.revoke_all(email, env.clock())
        uow.commit()
    if count == 0:
        raise NotFound(f"{email} has no live tokens or sessions")
    return count


def _live(token: Token, now: datetime) -> bool:
    return token.revoked_at is None and (token.expires_at is None or now < token.expires_at)


def _account_identity(env: Env, uow: UnitOfWork, email: str,
                      needs_account: bool) -> Identity | None:
    user = uow.users.get(email)
    if user is None:
        return None if needs_account else _identity(env, email, email)
    return _identity(env, user.email, user.name) if user.active else None


def _identity(env: Env, email: str, name: str) -> Identity:
    return Identity(email, name, email in env.coordinators)
