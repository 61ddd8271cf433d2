"""Reference client of parse.bot's nav.no scraper (`search_jobs`, `get_job_detail`,
`get_facets`), keeping to its tier's calls per minute and honouring `Retry-After`.

Pacing is a sliding window on the client's own clock: at most `per_minute` calls in any
60 seconds, which keeps every fixed minute window of the server within the limit too. `sleep`
and `clock` are injectable, so that a test can move a fake's clock instead of waiting.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import orjson
import requests

from jobfakes.client._http import (
    RETRY_STATUSES,
    Retryable,
    RetryPolicy,
    check,
    parsed,
    retrying_session,
)
from jobfakes.errors import ConfigError, CreditsExhausted, RateLimited

SCRAPER_ID = "ab1a4dc6-c874-4fb4-b6b6-4be87c791e61"
TIER_RATES = {"free": 5, "hobby": 20, "developer": 250}  # calls per minute
WINDOW = 10_000  # the search refuses from + size beyond this
MINUTE = 60.0  # a 429 asking to wait longer is not the minute window: credits (or a day) out


class ParseBotClient:
    """Client of `https://api.parse.bot/scraper/<id>/...` (or a fake of it).

    Example::

        client = ParseBotClient("https://api.parse.bot", key, tier="free")
        for hit in client.iter_search("sykepleier", counties="OSLO"):
            print(hit["_id"], hit["_source"]["title"])
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        tier: str = "free",
        scraper_id: str = SCRAPER_ID,
        method: str = "GET",
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_retries: int = 5,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
    ):
        if tier not in TIER_RATES:
            raise ConfigError(f"tier must be one of {', '.join(TIER_RATES)}, not {tier!r}")
        if method not in ("GET", "POST"):
            raise ConfigError(f"method must be GET or POST, not {method!r}")
        self.base_url = f"{base_url.rstrip('/')}/scraper/{scraper_id}"
        self.session = session or retrying_session(self.base_url)
        self.session.headers.update({"X-API-Key": api_key, "Accept": "application/json"})
        self.per_minute = TIER_RATES[tier]
        self.method, self.sleep, self.clock = method, sleep, clock
        self.max_retries, self.timeout = max_retries, timeout
        self.calls = 0  # HTTP requests made, retries included
        self._sent: deque[float] = deque()
        self.retry = retry or RetryPolicy(sleep=sleep)

    # ---- the endpoints -----------------------------------------------------------------------
    def search_jobs(self, q: str | None = None, *, start: int = 0, size: int = 25,
                    sort: str | None = None, **filters: Any) -> dict[str, Any]:  # fmt: skip
        """One page: `{"hits": {"hits", "total", "max_score"}, "aggregations", "took",
        "total"}` (the aggregations as `get_facets` gives them). Filters:
        extent, remote, sector, counties, municipals, published, engagementType (a string,
        or a list for several values)."""
        inputs = {"q": q, "from": start, "size": size, "sort": sort, **filters}
        return self._call("search_jobs", inputs)

    def iter_search(self, q: str | None = None, *, size: int = 100, sort: str | None = None,
                    **filters: Any) -> Iterator[dict[str, Any]]:  # fmt: skip
        """Every hit, page after page, up to the search's 10 000-hit window."""
        start = 0
        while start < WINDOW:
            page = self.search_jobs(q, start=start, size=min(size, WINDOW - start), sort=sort,
                                    **filters)  # fmt: skip
            hits = page["hits"]["hits"]
            yield from hits
            start += len(hits)
            if not hits or start >= page["hits"]["total"]["value"]:
                return

    def get_job_detail(self, uuid: str) -> dict[str, Any]:
        """`{"uuid", "metadata", "description", "page_details", "similar_jobs"}`."""
        return self._call("get_job_detail", {"uuid": uuid})

    def get_facets(self, q: str | None = None, **filters: Any) -> dict[str, Any]:
        """`{"aggregations": {...}, "total", "took"}`; filters narrow the other facets."""
        return self._call("get_facets", {"q": q, **filters})

    # ---- one call: pacing, retries, errors ---------------------------------------------------
    def _call(self, endpoint: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        given = {k: v for k, v in inputs.items() if v is not None}
        for _ in range(self.max_retries + 1):
            response, body = self.retry.run(lambda: self._attempt(endpoint, given), endpoint)
            if response.status_code != 429:
                break
            wait = _retry_after(response, MINUTE)
            if wait > MINUTE:  # a server that answers used-up credits with 429
                raise CreditsExhausted(
                    f"{endpoint}: {response.text[:200]}", 429, response.url, wait
                )
            self.sleep(wait)
        else:
            raise RateLimited(
                f"{endpoint}: still rate limited after {self.max_retries} retries",
                429,
                response.url,
                _retry_after(response, 60.0),
            )
        if response.status_code == 402:
            raise CreditsExhausted(
                f"{endpoint}: {response.text[:200]}", 402, response.url, _credit_wait(response)
            )
        check(response)
        if not isinstance(body, dict) or body.get("status") != "success":
            raise check_failed(endpoint, response)
        data: dict[str, Any] = body["data"]
        return data

    def _attempt(self, endpoint: str, inputs: dict[str, Any]) -> tuple[requests.Response, Any]:
        """One paced exchange: a 5xx, a dropped connection or a body that does not decode is
        `Retryable`; the answer and its decoded body otherwise."""
        self._pace()
        response = self._send(endpoint, inputs)
        if response.status_code in RETRY_STATUSES:
            raise Retryable(f"{response.status_code} from {endpoint}")
        if response.status_code >= 400:
            return response, None
        return response, parsed(orjson.loads, response)

    def _send(self, endpoint: str, inputs: dict[str, Any]) -> requests.Response:
        url = f"{self.base_url}/{endpoint}"
        self.calls += 1
        self._sent.append(self.clock())
        if self.method == "POST":
            return self.session.post(url, json=inputs, timeout=self.timeout)
        query = {k: ",".join(v) if isinstance(v, list | tuple) else v for k, v in inputs.items()}
        return self.session.get(url, params=query, timeout=self.timeout)

    def _pace(self) -> None:
        """Wait until fewer than `per_minute` calls were sent in the last 60 seconds."""
        sent = self._sent
        while sent and self.clock() - sent[0] >= 60.0:
            sent.popleft()
        if len(sent) >= self.per_minute:
            self.sleep(60.0 - (self.clock() - sent[0]))
            while sent and self.clock() - sent[0] >= 60.0:
                sent.popleft()


def _retry_after(response: requests.Response, default: float) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", default)))
    except ValueError:
        return default


def _credit_wait(response: requests.Response) -> float | None:
    """The seconds until the credits renew: `Retry-After`, else the body's `retry_after`."""
    if "Retry-After" in response.headers:
        return _retry_after(response, 0.0)
    try:
        value = response.json()["error"].get("retry_after")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return float(value) if isinstance(value, int | float) else None


def check_failed(endpoint: str, response: requests.Response) -> Exception:
    from jobfakes.errors import UpstreamError

    return UpstreamError(
        f"{endpoint}: expected {{'status': 'success', 'data': ...}}, got {response.text[:200]}",
        response.status_code,
        response.url,
    )
