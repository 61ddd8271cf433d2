"""arbeidsplassen's aggregations, each over every filter but its own (no Flask here).

Shapes follow the raw OpenSearch aggregations that arbeidsplassen's search route returns
(reference/nav-apis.md 3.4): `values.buckets` lists for terms, a keyed object for extent,
nested locations for counties, ranges for published.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from jobfakes.fakes.parsebot.params import PUBLISHED_RANGES, SearchQuery
from jobfakes.fakes.parsebot.query import Where, published_thresholds, where

from jobfakes.world.search import UNKNOWN, SearchIndex
from jobfakes.world.times import US, iso_java

TERMS_SIZE = 10
COUNTIES_SIZE, MUNICIPALS_SIZE = 50, 200
ORDER = ("positioncount", "published", "extent", "sector", "remote", "engagementType", "counties")


def _counts(index: SearchIndex, facet: str, mask: int) -> dict[str, int]:
    return {value: n for value, m in index.masks[facet].items() if (n := (m & mask).bit_count())}


def _terms(counts: dict[str, int]) -> dict[str, Any]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "doc_count_error_upper_bound": 0,
        "sum_other_doc_count": sum(n for _, n in ranked[TERMS_SIZE:]),
        "buckets": [{"key": k, "doc_count": n} for k, n in ranked[:TERMS_SIZE]],
    }


def aggregations(
    index: SearchIndex, query: SearchQuery, now: int, w: Where | None = None
) -> tuple[int, dict[str, Any]]:
    """(hits with every filter, the aggregations object); `w` as in `query.search`."""
    out: dict[str, Any] = {}
    with index.reading():
        w = where(index, query.filters, query.q, now) if w is None else w
        everything = w.mask(index)
        positions = sum(int(n) * c for n, c in _counts(index, "positions", everything).items())
        out["positioncount"] = {"doc_count": everything.bit_count(), "sum": {"value": positions}}

        base = w.mask(index, without="published")
        marks = published_thresholds(now)
        out["published"] = {
            "doc_count": base.bit_count(),
            "range": {
                "buckets": [
                    {
                        "key": key,
                        "from": float(marks[key] // 1000),
                        "from_as_string": iso_java(marks[key] // US * US),
                        "doc_count": (index.published_since(marks[key]) & base).bit_count(),
                    }
                    for key in PUBLISHED_RANGES
                ]
            },
        }

        base = w.mask(index, without="extent")
        raw = _counts(index, "extent", base)
        both = raw.get("Heltid_og_Deltid", 0)
        out["extent"] = {
            "doc_count": base.bit_count(),
            "values": {
                "buckets": {
                    "Heltid": {"doc_count": raw.get("Heltid", 0) + both},
                    "Deltid": {"doc_count": raw.get("Deltid", 0) + both},
                    UNKNOWN: {"doc_count": raw.get("", 0)},
                }
            },
        }

        for name, facet in (("sector", "sector"), ("remote", "remote"),
                            ("engagementType", "engagement")):  # fmt: skip
            base = w.mask(index, without=name)
            counts = _counts(index, facet, base)
            counts.pop("", None)  # missing: no bucket, as upstream for sector and engagementType
            out[name] = {"doc_count": base.bit_count(), "values": _terms(counts)}

        out["counties"] = _counties(index, w.mask(index, without="location"))
    return everything.bit_count(), {key: out[key] for key in ORDER}


def _counties(index: SearchIndex, base: int) -> dict[str, Any]:
    municipals: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for place, count in _counts(index, "place", base).items():
        county, _, municipal = place.rpartition(".")
        municipals[county].append((municipal, count))
    roots = _counts(index, "county", base)
    counties = sorted(municipals)
    buckets = []
    for county in counties[:COUNTIES_SIZE]:
        items = sorted(municipals[county])
        buckets.append(
            {
                "key": county,
                "doc_count": sum(n for _, n in items),
                "root_doc_count": {"doc_count": roots.get(county, 0)},
                "municipals": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": sum(n for _, n in items[MUNICIPALS_SIZE:]),
                    "buckets": [{"key": m, "doc_count": n} for m, n in items[:MUNICIPALS_SIZE]],
                },
            }
        )
    return {
        "doc_count": base.bit_count(),
        "nestedLocations": {
            "doc_count": sum(n for c in counties for _, n in municipals[c]),
            "values": {
                "doc_count_error_upper_bound": 0,
                "sum_other_doc_count": sum(
                    n for c in counties[COUNTIES_SIZE:] for _, n in municipals[c]
                ),
                "buckets": buckets,
            },
        },
    }
