"""The request journal: what each fake was asked and what it answered (per process)."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any


class Journal:
    def __init__(self, size: int = 10_000):
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._lock = threading.Lock()

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
