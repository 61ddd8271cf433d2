"""A small cache that empties itself whenever the world changes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class VersionedCache(Generic[T]):
    """Values computed for one world version; a new version starts an empty cache."""

    def __init__(self, size: int = 4096):
        self._size = size
        self._version = -1
        self._values: dict[Hashable, T] = {}
        self._lock = threading.Lock()

    def get(self, version: int, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if version != self._version:
                self._values, self._version = {}, version
            if key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            if version == self._version:
                if len(self._values) >= self._size:
                    self._values.clear()
                self._values[key] = value
        return value
