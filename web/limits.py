"""Rate limits (the public form, failed sign-ins): a sliding window per key, in memory.

``SlidingWindow`` implements ``workflow.participation.Limiter``; it keeps, per key, the times
of the events it counted within the last window, on the injected clock (``env.clock``, so
tests move time by hand). ``admit`` counts an event if there is room (suggestions);
``full`` and ``record`` let a caller count only some events (failed sign-ins). A restart
forgets every count, which is acceptable for a spam brake; several worker processes each
count on their own (run one, or put a limit at the proxy as well). ``client_key`` is the
address the limit is counted for.
Import rule: ``states``, ``config``, the standard library and Starlette.
"""

from __future__ import annotations

import ipaddress
import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi import Request

from ..config.settings import WebSettings

# Keys without a submission inside the window are dropped once this many keys are held.
SWEEP_AT = 10_000


class SlidingWindow:
    """At most ``limit`` admissions per key within any ``window``."""

    def __init__(self, limit: int, clock: Callable[[], datetime],
                 window: timedelta = timedelta(hours=1)) -> None:
        self.limit, self.clock, self.window = limit, clock, window
        self._seen: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def admit(self, key: str) -> bool:
        """Count one submission for ``key``, unless it has had ``limit`` within the window."""
        with self._lock:
            if self._full(key):
                return False
            self._record(key)
            return True

    def full(self, key: str) -> bool:
        """Whether ``key`` has had ``limit`` events within the window (nothing is counted)."""
        with self._lock:
            return self._full(key)

    def record(self, key: str) -> None:
        """Count one event for ``key``, room or not."""
        with self._lock:
            self._record(key)

    def _full(self, key: str) -> bool:
        times = self._seen.get(key)
        if not times:
            return False
        _expire(times, self.clock() - self.window)
        return len(times) >= self.limit

    def _record(self, key: str) -> None:
        now = self.clock()
        self._seen.setdefault(key, deque()).append(now)
        if len(self._seen) > SWEEP_AT:
            self._sweep(now - self.window)

    def _sweep(self, since: datetime) -> None:
        for key in list(self._seen):
            _expire(self._seen[key], since)
            if not self._seen[key]:
                del self._seen[key]


def _expire(times: deque[datetime], since: datetime) -> None:
    while times and times[0] <= since:
        times.popleft()


def client_key(request: Request, web: WebSettings) -> str:
    """The client's address; behind one of ``trusted_proxies``, the last address in
    ``X-Forwarded-For`` (all its lines) that is not itself a trusted proxy (what the proxy
    saw); an IPv6 address counts as its /64."""
    peer = request.client.host if request.client else ""
    proxies = {p.strip() for p in web.trusted_proxies.split(",") if p.strip()}
    if peer not in proxies:
        return _network(peer)
    lines = ",".join(request.headers.getlist("x-forwarded-for"))  # every line, the proxy's last
    for address in reversed([a.strip() for a in lines.split(",")]):
        if address and address not in proxies:
            return _network(address)
    return _network(peer)


def _network(address: str) -> str:
    """An IPv6 address stands for its /64 (one household gets a whole /64 to rotate in)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return address
