"""Consumers of parse.bot and Jobfeed for verification tests: the reference clients, and a
naive one each that gets one thing wrong."""

from __future__ import annotations

import base64
import time
from typing import Any

import requests

from jobfakes.client.jobfeed import JobfeedClient, Query
from jobfakes.client.parsebot import ParseBotClient


def _session(fake: Any) -> requests.Session:
    session = requests.Session()
    session.adapters = fake.session.adapters
    return session


class ParseBotHarvest:
    """The reference parse.bot client paging through every hit at each sync."""

    def __init__(self, fake: Any):
        self.fake, self.held = fake, {}
        self.key = fake.session.headers["X-API-Key"]

    def _hits(self) -> list[dict[str, Any]]:
        client = ParseBotClient(self.fake.base_url, self.key, tier="developer",
                                session=_session(self.fake), sleep=time.sleep)  # fmt: skip
        return list(client.iter_search(size=100))

    def __call__(self, n: int) -> None:
        self.held = {h["_id"]: self._row(h) for h in self._hits()}

    @staticmethod
    def _row(hit: dict[str, Any]) -> dict[str, Any]:
        return {"uuid": hit["_id"], "status": "ACTIVE", "title": hit["_source"]["title"]}

    def rows(self) -> list[dict[str, Any]]:
        return list(self.held.values())


class ParseBotKeepsAll(ParseBotHarvest):
    """Adds each sync's hits to what it held, never dropping an ad that left the search."""

    def __call__(self, n: int) -> None:
        self.held.update({h["_id"]: self._row(h) for h in self._hits()})


class JobfeedHarvest:
    """The reference Jobfeed client: the jobs online now, page by page. A search shows each
    job by one matching posting, so `expired` in a result is that posting's: the filter
    `expired=false` is what finds the jobs with a posting still online."""

    def __init__(self, fake: Any, pages: int | None = None):
        self.fake, self.pages, self.held = fake, pages, []
        _, _, encoded = fake.session.headers["Authorization"].partition(" ")
        self.user, _, self.password = base64.b64decode(encoded).decode().partition(":")

    def __call__(self, n: int) -> None:
        client = JobfeedClient(self.fake.base_url, self.user, self.password,
                               session=_session(self.fake), sleep=time.sleep)  # fmt: skip
        online = Query(pairs=[("expired", "false")])
        found = client.iter_search(online, page_size=20, fields=["job_id"])
        self.held = []
        for number, job in enumerate(found):
            if self.pages is not None and number >= 20 * self.pages:
                break
            self.held.append({"job_id": job["job_id"], "status": "ACTIVE"})

    def rows(self) -> list[dict[str, Any]]:
        return self.held


class JobfeedFirstPage(JobfeedHarvest):
    """Reads the first page of results and takes it for the whole world."""

    def __init__(self, fake: Any):
        super().__init__(fake, pages=1)


class JobfeedEveryJob(JobfeedHarvest):
    """Takes every job the search lists for a job online, the expired ones too."""

    def __call__(self, n: int) -> None:
        client = JobfeedClient(self.fake.base_url, self.user, self.password,
                               session=_session(self.fake), sleep=time.sleep)  # fmt: skip
        self.held = [{"job_id": job["job_id"], "status": "ACTIVE"}
                     for job in client.iter_search(page_size=100, fields=["job_id"])]  # fmt: skip
