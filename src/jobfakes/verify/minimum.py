"""The fewest calls a correct consumer needs to hold what a scenario leaves it (docs/verify.md).

Derived from the ground truth the control plane gives at each sync step (`Snapshot`: the
active ads and when each was last changed) and from the page size the consumer chose (the
largest it asked for; a bigger page is the consumer's to choose, a smaller one its cost):

- `navfeed`: one walk of the feed from the start, at least one line per ad the world holds,
  `ceil(ads / page size)` pages; one conditional poll of its cursor at each later sync; one
  feedentry per ad that is active at a sync and new or changed since the sync before.
- `publicfeed`: `ceil(active / size)` pages at each sync (the listing has no cursor).
- `jobfeed`: `ceil(online jobs / _limit)` search pages at each sync (the Dutch world does not
  change with the clock, so the online jobs at the end are those of every sync).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

# (fake, path prefix of its listing, its page-size parameter, the fake's default page size)
_LISTINGS = {
    "navfeed": ("/api/v1/feed", "pageSize", 1000),
    "publicfeed": ("/public-feed/api/v1/ads", "size", 20),
    "jobfeed": ("/api/v3/search", "_limit", 10),
}


@dataclass(frozen=True)
class Snapshot:
    """The ground truth at one sync step: uuid -> last change of every active ad, and how
    many ads the world holds in all."""

    active: dict[str, str]
    ads: int


def snapshot(control: Any) -> Snapshot:
    ads = control.call("GET", "/ads")
    active = {a["uuid"]: a["updated"] for a in ads if a["status"] == "ACTIVE"}
    return Snapshot(active, len(ads))


def page_size(journal: list[dict[str, Any]], fake: str) -> int:
    """The largest page the consumer asked the fake's listing for (its default when none)."""
    path, name, default = _LISTINGS[fake]
    sizes = [
        int(value)
        for call in journal
        if call.get("fake") == fake and call["path"].startswith(path)
        for value in parse_qs(call["query"]).get(name, [])
        if value.isdigit() and int(value) > 0
    ]
    return max(sizes, default=default)


def minimum_requests(
    fake: str, syncs: list[Snapshot], journal: list[dict[str, Any]], online: int = 0
) -> int:
    """The rule above for `fake`'s consumer over the sync steps `syncs` (`online`: the
    Jobfeed world's online jobs)."""
    if not syncs:
        return 0
    size = page_size(journal, fake)
    if fake == "jobfeed":
        return len(syncs) * max(1, -(-online // size))
    if fake == "publicfeed":
        return sum(max(1, -(-len(s.active) // size)) for s in syncs)
    pages = max(1, -(-syncs[-1].ads // size)) + len(syncs) - 1
    entries, before = 0, dict[str, str]()
    for sync in syncs:
        entries += sum(1 for u, changed in sync.active.items() if before.get(u) != changed)
        before = sync.active
    return pages + entries


def measured(fake: str) -> bool:
    return fake in _LISTINGS
