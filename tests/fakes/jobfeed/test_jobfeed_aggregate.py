"""/aggregate over HTTP: buckets agree with /count and the ground truth."""

from __future__ import annotations

import statistics
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.world.jobfeed.fields import custom_categories


def test_two_levels_with_totals_agree_with_count(jf):
    rows = jf.ok(
        "aggregate", _group="job:profession,job:education_level", _limit="3,2", _totals=1,
        _labels=0,
    )  # fmt: skip
    assert rows[0] == ["job:profession", "job:education_level", "count"]
    body = rows[1:]
    professions = [r[0] for r in body if r[1] == "_all"]
    assert len(professions) == 3
    for row in body:
        profession, level, count = row
        if level == "_all":
            assert count == jf.count(**{"job:profession": profession})
        else:
            assert count == jf.count(**{"job:profession": profession, "job:education_level": level})
    totals = [r[2] for r in body if r[1] == "_all"]
    assert totals == sorted(totals, reverse=True)


def test_posting_counts(jf, truth):
    rows = jf.ok("aggregate", _group="posting:source_website", _limit=50)
    per_site = defaultdict(int)
    for job in truth:
        for posting in job["postings"]:
            per_site[posting["source_website"]] += 1
    ranked = sorted(per_site.items(), key=lambda i: (-i[1], i[0]))[:50]
    assert [tuple(r) for r in rows[1:]] == ranked
    whole = jf.ok("aggregate", _group="posting")
    assert whole == [["_all", "count"], ["_all", jf.count(_group="posting")]]


def test_posting_level_group_counts_jobs(jf):
    rows = jf.ok("aggregate", _group="education_level", _labels=0, _limit=20)
    for value, count in rows[1:]:
        assert count == jf.count(education_level=value)
    assert sum(r[1] for r in rows[1:]) >= jf.count()  # a job may have several values


def test_sort_by_group_and_offset(jf):
    rows = jf.ok("aggregate", _group="job:province", _sort="_group", _sortdir="asc", _labels=0,
                 _limit=20)[1:]  # fmt: skip
    values = [r[0] for r in rows]
    assert values == sorted(values)
    shifted = jf.ok("aggregate", _group="job:province", _sort="_group", _sortdir="asc",
                    _labels=0, _offset=2, _limit=3)[1:]  # fmt: skip
    assert shifted == rows[2:5]


def test_date_intervals_return_every_bucket(jf, truth):
    rows = jf.ok("aggregate", _group="job:date__month", _sort="_group", _sortdir="asc")
    months = defaultdict(int)
    for job in truth:
        months[job["date"][:7] + "-01"] += 1
    assert rows[1:] == [[m, months[m]] for m in sorted(months)]
    quarters = jf.ok("aggregate", _group="job:date__quarter")[1:]
    assert sum(r[1] for r in quarters) == len(truth)
    assert all(r[0][5:] in ("01-01", "04-01", "07-01", "10-01") for r in quarters)
    weeks = jf.ok("aggregate", _group="job:date__week", _limit=5)[1:]
    assert len(weeks) == 5


def test_buckets(jf, truth):
    rows = jf.ok("aggregate", _group="job:salary__buckets_1000_5000_500", _labels=0, _limit=20)
    expected = defaultdict(int)
    for job in truth:
        if job["salary"] is not None and 1000 <= job["salary"] < 5000:
            expected[1000 + (job["salary"] - 1000) // 500 * 500] += 1
    assert {r[0]: r[1] for r in rows[1:]} == expected
    labelled = jf.ok("aggregate", _group="job:salary__buckets_1000_5000_500", _limit=1)
    low = labelled[1][0]["value"]
    assert labelled[1][0]["label"] == f"{low} - {low + 499}"


def test_custom_categories_need_totals_and_group(jf, truth):
    assert jf.get("aggregate", _group="job:profession__custom").status_code == 400
    rows = jf.ok("aggregate", _group="job:profession__custom", _totals=1, _labels=0)
    categories = custom_categories()["profession"]
    expected = defaultdict(int)
    for job in truth:
        for first, _, codes in categories.values():
            if job["profession"] in codes:
                expected[first] += 1
    assert {r[0]: r[1] for r in rows[1:]} == expected
    assert [r[0] for r in rows[1:]] == sorted(expected, reverse=True)
    level2 = jf.ok("aggregate", _group="job:profession__custom_2", _totals=1, _labels=0)
    assert {r[0] for r in level2[1:]} <= {c for c, (_, c2, _) in categories.items() if c2}


def test_metrics_per_bucket(jf, truth):
    for op, fn in (("min", min), ("max", max), ("sum", sum), ("avg", statistics.fmean),
                   ("median", statistics.median)):  # fmt: skip
        rows = jf.ok("aggregate", _group="job:region", _metric=f"{op}__salary", _labels=0,
                     _limit=40)  # fmt: skip
        assert rows[0] == ["job:region", f"{op}__salary"]
        for region, value in rows[1:]:
            salaries = [j["salary"] for j in truth if j["region"] == region and j["salary"]]
            expected = fn(salaries) if salaries else None
            if op in ("avg", "median") and expected is not None:
                expected = round(float(expected), 4)
            assert value == expected, (op, region)


def test_value_sort_uses_the_metric_on_the_last_level(jf):
    rows = jf.ok(
        "aggregate", _group="job:region,job:education_level", _metric="avg__salary,count",
        _sort="_value,_value", _sortdir="asc,desc", _labels=0, _limit="3,5",
    )[1:]  # fmt: skip
    regions = list(dict.fromkeys(r[0] for r in rows))
    sizes = [jf.count(**{"job:region": r}) for r in regions]
    assert sizes == sorted(sizes)
    for region in regions:
        averages = [r[2] for r in rows if r[0] == region and r[2] is not None]
        assert averages == sorted(averages, reverse=True)


def test_labels_in_rows(jf):
    rows = jf.ok("aggregate", _group="job:education_level", _language="en", _limit=1)
    assert set(rows[1][0]) == {"value", "label"}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    name=st.sampled_from(["_group", "_limit", "_offset", "_sort", "_sortdir", "_metric",
                          "_totals", "_labels", "_language"]),
    value=st.text(max_size=30),
)  # fmt: skip
def test_any_aggregate_parameter_value_gives_200_or_400(jf, name, value):
    response = jf.get("aggregate", **{name: value})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["parameter"]
