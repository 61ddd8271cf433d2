"""Shared helpers of the parse.bot fake's tests: calling the scraper, ground truth."""

from __future__ import annotations

import itertools
from typing import Any

import requests
from jobfakes.fakes.parsebot.backend import SCRAPER_ID

PATH = f"/scraper/{SCRAPER_ID}"
_KEYS = itertools.count()


def call(fake: Any, endpoint: str, method: str = "GET", key: str | None = None,
         **inputs: Any) -> requests.Response:  # fmt: skip
    """One call of an endpoint with the session's key (or `key`), GET or POST."""
    headers = {"X-API-Key": key} if key else {}
    url = fake.url(f"{PATH}/{endpoint}")
    if method == "POST":
        return fake.session.post(url, json=inputs, headers=headers)
    return fake.session.get(url, params=inputs, headers=headers)


def data(fake: Any, endpoint: str, method: str = "GET", **inputs: Any) -> dict[str, Any]:
    response = call(fake, endpoint, method, **inputs)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "success"
    result: dict[str, Any] = body["data"]
    return result


def new_key(fake: Any, tier: str = "developer") -> str:
    """A fresh key, so that a test starts with empty windows."""
    key = f"test-{tier}-{next(_KEYS)}"
    response = fake.session.post(
        fake.url("/__admin/parsebot/keys"), json={"key": key, "tier": tier}
    )
    assert response.status_code == 201, response.text
    return key


def fresh(fake: Any) -> Any:
    """The handle with a fresh Developer key on its session (property tests call a lot)."""
    fake.session.headers["X-API-Key"] = new_key(fake)
    return fake


def all_hits(fake: Any, **inputs: Any) -> list[dict[str, Any]]:
    """Every hit of a search, paging with size 100."""
    hits: list[dict[str, Any]] = []
    while True:
        page = data(fake, "search_jobs", **inputs, **{"from": len(hits), "size": 100})
        hits += page["hits"]["hits"]
        if len(hits) >= page["hits"]["total"]["value"]:
            return hits


def active_ads(fake: Any) -> dict[str, dict[str, Any]]:
    """The ground truth: every active ad's canonical document, from the control plane."""
    uuids = [a["uuid"] for a in fake.admin.ads("ACTIVE")]
    return {u: fake.session.get(fake.url(f"/__admin/ads/{u}")).json() for u in uuids}
