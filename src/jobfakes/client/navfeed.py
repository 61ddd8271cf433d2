"""Reference client of NAV's Job Vacancy Feed, doing what its docs ask of a consumer.

Walk the feed from the start, from a time (If-Modified-Since) or from the newest page; follow
the pages and drop the one line each page shares with the one before; at the end poll with
If-None-Match and take 304 as "nothing new"; fetch the entries of changed ads.

The cursor moves to the page that starts at the last line read. That page id is the ETag of
every page (on a full page it equals `next_id`), and polling it rather than the old tail page
also sees a single new event, which the upstream's tail page hides behind an unchanged ETag.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import partial
from typing import Any

import orjson
import requests

from jobfakes.client._http import (
    Retryable,
    RetryPolicy,
    check,
    parsed,
    retrying_session,
    transient_status,
)


@dataclass(frozen=True)
class FeedCursor:
    """Where a reader stands: the page to ask for next and how many of its lines it has."""

    page_id: str | None = None
    skip: int = 0
    etag: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeedCursor:
        return cls(data.get("page_id"), int(data.get("skip", 0)), data.get("etag"))


class NavFeedClient:
    """Client of `/api/v1/feed` and `/api/v1/feedentry`.

    Example (against the real service)::

        client = NavFeedClient("https://pam-stilling-feed.nav.no", token)
        for line in client.lines():
            print(line["id"], line["_feed_entry"]["status"])
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        session: requests.Session | None = None,
        page_size: int = 1000,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.session = session or retrying_session(self.base_url)
        self.session.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        self.page_size, self.timeout = page_size, timeout
        self._cursor = FeedCursor()
        self.retry = retry or RetryPolicy()

    @property
    def cursor(self) -> FeedCursor:
        """Where this client stands: the next walk starts here. Assign a saved one (a
        `FeedCursor` or its `to_dict()`) to resume from it."""
        return self._cursor

    @cursor.setter
    def cursor(self, value: FeedCursor | dict[str, Any] | None) -> None:
        if isinstance(value, dict):
            value = FeedCursor.from_dict(value)
        self._cursor = value or FeedCursor()

    def _get(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> requests.Response:
        # Prepared here and sent as is: Session.request's merging of settings costs more than
        # the rest of an in-process call, and this client sets everything on the session.
        request = requests.Request(
            "GET",
            self.base_url + path,
            params=params,
            headers={**self.session.headers, **(headers or {})},
        ).prepare()
        return self.session.send(
            request, timeout=self.timeout, proxies=self.session.proxies, verify=self.session.verify
        )

    def pages(
        self, cursor: FeedCursor | None = None, *, since: datetime | None = None, last: bool = False
    ) -> Iterator[list[dict[str, Any]]]:
        """New lines, a page at a time, from a cursor to the end of the feed.

        Without a cursor the walk starts where `self.cursor` stands (the start, for a new
        client), or, given `since`, at the first change after that time, or, given `last`, at
        the newest change. `self.cursor` follows what was yielded.
        """
        if cursor is None:
            cursor = FeedCursor() if since is not None or last else self.cursor
        self.cursor = cursor
        params: dict[str, Any] = {"pageSize": self.page_size}
        while True:
            headers = {}
            if cursor.page_id is None:
                path = "/api/v1/feed"
                if last:
                    params["last"] = "true"
                elif since is not None:
                    moment = since if since.tzinfo else since.replace(tzinfo=UTC)
                    headers["If-Modified-Since"] = format_datetime(
                        moment.astimezone(UTC), usegmt=True
                    )
            else:
                path = f"/api/v1/feed/{cursor.page_id}"
                params.pop("last", None)
                if cursor.etag:
                    headers["If-None-Match"] = cursor.etag
            found = self.retry.run(
                partial(self._page, path, params, headers, cursor.page_id is not None), path
            )
            if found is None:
                return  # 304: nothing new; or an empty feed, or nothing after `since`
            response, page = found
            lines = page["items"][cursor.skip :]
            etag = response.headers["ETag"]
            cursor = FeedCursor(etag, 1, etag)
            self.cursor = cursor
            if lines:
                yield lines
            if page["next_id"] is None:
                return

    def _page(
        self, path: str, params: dict[str, Any], headers: dict[str, str], known: bool
    ) -> tuple[requests.Response, dict[str, Any]] | None:
        """One attempt at a page: None for a 304 (or a 404 of the feed's start). A 404 of a
        page the feed named (a cursor's, a `next_id`) is retried: it exists."""
        response = self._get(path, params, headers)
        transient_status(response)
        if response.status_code == 304:
            return None
        if response.status_code == 404:
            if not known:
                return None
            raise Retryable(f"404 for the known page {path}")
        page: dict[str, Any] = parsed(orjson.loads, check(response))
        return response, page

    def lines(self, cursor: FeedCursor | None = None, **start: Any) -> Iterator[dict[str, Any]]:
        """Every new line from a cursor (or where the client stands) to the end; see `pages`."""
        for page in self.pages(cursor, **start):
            yield from page

    def entry(self, ad_uuid: str) -> dict[str, Any] | None:
        """The newest state of one ad, or None when the feed does not know it."""

        def attempt() -> dict[str, Any] | None:
            response = self._get(f"/api/v1/feedentry/{ad_uuid}")
            transient_status(response)
            if response.status_code == 404:
                return None
            entry: dict[str, Any] = parsed(orjson.loads, check(response))
            return entry

        return self.retry.run(attempt, f"feedentry {ad_uuid}")

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> NavFeedClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
