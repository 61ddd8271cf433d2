"""The journal over HTTP: `GET /__admin/requests` (filtered and paged) and a chart of it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from jobfakes.core.app import json_response, runtime
from jobfakes.core.journal import MINUTE
from jobfakes.core.journal_query import Query, QueryError, parse_query, wants_redaction
from jobfakes.world.times import US, iso_utc

MAX_BUCKETS = 200


def traffic_blueprint() -> Blueprint:
    bp = Blueprint("jobfakes_traffic", __name__, url_prefix="/__admin")
    bp.register_error_handler(QueryError, lambda e: _bad(str(e)))

    @bp.get("/requests")
    def journal() -> Response:
        """The entries that match the filters; `X-Total-Count` says how many match in all,
        and a `Link: <...>; rel="next"` header gives the next page when `limit` cut it."""
        query = parse_query(request.args)
        journal = runtime().journal
        entries = journal.entries(query, redact=wants_redaction(request.args))
        response = json_response(entries)
        if query.limit is not None:
            unbounded = query.before is None and query.after is None
            whole = unbounded and len(entries) < query.limit  # the page is every match
            total = len(entries) if whole else journal.count(query)
            response.headers["X-Total-Count"] = str(total)
            if len(entries) == query.limit:
                response.headers["Link"] = f'<{_next_page(query, entries)}>; rel="next"'
        return response

    @bp.get("/requests/chart")
    def chart() -> Response:
        args = request.args.to_dict()
        buckets = args.pop("buckets", "24")
        if not buckets.isdigit() or not 1 <= int(buckets) <= MAX_BUCKETS:
            raise QueryError("buckets", f"expected a whole number from 1 to {MAX_BUCKETS}")
        query = parse_query(args)
        return json_response(request_chart(query, int(buckets)))

    return bp


def _bad(message: str) -> Response:
    return json_response({"error": "Bad Request", "status": 400, "message": message}, 400)


def _next_page(query: Query, entries: list[dict[str, Any]]) -> str:
    args = {k: v for k, v in request.args.items() if k not in ("before", "after")}
    last = entries[-1]["seq"]
    args["before" if query.newest_first else "after"] = str(last)
    from urllib.parse import urlencode

    return f"{request.path}?{urlencode(args)}"


def request_chart(query: Query, buckets: int) -> dict[str, Any]:
    """Requests per fake in `buckets` equal slices (whole minutes) of the world time the
    journal spans up to now, by status class. Filters by fake and status class read the
    journal's per-minute counts; the others scan the entries."""
    journal = runtime().journal
    if query.counted:
        where, args = query.counts_where()
        sql = f"SELECT fake, minute, class, n FROM journal_counts WHERE {where}"
    else:
        where, args = query.where()
        sql = (
            "SELECT coalesce(fake, ''), time / ?, status / 100, count(*) FROM journal"
            f" WHERE {where} GROUP BY 1, 2, 3"
        )
        args = [MINUTE, *args]
    rows = journal.select(sql, tuple(args))
    now = runtime().world.now()
    if not rows:
        return {"from": iso_utc(now), "to": iso_utc(now), "bucket_seconds": 0, "fakes": {}}
    low = min(row[1] for row in rows)
    high = max(max(row[1] for row in rows), now // MINUTE)
    width = max(1, -(-(high - low) // buckets))  # minutes a bucket; now falls in the last
    fakes: dict[str, dict[str, list[int]]] = {}
    for fake, minute, status_class, count in sorted(rows):
        series = fakes.setdefault(fake or "(none)", {})
        line = series.setdefault(f"{status_class}xx", [0] * buckets)
        line[min((minute - low) // width, buckets - 1)] += int(count)
    return {
        "from": iso_utc(low * MINUTE),
        "to": iso_utc((low + width * buckets) * MINUTE),
        "bucket_seconds": width * MINUTE / US,
        "fakes": fakes,
    }
