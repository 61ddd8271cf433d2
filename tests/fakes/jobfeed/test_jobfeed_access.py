"""Basic auth, rate limits on the world clock, content types and error bodies."""

from __future__ import annotations

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.core.config import Config
from jobfakes.core.guard import fingerprint


def _get(jf, auth, path="/api/v3/count", **params):
    session = requests.Session()  # without the fixture's own credentials
    session.adapters = jf.session.adapters
    return session.get(jf.url(path), params=params, auth=auth)


def test_basic_auth_is_required(jf):
    response = _get(jf, None)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert response.json()["code"] == 401
    assert _get(jf, ("tester", "wrong")).status_code == 401
    assert _get(jf, ("nobody", "secret")).status_code == 401


def test_default_account_is_listed_and_works(jf):
    accounts = jf.session.get(jf.url("/__admin/jobfeed/accounts")).json()
    default = next(a for a in accounts if a["user"] == "jobfeed")
    assert default["limits"] == "4/second;30/minute"
    assert default["fingerprint"] == fingerprint("jobfeed")
    assert "password" not in default  # listings never show a secret
    assert _get(jf, ("jobfeed", "jobfeed")).status_code == 200


def test_four_a_second_then_429_with_retry_after(jf):
    auth = ("jobfeed", "jobfeed")
    assert [_get(jf, auth).status_code for _ in range(4)] == [200] * 4
    refused = _get(jf, auth)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["code"] == 429
    jf.admin.advance("PT1S")
    assert _get(jf, auth).status_code == 200


def test_thirty_a_minute(jf):
    auth = ("jobfeed", "jobfeed")
    jf.admin.set_clock("2025-12-01T09:00:00Z")
    statuses = []
    for _ in range(8):
        statuses += [_get(jf, auth).status_code for _ in range(4)]
        jf.admin.advance("PT1S")
    assert statuses[:30] == [200] * 30 and statuses[30:] == [429, 429]
    refused = _get(jf, auth)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    jf.admin.advance("PT60S")
    assert _get(jf, auth).status_code == 200


def test_accounts_with_other_limits_or_none(jf):
    add = jf.session.post(
        jf.url("/__admin/jobfeed/accounts"),
        json={"user": "load", "password": "pw", "limits": "2/second"},
    )
    assert add.status_code == 201 and add.json()["limits"] == "2/second"
    assert [_get(jf, ("load", "pw")).status_code for _ in range(3)] == [200, 200, 429]
    free = [_get(jf, ("tester", "secret")).status_code for _ in range(40)]
    assert free == [200] * 40
    bad = jf.session.post(
        jf.url("/__admin/jobfeed/accounts"), json={"user": "x", "password": "y", "limits": "fast"}
    )
    assert bad.status_code == 400
    assert bad.json()["status"] == 400 and bad.json()["message"].startswith("limits: ")


def test_reset_forgets_added_accounts(jf):
    jf.admin.reset()
    assert _get(jf, ("tester", "secret")).status_code == 401


def test_post_form_equals_get_and_other_bodies_are_refused(jf):
    params = {"job:profession": "696|1260", "_group": "posting"}
    by_get = jf.count(**params)
    by_post = jf.session.post(jf.url("/api/v3/count"), data=params)
    assert by_post.status_code == 200 and by_post.json()["count"] == by_get
    as_json = jf.session.post(jf.url("/api/v3/count"), json=params)
    assert as_json.status_code == 415
    assert "x-www-form-urlencoded" in as_json.json()["message"]
    assert jf.session.post(jf.url("/api/v3/search")).status_code == 200


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"_limit": 9990, "_offset": 11}, "_limit"),
        ({"_limit": "ten"}, "_limit"),
        ({"_sortdir": "up", "_sort": "date"}, "_sortdir"),
        ({"_sort": "nope"}, "_sort"),
        ({"_fields": "job_title,nope"}, "_fields"),
        ({"_fields": "job:job_title"}, "_fields"),
        ({"_facets": "profession", "_facets_limit": 21}, "_facets_limit"),
        ({"_language": "xx"}, "_language"),
        ({"_labels": "maybe"}, "_labels"),
        ({"_unknown": 1}, "_unknown"),
        ({"nofield": 1}, "nofield"),
    ],
)
def test_search_errors_name_the_parameter(jf, params, parameter):
    response = jf.get("search", **params)
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == parameter and parameter in body["message"]


def test_pretty_printing(jf):
    assert jf.get("count", _pretty=1).text.startswith("{\n  ")
    assert jf.get("count").text.startswith('{"count"')


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    name=st.sampled_from(["_limit", "_offset", "_sort", "_sortdir", "_fields", "_facets",
                          "_facets_limit", "_labels", "_language", "_snippets",
                          "_matching_postings"]),
    value=st.text(max_size=30),
)  # fmt: skip
def test_any_search_parameter_value_gives_200_or_400(jf, name, value):
    response = (
        jf.get("search", _limit=2, **{name: value})
        if name != "_limit"
        else jf.get("search", _limit=value)
    )
    assert response.status_code in (200, 400), response.text


def test_beside_the_nav_fakes_the_dutch_world_waits_for_the_first_jobfeed_request():
    from jobfakes.core.adapter import WSGIAdapter
    from jobfakes.core.app import create_app

    app = create_app(Config(ads=100, jobs=50, fakes=("navfeed", "jobfeed")))
    backend = app.extensions["jobfakes"].backends["jobfeed"]
    session = requests.Session()
    session.mount("http://lazy.test", WSGIAdapter(app))
    assert session.get("http://lazy.test/__admin/health").status_code == 200
    assert backend._world is None  # the NAV fakes are up before the Dutch world is built
    answer = session.get("http://lazy.test/api/v3/count", auth=("jobfeed", "jobfeed"))
    assert answer.status_code == 200 and answer.json()["count"] == 50


def test_the_plugin_fixture_session_carries_the_default_account(jobfeed_inprocess):
    answer = jobfeed_inprocess.session.get(jobfeed_inprocess.url("/api/v3/count"))
    assert answer.status_code == 200 and answer.json()["count"] == 800  # the conftest's world


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"password": "p"}, "user"),
        ({"user": "a:b", "password": "p"}, "user"),
        ({"user": "a", "password": ""}, "password"),
        ({"user": "a", "password": "p", "limits": 5}, "limits"),
        ([1], "JSON object"),
        (None, "JSON object"),
    ],
)
def test_admin_accounts_refuses_bad_bodies_in_the_control_plane_shape(jf, body, named):
    response = jf.session.post(jf.url("/__admin/jobfeed/accounts"), json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "Bad Request" and response.json()["status"] == 400
    assert named in response.json()["message"]
    assert all(a["user"] != "a" for a in jf.session.get(jf.url("/__admin/jobfeed/accounts")).json())
