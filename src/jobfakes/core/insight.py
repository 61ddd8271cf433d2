"""What the dashboard shows of a world: ads by status over world time, and each fake's summary.

The history is derived from the ads' own times (published, expires, and the last change of a
stopped ad), so it needs no state of its own and is the same in every worker: at an instant T
an ad published by T is stopped if it was stopped (or deleted, rejected) by T, expired if its
expiry passed by T or it went inactive by T, and active otherwise.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from jobfakes.world.times import OSLO, from_datetime, iso_utc, to_datetime

if TYPE_CHECKING:
    from jobfakes.core.app import Runtime

MAX_DAYS = 60
_STOPPED = ("STOPPED", "DELETED", "REJECTED")


def day_starts(now: int, days: int) -> list[int]:
    """The Oslo midnights that begin each of the last `days` days up to `now`, oldest first."""
    today = to_datetime(now, OSLO).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = []
    for back in range(days - 1, -1, -1):
        day = (today - timedelta(days=back)).replace(tzinfo=None)
        starts.append(from_datetime(day.replace(tzinfo=OSLO)))  # DST: the day's own offset
    return starts


def ad_history(state: Runtime, days: int) -> list[dict[str, Any]]:
    """One point per day (its end, or now for today): counts of active, stopped and expired
    ads, and of ads published that day up to the point."""
    import numpy as np

    world = state.world
    now = world.now()
    rows = world.store.conn.execute(
        "SELECT status, updated, coalesce(expires, -1),"
        " coalesce(json_extract(CAST(doc AS TEXT), '$.published'), updated) FROM ads"
    ).fetchall()
    status = np.array([r[0] for r in rows], dtype=object)
    updated = np.array([r[1] for r in rows], dtype=np.int64)
    expires = np.array([r[2] for r in rows], dtype=np.int64)
    published = np.array([r[3] for r in rows], dtype=np.int64)
    stopped_kind = np.isin(status, _STOPPED)
    inactive_kind = status == "INACTIVE"
    has_expiry = expires >= 0
    points = []
    starts = day_starts(now, days)
    for index, start in enumerate(starts):
        at = starts[index + 1] - 1 if index + 1 < len(starts) else now
        alive = published <= at
        stopped = alive & stopped_kind & (updated <= at)
        expired = (
            alive & ~stopped & ((has_expiry & (expires <= at)) | (inactive_kind & (updated <= at)))
        )
        points.append(
            {
                "day": to_datetime(start, OSLO).date().isoformat(),
                "at": iso_utc(at),
                "active": int((alive & ~stopped & ~expired).sum()),
                "published": int((alive & (published >= start)).sum()),
                "stopped": int(stopped.sum()),
                "expired": int(expired.sum()),
            }
        )
    return points


def world_summary(state: Runtime, days: int) -> dict[str, Any]:
    """The clock, the ads' history and what each fake's backend tells of itself (a backend
    may define `summary()`, as the Jobfeed fake does for its Dutch world)."""
    world = state.world
    summaries = {}
    for name, backend in state.backends.items():
        summary = getattr(backend, "summary", None)
        if summary is not None:
            summaries[name] = summary()
    total = int(world.store.conn.execute("SELECT count(*) FROM ads").fetchone()[0])
    return {
        "now": iso_utc(world.now()),
        "mode": world.clock.mode,
        "fakes": [s.name for s in state.specs],
        "token_fakes": [s.name for s in state.specs if s.auth is not None],
        "ads": total,
        "history": ad_history(state, days),
        "summaries": summaries,
    }


def lookup(state: Runtime, ident: str) -> dict[str, Any]:
    """An ad or a job by id as each fake serves it: every backend that defines `preview(id)`
    answers with its own wire shape, or None when it does not serve that id."""
    found: dict[str, Any] = {}
    for name, backend in state.backends.items():
        preview = getattr(backend, "preview", None)
        if preview is not None:
            found[name] = preview(ident)
    return found
