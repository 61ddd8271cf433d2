"""A local SQLite mirror of the Job Vacancy Feed, kept the way the feed's docs ask.

Newest state wins (an ad's entry is fetched after its line is read, so it is at least as new);
an ad that turns inactive loses its contact information at once and stops being published; a
stopped ad's masked title replaces the old one.

A sync commits page by page: the page's ads and the cursor after it in one transaction, so a
failure loses at most the page in flight and the next sync resumes from the saved cursor.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import orjson

from jobfakes.client.navfeed import FeedCursor, NavFeedClient

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ads (uuid TEXT PRIMARY KEY, status TEXT NOT NULL,
    title TEXT NOT NULL, business_name TEXT NOT NULL, changed TEXT NOT NULL, content TEXT);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


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
        """Read the feed from the saved cursor to its end and apply it, committing after each
        page. Returns the number of ads that changed."""
        changed: set[str] = set()
        fetched: dict[str, datetime] = {}  # ads whose entry this sync read, and its sistEndret
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for page in client.pages(self.cursor):
                latest: dict[str, dict[str, Any]] = {}
                for line in page:
                    if not _covered(line, fetched):
                        latest[line["id"]] = line  # later lines win
                active = [u for u, line in latest.items() if _status(line) == "ACTIVE"]
                entries = dict(zip(active, pool.map(client.entry, active), strict=True))
                self._commit(latest, entries, client.cursor)
                changed.update(latest)
                for uid, entry in entries.items():
                    if entry is not None:
                        fetched[uid] = datetime.fromisoformat(entry["sistEndret"])
        return len(changed)

    def _commit(
        self,
        lines: dict[str, dict[str, Any]],
        entries: dict[str, dict[str, Any] | None],
        cursor: FeedCursor,
    ) -> None:
        with self._lock, self.db:
            for uid, line in lines.items():
                self._apply(line, entries.get(uid))
            self.db.execute(
                "INSERT OR REPLACE INTO state VALUES ('cursor', ?)",
                (json.dumps(cursor.to_dict()),),
            )

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


def _covered(line: dict[str, Any], fetched: dict[str, datetime]) -> bool:
    """An ad's line that an entry read earlier in this sync already shows: the entry was
    its newest state when read, and the line is no newer (a later line still is applied)."""
    seen = fetched.get(line["id"])
    return seen is not None and datetime.fromisoformat(line["_feed_entry"]["sistEndret"]) <= seen


def _status(line: dict[str, Any]) -> str:
    return str(line["_feed_entry"]["status"])
