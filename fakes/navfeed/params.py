"""Query and header parsing for the Job Vacancy Feed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jobfakes.fakes.navfeed import rfc1123
from werkzeug.datastructures import Headers, MultiDict

DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 10_000
_INT = re.compile(r"[+-]?\d+")  # what Kotlin's toIntOrNull accepts
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class ParamError(ValueError):
    """Bad input; the message is the 400 body."""


@dataclass(frozen=True)
class PageQuery:
    page_size: int
    if_modified_since: int | None  # microseconds
    if_none_match: str | None


def page_query(args: MultiDict[str, str], headers: Headers) -> PageQuery:
    return PageQuery(
        page_size(args.get("pageSize")), if_modified_since(headers), headers.get("If-None-Match")
    )


def page_size(raw: str | None) -> int:
    """Default 1000 when absent or not an Int (overflow included), 400 past 10000."""
    if raw is None or not _INT.fullmatch(raw):
        return DEFAULT_PAGE_SIZE
    value = int(raw)
    if not -(2**31) <= value < 2**31:
        return DEFAULT_PAGE_SIZE
    if value > MAX_PAGE_SIZE:
        raise ParamError(f"pageSize must be less than or equal to {MAX_PAGE_SIZE}")
    if value < 0:  # the real service fails with a 500 here
        raise ParamError("pageSize must be a non-negative integer")
    return value


def if_modified_since(headers: Headers) -> int | None:
    """The If-Modified-Since instant, read as Java's RFC 1123 parser reads it; a header it
    cannot parse is ignored, as upstream does."""
    return rfc1123.parse(headers.get("If-Modified-Since"))


def uuid(raw: str, name: str) -> str:
    """A canonical UUID (lower case); the real service answers 500 for anything else."""
    if not _UUID.fullmatch(raw):
        raise ParamError(f"{name} must be a UUID")
    return raw.lower()
