"""`/aggregate`: `_group` levels (date intervals, buckets, custom categories), `_metric`,
per-level `_limit`/`_offset`/`_sort`/`_sortdir`, `_totals`; rows as lists under a header.

SQL selects one row per (group values, counted unit); the grouping, the metrics and the
`_all` totals are computed here, so that a job counted in a bucket is counted once and
medians are exact.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jobfakes.fakes.jobfeed.params import (
    DEFAULT_LIMIT,
    ParamError,
    boolean,
    field_ref,
    integer,
    language,
    numeric,
)
from jobfakes.fakes.jobfeed.serialize import Labeller

from jobfakes.query import Filters
from jobfakes.world.jobfeed.fields import Custom, Field, custom_labels

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


# ---- SQL ---------------------------------------------------------------------------------------
def _expr(dim: Dim, column: str) -> str:
    if dim.kind == "week":
        return f"date({column}, '-6 days', 'weekday 1')"
    if dim.kind == "month":
        return f"substr({column}, 1, 7) || '-01'"
    if dim.kind == "quarter":
        return (
            f"substr({column}, 1, 5) || printf('%02d', "
            f"(CAST(substr({column}, 6, 2) AS INTEGER) - 1) / 3 * 3 + 1) || '-01'"
        )
    if dim.kind == "year":
        return f"substr({column}, 1, 4) || '-01-01'"
    if dim.kind == "buckets":
        assert dim.buckets is not None
        low, high, step = dim.buckets
        return (
            f"CASE WHEN {column} >= {low} AND {column} < {high} "
            f"THEN {low} + ({column} - {low}) / {step} * {step} END"
        )
    return column


def sql(request: Request, f: Filters) -> tuple[str, tuple[Any, ...]]:
    """One row per (group values..., counted unit, metric value)."""
    postings = (
        request.unit == "posting"
        or request.metric_level == "posting"
        or any(d.level == "posting" for d in request.dims)
    )
    source, where, args = "jobs j", f"({f.job_sql})", f.job_args
    if postings:
        source = "jobs j JOIN postings p ON p.job = j.rowid"
        where = f"({f.job_sql}) AND ({f.posting_sql})"
        args = f.job_args + f.posting_args
    selects, conditions = [], []
    for index, dim in enumerate(request.dims):
        column = f"{'j' if dim.level == 'job' else 'p'}.{dim.spec.name}"
        if dim.spec.type == "codes":
            source += f", json_each({column}) e{index}"
            column = f"e{index}.value"
        expr = _expr(dim, column)
        selects.append(expr)
        conditions.append(f"({expr}) IS NOT NULL")
    selects.append("p.rowid" if request.unit == "posting" else "j.rowid")
    if request.metric is not None:
        selects.append(f"{'j' if request.metric_level == 'job' else 'p'}.{request.metric.name}")
    else:
        selects.append("NULL")
    text = f"SELECT {', '.join(selects)} FROM {source} WHERE {' AND '.join([where, *conditions])}"
    return text, args


# ---- the table ---------------------------------------------------------------------------------
def table(request: Request, rows: list[Any], labeller: Labeller) -> list[list[Any]]:
    """Header row, then bucket rows (with `_all` totals rows when asked for)."""
    n = len(request.dims)
    maps = [_custom_map(d, request.custom) for d in request.dims]
    buckets: dict[tuple[Any, ...], dict[int, Any]] = {}
    for row in rows:
        key = row[:n]
        if any(m is not None for m in maps):
            mapped = []
            for value, mapping in zip(key, maps, strict=True):
                mapped.append(value if mapping is None else mapping.get(value))
            if any(v is None for v in mapped):
                continue
            key = tuple(mapped)
        buckets.setdefault(tuple(key), {})[row[n]] = row[n + 1]
    # units per prefix (merged): prefix -> unit -> metric value
    levels: list[dict[tuple[Any, ...], dict[int, Any]]] = [{} for _ in range(n + 1)]
    levels[n] = buckets
    for depth in range(n - 1, -1, -1):
        for key, units in levels[depth + 1].items():
            levels[depth].setdefault(key[:depth], {}).update(units)
    out: list[list[Any]] = [request.header()]

    def metrics(units: dict[int, Any]) -> list[Any]:
        if request.op is None:
            return [len(units)]
        values = [v for v in units.values() if v is not None]
        result = OPS[request.op](values) if values else None
        if request.op in ("avg", "median") and result is not None:
            result = round(float(result), 4)
        return [result, *([len(units)] if request.with_count else [])]

    def cells(key: tuple[Any, ...]) -> list[Any]:
        return [_cell(d, v, labeller) for d, v in zip(request.dims, key, strict=False)]

    children: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for depth in range(1, n + 1):
        for key in levels[depth]:
            children.setdefault(key[:-1], []).append(key)

    def emit(prefix: tuple[Any, ...], depth: int) -> None:
        dim = request.dims[depth]
        keys = children.get(prefix, [])
        last = depth == n - 1

        def by_value(key: tuple[Any, ...]) -> Any:
            units = levels[depth + 1][key]
            if last and request.op is not None:
                value = metrics(units)[0]
                return float("-inf") if value is None else value
            return len(units)

        if dim.by_group:
            keys.sort(key=lambda k: k[-1], reverse=dim.desc)
        else:  # ties: by value of the group, ascending
            keys.sort(key=lambda k: k[-1])
            keys.sort(key=by_value, reverse=dim.desc)
        end = None if dim.limit is None else dim.offset + dim.limit
        for key in keys[dim.offset : end]:
            if last:
                out.append([*cells(key), *metrics(levels[n][key])])
            else:
                emit(key, depth + 1)
                if request.totals:
                    out.append(
                        [*cells(key), *[ALL] * (n - depth - 1), *metrics(levels[depth + 1][key])]
                    )

    if n == 0:
        out.append(metrics(levels[0].get((), {})))
        return out
    emit((), 0)
    if request.totals:
        out.append([*[ALL] * n, *metrics(levels[0].get((), {}))])
    return out


def _custom_map(dim: Dim, custom: Custom) -> Mapping[Any, int] | None:
    if not dim.kind.startswith("custom"):
        return None
    out: dict[Any, int] = {}
    for _, (first, second, codes) in custom[dim.spec.name].items():
        target = first if dim.kind == "custom_1" else second
        if target is None:
            continue
        for code in codes:
            out.setdefault(code, target)
    return out


def _cell(dim: Dim, value: Any, labeller: Labeller) -> Any:
    if dim.spec.type == "boolean" and dim.kind == "plain":
        return bool(value)
    if labeller.language is None:
        return value
    if dim.kind.startswith("custom"):
        return {"value": value, "label": custom_labels(dim.spec.name).get(value)}
    if dim.kind == "buckets":
        assert dim.buckets is not None
        return {"value": value, "label": f"{value} - {value + dim.buckets[2] - 1}"}
    if dim.kind in INTERVALS:
        return value
    return labeller.cell(dim.spec, value)
