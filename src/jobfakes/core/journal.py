"""The request journal: what each fake was asked and what it answered.

One journal per world, in SQLite: a private in-memory database for an in-memory world (one
process), and the traffic file beside a file world (`store.traffic_path`) when several workers
share one, so that any worker lists every worker's requests in the order they were answered.
Recording is a cheap append. An in-memory journal writes its entries to SQLite when it is read
(serving pays the append only); in a shared file a thread of each worker writes them in batches
at most FLUSH_EVERY later, and a listing waits two periods, 20 ms, for the others' batches.
Listings are SQL: filtered, paged by sequence number, and counted without loading everything.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections import Counter, deque
from time import time as real_time
from typing import Any

from jobfakes.core.journal_query import Query, count_sql, page_sql, rows_to_entries
from jobfakes.world.store import TRAFFIC_SCHEMA, Store
from jobfakes.world.times import US

# (world time, method, path, query, status, fake, latency in real microseconds, ids of the
# faults the request took, body bytes sent (what a consumer's download cost), real time of the
# answer: call verification checks waits such as Retry-After in real seconds)
Entry = tuple[int, str, str, str, int, str | None, int, str | None, int, float]
JOURNAL_SIZE = 100_000  # entries kept: the dashboard pages through this many
MINUTE = 60 * US  # the journal's counts per fake and status class are kept per world minute
COUNTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal_counts (fake TEXT NOT NULL, minute INTEGER NOT NULL,
    class INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (fake, minute, class)) WITHOUT ROWID;
"""
FLUSH_EVERY = 0.01  # seconds: how long a worker keeps its newest entries before writing them
_COLUMNS = "time, method, path, query, status, fake, latency, fault, bytes, at"
# columns a traffic file of an older version lacks
_ADDED_COLUMNS = {"latency": "INTEGER NOT NULL DEFAULT 0", "fault": "TEXT", "at": "REAL",
                  "bytes": "INTEGER NOT NULL DEFAULT 0"}  # fmt: skip


class Journal:
    """Thread-safe; shared by every worker of a file world."""

    def __init__(self, size: int = JOURNAL_SIZE, path: str | None = None):
        self._size = size
        self._shared = path is not None
        self._store = Store(path, TRAFFIC_SCHEMA)
        self._lock = threading.Lock()
        self._pending: deque[Entry] = deque(maxlen=size)  # older ones would be trimmed anyway
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
        fault: str | None = None,
        size: int = 0,
    ) -> None:
        self._keep((time, method, path, query, status, fake, latency, fault, size, real_time()))

    def _keep(self, entry: Entry) -> None:
        with self._lock:
            self._pending.append(entry)
            if not self._shared:  # written when someone reads: serving pays an append only
                return
            # A row per request would make every request wait for SQLite's write lock; the
            # worker's thread writes its entries in batches instead, at most FLUSH_EVERY later.
            self._ensure_flusher()

    def _ensure_flusher(self) -> None:
        if self._flusher is None or self._flusher[0] != os.getpid():  # new after a fork
            thread = threading.Thread(target=self._flush_forever, daemon=True)
            self._flusher = (os.getpid(), thread)
            thread.start()

    def _flush_forever(self) -> None:
        while True:
            time.sleep(FLUSH_EVERY)
            self._flush()

    def _flush(self) -> None:
        with self._lock:
            self._write()

    def _conn(self) -> Any:
        conn = self._store.conn
        if not self._checked:  # a traffic file written before the journal kept latencies
            conn.executescript(COUNTS_SCHEMA)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(journal)")}
            for name, kind in _ADDED_COLUMNS.items():
                if name not in columns:
                    with contextlib.suppress(sqlite3.OperationalError):  # another worker did
                        conn.execute(f"ALTER TABLE journal ADD COLUMN {name} {kind}")
            self._checked = True
        return conn

    def _write(self) -> None:
        """Write the pending entries (the caller holds the lock)."""
        batch = list(self._pending)
        self._pending.clear()
        if not batch:
            return
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                f"INSERT INTO journal ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch
            )
            added = Counter((e[5] or "", e[0] // MINUTE, e[4] // 100) for e in batch)
            self._count(conn, added, 1)
            # Keep exactly the newest `size` entries, and their counts with them.
            cut = conn.execute("SELECT max(seq) - ? FROM journal", (self._size,)).fetchone()[0]
            if cut is not None and cut > 0:
                gone = conn.execute(
                    "SELECT coalesce(fake, ''), time / ?, status / 100, count(*) FROM journal"
                    " WHERE seq <= ? GROUP BY 1, 2, 3",
                    (MINUTE, cut),
                ).fetchall()
                self._count(conn, Counter({(f, m, c): n for f, m, c, n in gone}), -1)
                conn.execute("DELETE FROM journal WHERE seq <= ?", (cut,))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @staticmethod
    def _count(conn: Any, counts: Counter[tuple[str, int, int]], sign: int) -> None:
        conn.executemany(
            "INSERT INTO journal_counts VALUES (?, ?, ?, ?) ON CONFLICT (fake, minute, class)"
            " DO UPDATE SET n = n + excluded.n",
            [(f, m, c, sign * n) for (f, m, c), n in counts.items()],
        )
        if sign < 0:
            conn.execute("DELETE FROM journal_counts WHERE n <= 0")

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
        sql, args = page_sql(query)
        with self._lock:
            rows = self._conn().execute(sql, args).fetchall()
        return rows_to_entries(rows, redact)

    def count(self, query: Query | None = None) -> int:
        """How many entries match `query`'s filters (paging aside); call after `entries`."""
        sql, args = count_sql(query or Query())
        with self._lock:
            return int(self._conn().execute(sql, args).fetchone()[0])

    def select(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        """Rows of a read-only statement over the `journal` table (for summaries)."""
        self._settle()
        with self._lock:
            return list(self._conn().execute(sql, args).fetchall())

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
            self._empty_table()

    def _empty_table(self) -> None:
        """No entries and no counts (the caller holds the lock)."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM journal")
        conn.execute("DELETE FROM journal_counts")
        conn.execute("COMMIT")
