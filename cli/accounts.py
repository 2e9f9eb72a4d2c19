"""Handlers of ``beteiligung user add`` and ``beteiligung user disable``: the local accounts
of the staff pages (coordinators only).

The new password never comes as an argument (it would stay in the shell history and the
process list): it is read from ``BETEILIGUNG_NEW_PASSWORD`` when that is set, else asked for
twice without echo.
Import rule: an entrypoint; it may import any layer.
"""

from __future__ import annotations

import argparse
import getpass
import os

from ..states.errors import BadInput
from ..workflow import accounts
from .commands import wired
from .render import lang, local, print_json

PASSWORD_VARIABLE = "BETEILIGUNG_NEW_PASSWORD"


def read_new_password() -> str:
    """The new password from the environment, or typed twice at the terminal."""
    if PASSWORD_VARIABLE in os.environ:
        return os.environ[PASSWORD_VARIABLE]
    try:
        first = getpass.getpass("New password: ")
        second = getpass.getpass("Repeat the password: ")
    except EOFError:
        raise BadInput(f"no password: set {PASSWORD_VARIABLE} or run in a terminal") from None
    if first != second:
        raise BadInput("the two passwords differ: nothing was saved")
    return first


def user_add(args: argparse.Namespace) -> int:
    env = wired()
    accounts.require_coordinator(env, args.actor, "add users")  # before asking for a password
    password = read_new_password()
    user = accounts.add_user(env, args.actor, args.email, args.name, password, args.role)
    if args.json:
        print_json({"id": user.id, "email": user.email, "role": user.role})
        return 0
    print(f"user {user.email} ({user.role}) added")
    return 0


def user_disable(args: argparse.Namespace) -> int:
    env = wired()
    user = accounts.disable_user(env, args.actor, args.email)
    if args.json:
        print_json({"id": user.id, "email": user.email,
                    "disabled_at": user.disabled_at and user.disabled_at.isoformat()})
        return 0
    print(f"user {user.email} disabled since {local(user.disabled_at, lang(args))}")
    return 0
