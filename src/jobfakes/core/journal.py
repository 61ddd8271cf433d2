"""The request journal: what each fake was asked and what it answered (per process)."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from jobfakes.world.times import iso_utc

# (world time, method, path, query, status, fake)
Entry = tuple[int, str, str, str, int, str | None]


class Journal:
    """Recording is a cheap append; entries are formatted only when someone reads them."""

    def __init__(self, size: int = 10_000):
        self._entries: deque[Entry] = deque(maxlen=size)
        self._lock = threading.Lock()

    def record(
        self, time: int, method: str, path: str, query: str, status: int, fake: str | None
    ) -> None:
        with self._lock:
            self._entries.append((time, method, path, query, status, fake))

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            entries = list(self._entries)
        return [
            {
                "time": iso_utc(time),
                "method": method,
                "path": path,
                "query": query,
                "status": status,
                "fake": fake,
            }
            for time, method, path, query, status, fake in entries
        ]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
