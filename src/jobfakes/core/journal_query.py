"""Filters and pages over the request journal, as SQL on its `journal` table.

`GET /__admin/requests` takes them as query parameters: `fake`, `method`, `path` (a part of
the path), `status` (`404` or a class such as `4xx`), and for paging `limit` with `before` or
`after` (sequence numbers, each entry's `seq`) and `order` (`asc`, the default, or `desc`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from jobfakes.world.times import iso_utc

MAX_LIMIT = 1000
_STATUS = re.compile(r"^[1-5](?:\d\d|xx)$")
_METHOD = re.compile(r"^[A-Za-z]{1,16}$")
_PARAMS = ("fake", "method", "path", "status", "limit", "before", "after", "order", "redact")


class QueryError(ValueError):
    """A journal parameter that cannot be used; `param` names it."""

    def __init__(self, param: str, message: str):
        super().__init__(f"{param}: {message}")
        self.param = param


@dataclass(frozen=True)
class Query:
    """Which journal entries to list; every field is optional."""

    fake: str | None = None
    method: str | None = None
    path: str | None = None
    status: str | None = None
    before: int | None = None
    after: int | None = None
    limit: int | None = None
    newest_first: bool = False

    @property
    def counted(self) -> bool:
        """Whether the per-minute counts answer this query's filters (fake, status class)."""
        return self.method is None and not self.path and (self.status or "xx").endswith("xx")

    def counts_where(self) -> tuple[str, list[Any]]:
        """The WHERE clause of the filters over `journal_counts` (when `counted`)."""
        clauses: list[str] = ["1"]
        args: list[Any] = []
        if self.fake is not None:
            clauses.append("fake = ?")
            args.append(self.fake)
        if self.status is not None:
            clauses.append("class = ?")
            args.append(int(self.status[0]))
        return " AND ".join(clauses), args

    def where(self) -> tuple[str, list[Any]]:
        """The WHERE clause of the filters and the page's bounds over `journal`."""
        clauses: list[str] = ["1"]
        args: list[Any] = []
        if self.fake is not None:
            clauses.append("fake IS NULL" if self.fake == "" else "fake = ?")
            args += [] if self.fake == "" else [self.fake]
        if self.method is not None:
            clauses.append("method = ?")
            args.append(self.method.upper())
        if self.path:
            clauses.append("instr(path, ?) > 0")
            args.append(self.path)
        if self.status is not None:
            if self.status.endswith("xx"):
                low = int(self.status[0]) * 100
                clauses.append("status >= ? AND status < ?")
                args += [low, low + 100]
            else:
                clauses.append("status = ?")
                args.append(int(self.status))
        if self.before is not None:
            clauses.append("seq < ?")
            args.append(self.before)
        if self.after is not None:
            clauses.append("seq > ?")
            args.append(self.after)
        return " AND ".join(clauses), args


def page_sql(query: Query) -> tuple[str, tuple[Any, ...]]:
    where, args = query.where()
    order = "DESC" if query.newest_first else "ASC"
    limit = -1 if query.limit is None else query.limit
    sql = (
        "SELECT seq, time, method, path, query, status, fake, latency, fault, bytes, at"
        " FROM journal"
        f" WHERE {where} ORDER BY seq {order} LIMIT ?"
    )
    return sql, (*args, limit)


def count_sql(query: Query) -> tuple[str, tuple[Any, ...]]:
    """How many entries match the filters: from the per-minute counts when they can say."""
    if query.counted:
        where, args = query.counts_where()
        return f"SELECT coalesce(sum(n), 0) FROM journal_counts WHERE {where}", tuple(args)
    unpaged = Query(query.fake, query.method, query.path, query.status)
    where, args = unpaged.where()
    return f"SELECT count(*) FROM journal WHERE {where}", tuple(args)


def rows_to_entries(rows: list[Any], redact: bool) -> list[dict[str, Any]]:
    return [
        {
            "time": iso_utc(time),
            "method": method,
            "path": path,
            "query": redacted_query(query) if redact and query else query,
            "status": status,
            "fake": fake,
            "seq": seq,
            "latency_ms": round(latency / 1000, 3),
            "fault": fault,
            "bytes": size,
            "at": round(at or 0, 6),
        }
        for seq, time, method, path, query, status, fake, latency, fault, size, at in rows
    ]


def redacted_query(query: str) -> str:
    """A query string with the values of secret-looking names, and any JWT, masked: what the
    dashboard shows of a request (it never shows a secret a consumer sent)."""
    from jobfakes.recording.patterns import JWT, MASK, is_secret_name, scrub_patterns

    pairs = parse_qsl(query, keep_blank_values=True)
    masked = [(name, MASK if is_secret_name(name) else value) for name, value in pairs]
    return scrub_patterns(urlencode(masked), (JWT,))


def _int(args: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise QueryError(name, f"expected a whole number from {low} to {high}, got {raw[:40]!r}")
    return int(raw)


def parse_query(args: Mapping[str, str]) -> Query:
    """A Query from request parameters; QueryError naming the first one that is wrong."""
    unknown = sorted(set(args) - set(_PARAMS))
    if unknown:
        raise QueryError(unknown[0][:40], f"not a journal parameter (use {', '.join(_PARAMS)})")
    status, method = args.get("status") or None, args.get("method") or None
    if status is not None and not _STATUS.match(status.lower()):
        raise QueryError(
            "status", f"expected a status such as 404 or a class such as 4xx, got {status[:40]!r}"
        )
    if method is not None and not _METHOD.match(method):
        raise QueryError("method", f"expected an HTTP method such as GET, got {method[:40]!r}")
    path, fake = args.get("path") or None, args.get("fake")
    for name, value in (("path", path), ("fake", fake)):
        if value is not None and len(value) > 200:
            raise QueryError(name, "longer than 200 characters")
    order = args.get("order", "asc")
    if order not in ("asc", "desc"):
        raise QueryError("order", f"expected asc or desc, got {order[:40]!r}")
    if args.get("redact", "false") not in ("true", "false", "1", "0"):
        raise QueryError("redact", "expected true or false")
    before, after = _int(args, "before", 0, 2**62), _int(args, "after", 0, 2**62)
    return Query(
        fake=fake,
        method=method,
        path=path,
        status=None if status is None else status.lower(),
        before=before,
        after=after,
        limit=_int(args, "limit", 1, MAX_LIMIT),
        newest_first=order == "desc",
    )


def wants_redaction(args: Mapping[str, str]) -> bool:
    return args.get("redact") in ("true", "1")
