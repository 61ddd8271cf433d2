"""Canonical ads -> the public feed's wire shape (`FeedRoot`, `FeedAd`: key order as upstream).

Dates are UTC with `Z` (the service's JSON mapper converted them); `extent` is Deltid or
Heltid, never null; `positioncount` stays a string; `link` is built from the request's host.
"""

from __future__ import annotations

from typing import Any

from jobfakes.fakes.publicfeed.backend import SORT, FeedResult

from jobfakes.world.model import Ad
from jobfakes.world.times import iso_utc

_LOCATION_KEYS = ("country", "address", "city", "postalCode", "county", "municipal")


def feed_root(result: FeedResult, host: str) -> dict[str, Any]:
    total, size, page = result.total, result.size, result.page
    pages = total // size + (1 if total % size else 0)
    return {
        "content": [feed_ad(ad, host) for ad in result.ads],
        "totalElements": total,
        "pageNumber": page,
        "pageSize": size,
        "totalPages": pages,
        "first": page == 0,
        "last": page >= pages - 1,
        "sort": SORT,
    }


def feed_ad(ad: Ad, host: str) -> dict[str, Any]:
    employer = ad.get("employer") or {}
    return {
        "uuid": ad["uuid"],
        "published": _instant(ad.get("published")),
        "expires": _instant(ad.get("expires")),
        "updated": _instant(ad.get("updated")),
        "workLocations": [
            {key: loc.get(key) for key in _LOCATION_KEYS} for loc in ad.get("locations") or []
        ],
        "title": ad.get("title"),
        "description": ad.get("adtext"),
        "sourceurl": ad.get("sourceurl"),
        "source": ad.get("source"),
        "applicationUrl": ad.get("applicationUrl"),
        "applicationDue": ad.get("applicationDue"),
        "occupationCategories": [
            {"level1": o.get("level1"), "level2": o.get("level2")}
            for o in ad.get("occupationCategories") or []
        ],
        "jobtitle": ad.get("jobtitle"),
        "link": f"https://{host}/stillinger/stilling/{ad['uuid']}",
        "employer": {
            "name": ad.get("businessName") or employer.get("name") or "",
            "orgnr": employer.get("orgnr"),
            "description": employer.get("description"),
            "homepage": employer.get("homepage"),
        },
        "engagementtype": ad.get("engagementtype"),
        "extent": "Deltid" if str(ad.get("extent") or "").lower() == "deltid" else "Heltid",
        "starttime": ad.get("starttime"),
        "positioncount": ad.get("positioncount"),
        "sector": ad.get("sector"),
    }


def host_name(host: str) -> str:
    """The request's host without its port, as Ktor's `request.host()` gives it."""
    if host.startswith("["):  # an IPv6 literal
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if ":" in host else host


def _instant(value: int | None) -> str | None:
    return None if value is None else iso_utc(value)
