"""The canonical Norwegian ad (close to NAV's internal ad) and the rules every view shares.

An ad is a plain dict (fast to build, to store as JSON and to project); its keys are listed in
`AD_FIELDS`. Times are integer microseconds (UTC). Each fake's `serialize.py` projects it.
"""

from __future__ import annotations

from typing import Any

Ad = dict[str, Any]

STATUSES = ("ACTIVE", "INACTIVE", "STOPPED", "DELETED", "REJECTED")
MASKED_STATUSES = frozenset({"STOPPED", "DELETED", "REJECTED"})
PRIVACIES = ("SHOW_ALL", "INTERNAL_NOT_SHOWN", "DONT_SHOW_EMPLOYER")

# The fields of a canonical ad, in a stable order, with the kind of value each holds:
# text, instant (microseconds or null), record (an object of strings), records (a list of
# objects: locations {address, postalCode, city, municipal, county, country}, contacts {name,
# email, phone, role, title}, categories {categoryType, code, name, score},
# occupationCategories {level1, level2}) or texts (a list of strings).
FIELD_KINDS = {
    "uuid": "text", "status": "text", "privacy": "text", "source": "text",
    "published": "instant", "expires": "instant", "updated": "instant",
    "title": "text", "businessName": "text", "employer": "record",
    "locations": "records", "contacts": "records", "categories": "records",
    "occupationCategories": "records", "adtext": "text", "sourceurl": "text",
    "applicationUrl": "text", "applicationDue": "text", "jobtitle": "text",
    "engagementtype": "text", "extent": "text", "starttime": "text", "positioncount": "text",
    "sector": "text", "remote": "text", "workLanguage": "texts",
}  # fmt: skip
AD_FIELDS = tuple(FIELD_KINDS)
# What an admin PATCH or a planned update may change.
MUTABLE_FIELDS = frozenset(AD_FIELDS) - {"uuid", "published", "updated"}


def is_active(ad: Ad) -> bool:
    """Active as the feed sees it: ACTIVE, not from DIR, and public (nav-apis.md 2.9)."""
    return bool(ad["status"] == "ACTIVE" and ad["source"] != "DIR" and ad["privacy"] == "SHOW_ALL")


def is_masked(ad: Ad) -> bool:
    """Stopped, deleted, rejected or non-public ads are masked in feed lines."""
    return ad["status"] in MASKED_STATUSES or ad["privacy"] != "SHOW_ALL"


def feed_status(ad: Ad) -> str:
    return "ACTIVE" if is_active(ad) else "INACTIVE"


def feed_snapshot(ad: Ad) -> tuple[str, str, str, str]:
    """(status, title, businessName, municipal) as a feed line frozen at an event shows it."""
    locations = ad.get("locations") or []
    municipal = _or_unknown(locations[0].get("municipal") if locations else None)
    if is_masked(ad):
        return feed_status(ad), "...", "", municipal
    return (
        feed_status(ad),
        _or_unknown(ad.get("title")),
        _or_unknown(ad.get("businessName")),
        municipal,
    )


def _or_unknown(value: str | None) -> str:
    """The feed's `value ?: "?"`: only a missing value becomes `?` (`""` stays `""`)."""
    return "?" if value is None else value


def field_problem(name: str, value: Any) -> str | None:
    """Why a value cannot go into an ad field, or None when it fits."""
    kind = FIELD_KINDS.get(name)
    if kind == "text":
        return None if isinstance(value, str) else f"{name} must be a string"
    if kind == "instant":
        return None if value is None or isinstance(value, int) else f"{name} must be an instant"
    if kind == "texts":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else f"{name} must be a list of strings"
    if kind == "record":
        ok = isinstance(value, dict) and all(isinstance(v, str | None) for v in value.values())
        return None if ok else f"{name} must be an object of strings"
    if kind == "records":
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            return f"{name} must be a list of objects"
        scalars = (str, int, float, type(None))
        if not all(isinstance(x, scalars) for item in value for x in item.values()):
            return f"{name}: values must be strings, numbers or null"
        return None
    return f"{name} is not a field of an ad"
