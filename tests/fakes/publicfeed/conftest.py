"""Helpers of the public feed tests: requests, and the ground truth read from the world."""

from __future__ import annotations

from typing import Any

import orjson

ADS = "/public-feed/api/v1/ads"


def world(fake: Any) -> Any:
    return fake.app.extensions["jobfakes"].world


def truth(fake: Any) -> list[dict[str, Any]]:
    """The canonical active ads, in the feed's order (newest published first, ties by uuid)."""
    store = world(fake).store
    uuids = [row[0] for row in store.ground_truth("ACTIVE")]
    ads = [orjson.loads(doc) for doc in store.ad_docs(uuids).values()]
    return sorted(ads, key=lambda a: (-a["published"], a["uuid"]))


def get(fake: Any, **params: Any) -> Any:
    return fake.session.get(fake.url(ADS), params=params)


def page(fake: Any, **params: Any) -> dict[str, Any]:
    response = get(fake, **params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def uuids(fake: Any, **params: Any) -> list[str]:
    """Every uuid a filter set yields, page by page (size 100), within the cap."""
    found: list[str] = []
    number = 0
    while True:
        body = page(fake, size=100, page=number, **params)
        found += [ad["uuid"] for ad in body["content"]]
        if body["last"]:
            return found
        number += 1
