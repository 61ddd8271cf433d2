"""/search, /count and /fields over HTTP, checked against the ground truth (/__admin/jobs)."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter

from jobfakes.world.jobfeed.fields import CATALOGUE, POSTING_FIELDS


def test_count_agrees_with_the_ground_truth(jf, truth):
    assert jf.count() == len(truth)
    assert jf.count(_group="posting") == sum(len(j["postings"]) for j in truth)
    assert jf.count(_group="job:profession") == len({j["profession"] for j in truth})
    assert jf.count(_group="source_website") == len(
        {p["source_website"] for j in truth for p in j["postings"]}
    )
    skills = {s for j in truth for p in j["postings"] for s in p["it_skills"]}
    assert jf.count(_group="it_skills") == len(skills)


def test_ground_truth_jobs_have_postings_on_different_websites(truth):
    for job in truth:
        sites = [p["source_website"] for p in job["postings"]]
        assert len(job["job_id"]) == 32
        assert all(len(p["posting_id"]) == 32 for p in job["postings"])
        assert len(sites) == job["posting_count"] == len(set(sites))
        assert job["source_website_count"] == len(set(sites))
        assert job["date"] == min(p["date"] for p in job["postings"])
    assert max(j["posting_count"] for j in truth) > 1


def test_default_fields_are_every_field_with_labels(jf, truth):
    body = jf.ok("search", _limit=3)
    assert body["total_count"] == len(truth)
    first = body["results"][0]
    assert list(first) == list(CATALOGUE)
    assert set(first["education_level"]) == {"value", "label"}
    assert isinstance(first["via_intermediary"], bool)
    assert all(set(s) == {"value", "label"} for s in first["soft_skills"])


def test_labels_off_and_languages(jf):
    bare = jf.ok("search", _labels=0, _limit=1, _fields="education_level,location")
    assert isinstance(bare["results"][0]["education_level"], int)
    mbo = {"job:education_level": 9, "_limit": 1, "_fields": "job:education_level"}
    nl = jf.ok("search", _language="nl", **mbo)["results"][0]["education_level"]
    en = jf.ok("search", _language="en", **mbo)["results"][0]["education_level"]
    assert nl == {"value": 9, "label": "MBO"}
    assert en["value"] == 9 and en["label"] != "MBO"


def test_fields_list_and_job_prefix(jf, truth):
    by_id = {j["job_id"]: j for j in truth}
    body = jf.ok("search", _fields="job_id,job_title,job:profession", _labels=0, _limit=20)
    for doc in body["results"]:
        assert list(doc) == ["job_id", "job_title", "profession"]
        job = by_id[doc["job_id"]]
        assert doc["profession"] == job["profession"]
        assert doc["job_title"] in {p["job_title"] for p in job["postings"]}


def test_fields_posting_lists_every_posting(jf, truth):
    by_id = {j["job_id"]: j for j in truth}
    body = jf.ok("search", _fields="job_id,posting", _limit=20, _labels=0)
    for doc in body["results"]:
        job = by_id[doc["job_id"]]
        assert [p["posting_id"] for p in doc["posting"]] == [
            p["posting_id"] for p in job["postings"]
        ]
        assert set(doc["posting"][0]) == set(POSTING_FIELDS)


def test_fields_posting_field_subset(jf):
    body = jf.ok("search", _fields="date,job_title,posting:date,posting:source_url", _limit=5)
    for doc in body["results"]:
        assert list(doc) == ["date", "job_title", "posting"]
        assert all(list(p) == ["date", "source_url"] for p in doc["posting"])


def test_matching_postings_only(jf, truth):
    site = Counter(p["source_website"] for j in truth for p in j["postings"]).most_common(1)[0][0]
    common = {"_fields": "job_id,source_website,posting", "source_website": site, "_limit": 50}
    every = jf.ok("search", **common)
    matching = jf.ok("search", _matching_postings=1, **common)
    assert (
        every["total_count"]
        == matching["total_count"]
        == sum(any(p["source_website"] == site for p in j["postings"]) for j in truth)
    )
    assert all(d["source_website"] == site for d in matching["results"])
    assert all(p["source_website"] == site for d in matching["results"] for p in d["posting"])
    assert any(len(d["posting"]) > 1 for d in every["results"])


def test_sort_on_several_fields(jf):
    docs = jf.ok(
        "search", _sort="job:date,job:salary", _sortdir="desc,asc", _limit=200,
        _fields="job:date,job:salary", _labels=0,
    )["results"]  # fmt: skip
    keys = [(d["date"], d["salary"]) for d in docs]
    for a, b in itertools.pairwise(keys):
        assert a[0] >= b[0]
        if a[0] == b[0] and a[1] is not None and b[1] is not None:
            assert a[1] <= b[1]


def test_limit_offset_pages_are_disjoint_and_complete(jf):
    ids = [d["job_id"] for d in jf.ok("search", _limit=30, _fields="job_id")["results"]]
    page = [
        d["job_id"] for d in jf.ok("search", _limit=10, _offset=10, _fields="job_id")["results"]
    ]
    assert page == ids[10:20]


def test_facets_agree_with_count(jf):
    params = {"job:contract_type": "1|2", "_facets": "job:profession,education_level,it_skills"}
    body = jf.ok("search", _facets_limit="5,,20", _limit=0, **params)
    facets = body["facets"]
    assert len(facets["job:profession"]) == 5
    for entry in facets["job:profession"]:
        assert entry["count"] == jf.count(
            **{"job:contract_type": "1|2", "job:profession": entry["value"]}
        )
    for entry in facets["education_level"]:  # posting level: counted over matching postings
        assert entry["count"] == jf.count(
            **{"job:contract_type": "1|2", "education_level": entry["value"]}
        )
    counts = [e["count"] for e in facets["it_skills"]]
    assert counts == sorted(counts, reverse=True)


def test_snippets_highlight_the_full_text_terms(jf):
    body = jf.ok("search", full_text="java developer", _snippets=1, _fields="job_title", _limit=3)
    assert body["total_count"] > 0
    for doc in body["results"]:
        assert doc["_snippets"] and any("<em>" in s for s in doc["_snippets"])


def test_fields_endpoint(jf):
    every = jf.ok("fields")
    assert list(every) == list(CATALOGUE)
    assert every["profession"]["level"] == ["posting", "job"]
    assert every["education_level"]["possible_values"]["9"] == "MBO"
    assert "custom_categories" in every["profession"]
    one = jf.ok("fields", _field="education_level", _values="9,3", _language="en")
    assert list(one) == ["education_level"]
    assert set(one["education_level"]["possible_values"]) == {"9", "3"}
    pretty = jf.get("fields", _field="date", _pretty=1)
    assert pretty.text.startswith("{\n  ")
    assert jf.get("fields", _field="nope").status_code == 404


def test_metric_median_matches_the_ground_truth(jf, truth):
    rows = jf.ok("aggregate", _metric="median__salary,count")
    values = [j["salary"] for j in truth if j["salary"] is not None]
    median = float(statistics.median(values))
    assert rows == [["_all", "median__salary", "count"], ["_all", median, len(truth)]]


def test_sort_on_a_posting_level_field_uses_the_shown_posting(jf):
    params = {"_sort": "organization_name", "_fields": "organization_name", "_limit": 100}
    names = [d["organization_name"] for d in jf.ok("search", **params)["results"]]
    assert names == sorted(names)
    filtered = jf.ok("search", source_website__prefix="werk", _sortdir="desc", **params)
    shown = [d["organization_name"] for d in filtered["results"]]
    assert shown == sorted(shown, reverse=True)
