"""Rate-limit counts kept in the SQLite traffic file of a world: a `limits` storage, so that
the workers of one `serve` count every hit exactly without a Redis server (with `--redis-url`,
Redis does this instead).

Each hit is one atomic upsert, so two workers never both take the last slot of a window.
Expiry is the storage's own housekeeping in real seconds, as in `limits`' memory storage; the
windows themselves are world-time windows, chosen by the `Limiter`.
"""

from __future__ import annotations

import threading
import time

from limits.storage import Storage

from jobfakes.world.store import TRAFFIC_SCHEMA, Store

_SCHEME = "jobfakes+sqlite"


class SharedCounts(Storage):
    """`limits` storage on SQLite (`jobfakes+sqlite:///path/to/world.sqlite`)."""

    STORAGE_SCHEME = [_SCHEME]  # noqa: RUF012  (limits declares it an instance variable)

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: float | str | bool):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._store = Store(uri.split("://", 1)[1], TRAFFIC_SCHEMA)
        self._lock = threading.Lock()  # one statement at a time on this process's connection

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        import sqlite3

        return sqlite3.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._lock:  # fetchall: a RETURNING statement commits once it has run to its end
            rows = self._store.conn.execute(
                "INSERT INTO counts VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                " n = CASE WHEN expires <= ? THEN excluded.n ELSE n + excluded.n END,"
                " expires = CASE WHEN expires <= ? THEN excluded.expires ELSE expires END"
                " RETURNING n",
                (key, amount, now + expiry, now, now),
            ).fetchall()
        return int(rows[0][0])

    def get(self, key: str) -> int:
        with self._lock:
            row = self._store.conn.execute(
                "SELECT n FROM counts WHERE key = ? AND expires > ?", (key, time.time())
            ).fetchone()
        return 0 if row is None else int(row[0])

    def get_expiry(self, key: str) -> float:
        with self._lock:
            row = self._store.conn.execute(
                "SELECT expires FROM counts WHERE key = ?", (key,)
            ).fetchone()
        return time.time() if row is None else float(row[0])

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            return int(self._store.conn.execute("DELETE FROM counts").rowcount)

    def clear(self, key: str) -> None:
        with self._lock:
            self._store.conn.execute("DELETE FROM counts WHERE key = ?", (key,))
