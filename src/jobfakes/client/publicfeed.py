"""Reference client of NAV's public feed v1 (`/public-feed/api/v1/ads`).

The feed serves at most `cap` hits (5000, or 1000 in an older text) for any set of filters,
newest published first. `harvest_all` gets every active ad past that cap as the service's
docs advise: page through the feed, then page back in time with
`published=[*,<oldest published so far>)`, until a window is empty. Ads at the oldest instant
of a window may be cut by the cap, so that instant is fetched whole (`[t, t+1µs)`) before
moving strictly older: nothing is lost or read twice, ads that share an instant included.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import requests

from jobfakes.client._http import RetryPolicy, check, parsed, retrying_session, transient_status
from jobfakes.errors import ClientError, ConfigError

# The public token printed in the service's docs (accepted by the fake as by the service).
PUBLIC_TOKEN = (
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwdWJsaWMudG9rZW4udjFAbmF2Lm5vIiwiYXVkIjoi"
    "ZmVlZC1hcGktdjEiLCJpc3MiOiJuYXYubm8iLCJpYXQiOjE1NTc0NzM0MjJ9.jNGlLUF9HxoHo5JrQNMkweLj_91bgk"
    "97ZebLdfx3_UQ"
)
ADS = "/public-feed/api/v1/ads"
FILTERS = ("published", "updated", "uuid", "source", "orgnr", "category", "county", "municipal")
_MAX_EXCLUDED = 80  # uuids in one `uuid=!...` list (keeps the URL under 4 kB)


class HarvestError(ClientError):
    """The harvest cannot go on: more ads than it can exclude share one published instant."""


Filter = str | list[str] | tuple[str, ...] | None


class PublicFeedClient:
    """Pages through the feed's ads; `harvest_all` goes past the cap.

    Example (against the fake)::

        client = PublicFeedClient("http://127.0.0.1:8700")
        for ad in client.ads(county="OSLO"):
            print(ad["uuid"], ad["title"])
        everything = client.harvest_all()
    """

    def __init__(
        self,
        base_url: str,
        token: str = PUBLIC_TOKEN,
        *,
        session: requests.Session | None = None,
        page_size: int = 100,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
    ):
        if not 1 <= page_size <= 100:
            raise ConfigError(f"page_size must be 1..100 (the feed clamps it), not {page_size}")
        self.base_url = base_url.rstrip("/")
        self.session = session or retrying_session(self.base_url)
        self.session.headers.update({"Authorization": f"Bearer {token}"})
        self.page_size, self.timeout = page_size, timeout
        self.requests_made = 0
        self.retry = retry or RetryPolicy()

    def page(self, page: int = 0, size: int | None = None, **filters: Filter) -> dict[str, Any]:
        """One page as served (`content`, `totalElements`, `pageNumber`, ...)."""
        return self._page(page, size, filters)

    def _page(self, page: int, size: int | None, filters: Mapping[str, Filter]) -> dict[str, Any]:
        params: dict[str, Any] = {"size": size or self.page_size, "page": page}
        for name, value in filters.items():
            if name not in FILTERS:
                raise ConfigError(f"unknown filter {name!r}; known: {', '.join(FILTERS)}")
            if value is not None:
                params[name] = value if isinstance(value, str) else ",".join(value)
        request = requests.Request(
            "GET", self.base_url + ADS, params=params, headers=dict(self.session.headers)
        ).prepare()

        def attempt() -> dict[str, Any]:
            self.requests_made += 1
            response = self.session.send(
                request,
                timeout=self.timeout,
                proxies=self.session.proxies,
                verify=self.session.verify,
            )
            transient_status(response)
            result: dict[str, Any] = parsed(orjson.loads, check(response))
            return result

        return self.retry.run(attempt, f"page {page} of {ADS}")

    def pages(self, **filters: Filter) -> Iterator[dict[str, Any]]:
        """Every page of one filter set, up to the one marked `last` (at most the cap)."""
        return self._pages(filters)

    def _pages(self, filters: Mapping[str, Filter]) -> Iterator[dict[str, Any]]:
        number = 0
        while True:
            page = self._page(number, None, filters)
            yield page
            if page["last"] or not page["content"] or number + 1 >= page["totalPages"]:
                return
            number += 1

    def ads(self, **filters: Filter) -> Iterator[dict[str, Any]]:
        """The ads of one filter set, newest published first (at most the cap)."""
        return self._ads(filters)

    def _ads(self, filters: Mapping[str, Filter]) -> Iterator[dict[str, Any]]:
        for page in self._pages(filters):
            yield from page["content"]

    def harvest_all(self, **filters: Filter) -> list[dict[str, Any]]:
        """Every active ad matching `filters`, past the cap, newest published first."""
        if filters.get("published") is not None:
            raise ConfigError("harvest_all pages on `published` itself; filter on other fields")
        harvest = _Harvest()
        bound: str | None = None
        while True:
            window = list(self._ads({**filters, "published": bound}))
            if not window:
                break
            for ad in window:
                harvest.add(ad)
            oldest = min(_micros(ad["published"]) for ad in window)
            self._take_instant(oldest, harvest, filters)
            bound = f"[*,{_text(oldest)})"
        return sorted(harvest.ads.values(), key=lambda a: (-_micros(a["published"]), a["uuid"]))

    def _take_instant(self, moment: int, harvest: _Harvest, filters: Mapping[str, Filter]) -> None:
        """Every ad published at exactly `moment`, also those the cap cut off: ask for that
        instant alone, leaving out the ads already read, until nothing new comes."""
        uuid = filters.get("uuid")
        given = [] if uuid is None else [uuid] if isinstance(uuid, str) else list(uuid)
        if given and not given[0].startswith("!"):
            return  # a positive uuid filter matches one ad at most: no cap to go past
        given = [v.lstrip("!") for v in given]
        window = f"[{_text(moment)},{_text(moment + 1)})"
        while True:
            have = harvest.at.get(moment, [])
            if len(have) > _MAX_EXCLUDED:
                raise HarvestError(
                    f"{len(have)} ads share the instant {_text(moment)}, more than one request"
                    f" can leave out ({_MAX_EXCLUDED}); the rest are out of reach under the cap"
                )
            exclude = ",".join([*given, *have])
            found = self._ads(
                {**filters, "published": window, "uuid": f"!{exclude}" if exclude else None}
            )
            fresh = [ad for ad in found if ad["uuid"] not in harvest.ads]
            if not fresh:
                return
            for ad in fresh:
                harvest.add(ad)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> PublicFeedClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Harvest:
    """The ads read so far, and their uuids by published instant."""

    def __init__(self) -> None:
        self.ads: dict[str, dict[str, Any]] = {}
        self.at: dict[int, list[str]] = {}

    def add(self, ad: dict[str, Any]) -> None:
        if ad["uuid"] not in self.ads:
            self.ads[ad["uuid"]] = ad
            self.at.setdefault(_micros(ad["published"]), []).append(ad["uuid"])


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(text: str) -> int:
    """Microseconds since the epoch of an ISO instant."""
    delta = datetime.fromisoformat(text.replace("Z", "+00:00")) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _text(micros: int) -> str:
    """UTC with all six fraction digits: the feed compares a lower or an exclusive upper bound
    exactly, without rounding."""
    return (_EPOCH + timedelta(microseconds=micros)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
