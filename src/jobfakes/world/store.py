"""SQLite storage of one world: ads (newest state), feed events, pending steps, meta."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ads (
    uuid TEXT PRIMARY KEY, status TEXT NOT NULL, feed_status TEXT NOT NULL,
    updated INTEGER NOT NULL, expires INTEGER, doc BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL, ad_uuid TEXT NOT NULL,
    time INTEGER NOT NULL, status TEXT NOT NULL, title TEXT NOT NULL,
    business_name TEXT NOT NULL, municipal TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending (
    time INTEGER NOT NULL, ord INTEGER NOT NULL, kind TEXT NOT NULL, ad_uuid TEXT NOT NULL,
    event_id TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (time, ord)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS revoked (fake TEXT NOT NULL, token TEXT NOT NULL,
    PRIMARY KEY (fake, token)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (ns, key)) WITHOUT ROWID;
"""
# `entries`: settings that the control plane changes (keys, accounts), shared by every process
# of a world. A world image replaces the database whole, so the schema is made again after.

# The traffic of a world served by several processes: the request journal and rate-limit
# counts. They change on every request, so they live in a file of their own beside the world's
# (`traffic_path`): a commit to the world's file tells every worker to drop its caches.
TRAFFIC_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, time INTEGER NOT NULL,
    method TEXT NOT NULL, path TEXT NOT NULL, query TEXT NOT NULL, status INTEGER NOT NULL,
    fake TEXT, latency INTEGER NOT NULL DEFAULT 0, fault TEXT, at REAL,
    bytes INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS counts (key TEXT PRIMARY KEY, n INTEGER NOT NULL,
    expires REAL NOT NULL) WITHOUT ROWID;
