"""`/aggregate` evaluation: SQL fetches the group values, the grouping, metrics, sorting and
`_all` totals are done here.

Two paths give the same table. When every group level is a job-level value and jobs are
counted, each job falls in exactly one bucket, so SQLite groups (`GROUP BY`, metric values
gathered with `group_concat`) and intermediate levels are sums of their children. Otherwise
(posting-level values, lists, custom categories, posting counts) a job may fall in several
buckets: SQL returns one row per (values, unit) and each level counts distinct units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jobfakes.fakes.jobfeed import aggregate
from jobfakes.fakes.jobfeed.aggregate import ALL, INTERVALS, OPS, Dim, Request
from jobfakes.fakes.jobfeed.serialize import Labeller

from jobfakes.world.jobfeed.fields import Custom, custom_labels

if TYPE_CHECKING:  # the compiler loads on first use
    from jobfakes.query import Filters


@dataclass
class Stats:
    """A bucket: how many units, and their non-null metric values."""

    count: int = 0
    values: Any = field(default_factory=list)  # a list, or a numpy array (`columnar.py`)


def grouped(request: Request) -> bool:
    """Whether the SQL GROUP BY path applies (each counted job in one bucket only)."""
    return (
        request.unit == "job"
        and all(
            d.level == "job" and d.spec.type != "codes" and not d.kind.startswith("custom")
            for d in request.dims
        )
        and (request.metric is None or request.metric_level == "job")
    )


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
    """Grouped path: one row per leaf bucket (values..., count, metric values joined by
    commas). Other path: one row per (values..., counted unit, metric value)."""
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
    metric = "NULL"
    if request.metric is not None:
        metric = f"{'j' if request.metric_level == 'job' else 'p'}.{request.metric.name}"
    condition = " AND ".join([where, *conditions])
    if grouped(request):
        keys = ", ".join(str(i + 1) for i in range(len(request.dims)))
        values = "NULL" if request.metric is None else f"group_concat({metric})"
        text = f"SELECT {', '.join([*selects, 'count(*)', values])} FROM {source} WHERE {condition}"
        return (text + (f" GROUP BY {keys}" if keys else "")), args
    selects.append("p.rowid" if request.unit == "posting" else "j.rowid")
    selects.append(metric)
    return f"SELECT {', '.join(selects)} FROM {source} WHERE {condition}", args


def _levels(request: Request, rows: list[Any]) -> list[dict[tuple[Any, ...], Stats]]:
    """Stats per key prefix, for every depth 0..n."""
    n = len(request.dims)
    levels: list[dict[tuple[Any, ...], Stats]] = [{} for _ in range(n + 1)]
    if grouped(request):
        number = float if request.metric is not None and request.metric.type == "float" else int
        for row in rows:
            if row[n] == 0:
                continue
            values = [number(v) for v in row[n + 1].split(",")] if row[n + 1] else []
            levels[n][tuple(row[:n])] = Stats(row[n], values)
        for depth in range(n - 1, -1, -1):
            for key, stats in levels[depth + 1].items():
                parent = levels[depth].setdefault(key[:depth], Stats())
                parent.count += stats.count
                parent.values.extend(stats.values)
        return levels
    maps = [_custom_map(d, request.custom) for d in request.dims]
    units: list[dict[tuple[Any, ...], dict[int, Any]]] = [{} for _ in range(n + 1)]
    for row in rows:
        key = tuple(row[:n])
        if any(m is not None for m in maps):
            key = tuple(v if m is None else m.get(v) for v, m in zip(key, maps, strict=True))
            if any(v is None for v in key):
                continue
        units[n].setdefault(key, {})[row[n]] = row[n + 1]
    for depth in range(n - 1, -1, -1):
        for key, members in units[depth + 1].items():
            units[depth].setdefault(key[:depth], {}).update(members)
    for depth in range(n + 1):
        for key, members in units[depth].items():
            levels[depth][key] = Stats(len(members), [v for v in members.values() if v is not None])
    return levels


def table(
    request: Request,
    rows: list[Any],
    labeller: Labeller,
    levels: list[dict[tuple[Any, ...], Stats]] | None = None,
) -> list[list[Any]]:
    """Header row, then bucket rows (with `_all` totals rows when asked for), from SQL `rows`
    or from `levels` already built."""
    n = len(request.dims)
    if levels is None:
        levels = _levels(request, rows)
    out: list[list[Any]] = [request.header()]

    def metrics(stats: Stats) -> list[Any]:
        if request.op is None:
            return [stats.count]
        if isinstance(stats.values, list):
            result = OPS[request.op](stats.values) if stats.values else None
        else:
            result = _array_metric(request.op, stats.values)
        if request.op in ("avg", "median") and result is not None:
            result = round(float(result), 4)
        return [result, *([stats.count] if request.with_count else [])]

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
            stats = levels[depth + 1][key]
            if last and request.op is not None:
                value = metrics(stats)[0]
                return float("-inf") if value is None else value
            return stats.count

        keys.sort(key=lambda k: k[-1], reverse=dim.by_group and dim.desc)
        if not dim.by_group:  # ties keep the group order, ascending
            keys.sort(key=by_value, reverse=dim.desc)
        end = None if dim.limit is None else dim.offset + dim.limit
        for key in keys[dim.offset : end]:
            if last:
                out.append([*cells(key), *metrics(levels[n][key])])
                continue
            emit(key, depth + 1)
            if request.totals:
                out.append(
                    [*cells(key), *[ALL] * (n - depth - 1), *metrics(levels[depth + 1][key])]
                )

    if n == 0:
        whole = [] if aggregate.WHOLE_SET_CELL is None else [aggregate.WHOLE_SET_CELL]
        out.append([*whole, *metrics(levels[0].get((), Stats()))])
        return out
    emit((), 0)
    if request.totals and aggregate.GRAND_TOTAL_ROW:
        out.append([*[ALL] * n, *metrics(levels[0].get((), Stats()))])
    return out


def _array_metric(op: str, values: Any) -> Any:
    from jobfakes.fakes.jobfeed.columnar import apply  # columnar imports this module

    return apply(op, values)


def _custom_map(dim: Dim, custom: Custom) -> Mapping[Any, int] | None:
    if not dim.kind.startswith("custom"):
        return None
    out: dict[Any, int] = {}
    for first, second, codes in custom[dim.spec.name].values():
        target = first if dim.kind == "custom_1" else second
        if target is not None:
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
