"""The CSRF token of a browser without a session: a random nonce signed with the server's secret.

The token is ``NONCE.SIGNATURE`` (an HMAC-SHA256 of the nonce under the secret, checked in
constant time), carried in a cookie and in every form (double submit). Because only the server
can sign, a cookie and token made up by someone else, even an equal pair that a neighbouring
host planted, do not pass. The secret is ``[web] csrf_secret``; empty (the default), a random
one per server process, so forms opened before a restart are refused once (the next page has
a fresh token) and several worker processes must share the setting.

Over HTTPS the cookie is ``__Host-btg_csrf``: a browser accepts that name only Secure, for
Path=/ and without Domain, so no other host, not even a subdomain, can set it; a plain
``btg_csrf`` cookie is then ignored. Plain HTTP (the demo on 127.0.0.1) keeps ``btg_csrf``.
Import rule: the standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PLAIN_COOKIE = "btg_csrf"
HOST_COOKIE = "__Host-btg_csrf"
MAX_TOKEN = 200


class Signer:
    """Makes and checks pre-session CSRF tokens under one secret."""

    def __init__(self, secret: str = "") -> None:
        self._key = secret.encode("utf-8") if secret else secrets.token_bytes(32)

    def new(self) -> str:
        """A fresh signed token."""
        nonce = secrets.token_urlsafe(18)
        return f"{nonce}.{self._sign(nonce)}"

    def valid(self, token: str | None) -> bool:
        """Whether ``token`` was signed with this secret."""
        if not token or len(token) > MAX_TOKEN:
            return False
        nonce, dot, signature = token.partition(".")
        return bool(nonce and dot) and hmac.compare_digest(  # bytes: any text compares
            self._sign(nonce).encode("ascii"), signature.encode("utf-8", "replace"))

    def _sign(self, nonce: str) -> str:
        mac = hmac.new(self._key, b"btg-csrf:" + nonce.encode("utf-8", "replace"), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode("ascii")


def cookie_name(https: bool) -> str:
    """The cookie's name: ``__Host-`` prefixed when the request came over HTTPS (and the
    cookie is therefore Secure)."""
    return HOST_COOKIE if https else PLAIN_COOKIE
