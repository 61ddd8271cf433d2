"""The public feed client against the fake: pages, errors, and harvest_all past the cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.client.publicfeed import HarvestError, PublicFeedClient
from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.errors import ClientError, ConfigError, JobFakesError, Unauthorized, UpstreamError
from jobfakes.pytest_plugin import Admin

BASE = "http://harvest.test"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _world(config):
    app = create_app(config)
    session = requests.Session()
    session.mount(BASE, WSGIAdapter(app))
    return app, session, Admin(session, BASE)


def _truth(admin):
    """Active ads (ground truth of the control plane), as uuids."""
    return {a["uuid"] for a in admin.ads("ACTIVE")}


def _feed_order(ads):
    return [(a["published"], a["uuid"]) for a in ads]


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    seed=st.integers(0, 10_000),
    ads=st.integers(1, 300),
    cap=st.sampled_from([1, 7, 50, 50, 120, 5000]) | st.integers(1, 400),
    size=st.integers(1, 100),
    ties=st.integers(0, 40),
    county=st.sampled_from([None, None, "OSLO", "VESTLAND,TRØNDELAG"]),
)
def test_harvest_all_equals_the_ground_truth(seed, ads, cap, size, ties, county):
    _, session, admin = _world(Config(seed=seed, ads=ads, publicfeed_cap=cap))
    for _ in range(ties):  # ads created at one frozen instant share their `published`
        admin.create_ad()
    client = PublicFeedClient(BASE, session=session, page_size=size)
    harvested = client.harvest_all(county=county)
    found = [a["uuid"] for a in harvested]
    assert len(found) == len(set(found)), "an ad was read twice"
    if county is None:
        assert set(found) == _truth(admin)
    else:
        wanted = set(county.split(","))
        expected = {
            u
            for u in _truth(admin)
            if any(
                p["county"] in wanted
                for p in admin.session.get(f"{BASE}/__admin/ads/{u}").json()["locations"]
            )
        }
        assert set(found) == expected
    # newest published first, as the feed orders them
    assert _feed_order(harvested) == sorted(
        _feed_order(harvested), key=lambda p: (-_key(p[0]), p[1])
    )


def _key(text):
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment - EPOCH) // timedelta(microseconds=1)


@pytest.mark.jobfakes(publicfeed_cap=50)
def test_harvest_pages_back_in_time_with_published_windows(publicfeed_inprocess):
    fake = publicfeed_inprocess
    client = PublicFeedClient(fake.base_url, session=fake.session, page_size=25)
    fake.admin.clear_requests()
    harvested = client.harvest_all()
    assert {a["uuid"] for a in harvested} == _truth(fake.admin)
    journal = [e for e in fake.admin.requests() if e["path"].endswith("/ads")]
    assert len(journal) == client.requests_made
    windows = [e["query"] for e in journal if "page=0" in e["query"]]
    assert "published" not in windows[0]
    assert any("published=%5B%2A%2C" in q for q in windows)  # [*,<oldest>)
    assert len(harvested) > 50 * 3


@pytest.mark.jobfakes(publicfeed_cap=5)
def test_more_ties_than_the_cap_are_all_read(publicfeed_inprocess):
    fake = publicfeed_inprocess
    fake.admin.advance("PT1H")
    created = {fake.admin.create_ad()["uuid"] for _ in range(23)}  # one instant, 23 ads
    client = PublicFeedClient(fake.base_url, session=fake.session, page_size=2)
    harvested = client.harvest_all()
    assert created <= {a["uuid"] for a in harvested}
    assert len(harvested) == len({a["uuid"] for a in harvested}) == len(_truth(fake.admin))


@pytest.mark.jobfakes(publicfeed_cap=5)
def test_too_many_ties_to_exclude_is_a_harvest_error(publicfeed_inprocess):
    fake = publicfeed_inprocess
    fake.admin.advance("PT1H")
    for _ in range(90):
        fake.admin.create_ad()
    client = PublicFeedClient(fake.base_url, session=fake.session, page_size=5)
    with pytest.raises(HarvestError, match="share the instant") as info:
        client.harvest_all()
    assert isinstance(info.value, JobFakesError)


def test_pages_and_ads_follow_the_feed(publicfeed_inprocess):
    fake = publicfeed_inprocess
    client = PublicFeedClient(fake.base_url, session=fake.session, page_size=40)
    pages = list(client.pages(county="oslo"))
    assert pages[-1]["last"] and all(not p["last"] for p in pages[:-1])
    ads = list(client.ads(county="oslo"))
    assert [a["uuid"] for a in ads] == [a["uuid"] for p in pages for a in p["content"]]
    assert client.page(0, size=3, source=["IMPORTAPI"])["pageSize"] == 3


def test_public_token_is_the_default(publicfeed_inprocess):
    fake = publicfeed_inprocess
    plain = requests.Session()
    plain.adapters = fake.session.adapters
    assert PublicFeedClient(fake.base_url, session=plain).page()["totalElements"] > 0


def test_errors_are_typed(publicfeed_inprocess):
    fake = publicfeed_inprocess
    plain = requests.Session()
    plain.adapters = fake.session.adapters
    with pytest.raises(Unauthorized) as info:
        PublicFeedClient(fake.base_url, "nope", session=plain).page()
    assert isinstance(info.value, ClientError) and info.value.status == 401
    client = PublicFeedClient(fake.base_url, session=fake.session)
    with pytest.raises(UpstreamError, match="Date is badly formatted"):
        client.page(published="next week")
    with pytest.raises(ConfigError):
        client.harvest_all(published="[*,now]")
    with pytest.raises(ConfigError):
        client.page(colour="red")
    with pytest.raises(ConfigError):
        PublicFeedClient(fake.base_url, page_size=500)


def test_the_readme_example_runs(publicfeed_inprocess):
    fake = publicfeed_inprocess
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    code = readme.split("## Public feed v1")[1].split("```python")[1].split("```")[0]
    plain = requests.Session()
    plain.adapters = fake.session.adapters
    code = code.replace(
        'PublicFeedClient("http://127.0.0.1:8700")', "PublicFeedClient(BASE, session=SESSION)"
    )
    namespace = {"BASE": fake.base_url, "SESSION": plain}
    exec(code, namespace)
    assert {a["uuid"] for a in namespace["everything"]} == _truth(fake.admin)
