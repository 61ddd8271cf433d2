"""Canonical ad and feed events -> the Job Vacancy Feed's wire shapes (key order as upstream)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson
from jobfakes.fakes.navfeed.backend import FeedPage

from jobfakes.world.model import Ad, feed_status, is_active
from jobfakes.world.store import EventRow
from jobfakes.world.times import iso_java

FEED_TITLE = "Stillingsfeeden fra arbeidsplassen.no"
FEED_DESCRIPTION = (
    "Feed med stillinger fra arbeidsplassen.no - En av Norges største oversikter"
    " over utlyste stillinger"
)
AD_LINK = "https://arbeidsplassen.nav.no/stillinger/stilling/"
_CATEGORY_ORDER = {"ESCO": 0, "JANZZ": 1, "STYRK08": 2, "STYRK08NAV": 3}


def feed_page(page: FeedPage) -> dict[str, Any]:
    return {**_page_head(page), "items": [feed_line(row) for row in page.lines]}


def feed_page_bytes(page: FeedPage) -> bytes:
    """orjson.dumps(feed_page(page)), byte for byte, from the lines' cached bytes: a line is a
    pure function of its event row, and building and encoding lines was most of a page."""
    head = orjson.dumps({**_page_head(page), "items": []})
    return b"".join((head[:-2], b",".join(map(_line_bytes, page.lines)), b"]}"))


def _page_head(page: FeedPage) -> dict[str, Any]:
    return {
        "version": "1.0",
        "title": FEED_TITLE,
        "home_page_url": "https://arbeidsplassen.nav.no",
        "feed_url": f"/api/v1/feed/{page.id}",
        "description": FEED_DESCRIPTION,
        "next_url": f"/api/v1/feed/{page.next_id}" if page.next_id else None,
        "id": page.id,
        "next_id": page.next_id,
    }


@lru_cache(maxsize=65_536)
def _line_bytes(row: EventRow) -> bytes:
    return orjson.dumps(feed_line(row))


def feed_line(row: EventRow) -> dict[str, Any]:
    _, _, ad_uuid, time, status, title, business, municipal = row
    modified = iso_java(time)
    return {
        "id": ad_uuid,
        "url": f"/api/v1/feedentry/{ad_uuid}",
        "title": title,
        "content_text": "Stillingsannonse",
        "date_modified": modified,
        "_feed_entry": {
            "uuid": ad_uuid,
            "status": status,
            "title": title,
            "businessName": business,
            "municipal": municipal,
            "sistEndret": modified,
        },
    }


def feed_entry(ad: Ad) -> dict[str, Any]:
    """`ad_content` only while the ad is active; `sistEndret` is the ad's own `updated` cut
    to milliseconds (the feed stores it through `toEpochMilli()`)."""
    entry: dict[str, Any] = {"uuid": ad["uuid"]}
    if is_active(ad):
        entry["ad_content"] = ad_content(ad)
    entry["sistEndret"] = iso_java(ad["updated"] - ad["updated"] % 1000)
    entry["status"] = feed_status(ad)
    return entry


def ad_content(ad: Ad) -> dict[str, Any]:
    employer = ad.get("employer") or {}
    categories = sorted(
        ad.get("categories") or [], key=lambda c: _CATEGORY_ORDER.get(c.get("categoryType"), 9)
    )
    return {
        "uuid": ad["uuid"],
        "published": _instant(ad.get("published")),
        "expires": _instant(ad.get("expires")),
        "updated": _instant(ad.get("updated")),
        "workLocations": [
            {
                key: loc.get(key)
                for key in ("country", "address", "city", "postalCode", "county", "municipal")
            }
            for loc in ad.get("locations") or []
        ],
        "contactList": [
            {key: c.get(key) for key in ("name", "email", "phone", "role", "title")}
            for c in ad.get("contacts") or []
        ],
        "title": ad.get("title") or "",
        "description": ad.get("adtext") or "",
        "sourceurl": ad.get("sourceurl") or "",
        "source": ad.get("source") or "",
        "applicationUrl": ad.get("applicationUrl") or "",
        "applicationDue": ad.get("applicationDue") or "",
        "occupationCategories": sorted(
            (
                {"level1": o.get("level1"), "level2": o.get("level2")}
                for o in ad.get("occupationCategories") or []
            ),
            key=lambda o: str(o["level1"]),
        ),
        "categoryList": [
            {
                "categoryType": c.get("categoryType"),
                "code": c.get("code"),
                "name": c.get("name"),
                "description": "",
                "score": _score(c.get("score")),
            }
            for c in categories
        ],
        "jobtitle": ad.get("jobtitle") or "",
        "link": AD_LINK + ad["uuid"],
        "employer": {
            "name": _first_set(ad.get("businessName"), employer.get("name"), ""),
            "orgnr": employer.get("orgnr"),
            "description": employer.get("description") or "",
            "homepage": employer.get("homepage") or "",
        },
        "engagementtype": ad.get("engagementtype") or "",
        "extent": "Deltid" if str(ad.get("extent") or "").lower() == "deltid" else "Heltid",
        "starttime": ad.get("starttime") or "",
        "positioncount": _first_set(ad.get("positioncount"), "1"),
        "sector": ad.get("sector") or "",
    }


def _first_set(*values: Any) -> Any:
    """Kotlin's `a ?: b ?: c`: the first value that is not null (`""` counts as set)."""
    return next((value for value in values if value is not None), None)


def _score(value: object) -> float:
    return float(value) if isinstance(value, int | float) and value > 0 else 0.0


def _instant(value: int | None) -> str | None:
    return None if value is None else iso_java(value)
