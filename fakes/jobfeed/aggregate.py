"""`/aggregate`: `_group` levels (date intervals, buckets, custom categories), `_metric`,
per-level `_limit`/`_offset`/`_sort`/`_sortdir`, `_totals`; rows as lists under a header.

This module parses and checks the request; `buckets.py` evaluates it.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from jobfakes.fakes.jobfeed.params import (
    DEFAULT_LIMIT,
    ParamError,
    boolean,
    field_ref,
    integer,
    language,
    numeric,
)

from jobfakes.world.jobfeed.fields import Custom, Field

OPS: dict[str, Callable[[list[float]], float]] = {
    "min": min,
    "max": max,
    "sum": sum,
    "avg": statistics.fmean,
    "median": statistics.median,
}
INTERVALS = ("week", "month", "quarter", "year")
_BUCKETS = re.compile(r"buckets_(-?\d{1,9})_(-?\d{1,9})_(\d{1,9})")
ALL = "_all"
# Without a group field the whole result set is one bucket, written as the `_all` placeholder
# of `_totals` rows (header and row), so that the metric is last and a real harvester's
# `rows[1][1]` is the total. The real answer is not public: set to None for `[["count"], [N]]`.
WHOLE_SET_CELL: str | None = ALL
# `_totals=1`: a total row after each intermediate bucket (the reference's example). A last
# row of `_all` cells only (the whole set) is in no public example: off, True brings it back.
GRAND_TOTAL_ROW = False


@dataclass(frozen=True)
class Dim:
    key: str  # as written in _group: the header cell
    spec: Field
    level: str  # where the value comes from: job or posting
    kind: str  # plain, week, month, quarter, year, buckets, custom_1, custom_2
    buckets: tuple[int, int, int] | None = None
    limit: int | None = DEFAULT_LIMIT
    offset: int = 0
    by_group: bool = False
    desc: bool = True


@dataclass(frozen=True)
class Request:
    dims: tuple[Dim, ...]
    unit: str  # job or posting: what is counted
    op: str | None
    metric: Field | None
    metric_level: str
    with_count: bool
    totals: bool
    labels: bool
    language: str
    custom: Custom

    def header(self) -> list[str]:
        names = [d.key for d in self.dims]
        if not names and WHOLE_SET_CELL is not None:
            names = [WHOLE_SET_CELL]
        if self.op is None:
            return [*names, "count"]
        assert self.metric is not None
        return [*names, f"{self.op}__{self.metric.name}", *(["count"] if self.with_count else [])]


def _dim(item: str, custom: Custom) -> tuple[Dim, bool]:
    """One `_group` item -> (dimension, whether it asks for posting counts)."""
    level, _, rest = item.rpartition(":") if ":" in item else ("", "", item)
    name, _, suffix = rest.partition("__")
    level_, spec = field_ref("_group", f"{level}:{name}" if level else name)
    if spec.type == "text":
        raise ParamError("_group", f"cannot group on the text field {spec.name!r}")
    kind, buckets = "plain", None
    if suffix in INTERVALS:
        if spec.type != "date":
            raise ParamError("_group", f"__{suffix} is for date fields; {spec.name!r} is not one")
        kind = suffix
    elif suffix.startswith("buckets"):
        match = _BUCKETS.fullmatch(suffix)
        if not match:
            raise ParamError("_group", f"expected {name}__buckets_<min>_<max>_<step>, not {item!r}")
        numeric("_group", spec)
        low, high, step = (int(g) for g in match.groups())
        if step <= 0 or high <= low:
            raise ParamError("_group", f"buckets need min < max and a positive step: {item!r}")
        if (high - low) // step > 10_000:
            raise ParamError("_group", f"too many buckets in {item!r} (at most 10000)")
        kind, buckets = "buckets", (low, high, step)
    elif suffix in ("custom", "custom_1", "custom_2"):
        if not spec.custom or spec.name not in custom:
            raise ParamError("_group", f"field {spec.name!r} has no custom categories")
        kind = "custom_2" if suffix == "custom_2" else "custom_1"
    elif suffix:
        raise ParamError("_group", f"unknown suffix __{suffix} in {item!r}")
    where = level_ or spec.default_level
    return Dim(item, spec, where, kind, buckets), level_ == "posting"


def _list(options: dict[str, str], name: str, count: int) -> list[str]:
    raw = options.get(name)
    items = [i.strip() for i in raw.split(",")] if raw else []
    if len(items) > max(count, 1):
        raise ParamError(name, f"{len(items)} values for {count} group levels")
    return items + [""] * (max(count, 1) - len(items))


def parse(options: dict[str, str], custom: Custom) -> Request:
    unit = "job"
    dims: list[Dim] = []
    group = (options.get("_group") or "").strip()
    for item in [i.strip() for i in group.split(",")] if group else []:
        if item == "posting":
            unit = "posting"
            continue
        if not item:
            raise ParamError("_group", "empty field name in the list")
        dim, postings = _dim(item, custom)
        unit = "posting" if postings else unit
        dims.append(dim)
    op, metric, with_count, metric_level = None, None, False, "job"
    raw_metric = (options.get("_metric") or "count").strip()
    if raw_metric == "count_postings":  # deprecated, still understood
        unit = "posting"
    elif raw_metric != "count":
        first, _, second = raw_metric.partition(",")
        if second and second.strip() != "count":
            raise ParamError("_metric", "only OPERATION__FIELD,count combines two metrics")
        with_count = bool(second)
        op, _, fname = first.strip().partition("__")
        if op not in OPS or not fname:
            raise ParamError(
                "_metric", f"expected count or min/max/sum/avg/median__FIELD, not {raw_metric!r}"
            )
        level, metric = field_ref("_metric", fname)
        numeric("_metric", metric)
        metric_level = level or ("job" if unit == "job" and "job" in metric.levels else "posting")
    limits = _list(options, "_limit", len(dims))
    offsets = _list(options, "_offset", len(dims))
    sorts = _list(options, "_sort", len(dims))
    dirs = _list(options, "_sortdir", len(dims))
    totals = boolean(options, "_totals", False)
    final = []
    for index, dim in enumerate(dims):
        sort_by = sorts[index] or "_value"
        if sort_by not in ("_value", "_group"):
            raise ParamError("_sort", f"expected _group or _value, not {sort_by!r}")
        direction = dirs[index] or "desc"
        if direction not in ("asc", "desc"):
            raise ParamError("_sortdir", f"expected asc or desc, not {direction!r}")
        if dim.kind.startswith("custom"):
            if not totals:
                raise ParamError("_group", "grouping by custom categories needs _totals=1")
            sort_by = "_group"  # sorting custom categories by value has no effect
        default = None if dim.kind in INTERVALS else DEFAULT_LIMIT
        limit = integer("_limit", limits[index], 1) if limits[index] else default
        offset = integer("_offset", offsets[index]) if offsets[index] else 0
        final.append(
            Dim(
                dim.key,
                dim.spec,
                dim.level,
                dim.kind,
                dim.buckets,
                limit,
                offset,
                sort_by == "_group",
                direction == "desc",
            )
        )
    return Request(
        tuple(final), unit, op, metric, metric_level, with_count, totals,
        boolean(options, "_labels", True), language(options), custom,
    )  # fmt: skip
