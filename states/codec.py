"""Turn the domain dataclasses into JSON-ready dicts and back.

Storage keeps the case's nested parts as one JSON document and the CLI prints the same shape
with ``--json``. Datetimes become ISO 8601 strings in UTC, dates ISO dates.
Import rule: standard library only.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def to_plain(value: Any) -> Any:
    """A JSON-compatible copy of a dataclass tree (dicts, lists, strings, numbers)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def from_plain(cls: type[T], data: Any) -> T:
    """Rebuild an instance of ``cls`` from what :func:`to_plain` produced."""
    # as a plain ``type`` mypy sees it is hashable (for ``type[T]`` it checks ``T``'s
    # instance ``__hash__`` against ``Hashable`` and finds it unbound)
    key: type = cls
    return _converter(key)(data)


Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


@cache
def _converter(tp: Any) -> Converter:
    """A function that rebuilds values of type ``tp``; built once per type (loading a case
    is on the path of every step, so the type analysis must not be repeated per value)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = _converter(next(a for a in typing.get_args(tp) if a is not type(None)))
        return lambda v: None if v is None else inner(v)
    if origin is list:
        item = _converter(typing.get_args(tp)[0])
        return (lambda v: list(v)) if item is _identity else (lambda v: [item(x) for x in v])
    if origin is dict:
        item = _converter(typing.get_args(tp)[1])
        return lambda v: {k: item(x) for k, x in v.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_converter(tp)
    if tp is datetime:
        return lambda v: v if isinstance(v, datetime) else parse_datetime(v)
    if tp is date:
        return lambda v: v if isinstance(v, date) else date.fromisoformat(v)
    return _identity


def _dataclass_converter(cls: type) -> Converter:
    hints = typing.get_type_hints(cls)
    fields = {f.name: _converter(hints[f.name]) for f in dataclasses.fields(cls)}

    def convert(data: Any) -> Any:
        if data is None:
            return None
        return cls(**{k: (None if v is None else fields[k](v)) for k, v in data.items()
                      if k in fields})

    return convert


def parse_datetime(text: str) -> datetime:
    """An aware UTC datetime from an ISO string; a naive string is taken as UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
