"""get_facets over HTTP: shapes, counts against the ground truth, disjunctive facets, and the
property that each bucket counts the hits carrying its value."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.world.search import UNKNOWN
from tests.fakes.parsebot.parsebot_helpers import active_ads, all_hits, data, fresh

pytestmark = pytest.mark.jobfakes(ads=150)


def _truth_counts(ads):
    counts = {name: Counter() for name in ("extent", "sector", "remote", "engagementType")}
    counties, places = Counter(), Counter()
    for ad in ads:
        for key in ("Heltid", "Deltid", UNKNOWN):
            counts["extent"][key] += _carries(ad, "extent", key)
        if ad.get("sector"):
            counts["sector"][ad["sector"]] += 1
        counts["remote"][ad.get("remote") or UNKNOWN] += 1
        if ad.get("engagementtype"):
            counts["engagementType"][ad["engagementtype"]] += 1
        seen = {(loc["county"], loc["municipal"]) for loc in ad["locations"]}
        counties.update({c for c, _ in seen})
        places.update(seen)
    return counts, counties, places


def _buckets(aggregations):
    """{facet: {value: count}} from the raw aggregations."""
    out = {
        "extent": {
            k: v["doc_count"] for k, v in aggregations["extent"]["values"]["buckets"].items()
        }
    }
    for name in ("sector", "remote", "engagementType"):
        out[name] = {b["key"]: b["doc_count"] for b in aggregations[name]["values"]["buckets"]}
    nested = aggregations["counties"]["nestedLocations"]["values"]["buckets"]
    out["counties"] = {b["key"]: b["root_doc_count"]["doc_count"] for b in nested}
    out["places"] = {
        (b["key"], m["key"]): m["doc_count"] for b in nested for m in b["municipals"]["buckets"]
    }
    return out


def test_facets_without_inputs_count_every_active_ad(parsebot_inprocess):
    fake = parsebot_inprocess
    ads = list(active_ads(fake).values())
    result = data(fake, "get_facets")
    assert list(result) == ["aggregations", "took", "total"]
    aggs = result["aggregations"]
    assert set(aggs) >= {"extent", "sector", "counties", "remote", "engagementType", "published"}
    assert result["total"]["value"] == len(ads) == aggs["extent"]["doc_count"]
    counts, counties, places = _truth_counts(ads)
    got = _buckets(aggs)
    assert got["extent"] == dict(
        counts["extent"], **{k: counts["extent"][k] for k in ("Heltid", "Deltid", UNKNOWN)}
    )
    for name in ("sector", "remote"):
        assert got[name] == dict(counts[name])
    top = sorted(counts["engagementType"].items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    assert list(got["engagementType"].items()) == top
    assert got["counties"] == dict(counties) and got["places"] == dict(places)
    assert list(got["counties"]) == sorted(counties)  # key ascending, as upstream
    assert aggs["positioncount"]["sum"]["value"] == sum(
        int(ad.get("positioncount") or 1) for ad in ads
    )
    ranges = aggs["published"]["range"]["buckets"]
    assert [b["key"] for b in ranges] == ["now/d", "now-3d", "now-7d"]
    for bucket in ranges:
        assert bucket["doc_count"] == len(all_hits(fake, published=bucket["key"]))


def test_a_facets_own_filter_does_not_shrink_it_but_shrinks_the_others(parsebot_inprocess):
    fake = parsebot_inprocess
    plain = data(fake, "get_facets")["aggregations"]
    narrowed = data(fake, "get_facets", extent="Deltid", counties="OSLO")["aggregations"]
    assert narrowed["extent"]["doc_count"] < plain["extent"]["doc_count"]  # OSLO applies
    oslo_only = data(fake, "get_facets", counties="OSLO")["aggregations"]
    assert narrowed["extent"] == oslo_only["extent"]
    deltid_only = data(fake, "get_facets", extent="Deltid")["aggregations"]
    assert narrowed["counties"] == deltid_only["counties"]
    assert narrowed["sector"]["doc_count"] == len(all_hits(fake, extent="Deltid", counties="OSLO"))


VALUES = {
    "extent": ["Heltid", "Deltid"],
    "remote": ["Hybridkontor", "Hjemmekontor", "Hjemmekontor ikke mulig"],
    "sector": ["Privat", "Offentlig"],
    "engagementType": ["Fast", "Vikariat", "Engasjement", "Sesong"],
    "counties": ["OSLO", "VESTLAND", "AKERSHUS", "TRØNDELAG", "ROGALAND"],
    "published": ["now/d", "now-3d"],
}
FILTERS = st.fixed_dictionaries(
    {},
    optional={
        name: (st.sampled_from(values) if name == "published"
               else st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True))
        for name, values in VALUES.items()
    },
)  # fmt: skip
WORDS = st.sampled_from([None, "leder", "sykepleier", "konsulent", "selger", "ingeniør"])


def _carries(ad, facet, value):
    if facet == "extent":
        raws = {"Heltid": ("Heltid", "Heltid_og_Deltid"), "Deltid": ("Deltid", "Heltid_og_Deltid"),
                UNKNOWN: ("",)}[value]  # fmt: skip
        return (ad.get("extent") or "") in raws
    if facet == "remote":
        return (ad.get("remote") or UNKNOWN) == value
    if facet == "sector":
        return ad.get("sector") == value
    if facet == "engagementType":
        return ad.get("engagementtype") == value
    if facet == "counties":
        return any(loc["county"] == value for loc in ad["locations"])
    raise AssertionError(facet)


_TRUTH: dict[int, dict] = {}


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(filters=FILTERS, q=WORDS)
def test_every_bucket_counts_the_hits_that_carry_its_value(parsebot_inprocess, filters, q):
    fake = fresh(parsebot_inprocess)
    truth = _TRUTH.setdefault(id(fake.app), active_ads(fake))
    inputs = {k: ",".join(v) if isinstance(v, list) else v for k, v in filters.items()}
    if q:
        inputs["q"] = q
    aggs = data(fake, "get_facets", **inputs)["aggregations"]
    buckets = _buckets(aggs)
    for facet in ("extent", "remote", "sector", "engagementType", "counties"):
        others = {k: v for k, v in inputs.items() if k != facet}
        hits = [truth[h["_id"]] for h in all_hits(fake, **others)]
        assert aggs[facet]["doc_count"] == len(hits)
        for value, count in buckets[facet].items():
            assert count == sum(_carries(ad, facet, value) for ad in hits), (facet, value)
        if facet != "engagementType":  # the terms facets show every value (here at most 10)
            carried = {
                v for v in VALUES.get(facet, []) if any(_carries(ad, facet, v) for ad in hits)
            }
            assert carried <= set(buckets[facet])


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(filters=FILTERS, q=WORDS, size=st.sampled_from([1, 25, 100]))
def test_search_jobs_returns_the_aggregations_get_facets_computes(
    parsebot_inprocess, filters, q, size
):
    """The seed: `search_jobs` "returns paginated results with aggregations (facets)", in the
    search engine's shape beside `hits` (issue 14, item 22)."""
    fake = fresh(parsebot_inprocess)
    inputs = {k: ",".join(v) if isinstance(v, list) else v for k, v in filters.items()}
    if q:
        inputs["q"] = q
    page = data(fake, "search_jobs", size=size, **inputs)
    assert list(page) == ["hits", "aggregations", "took", "total"]
    facets = data(fake, "get_facets", **inputs)
    assert page["aggregations"] == facets["aggregations"]
    assert page["total"] == facets["total"] == page["hits"]["total"]
    assert page["aggregations"]["positioncount"]["doc_count"] == page["total"]["value"]
