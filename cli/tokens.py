"""Handlers of ``beteiligung token create`` and ``beteiligung token revoke``: the personal
tokens of the JSON API (``Authorization: Bearer <token>``).

The secret is printed once, on standard output alone (so ``$(beteiligung token create ...)``
captures it); only its hash is stored, so it cannot be shown again.
Import rule: an entrypoint; it may import any layer.
"""

from __future__ import annotations

import argparse
import sys

from ..workflow import sessions
from .commands import wired
from .render import print_json


def token_create(args: argparse.Namespace) -> int:
    secret = sessions.create_api_token(wired(), args.actor, args.email, args.label, args.days)
    if args.json:
        print_json({"email": args.email.strip().lower(), "label": args.label.strip(),
                    "days": args.days, "token": secret})
    else:
        print(secret)
    print(f"token for {args.email.strip().lower()} ({args.label.strip()}): shown only this "
          "once; keep it like a password", file=sys.stderr)
    return 0


def token_revoke(args: argparse.Namespace) -> int:
    count = sessions.revoke_api_tokens(wired(), args.actor, args.email)
    if args.json:
        print_json({"email": args.email.strip().lower(), "revoked": count})
        return 0
    print(f"{count} token(s) and session(s) of {args.email.strip().lower()} revoked")
    return 0