"""


def traffic_path(world_path: str) -> str | None:
    """Where the journal and counts of a file world live; None for an in-memory world."""
    return None if world_path == ":memory:" else f"{world_path}-traffic"


_EVENT_INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS events_by_id ON events (id)",
    "CREATE INDEX IF NOT EXISTS events_by_time ON events (time, seq)",
)
SCHEMA += "".join(f"{sql};\n" for sql in _EVENT_INDEXES)

EventRow = tuple[int, str, str, int, str, str, str, str]  # seq, id, ad, time, status, t, b, m
_EVENT_COLUMNS = "seq, id, ad_uuid, time, status, title, business_name, municipal"


class Store:
    """One SQLite database. A file database is reopened after a fork, so that gunicorn workers
    share it; an in-memory one is inherited whole by its single worker."""

    def __init__(self, path: str | None = None, schema: str = SCHEMA):
        self.path = path or ":memory:"
        self.schema = schema
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._opening = threading.Lock()
        self.opened = 0  # connections opened so far: a new one has seen no data_version yet

    @property
    def conn(self) -> sqlite3.Connection:
        conn = self._conn
        if conn is None or (self._pid != os.getpid() and self.path != ":memory:"):
            with self._opening:  # the first threads of a new worker must share one connection
                if self._conn is None or (self._pid != os.getpid() and self.path != ":memory:"):
                    self._conn = self._open()
                    self._pid = os.getpid()
                    self.opened += 1
                conn = self._conn
        return conn

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        # Ads are 2-4 kB of JSON: in 16 kB pages they stay in their pages instead of spilling
        # into half-empty overflow pages (a third less memory). Applies to new databases only.
        conn.execute("PRAGMA page_size=16384")
        if self.path == ":memory:":
            conn.execute("PRAGMA journal_mode=MEMORY")
        else:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.executescript(self.schema)
        return conn

    def data_version(self) -> tuple[int, int]:
        """Changes when another connection (another worker) has committed, or when this
        process opened a new connection (after a fork: what it saw before tells nothing)."""
        value = int(self.conn.execute("PRAGMA data_version").fetchone()[0])
        return self.opened, value

    def begin_write(self, patience: float = 30.0) -> None:
        """BEGIN IMMEDIATE, waiting for other writers. SQLite's busy timeout covers most waits,
        but not this connection's own read that another thread of this process has open on a
        snapshot another worker has since changed: that one fails at once, so try again."""
        deadline = time.monotonic() + patience
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.002)

    # ---- entries: small shared settings by namespace ---------------------------------------
    def entries(self, ns: str) -> dict[str, str]:
        rows = self.conn.execute("SELECT key, value FROM entries WHERE ns = ?", (ns,)).fetchall()
        return {str(k): str(v) for k, v in rows}

    def entry(self, ns: str, key: str) -> str | None:
        row = self.conn.execute(
            "SELECT value FROM entries WHERE ns = ? AND key = ?", (ns, key)
        ).fetchone()
        return None if row is None else str(row[0])

    def put_entry(self, ns: str, key: str, value: str, replace: bool = True) -> None:
        verb = "REPLACE" if replace else "IGNORE"
        self.conn.execute(f"INSERT OR {verb} INTO entries VALUES (?, ?, ?)", (ns, key, value))

    def clear_entries(self, ns: str) -> None:
        self.conn.execute("DELETE FROM entries WHERE ns = ?", (ns,))

    # ---- meta ---------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # ---- writes -------------------------------------------------------------------------
    def put_ads(self, rows: Iterable[tuple[str, str, str, int, int | None, bytes]]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO ads VALUES (?, ?, ?, ?, ?, ?)", rows)

    def add_events(self, rows: Iterable[tuple[str, str, int, str, str, str, str]]) -> None:
        self.conn.executemany(
            "INSERT INTO events (id, ad_uuid, time, status, title, business_name, municipal)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def add_pending(self, rows: Iterable[tuple[int, int, str, str, str, bytes]]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO pending VALUES (?, ?, ?, ?, ?, ?)", rows)

    def take_pending(self, until: int, limit: int) -> list[tuple[int, int, str, str, str, bytes]]:
        rows = self.conn.execute(
            "SELECT time, ord, kind, ad_uuid, event_id, data FROM pending WHERE time <= ?"
            " ORDER BY time, ord LIMIT ?",
            (until, limit),
        ).fetchall()
        if rows:
            self.conn.executemany(
                "DELETE FROM pending WHERE time = ? AND ord = ?", [(r[0], r[1]) for r in rows]
            )
        return rows

    def next_pending_time(self) -> int | None:
        row = self.conn.execute("SELECT min(time) FROM pending").fetchone()
        return None if row[0] is None else int(row[0])

    # ---- building a history in bulk -------------------------------------------------------
    # Events arrive in chunks, in no global order. They are staged as they come, then sorted
    # by SQLite and indexed once: several times faster than keeping two indexes up row by row.
    def begin_bulk(self) -> None:
        self.conn.execute("DROP INDEX IF EXISTS events_by_id")
        self.conn.execute("DROP INDEX IF EXISTS events_by_time")
        self.conn.execute(
            "CREATE TABLE staged_events (time INTEGER, ord INTEGER, id TEXT, ad_uuid TEXT,"
            " status TEXT, title TEXT, business_name TEXT, municipal TEXT)"
        )

    def stage_events(self, rows: Iterable[tuple[int, int, str, str, str, str, str, str]]) -> None:
        """(time, order, id, ad uuid, status, title, businessName, municipal) rows."""
        self.conn.executemany("INSERT INTO staged_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def end_bulk(self) -> None:
        """Append the staged events in the feed's order: by time, ties by plan order."""
        self.conn.execute(
            "INSERT INTO events (id, ad_uuid, time, status, title, business_name, municipal)"
            " SELECT id, ad_uuid, time, status, title, business_name, municipal"
            " FROM staged_events ORDER BY time, ord"
        )
        self.conn.execute("DROP TABLE staged_events")
        for sql in _EVENT_INDEXES:
            self.conn.execute(sql)

    # ---- reads --------------------------------------------------------------------------
    def ad_doc(self, uuid: str) -> bytes | None:
        row = self.conn.execute("SELECT doc FROM ads WHERE uuid = ?", (uuid,)).fetchone()
        return None if row is None else bytes(row[0])

    def ad_docs(self, uuids: Sequence[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(uuids), 500):
            chunk = uuids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for uid, doc in self.conn.execute(
                f"SELECT uuid, doc FROM ads WHERE uuid IN ({marks})", chunk
            ):
                found[uid] = bytes(doc)
        return found

    def ground_truth(self, feed_status: str | None) -> list[tuple[str, str, int, int | None]]:
        sql = "SELECT uuid, feed_status, updated, expires FROM ads"
        if feed_status:
            return self.conn.execute(
                sql + " WHERE feed_status = ? ORDER BY uuid", (feed_status,)
            ).fetchall()
        return self.conn.execute(sql + " ORDER BY uuid").fetchall()

    def ad_fields(self, paths: Sequence[str], feed_status: str, alive_at: int) -> list[Any]:
        """(uuid, updated, JSON array of the values at `paths`) of every ad with this feed
        status that has not expired at `alive_at`: a light listing, extracted by SQLite with
        one parse of each ad."""
        marks = ", ".join("?" * len(paths))
        return self.conn.execute(
            f"SELECT uuid, updated, json_extract(CAST(doc AS TEXT), {marks}) FROM ads"
            " WHERE feed_status = ? AND (expires IS NULL OR expires > ?)",
            (*paths, feed_status, alive_at),
        ).fetchall()

    def event(self, event_id: str) -> EventRow | None:
        row: Any = self.conn.execute(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?", (event_id,)
        ).fetchone()
        return row  # type: ignore[no-any-return]

    def events_after(self, seq: int, limit: int, since: int | None) -> list[EventRow]:
        if since is None:
            return self.conn.execute(
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                (seq, limit),
            ).fetchall()
        return self.conn.execute(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE seq > ? AND time >= ? ORDER BY seq LIMIT ?",
            (seq, since, limit),
        ).fetchall()

    def first_event_id(self, after_time: int | None) -> str | None:
        if after_time is None:
            row = self.conn.execute("SELECT id FROM events ORDER BY seq LIMIT 1").fetchone()
        else:
            row = self.conn.execute(
                "SELECT id FROM events WHERE time > ? ORDER BY seq LIMIT 1", (after_time,)
            ).fetchone()
        return None if row is None else str(row[0])

    def last_event_id(self) -> str | None:
        row = self.conn.execute("SELECT id FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def event_id_at(self, seq: int) -> str | None:
        """The id of the event at a sequence number (None when there is none)."""
        row = self.conn.execute("SELECT id FROM events WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else str(row[0])

    def ads_changed_after(self, seq: int) -> list[str]:
        """Uuids of the ads that events after `seq` changed (for indexes that follow the world)."""
        rows = self.conn.execute(
            "SELECT DISTINCT ad_uuid FROM events WHERE seq > ?", (seq,)
        ).fetchall()
        return [str(row[0]) for row in rows]

    def is_revoked(self, fake: str, token: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM revoked WHERE fake = ? AND token = ?", (fake, token)
        ).fetchone()
        return row is not None

    def revoke(self, fake: str, token: str) -> None:
        self.conn.execute("INSERT OR IGNORE INTO revoked VALUES (?, ?)", (fake, token))

    # ---- snapshots ----------------------------------------------------------------------
    def load(self, image: bytes) -> None:
        """Replace the whole database with a serialized one (`sqlite3.Connection.serialize`)."""
        if self.path == ":memory:":
            self.conn.deserialize(image)
            self.conn.execute("PRAGMA journal_mode=MEMORY")
            self.conn.executescript(self.schema)
            return
        source = sqlite3.connect(":memory:")
        source.deserialize(image)
        source.backup(self.conn)
        source.close()
        self.conn.executescript(self.schema)

    def snapshot(self) -> sqlite3.Connection:
        """A copy of the whole database in memory, to return to with `restore`."""
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        self.conn.backup(copy)
        return copy

    def restore(self, copy: sqlite3.Connection) -> None:
        copy.backup(self.conn)
