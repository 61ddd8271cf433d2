"""A local SQLite mirror of the Job Vacancy Feed, kept the way the feed's docs ask.

Newest state wins (entries are fetched after the walk, so they are the newest); an ad that
turns inactive loses its contact information at once and stops being published; a stopped
ad's masked title replaces the old one.
"""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
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
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.executescript(_SCHEMA)

    @property
    def cursor(self) -> FeedCursor:
        row = self.db.execute("SELECT value FROM state WHERE key = 'cursor'").fetchone()
        return FeedCursor.from_dict(json.loads(row[0])) if row else FeedCursor()

    def statuses(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT uuid, status FROM ads"))

    def content(self, uuid: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT content FROM ads WHERE uuid = ?", (uuid,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def sync(self, client: NavFeedClient, workers: int = 8) -> int:
        """Read the feed from the saved cursor to its end and apply it. Returns the number of
        ads that changed."""
        latest: dict[str, dict[str, Any]] = {}
        for page in client.pages(self.cursor):
            for line in page:
                latest[line["id"]] = line  # later lines win
        active = [uid for uid, line in latest.items() if line["_feed_entry"]["status"] == "ACTIVE"]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            entries = dict(zip(active, pool.map(client.entry, active), strict=True))
        with self.db:
            for uid, line in latest.items():
                self._apply(line, entries.get(uid))
            self.db.execute(
                "INSERT OR REPLACE INTO state VALUES ('cursor', ?)",
                (json.dumps(client.cursor.to_dict()),),
            )
        return len(latest)

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
