"""Rate-limit windows on the world's clock, counted by the `limits` library.

`limits` keeps the counts (in memory, or in Redis so that several server processes share
them); which window a hit falls in is decided here from world time, so a test can move the
clock instead of sleeping. A window is a fixed period (`5/minute`) or a calendar month of
world time (`100/month`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jobfakes.world.times import US, from_datetime, to_datetime

if TYPE_CHECKING:  # `limits` is imported on first use: it costs a server's start ~50 ms
    from limits import RateLimitItem
    from limits.storage import Storage

_MONTH = "month"
_SHARED = "jobfakes+sqlite"


@dataclass(frozen=True)
class Verdict:
    """The outcome of one hit: allowed or not, the remaining count, and world seconds until
    the window ends (the `Retry-After` of a refusal)."""

    allowed: bool
    remaining: int
    reset_after: int


def parse_rate(text: str) -> RateLimitItem:
    """`4/second`, `30/minute`, `100/month` (limits' notation); ValueError when malformed."""
    from limits import parse

    try:
        return parse(text)
    except ValueError:
        raise ValueError(f"not a rate such as '30/minute': {text!r}") from None


def _window(item: RateLimitItem, now: int) -> tuple[str, int]:
    """(window id, world microseconds at which it ends)."""
    if item.GRANULARITY.name == _MONTH:
        moment = to_datetime(now)
        year, month = divmod(moment.year * 12 + moment.month, 12)
        ends = from_datetime(
            moment.replace(
                year=year, month=month + 1, day=1, hour=0, minute=0, second=0, microsecond=0
            )
        )
        return f"{moment.year:04d}-{moment.month:02d}", ends
    period = item.get_expiry() * US
    index = now // period
    return str(index), (index + 1) * period


def _holder(rate: RateLimitItem) -> RateLimitItem:
    """The item `limits` stores the count under. Its real-time expiry outlasts the window by a
    day at least, because a frozen world clock keeps a window open for as long as it likes."""
    from limits import RateLimitItemPerDay

    days = 32 if rate.GRANULARITY.name == _MONTH else -(-rate.get_expiry() // 86_400) + 1
    return RateLimitItemPerDay(rate.amount, days)


class Limiter:
    """Counts hits per (name, key) in world-time windows. Thread-safe."""

    def __init__(self, storage_uri: str | None = None, shared_file: str | None = None):
        """Counts in `storage_uri` (Redis), else in the SQLite file that several processes of
        one world share (`shared_file`), else in this process's memory."""
        shared = f"{_SHARED}://{shared_file}" if shared_file else None
        self.uri = storage_uri or shared or "memory://"
        if not self.uri.startswith(("memory://", "redis://", "rediss://", "redis+", _SHARED)):
            raise ValueError(f"rate-limit storage: memory:// or a redis:// URL, not {self.uri!r}")
        self._storage: Storage | None = None
        self._lock = threading.Lock()

    @property
    def storage(self) -> Storage:
        with self._lock:  # Redis clients are made lazily: after gunicorn has forked
            if self._storage is None:
                from limits.storage import Storage, storage_from_string

                if self.uri.startswith(_SHARED):
                    import jobfakes.core.counts  # noqa: F401  (registers its scheme)

                storage = storage_from_string(self.uri)
                assert isinstance(storage, Storage)  # not one of limits' asyncio storages
                self._storage = storage
            return self._storage

    def hit(self, name: str, key: str, rate: RateLimitItem, now: int, cost: int = 1) -> Verdict:
        """Count `cost` against `rate` for `key`; refused hits count too, as upstreams do."""
        window, ends = _window(rate, now)
        from limits.strategies import FixedWindowRateLimiter

        holder = _holder(rate)
        limiter = FixedWindowRateLimiter(self.storage)
        allowed = limiter.hit(holder, "jobfakes", name, key, window, cost=cost)
        used = self.storage.get(holder.key_for("jobfakes", name, key, window))
        return Verdict(allowed, max(0, rate.amount - used), max(1, -(-(ends - now) // US)))

    def peek(self, name: str, key: str, rate: RateLimitItem, now: int) -> int:
        """Hits counted so far in the current window."""
        window, _ = _window(rate, now)
        return int(self.storage.get(_holder(rate).key_for("jobfakes", name, key, window)))

    def reset(self) -> None:
        """Forget every count (the control plane's reset)."""
        self.storage.reset()
