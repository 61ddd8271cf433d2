"""A local SQLite mirror of the Job Vacancy Feed, kept the way the feed's docs ask.

Newest state wins (entries are fetched after the walk, so they are the newest); an ad that
turns inactive loses its contact information at once and stops being published; a stopped
ad's masked title replaces the old one.

A sync keeps its progress as it goes, so a failure loses at most the page or the batch of
entries in flight and the next sync resumes: each page is committed with the cursor after
it (an inactive line is applied at once; an active one waits in `pending` for its entry),
then the pending entries are fetched and committed in batches. Only the ads active at the
end of the walk are fetched.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson

from jobfakes.client.navfeed import FeedCursor, NavFeedClient

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ads (uuid TEXT PRIMARY KEY, status TEXT NOT NULL,
    title TEXT NOT NULL, business_name TEXT NOT NULL, changed TEXT NOT NULL, content TEXT);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending (uuid TEXT PRIMARY KEY, line TEXT NOT NULL);
"""
_BATCH = 64  # entries fetched, then committed together


class Mirror:
    """Ads as a consumer keeps them: `content` is the published ad, None once inactive."""

    def __init__(self, path: str = ":memory:"):
        self.db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self.db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    @property
    def cursor(self) -> FeedCursor:
        with self._lock:
            row = self.db.execute("SELECT value FROM state WHERE key = 'cursor'").fetchone()
        return FeedCursor.from_dict(json.loads(row[0])) if row else FeedCursor()

    def statuses(self) -> dict[str, str]:
        with self._lock:
            return dict(self.db.execute("SELECT uuid, status FROM ads"))

    def content(self, uuid: str) -> dict[str, Any] | None:
        with self._lock:
            row = self.db.execute("SELECT content FROM ads WHERE uuid = ?", (uuid,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def sync(self, client: NavFeedClient, workers: int = 8) -> int:
        """Read the feed from the saved cursor to its end and apply it, committing as it
        goes. Returns the number of ads that changed."""
        changed: set[str] = set()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            changed.update(self._fetch_pending(client, pool))  # a failed sync's leftovers
            for page in client.pages(self.cursor):
                self._commit_page(page, client.cursor)
                changed.update(line["id"] for line in page)
            changed.update(self._fetch_pending(client, pool))
        return len(changed)

    def _commit_page(self, page: list[dict[str, Any]], cursor: FeedCursor) -> None:
        with self._lock, self.db:
            for line in page:  # in feed order: later lines win
                if line["_feed_entry"]["status"] == "ACTIVE":
                    self.db.execute(
                        "INSERT OR REPLACE INTO pending VALUES (?, ?)",
                        (line["id"], orjson.dumps(line).decode()),
                    )
                else:
                    self.db.execute("DELETE FROM pending WHERE uuid = ?", (line["id"],))
                    self._apply(line, None)
            self.db.execute(
                "INSERT OR REPLACE INTO state VALUES ('cursor', ?)",
                (json.dumps(cursor.to_dict()),),
            )

    def _fetch_pending(self, client: NavFeedClient, pool: ThreadPoolExecutor) -> list[str]:
        with self._lock:
            waiting = self.db.execute("SELECT uuid, line FROM pending ORDER BY uuid").fetchall()
        for start in range(0, len(waiting), _BATCH):
            batch = waiting[start : start + _BATCH]
            entries = list(pool.map(client.entry, [uuid for uuid, _ in batch]))
            with self._lock, self.db:
                for (uuid, line), entry in zip(batch, entries, strict=True):
                    self._apply(orjson.loads(line), entry)
                    self.db.execute("DELETE FROM pending WHERE uuid = ?", (uuid,))
        return [uuid for uuid, _ in waiting]

    def _apply(self, line: dict[str, Any], entry: dict[str, Any] | None) -> None:
        meta = line["_feed_entry"]
        content = entry.get("ad_content") if entry else None
        status = (
            "ACTIVE"
            if content is not None and entry and entry["status"] == "ACTIVE"
            else "INACTIVE"
        )
        title = content["title"] if content else meta["title"]
        business = meta["businessName"]
        # Inactive: nothing is published and no contact information is kept.
        self.db.execute(
            "INSERT OR REPLACE INTO ads VALUES (?, ?, ?, ?, ?, ?)",
            (
                line["id"],
                status,
                title,
                business,
                meta["sistEndret"],
                orjson.dumps(content).decode() if content else None,
            ),
        )
