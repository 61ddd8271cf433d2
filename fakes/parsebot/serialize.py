"""Canonical ad -> parse.bot's nav.no shapes: search hits, job detail, the success wrapper."""

from __future__ import annotations

from typing import Any

import orjson
from jobfakes.fakes.parsebot.query import Page

from jobfakes.world.model import Ad
from jobfakes.world.search import UNKNOWN, plain_text
from jobfakes.world.times import iso_java

AD_URL = "https://arbeidsplassen.nav.no/stillinger/stilling/"
_LOCATION_KEYS = ("address", "postalCode", "city", "municipal", "county", "country")


def success(data: Any) -> bytes:
    """parse.bot's wrapper around a marketplace endpoint's answer."""
    return orjson.dumps({"data": data, "status": "success"})


def _location_list(ad: Ad) -> list[dict[str, Any]]:
    return [{k: loc.get(k) for k in _LOCATION_KEYS} for loc in ad.get("locations") or []]


def _location_text(ad: Ad) -> str:
    names = [loc.get("city") or loc.get("municipal") or "" for loc in ad.get("locations") or []]
    return ", ".join(dict.fromkeys(n.title() for n in names if n))


def hit_source(ad: Ad) -> bytes:
    """A hit's `_source`: the fields arbeidsplassen's search includes (no ad text)."""
    employer = ad.get("employer") or {}
    source = {
        "uuid": ad["uuid"],
        "title": ad.get("title") or "",
        "published": iso_java(ad["published"]) if ad.get("published") else None,
        "expires": iso_java(ad["expires"]) if ad.get("expires") else None,
        "status": ad.get("status"),
        "source": ad.get("source"),
        "businessName": ad.get("businessName") or employer.get("name"),
        "employer": {"name": employer.get("name")},
        "locationList": _location_list(ad),
        "categoryList": [
            {"name": c.get("name"), "categoryType": c.get("categoryType")}
            for c in ad.get("categories") or []
        ],
        "occupationList": [
            {"level1": o.get("level1"), "level2": o.get("level2")}
            for o in ad.get("occupationCategories") or []
        ],
        "properties": {
            "jobtitle": ad.get("jobtitle") or None,
            "employer": ad.get("businessName") or employer.get("name"),
            "applicationdue": ad.get("applicationDue") or None,
            "location": _location_text(ad),
            "remote": ad.get("remote") or None,
            "workLanguage": list(ad.get("workLanguage") or []),
        },
    }
    return orjson.dumps(source)


def search_result(page: Page, aggregations: dict[str, Any], took: int) -> dict[str, Any]:
    """The search engine's answer: `hits`, then `aggregations` (as OpenSearch orders them),
    `took`, and `total` once more, as in the seed's sample."""
    total = {"value": page.total, "relation": "eq"}
    hits = [
        {"_id": uuid, "_score": round(score, 4), "_source": orjson.Fragment(payload)}
        for uuid, payload, score in page.hits
    ]
    best = None if page.max_score is None else round(page.max_score, 4)
    return {
        "hits": {"hits": hits, "total": total, "max_score": best},
        "aggregations": aggregations,
        "took": took,
        "total": total,
    }


def facets_result(total: int, aggregations: dict[str, Any], took: int) -> dict[str, Any]:
    return {
        "aggregations": aggregations,
        "took": took,
        "total": {"value": total, "relation": "eq"},
    }


def _properties(ad: Ad) -> dict[str, Any]:
    return {
        "jobtitle": ad.get("jobtitle") or "",
        "extent": ad.get("extent") or "",
        "engagementtype": ad.get("engagementtype") or "",
        "sector": ad.get("sector") or "",
        "remote": ad.get("remote") or UNKNOWN,
        "positioncount": ad.get("positioncount") or "1",
        "starttime": ad.get("starttime") or "",
        "applicationdue": ad.get("applicationDue") or "",
        "applicationurl": ad.get("applicationUrl") or "",
        "sourceurl": ad.get("sourceurl") or "",
        "workLanguage": list(ad.get("workLanguage") or []),
    }


def page_details(ad: Ad) -> dict[str, str]:
    """The label/value pairs of the ad page, with arbeidsplassen's Norwegian labels."""
    extent = str(ad.get("extent") or "")
    pairs = {
        "Arbeidsgiver": ad.get("businessName") or (ad.get("employer") or {}).get("name") or "",
        "Stillingstittel": ad.get("jobtitle") or ad.get("title") or "",
        "Sted": _location_text(ad),
        "Type ansettelse": ad.get("engagementtype") or "",
        "Heltid/deltid": extent.replace("_og_", " og ").replace("_", " "),
        "Sektor": ad.get("sector") or "",
        "Hjemmekontor": ad.get("remote") or UNKNOWN,
        "Antall stillinger": ad.get("positioncount") or "1",
        "Oppstart": ad.get("starttime") or "",
        "Søknadsfrist": ad.get("applicationDue") or "",
        "Arbeidsspråk": ", ".join(ad.get("workLanguage") or []),
    }
    return {label: str(value) for label, value in pairs.items() if value}


def job_detail(ad: Ad, similar: list[tuple[str, str]]) -> dict[str, Any]:
    employer = ad.get("employer") or {}
    return {
        "uuid": ad["uuid"],
        "metadata": {
            "title": ad.get("title") or "",
            "status": "ACTIVE" if ad.get("status") == "ACTIVE" else "INACTIVE",
            "published": iso_java(ad["published"]) if ad.get("published") else None,
            "expires": iso_java(ad["expires"]) if ad.get("expires") else None,
            "businessName": ad.get("businessName") or employer.get("name"),
            "employer": {
                "name": employer.get("name"),
                "orgnr": employer.get("orgnr"),
                "description": employer.get("description") or "",
                "homepage": employer.get("homepage") or "",
            },
            "locationList": _location_list(ad),
            "properties": _properties(ad),
        },
        "description": plain_text(ad.get("adtext") or ""),
        "page_details": page_details(ad),
        "similar_jobs": [{"uuid": u, "title": t, "url": AD_URL + u} for u, t in similar],
    }
