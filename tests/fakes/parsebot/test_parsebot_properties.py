"""Rules for every input (hypothesis): bad input is a 4xx, never a 500; a hit resolves in
get_job_detail and in the Job Vacancy Feed's feedentry with the same title and employer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes.parsebot.parsebot_helpers import PATH, all_hits, data, fresh

pytestmark = pytest.mark.jobfakes(ads=150)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))

ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=500, max_size=700),
    st.sampled_from(['"', "*", "NEAR(a b)", "-a", "a OR b", "^", "{x}:y", "\u202e", "ﬁ", "🦀"]),
    st.sampled_from(["2025-13-01", "now-1d", "now/M", "9999999-01-01", "1e9", "-1", "0x10"]),
    st.integers(-(10**30), 10**30).map(str),
)
JSON_VALUE = st.one_of(
    ODD_TEXT, st.integers(-(10**30), 10**30), st.booleans(), st.none(),
    st.floats(allow_nan=False, allow_infinity=False), st.lists(ODD_TEXT, max_size=3),
    st.dictionaries(st.text(max_size=3), st.none(), max_size=2),
)  # fmt: skip
NAMES = st.sampled_from(
    ["q", "from", "size", "sort", "extent", "remote", "sector", "counties", "municipals",
     "published", "engagementType", "uuid"]
)  # fmt: skip
ENDPOINTS = st.sampled_from(["search_jobs", "get_facets", "get_job_detail"])


@SETTINGS
@given(ENDPOINTS, st.dictionaries(NAMES, ODD_TEXT, max_size=4))
def test_any_query_string_is_answered_200_or_4xx(parsebot_inprocess, endpoint, inputs):
    fake = fresh(parsebot_inprocess)
    response = fake.session.get(fake.url(f"{PATH}/{endpoint}"), params=inputs)
    assert response.status_code in (200, 400, 404, 414, 422), response.text  # 414: line > 8 KiB
    body = response.json()
    if response.status_code == 422:
        assert body["error"]["status"] == "stale_input" and body["error"]["message"]


@SETTINGS
@given(ENDPOINTS, st.dictionaries(NAMES, JSON_VALUE, max_size=4))
def test_any_json_body_is_answered_200_or_4xx(parsebot_inprocess, endpoint, inputs):
    fake = fresh(parsebot_inprocess)
    response = fake.session.post(fake.url(f"{PATH}/{endpoint}"), json=inputs)
    assert response.status_code in (200, 400, 404, 422), response.text


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=60))
def test_any_raw_body_is_answered_200_or_400(parsebot_inprocess, body):
    fake = fresh(parsebot_inprocess)
    response = fake.session.post(
        fake.url(f"{PATH}/search_jobs"), data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (200, 400, 422), response.text


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(["leder", "sykepleier", "konsulent", "lærer", "selger", None]),
    st.sampled_from([{}, {"sector": "Offentlig"}, {"counties": "OSLO,VESTLAND"}]),
    st.integers(0, 30),
)
def test_a_hit_resolves_in_detail_and_in_the_vacancy_feed_alike(
    parsebot_inprocess, q, filters, pick
):
    fake = fresh(parsebot_inprocess)
    hits = all_hits(fake, **({"q": q} if q else {}), **filters)
    if not hits:
        return
    hit = hits[pick % len(hits)]
    detail = data(fake, "get_job_detail", uuid=hit["_id"])
    token = fake.admin.mint_token("navfeed")
    entry = fake.session.get(
        fake.url(f"/api/v1/feedentry/{hit['_id']}"), headers={"Authorization": f"Bearer {token}"}
    ).json()
    content = entry["ad_content"]
    assert entry["uuid"] == detail["uuid"] == hit["_id"]
    assert content["title"] == detail["metadata"]["title"] == hit["_source"]["title"]
    # the feed names the employer by the ad's businessName (pam-stilling-feed's mapEmployer)
    assert content["employer"]["name"] == detail["metadata"]["businessName"]
    assert content["employer"]["name"] == hit["_source"]["businessName"]
    assert content["employer"]["orgnr"] == detail["metadata"]["employer"]["orgnr"]
    assert entry["status"] == "ACTIVE"
