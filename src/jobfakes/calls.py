"""Call verification over a fake's request journal, as pytest-httpserver, responses and
WireMock users expect: filter the calls, assert how often one was made, and on failure read
which calls came nearest.

    fake.admin.requests(fake="navfeed", method="GET", path="/api/v1/feed/*", status=200)
    fake.admin.assert_called("/api/v1/feedentry/*", times=3)
    fake.admin.assert_not_called("/api/v1/feed", status=500)
"""

from __future__ import annotations

import difflib
from fnmatch import fnmatchcase
from typing import Any

from jobfakes.world.times import parse_instant

Call = dict[str, Any]


def select(
    calls: list[Call],
    *,
    fake: str | None = None,
    method: str | None = None,
    path: str | None = None,
    status: int | None = None,
    since: str | None = None,
    fault: str | None = None,
) -> list[Call]:
    """The calls that match every filter given: `path` a shell-style pattern, `since` an ISO
    instant of world time (calls at or after it), `fault` a fault id the call took."""
    start = parse_instant(since) if since else None
    found = []
    for call in calls:
        if fake is not None and call.get("fake") != fake:
            continue
        if method is not None and call["method"] != method.upper():
            continue
        if path is not None and not fnmatchcase(call["path"], path):
            continue
        if status is not None and call["status"] != status:
            continue
        if start is not None and parse_instant(call["time"]) < start:
            continue
        if fault is not None and fault not in (call.get("fault") or "").split(","):
            continue
        found.append(call)
    return found


def describe(call: Call) -> str:
    query = f"?{call['query']}" if call.get("query") else ""
    fault = f" [fault {call['fault']}]" if call.get("fault") else ""
    return f"{call['method']} {call['path']}{query} -> {call['status']}{fault} at {call['time']}"


def nearest(calls: list[Call], path: str, limit: int = 5) -> list[Call]:
    """The calls whose path reads most like `path` (a pattern's literal part)."""
    target = path.replace("*", "").replace("?", "")
    scored = sorted(
        calls,
        key=lambda c: -difflib.SequenceMatcher(None, target, c["path"]).ratio(),
    )
    return scored[:limit]


def check_called(calls: list[Call], path: str, times: int | None, **filters: Any) -> list[Call]:
    """The matching calls; AssertionError with the nearest calls when there are none, or not
    exactly `times`."""
    found = select(calls, path=path, **filters)
    if (times is None and found) or (times is not None and len(found) == times):
        return found
    wanted = "at least once" if times is None else f"{times} time(s)"
    given = "".join(f", {k}={v!r}" for k, v in filters.items() if v is not None)
    lines = [f"expected {path}{given} to be called {wanted}, it was called {len(found)} time(s)"]
    if found:
        lines.append("matching calls:")
        lines.extend(f"  {describe(c)}" for c in found[:10])
    near = [c for c in nearest(calls, path) if c not in found]
    if near:
        lines.append("nearest other calls:")
        lines.extend(f"  {describe(c)}" for c in near)
    elif not calls:
        lines.append("no calls were made at all")
    raise AssertionError("\n".join(lines))


def check_not_called(calls: list[Call], path: str, **filters: Any) -> None:
    """AssertionError listing the calls when any matches."""
    found = select(calls, path=path, **filters)
    if found:
        given = "".join(f", {k}={v!r}" for k, v in filters.items() if v is not None)
        lines = [f"expected no call to {path}{given}, got {len(found)}:"]
        lines.extend(f"  {describe(c)}" for c in found[:10])
        raise AssertionError("\n".join(lines))
