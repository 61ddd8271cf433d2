"""Issue 14 (Jobfeed items): shapes and rules that real consumers of the API rely on."""

from __future__ import annotations

from urllib.parse import quote

import pytest


def test_aggregate_without_group_puts_the_total_in_row_1_column_1(jf):
    """A real harvester reads `/aggregate`'s total as `rows[1][1]` (a BIBB script for
    jobfeed.de): the whole result set is one bucket under the `_all` placeholder."""
    month = "date__range=" + quote("2025-08-01__2025-08-01||+1M-1d\n\n", safe="")
    rows = jf.session.get(jf.url(f"/api/v3/aggregate?{month}")).json()
    expected = jf.session.get(jf.url(f"/api/v3/count?{month}")).json()["count"]
    assert expected > 0
    assert rows == [["_all", "count"], ["_all", expected]]
    assert rows[1][1] == expected
    everything = jf.ok("aggregate")
    assert everything == [["_all", "count"], ["_all", jf.count()]]


def test_aggregate_of_postings_and_metrics_without_a_field_keep_the_placeholder(jf, truth):
    postings = sum(len(job["postings"]) for job in truth)
    assert jf.ok("aggregate", _group="posting") == [["_all", "count"], ["_all", postings]]
    rows = jf.ok("aggregate", _metric="max__salary,count")
    top = max(j["salary"] for j in truth if j["salary"] is not None)
    assert rows == [["_all", "max__salary", "count"], ["_all", top, len(truth)]]


@pytest.mark.parametrize("narrowed", [{}, {"source_website__prefix": "werk"}])  # arrays, SQL
def test_jobs_missing_the_sort_field_come_last_in_both_directions(jf, narrowed):
    """Elasticsearch's default (`"missing": "_last"`), whose syntax the reference follows;
    `__prefix` filters take the SQL path, the others the array path."""
    total = jf.count(**narrowed)
    missing = jf.count(**narrowed, **{"job:salary": "_not_exists"})
    assert 0 < missing < total
    for direction in ("asc", "desc"):
        body = jf.ok("search", _sort="job:salary", _sortdir=direction, _fields="job:salary",
                     _limit=total, **narrowed)  # fmt: skip
        salaries = [doc["salary"] for doc in body["results"]]
        known = salaries[: total - missing]
        assert None not in known and salaries[len(known) :] == [None] * missing
        assert known == sorted(known, reverse=direction == "desc")


def test_fields_may_ask_for_both_levels_of_a_field(jf, truth):
    """`_fields=job:profession,profession`: the job's value and the shown posting's value; the
    one asked with a level prefix is keyed as asked, since both cannot be `profession`."""
    job, other = next(
        (job, p["profession"])
        for job in truth
        for p in job["postings"]
        if p["profession"] != job["profession"]
    )
    fields = {"_fields": "job_id,job:profession,profession", "_labels": 0, "_limit": 1000}
    body = jf.ok("search", **fields, **{"posting:profession": other})
    assert body["total_count"] == len(body["results"]) > 0
    for doc in body["results"]:
        assert list(doc) == ["job_id", "job:profession", "profession"]
        assert doc["profession"] == other  # the shown posting: the first that matches
    found = next(doc for doc in body["results"] if doc["job_id"] == job["job_id"])
    assert found["job:profession"] == job["profession"] != other
    alone = jf.ok("search", _fields="job:profession", _labels=0, _limit=1)["results"][0]
    assert list(alone) == ["profession"]  # one level: the plain key, as before
    twice = jf.get("search", _fields="profession,posting:profession,profession")
    assert twice.status_code == 400 and twice.json()["parameter"] == "_fields"


def test_totals_add_rows_per_intermediate_bucket_and_no_grand_total(jf):
    """The reference's `_totals=1` example has `_all` rows for each profession and none of
    `_all` cells only; the grand total of the whole set is `/aggregate` without a group."""
    rows = jf.ok("aggregate", _group="job:profession,job:education_level", _limit="3,2",
                 _totals=1, _labels=0)[1:]  # fmt: skip
    assert not any(row[:2] == ["_all", "_all"] for row in rows)
    assert rows[-1][1] == "_all" and rows[-1][0] != "_all"  # the last profession's total
    assert [r[0] for r in rows if r[1] == "_all"] == list(dict.fromkeys(r[0] for r in rows))
    single = jf.ok("aggregate", _group="job:profession__custom", _totals=1, _labels=0)[1:]
    assert "_all" not in [row[0] for row in single]


def test_an_account_without_the_api_feature_is_refused_with_403(jf):
    """The reference: "the account you use should have the API feature enabled". Its
    credentials are right, so not a 401 (which tells a client to fix them): a 403."""
    created = jf.session.post(
        jf.url("/__admin/jobfeed/accounts"),
        json={"user": "ui-only", "password": "pw", "limits": None, "api": False},
    )
    assert created.status_code == 201 and created.json()["api"] is False
    listed = jf.session.get(jf.url("/__admin/jobfeed/accounts")).json()
    assert next(a for a in listed if a["user"] == "ui-only")["api"] is False
    assert next(a for a in listed if a["user"] == "tester")["api"] is True
    for method, endpoint in (("GET", "search"), ("POST", "aggregate"), ("GET", "count"),
                             ("GET", "fields")):  # fmt: skip
        response = jf.session.request(method, jf.url(f"/api/v3/{endpoint}"), auth=("ui-only", "pw"))
        assert response.status_code == 403, (endpoint, response.text)
        body = response.json()
        assert body["code"] == 403 and body["error"] == "Forbidden"
        assert "API feature" in body["message"]
        assert "WWW-Authenticate" not in response.headers
    wrong = jf.session.get(jf.url("/api/v3/count"), auth=("ui-only", "nope"))
    assert wrong.status_code == 401  # wrong credentials stay a 401
    enabled = jf.session.post(
        jf.url("/__admin/jobfeed/accounts"), json={"user": "ui-only", "password": "pw"}
    )
    assert enabled.json()["api"] is True  # the feature is on unless refused
    assert jf.session.get(jf.url("/api/v3/count"), auth=("ui-only", "pw")).status_code == 200


def test_the_api_flag_must_be_a_boolean(jf):
    response = jf.session.post(
        jf.url("/__admin/jobfeed/accounts"), json={"user": "a", "password": "b", "api": "no"}
    )
    assert response.status_code == 400 and response.json()["message"].startswith("api ")
