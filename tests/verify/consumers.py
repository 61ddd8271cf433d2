"""Consumers for verification tests: the reference client, and naive ones that each get one
thing wrong."""

from __future__ import annotations

from typing import Any

import orjson
import requests

from jobfakes.client.mirror import Mirror
from jobfakes.client.navfeed import NavFeedClient
from jobfakes.client.publicfeed import PublicFeedClient
from jobfakes.errors import Unauthorized


class Reference:
    """The reference client keeping a Mirror; it takes rotated tokens."""

    def __init__(self, fake: Any, token: str):
        self.fake, self.mirror, self.token = fake, Mirror(), token
        self.refused = 0

    def rotated(self, name: str, token: str) -> None:
        self.token = token

    def __call__(self, n: int) -> None:
        client = NavFeedClient(self.fake.base_url, self.token, page_size=50)
        client.session = self.fake.session.__class__()
        client.session.adapters = self.fake.session.adapters
        client.session.headers.update({"Authorization": f"Bearer {self.token}",
                                       "Accept": "application/json"})  # fmt: skip
        client.retry.backoff = 0.001  # short backoffs; a 429's Retry-After is waited for real
        try:
            self.mirror.sync(client, workers=2)
        except Unauthorized:  # revoked mid-sync: progress is kept, the next token resumes
            self.refused += 1

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"uuid": u, "status": s, "title": t,
             "contacts": orjson.loads(c).get("contactList") if c else None}
            for u, s, t, c in self.mirror.db.execute("SELECT uuid, status, title, content FROM ads")
        ]  # fmt: skip


class _Walker:
    """Walks the whole feed from the start at every sync, as naive consumers do."""

    def __init__(self, fake: Any):
        self.fake = fake

    def lines(self) -> list[dict[str, Any]]:
        session, url, found = self.fake.session, self.fake.url("/api/v1/feed"), []
        while True:
            page = session.get(url, params={"pageSize": 50}).json()
            found.extend(page["items"])
            if page["next_url"] is None:
                return found
            url = self.fake.url(page["next_url"])

    def entry(self, uuid: str) -> dict[str, Any]:
        result: dict[str, Any] = self.fake.session.get(
            self.fake.url(f"/api/v1/feedentry/{uuid}")
        ).json()
        return result


class IgnoresStops(_Walker):
    """Keeps an ad as it first saw it active; never applies a later inactive line."""

    def __init__(self, fake: Any):
        super().__init__(fake)
        self.held: dict[str, dict[str, Any]] = {}

    def __call__(self, n: int) -> None:
        for line in self.lines():
            if line["_feed_entry"]["status"] == "ACTIVE" or line["id"] in self.held:
                entry = self.entry(line["id"]) if line["id"] not in self.held else None
                if entry is not None and "ad_content" in entry:
                    content = entry["ad_content"]
                    self.held[line["id"]] = {"uuid": line["id"], "status": "ACTIVE",
                                             "title": content["title"],
                                             "contacts": content.get("contactList")}  # fmt: skip

    def rows(self) -> list[dict[str, Any]]:
        return list(self.held.values())


class NoDedup(_Walker):
    """Appends a row for every line, including the line each page repeats from the one
    before; reads entries right."""

    def __init__(self, fake: Any):
        super().__init__(fake)
        self.held: list[dict[str, Any]] = []

    def __call__(self, n: int) -> None:
        self.held = []
        latest: dict[str, dict[str, Any]] = {}
        for line in self.lines():
            entry = self.entry(line["id"])
            content = entry.get("ad_content")
            row = {"uuid": line["id"], "status": entry["status"] if content else "INACTIVE",
                   "title": content["title"] if content else None,
                   "contacts": content.get("contactList") if content else None}  # fmt: skip
            latest[line["id"]] = row
        self.held = list(latest.values())
        self.held.append(dict(self.held[0]))  # the overlap line kept twice


class NoConditional(_Walker):
    """Correct data, but re-reads the whole feed every sync instead of polling its cursor
    with If-None-Match."""

    def __init__(self, fake: Any):
        super().__init__(fake)
        self.held: dict[str, dict[str, Any]] = {}

    def __call__(self, n: int) -> None:
        latest = {line["id"]: line for line in self.lines()}
        for uuid, line in latest.items():
            if line["_feed_entry"]["status"] != "ACTIVE":
                self.held[uuid] = {"uuid": uuid, "status": "INACTIVE", "title": None,
                                   "contacts": None}  # fmt: skip
                continue
            content = self.entry(uuid).get("ad_content")
            self.held[uuid] = {
                "uuid": uuid,
                "status": "ACTIVE" if content else "INACTIVE",
                "title": content["title"] if content else None,
                "contacts": content.get("contactList") if content else None,
            }

    def rows(self) -> list[dict[str, Any]]:
        return list(self.held.values())


class CappedHarvest:
    """Public feed: pages through the (capped) listing only, never back in time."""

    def __init__(self, fake: Any):
        self.fake, self.held = fake, []

    def __call__(self, n: int) -> None:
        client = PublicFeedClient(self.fake.base_url, session=self.fake.session, page_size=50)
        client.retry.sleep = lambda seconds: None
        self.held = [{"uuid": a["uuid"], "status": "ACTIVE", "title": a["title"]}
                     for a in client.ads()]  # fmt: skip

    def rows(self) -> list[dict[str, Any]]:
        return self.held


class FullHarvest(CappedHarvest):
    """Public feed: the reference `harvest_all`, its retries waiting as told (`sleep`)."""

    def __init__(self, fake: Any, sleep: Any = None):
        super().__init__(fake)
        self.sleep = sleep

    def __call__(self, n: int) -> None:
        client = PublicFeedClient(self.fake.base_url, session=self.fake.session, page_size=50)
        if self.sleep is not None:
            client.retry.sleep = self.sleep
        self.held = [{"uuid": a["uuid"], "status": "ACTIVE", "title": a["title"]}
                     for a in client.harvest_all()]  # fmt: skip


class RestartsOnError(_Walker):
    """On any failure (a cut body, a reset, a 5xx) starts the whole walk again from the
    first page, up to `restarts` times; keeps the lines' statuses (no entries)."""

    def __init__(self, fake: Any, restarts: int = 200):
        super().__init__(fake)
        self.restarts, self.held = restarts, {}

    def __call__(self, n: int) -> None:
        for _ in range(self.restarts):
            try:
                lines = self._walk()
            except (requests.RequestException, ValueError, KeyError):
                continue
            self.held = {
                line["id"]: {"uuid": line["id"], "status": line["_feed_entry"]["status"]}
                for line in lines
            }
            return

    def _walk(self) -> list[dict[str, Any]]:
        session, url, found = self.fake.session, self.fake.url("/api/v1/feed"), []
        while True:
            answer = session.get(url, params={"pageSize": 100})
            answer.raise_for_status()
            page = answer.json()
            found.extend(page["items"])
            if page["next_url"] is None:
                return found
            url = self.fake.url(page["next_url"])

    def rows(self) -> list[dict[str, Any]]:
        return list(self.held.values())
