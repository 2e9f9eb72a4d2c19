"""Local user accounts for the staff pages: add, disable, and check a password.

Who may do what is still decided by e-mail address (lead, deputy, and the ``coordinators`` of
the settings); an account only proves that the person at the keyboard owns that address.
The settings stay the authority on coordinators: an account's ``role`` must agree with them
when it is created, and where they later disagree the settings win.
Accounts are not processes and have no audit chain: the row itself keeps who created and who
disabled it, and when.
Import rule: ``states`` and the standard library only (argon2 is behind ``PasswordHasher``).
"""

from __future__ import annotations

from ..states.errors import BadInput, Conflict, NotFound, NotPermitted
from .core import Env, check_email, normalise_email, require_actor
from .ports import PasswordHasher, User

ROLES = ("lead", "coordinator")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
MAX_NAME = 200


def add_user(env: Env, actor: str, email: str, name: str, password: str,
             role: str = "lead") -> User:
    """Create an active account with an argon2id hash of ``password``.

    Raises:
        NotPermitted: ``actor`` is not a coordinator.
        BadInput: a malformed address, an empty name, an unknown role, a role that disagrees
            with the settings' coordinators, or a password shorter than 12 characters.
        Conflict: an account with this address exists already.
    """
    actor = require_coordinator(env, actor, "add users")
    email = normalise_email(check_email("email", email))
    name = _name(name)
    _check_role(env, email, role)
    check_password(password)
    password_hash = _hasher(env).hash(password)
    with env.uow() as uow:
        if uow.users.get(email) is not None:
            raise Conflict(f"a user {email} exists already")
        user = User(0, email, name, role, True, env.clock(), normalise_email(actor))
        user_id = uow.users.add(user, password_hash)
        uow.commit()
    return User(user_id, email, name, role, True, user.created_at, user.created_by)


def disable_user(env: Env, actor: str, email: str) -> User:
    """Disable the account for good: it never signs in again. Disabling a disabled account
    changes nothing and returns it as it is.

    Raises:
        NotPermitted: ``actor`` is not a coordinator.
        NotFound: no account has this address.
    """
    actor = require_coordinator(env, actor, "disable users")
    email = normalise_email(email)
    with env.uow() as uow:
        user = uow.users.get(email)
        if user is None:
            raise NotFound(f"no user {email} (see 'beteiligung user add')")
        if not user.active:
            return user
        now = env.clock()
        uow.users.disable(user.id, now, normalise_email(actor))
        uow.commit()
    return User(user.id, user.email, user.name, user.role, False, user.created_at,
                user.created_by, now, normalise_email(actor))


def verify_password(env: Env, email: str, password: str) -> User | None:
    """The active account whose address and password these are, or ``None``.

    An unknown address is checked against a dummy hash and a disabled account against its
    own, so neither answers faster than a wrong password. A hash made with weaker parameters
    than the current ones is replaced after a successful check.
    """
    hasher = _hasher(env)
    with env.uow() as uow:
        found = uow.users.credentials(normalise_email(email))
        if found is None:
            hasher.verify(hasher.dummy_hash(), password)
            return None
        user, password_hash = found
        if not hasher.verify(password_hash, password) or not user.active:
            return None
        if hasher.needs_rehash(password_hash):
            uow.users.set_password_hash(user.id, hasher.hash(password))
            uow.commit()
    return user


def check_password(password: str) -> None:
    """``BadInput`` unless the password is 12 to 1024 characters long."""
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"password: at least {MIN_PASSWORD} characters, not {len(password)}")
    if len(password) > MAX_PASSWORD:
        raise BadInput(f"password: at most {MAX_PASSWORD} characters")


def require_coordinator(env: Env, actor: str, what: str) -> str:
    """The actor's address, or ``NotPermitted`` unless a coordinator of the settings."""
    actor = require_actor(actor)
    if normalise_email(actor) not in env.coordinators:
        raise NotPermitted(f"{actor} may not {what}: only a coordinator may")
    return actor


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise BadInput("name: must not be empty")
    if len(name) > MAX_NAME:
        raise BadInput(f"name: at most {MAX_NAME} characters")
    return name


def _check_role(env: Env, email: str, role: str) -> None:
    if role not in ROLES:
        raise BadInput(f"role: {role!r} is not one of {', '.join(ROLES)}")
    listed = email in env.coordinators
    if role == "coordinator" and not listed:
        raise BadInput(f"role: {email} is not among the coordinators in the settings; "
                       "add it there first, or use --role lead")
    if role == "lead" and listed:
        raise BadInput(f"role: {email} is a coordinator in the settings; use --role coordinator")


def _hasher(env: Env) -> PasswordHasher:
    if env.passwords is None:
        raise AssertionError("no password hasher wired: build the Env with config.bootstrap")
    return env.passwords
