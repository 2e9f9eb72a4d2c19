"""Personal values in audit payloads: each is kept as its reference and a commitment.

A use case puts a ``privacy_port.Personal`` into its payload where a personal value goes;
``seal`` (called by ``core.save_change``, the one write path) replaces it with
``{"ref": <reference>, "c": <commitment>}`` and hands the value to the privacy store. The
commitment is the HMAC-SHA256 of the value's UTF-8 bytes under its salt (``commitment``):
whoever holds value and salt can show that the chain recorded that value, and no one can
read it from the chain. An erasure deletes value and salt and leaves every hash as it was.
``docs/privacy.md`` explains the choice.
Import rule: the standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from .privacy_port import Personal


def commitment(salt: str, value: str) -> str:
    """The HMAC-SHA256, in hex, of ``value`` (UTF-8) under the key ``salt`` (its UTF-8 text)."""
    return hmac.new(salt.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()


def sealed(item: Personal) -> dict[str, str]:
    """What the audit trail keeps of ``item``."""
    return {"ref": item.ref, "c": commitment(item.salt, item.value)}


def seal(payload: dict[str, Any]) -> tuple[dict[str, Any], list[Personal]]:
    """``payload`` with each ``Personal`` replaced by its reference and commitment, and the
    personal values found, in order."""
    found: list[Personal] = []

    def walk(value: Any) -> Any:
        if isinstance(value, Personal):
            found.append(value)
            return sealed(value)
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(item) for item in value]
        return value

    return walk(payload), found


def is_sealed(value: Any) -> bool:
    """Whether ``value`` is a sealed personal value of an audit payload."""
    return isinstance(value, dict) and set(value) == {"ref", "c"}


def sealed_refs(payload: Any) -> list[str]:
    """The references of every sealed value in ``payload``, in order."""
    if is_sealed(payload):
        return [payload["ref"]]
    if isinstance(payload, dict):
        return [ref for item in payload.values() for ref in sealed_refs(item)]
    if isinstance(payload, list):
        return [ref for item in payload for ref in sealed_refs(item)]
    return []


def resolve(payload: Any, values: dict[str, str | None]) -> Any:
    """``payload`` for staff: each sealed value as ``{"ref", "c", "value"}`` or, when it
    was erased, ``{"ref", "c", "erased": true}`` (``history``)."""
    if is_sealed(payload):
        value = values.get(payload["ref"])
        return payload | ({"erased": True} if value is None else {"value": value})
    if isinstance(payload, dict):
        return {key: resolve(item, values) for key, item in payload.items()}
    if isinstance(payload, list):
        return [resolve(item, values) for item in payload]
    return payload


def mentions_erased(payload: Any) -> bool:
    """Whether a payload as ``resolve`` shows it names an erased value."""
    if isinstance(payload, dict):
        return payload.get("erased") is True or any(mentions_erased(v) for v in payload.values())
    if isinstance(payload, list):
        return any(mentions_erased(item) for item in payload)
    return False
