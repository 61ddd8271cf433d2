"""The request journal: what each fake was asked and what it answered.

One journal per world: in memory for an in-memory world (one process), and in the world's
SQLite file when several workers share one, so that any worker lists every worker's requests
in the order they were answered.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from jobfakes.world.store import Store
from jobfakes.world.times import iso_utc

# (world time, method, path, query, status, fake)
Entry = tuple[int, str, str, str, int, str | None]
_TRIM_EVERY = 1000


class Journal:
    """Recording is a cheap append; entries are formatted only when someone reads them."""

    def __init__(self, size: int = 10_000, path: str | None = None):
        self._size = size
        self._entries: deque[Entry] = deque(maxlen=size)
        # A file world: a connection of the journal's own, so that an append never joins
        # (or waits for) a world write that another thread of this process has open.
        self._store = Store(path) if path and path != ":memory:" else None
        self._lock = threading.Lock()
        self._appended = 0

    def record(
        self, time: int, method: str, path: str, query: str, status: int, fake: str | None
    ) -> None:
        entry = (time, method, path, query, status, fake)
        with self._lock:
            if self._store is None:
                self._entries.append(entry)
                return
            conn = self._store.conn
            conn.execute(
                "INSERT INTO journal (time, method, path, query, status, fake)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                entry,
            )
            self._appended += 1
            if self._appended % _TRIM_EVERY == 0:
                conn.execute(
                    "DELETE FROM journal WHERE seq <= (SELECT max(seq) FROM journal) - ?",
                    (self._size,),
                )

    def _all(self) -> list[Entry]:
        with self._lock:
            if self._store is None:
                return list(self._entries)
            rows = self._store.conn.execute(
                "SELECT time, method, path, query, status, fake FROM journal"
                " ORDER BY seq DESC LIMIT ?",
                (self._size,),
            ).fetchall()
        return rows[::-1]

    def entries(self) -> list[dict[str, Any]]:
        return [
            {
                "time": iso_utc(time),
                "method": method,
                "path": path,
                "query": query,
                "status": status,
                "fake": fake,
            }
            for time, method, path, query, status, fake in self._all()
        ]

    def clear(self) -> None:
        with self._lock:
            if self._store is None:
                self._entries.clear()
            else:
                self._store.conn.execute("DELETE FROM journal")
