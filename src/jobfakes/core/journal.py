"""The request journal: what each fake was asked and what it answered.

One journal per world: in memory for an in-memory world (one process), and in the SQLite
traffic file beside a file world (`store.traffic_path`) when several workers share one, so
that any worker lists every worker's requests in the order they were answered (each worker
writes its entries in batches, so a listing waits two batch periods, 20 ms, first).
"""

from __future__ import annotations

import os
import threading
import time
import time as _time
from collections import deque
from typing import Any

from jobfakes.world.store import TRAFFIC_SCHEMA, Store
from jobfakes.world.times import iso_utc

# (world time, method, path, query, status, fake, ids of the faults the request took, real
# time of the answer: call verification checks waits such as Retry-After in real seconds)
Entry = tuple[int, str, str, str, int, str | None, str | None, float]
_TRIM_EVERY = 1000
FLUSH_EVERY = 0.01  # seconds: how long a worker keeps its newest entries before writing them


class Journal:
    """Recording is a cheap append; entries are formatted only when someone reads them."""

    def __init__(self, size: int = 10_000, path: str | None = None):
        self._size = size
        self._entries: deque[Entry] = deque(maxlen=size)
        self._store = Store(path, TRAFFIC_SCHEMA) if path else None
        self._lock = threading.Lock()
        self._appended = 0
        self._pending: list[Entry] = []
        self._flusher: tuple[int, threading.Thread] | None = None

    def record(
        self,
        time: int,
        method: str,
        path: str,
        query: str,
        status: int,
        fake: str | None,
        fault: str | None = None,
    ) -> None:
        entry = (time, method, path, query, status, fake, fault, _time.time())
        with self._lock:
            if self._store is None:
                self._entries.append(entry)
                return
            # A row per request would make every request wait for SQLite's write lock; the
            # worker writes its entries in batches instead, at most FLUSH_EVERY later.
            self._pending.append(entry)
            if self._flusher is None or self._flusher[0] != os.getpid():  # new after a fork
                thread = threading.Thread(target=self._flush_forever, daemon=True)
                self._flusher = (os.getpid(), thread)
                thread.start()

    def _flush_forever(self) -> None:
        while True:
            time.sleep(FLUSH_EVERY)
            self._flush()

    def _flush(self) -> None:
        assert self._store is not None
        with self._lock:
            batch, self._pending = self._pending, []
            if not batch:
                return
            conn = self._store.conn
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO journal (time, method, path, query, status, fake, fault, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
            conn.execute("COMMIT")
            self._appended += len(batch)
            if self._appended >= _TRIM_EVERY:
                self._appended = 0
                conn.execute(
                    "DELETE FROM journal WHERE seq <= (SELECT max(seq) FROM journal) - ?",
                    (self._size,),
                )

    def _all(self) -> list[Entry]:
        if self._store is not None:  # every worker has written what it had by then
            self._flush()
            time.sleep(2 * FLUSH_EVERY)
        with self._lock:
            if self._store is None:
                return list(self._entries)
            rows = self._store.conn.execute(
                "SELECT time, method, path, query, status, fake, fault, at FROM journal"
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
                "fault": fault,
                "at": round(at, 6),
            }
            for time, method, path, query, status, fake, fault, at in self._all()
        ]

    def clear(self) -> None:
        with self._lock:
            if self._store is None:
                self._entries.clear()
            else:
                self._pending = []
                self._store.conn.execute("DELETE FROM journal")
