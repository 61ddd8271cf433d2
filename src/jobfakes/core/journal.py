"""The request journal: what each fake was asked and what it answered.

One journal per world, in SQLite: a private in-memory database for an in-memory world (one
process), and the traffic file beside a file world (`store.traffic_path`) when several workers
share one, so that any worker lists every worker's requests in the order they were answered.
Recording is a cheap append to a list; entries reach SQLite in batches (a file world's worker
writes its batch at most FLUSH_EVERY later, so a listing waits two periods, 20 ms, first).
Listings are SQL: filtered, paged by sequence number, and counted without loading everything.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from typing import Any

from jobfakes.core.journal_query import Query, count_sql, page_sql, rows_to_entries
from jobfakes.world.store import TRAFFIC_SCHEMA, Store

# (world time, method, path, query, status, fake, latency in real microseconds)
Entry = tuple[int, str, str, str, int, str | None, int]
JOURNAL_SIZE = 100_000  # entries kept: the dashboard pages through this many
_TRIM_EVERY = 1000
_MEMORY_BATCH = 1000  # an in-memory journal writes when this many wait, or when read
FLUSH_EVERY = 0.01  # seconds: how long a worker keeps its newest entries before writing them
_COLUMNS = "time, method, path, query, status, fake, latency"


class Journal:
    """Thread-safe; shared by every worker of a file world."""

    def __init__(self, size: int = JOURNAL_SIZE, path: str | None = None):
        self._size = size
        self._shared = path is not None
        self._store = Store(path, TRAFFIC_SCHEMA)
        self._lock = threading.Lock()
        self._appended = 0
        self._pending: list[Entry] = []
        self._flusher: tuple[int, threading.Thread] | None = None
        self._checked = False

    @property
    def size(self) -> int:
        """How many of the newest entries the journal keeps."""
        return self._size

    def record(
        self,
        time: int,
        method: str,
        path: str,
        query: str,
        status: int,
        fake: str | None,
        latency: int = 0,
    ) -> None:
        entry = (time, method, path, query, status, fake, latency)
        with self._lock:
            self._pending.append(entry)
            if not self._shared:
                if len(self._pending) >= _MEMORY_BATCH:
                    self._write()
                return
            # A row per request would make every request wait for SQLite's write lock; the
            # worker writes its entries in batches instead, at most FLUSH_EVERY later.
            if self._flusher is None or self._flusher[0] != os.getpid():  # new after a fork
                thread = threading.Thread(target=self._flush_forever, daemon=True)
                self._flusher = (os.getpid(), thread)
                thread.start()

    def _flush_forever(self) -> None:
        while True:
            time.sleep(FLUSH_EVERY)
            with self._lock:
                self._write()

    def _conn(self) -> Any:
        conn = self._store.conn
        if not self._checked:  # a traffic file written before the journal kept latencies
            columns = {row[1] for row in conn.execute("PRAGMA table_info(journal)")}
            if "latency" not in columns:
                with contextlib.suppress(sqlite3.OperationalError):  # another worker did
                    conn.execute(
                        "ALTER TABLE journal ADD COLUMN latency INTEGER NOT NULL DEFAULT 0"
                    )
            self._checked = True
        return conn

    def _write(self) -> None:
        """Write the pending entries (the caller holds the lock)."""
        batch, self._pending = self._pending, []
        if not batch:
            return
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT INTO journal ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", batch)
        conn.execute("COMMIT")
        self._appended += len(batch)
        if self._appended >= _TRIM_EVERY:
            self._appended = 0
            conn.execute(
                "DELETE FROM journal WHERE seq <= (SELECT max(seq) FROM journal) - ?",
                (self._size,),
            )

    def _settle(self) -> None:
        """Write what this process holds; in a shared file, let the other workers write too."""
        with self._lock:
            self._write()
        if self._shared:
            time.sleep(2 * FLUSH_EVERY)

    def entries(self, query: Query | None = None, redact: bool = False) -> list[dict[str, Any]]:
        """The entries that match `query` (all of them by default), as the control plane
        lists them: oldest first unless the query asks for the newest first."""
        query = query or Query()
        self._settle()
        sql, args = page_sql(query, self._size)
        with self._lock:
            rows = self._conn().execute(sql, args).fetchall()
        return rows_to_entries(rows, redact)

    def count(self, query: Query | None = None) -> int:
        """How many entries match `query`'s filters (paging aside)."""
        sql, args = count_sql(query or Query(), self._size)
        with self._lock:
            return int(self._conn().execute(sql, args).fetchone()[0])

    def select(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        """Rows of a read-only statement over the `journal` table (for summaries)."""
        self._settle()
        with self._lock:
            return list(self._conn().execute(sql, args).fetchall())

    def clear(self) -> None:
        with self._lock:
            self._pending = []
            self._conn().execute("DELETE FROM journal")
