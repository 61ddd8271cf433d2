"""`/aggregate` over the world's columnar side store: job-level integer groups and metrics
(the common case: group jobs by codes, count them or take a median) as numpy array work.

It builds the same per-level buckets as the SQL path in `buckets.py`, with each bucket's
metric values as a sorted array; `buckets.table` turns them into the same table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from jobfakes.fakes.jobfeed.aggregate import Request
from jobfakes.fakes.jobfeed.buckets import Stats, grouped

from jobfakes.world.jobfeed.columns import Columns

INTEGER_TYPES = ("integer", "code", "boolean", "location")


def applies(request: Request) -> bool:
    """Whether the request is job-level grouping of integer values with an integer metric
    (floats stay in SQL, whose text round trip the results keep)."""
    return (
        grouped(request)
        and all(d.kind == "plain" and d.spec.type in INTEGER_TYPES for d in request.dims)
        and (request.metric is None or request.metric.type == "integer")
    )


def levels(request: Request, columns: Columns, rowids: Any) -> list[dict[tuple[Any, ...], Stats]]:
    """Stats per key prefix, for every depth 0..n, over the jobs `rowids` (None: all)."""
    chosen = None if rowids is None else columns.positions(rowids)

    def take(name: str) -> tuple[Any, Any]:
        col = columns.column(name)
        if chosen is None:
            return col.values, col.present
        return col.values[chosen], col.present[chosen]

    n = len(request.dims)
    keys, keep = [], None
    for dim in request.dims:
        values, present = take(dim.spec.name)
        keys.append(values)
        keep = present if keep is None else keep & present
    size = len(columns.rowids()) if chosen is None else len(chosen)
    metric, has_metric = np.zeros(size, np.int64), np.zeros(size, np.bool_)
    if request.metric is not None:
        metric, has_metric = take(request.metric.name)
    if keep is not None:
        keys = [k[keep] for k in keys]
        metric, has_metric = metric[keep], has_metric[keep]
        size = int(keep.sum())
    out: list[dict[tuple[Any, ...], Stats]] = [{} for _ in range(n + 1)]
    if n == 0:
        if size:
            out[0][()] = Stats(size, np.sort(metric[has_metric]))
        return out
    uniques, inverses = zip(*(np.unique(k, return_inverse=True) for k in keys), strict=True)
    shape = tuple(len(u) for u in uniques)
    combined = np.ravel_multi_index([inv.reshape(-1) for inv in inverses], shape)
    groups, counts = np.unique(combined, return_counts=True)
    value_groups, values = combined[has_metric], metric[has_metric]
    order = np.lexsort((values, value_groups))
    value_groups, values = value_groups[order], values[order]
    starts = np.searchsorted(value_groups, groups, "left")
    ends = np.searchsorted(value_groups, groups, "right")
    digits = np.unravel_index(groups, shape)
    columns_of_keys = [u[d].tolist() for u, d in zip(uniques, digits, strict=True)]
    for index, key in enumerate(zip(*columns_of_keys, strict=True)):
        out[n][key] = Stats(int(counts[index]), values[starts[index] : ends[index]])
    for depth in range(n - 1, -1, -1):
        parts: dict[tuple[Any, ...], list[Any]] = {}
        for key, stats in out[depth + 1].items():
            parent = out[depth].setdefault(key[:depth], Stats())
            parent.count += stats.count
            parts.setdefault(key[:depth], []).append(stats.values)
        for key, arrays in parts.items():
            out[depth][key].values = np.concatenate(arrays)
    return out


def apply(op: str, values: Any) -> Any:
    """The metric `op` over an array of integers, exactly as `statistics`/builtins give it
    over the same values as a list (None when there are none)."""
    if not len(values):
        return None
    if op in ("min", "max"):
        return (values.min() if op == "min" else values.max()).item()
    if op == "median":
        ordered = np.sort(values)
        mid = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[mid].item()
        return (ordered[mid - 1].item() + ordered[mid].item()) / 2
    total = int(values.sum())
    return total if op == "sum" else float(total) / len(values)  # avg: fsum(ints) / n


def facet(values: Any, present: Any, units: Any, limit: int) -> list[tuple[Any, int]]:
    """The `limit` most frequent values (present ones) with how many distinct `units` (None:
    every row its own unit) have them; ties by value, as the SQL facets order them."""
    values = values[present]
    if units is not None:
        units = units[present]
        order = np.lexsort((units, values))
        values, units = values[order], units[order]
        first = np.ones(len(values), np.bool_)
        first[1:] = (values[1:] != values[:-1]) | (units[1:] != units[:-1])
        values = values[first]
    found, counts = np.unique(values, return_counts=True)
    top = np.lexsort((found, -counts))[:limit]
    return list(zip(found[top].tolist(), counts[top].tolist(), strict=True))
