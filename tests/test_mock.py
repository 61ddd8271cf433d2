"""`jobfakes.mock`: code that calls the real hosts runs unchanged against the fakes (issue 16).

Every test runs under `blocked_network()` as a safety net: were the routing broken, a request
would fail here instead of leaving the machine (the messages tell the two apart).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
import requests
import urllib3

import jobfakes
from jobfakes.client import NavFeedClient, ParseBotClient, PublicFeedClient
from jobfakes.client.jobfeed import JobfeedClient, Query
from jobfakes.netblock import blocked_network

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _nothing_leaves() -> Iterator[None]:
    with blocked_network():
        yield


def test_the_reference_clients_reach_the_fakes_at_the_real_hosts():
    with jobfakes.mock(ads=60) as fakes:
        nav = NavFeedClient("https://pam-stilling-feed.nav.no", fakes.token("navfeed"))
        lines = list(nav.lines())
        assert len({line["id"] for line in lines}) == len(fakes.admin.ads())  # every ad's line
        public = PublicFeedClient("https://arbeidsplassen.nav.no")
        assert public.harvest_all()
        key = fakes.headers("parsebot")["X-API-Key"]
        parsebot = ParseBotClient("https://api.parse.bot", key, tier="developer")
        assert parsebot.search_jobs(size=2)
        jobfeed = JobfeedClient("https://www.jobfeed.de", "jobfeed", "jobfeed")
        assert jobfeed.count(Query()) > 0
    served = {entry["fake"] for entry in fakes.admin.requests()}
    assert served == {"navfeed", "publicfeed", "parsebot", "jobfeed"}


def test_urllib3_and_httpx_are_routed_too():
    with jobfakes.mock("navfeed", ads=2900) as fakes:  # a 1:10 world: about 100 new ads a day
        headers = fakes.headers("navfeed")
        url = "https://pam-stilling-feed.nav.no/api/v1/feed?pageSize=5"
        plain = urllib3.request("GET", url, headers=headers)
        assert plain.status == 200 and len(plain.json()["items"]) == 5
        with urllib3.PoolManager() as pool:
            assert pool.request("GET", url, headers={}).status == 401  # the fake's own 401
        answer = httpx.get(url, headers=headers)
        assert answer.status_code == 200 and answer.json() == plain.json()

        async def fetch() -> int:
            async with httpx.AsyncClient(headers=headers) as client:
                return (await client.get(url)).status_code

        assert asyncio.run(fetch()) == 200


def test_the_clock_moves_through_the_handle_and_the_code_sees_it():
    with jobfakes.mock("navfeed", ads=2900) as fakes:  # a 1:10 world: about 100 new ads a day
        client = NavFeedClient(fakes.url("navfeed"), fakes.token("navfeed"))
        before = list(client.lines())
        assert list(client.lines(client.cursor)) == []
        fakes.admin.advance("P1D")
        assert len(list(client.lines(client.cursor))) > 50  # a day's new ads
        assert before


@pytest.mark.parametrize(
    "call",
    [
        lambda url: requests.get(url, timeout=5),
        lambda url: urllib3.request("GET", url),
        lambda url: httpx.get(url),
    ],
    ids=["requests", "urllib3", "httpx"],
)
def test_other_hosts_are_refused_with_a_clear_error(call):
    with jobfakes.mock("navfeed"), pytest.raises(jobfakes.NetworkBlocked) as raised:
        call("https://example.org/x")
    assert "jobfakes.mock blocked a request to example.org" in str(raised.value)
    assert "allow=['example.org']" in str(raised.value)
    assert isinstance(raised.value, requests.ConnectionError)


def test_a_real_host_whose_fake_is_not_mocked_says_which_to_add():
    with jobfakes.mock("navfeed"), pytest.raises(jobfakes.NetworkBlocked) as raised:
        requests.get("https://api.parse.bot/scraper/x/search_jobs", timeout=5)
    assert "api.parse.bot is the parsebot API" in str(raised.value)
    assert "add 'parsebot'" in str(raised.value)


def test_hosts_adds_a_route_and_loopback_stays_reachable(navfeed_fake):
    with jobfakes.mock("navfeed", ads=20, hosts={"feed.internal.example": "navfeed"}) as fakes:
        routed = requests.get(
            "https://feed.internal.example/api/v1/feed?pageSize=1",
            headers=fakes.headers("navfeed"),
            timeout=5,
        )
        assert routed.status_code == 200
        live = navfeed_fake.session.get(navfeed_fake.url("/api/v1/feed?pageSize=1"))
        assert live.status_code == 200  # the live fake on 127.0.0.1, not the mock's world
    after = requests.Session()
    with pytest.raises(requests.ConnectionError, match="--block-network"):  # patches undone
        after.get("https://pam-stilling-feed.nav.no/api/v1/feed", timeout=5)


def test_as_a_decorator_each_call_gets_a_fresh_world():
    fakes = jobfakes.mock("navfeed", ads=25)

    @fakes
    def stop_one() -> int:
        ads = fakes.admin.ads(status="ACTIVE")
        fakes.admin.stop_ad(ads[0]["uuid"])
        return len(fakes.admin.ads(status="ACTIVE"))

    first = stop_one()
    assert stop_one() == first  # reset between calls


def test_bad_settings_name_the_setting():
    with pytest.raises(jobfakes.mocking.ConfigError, match=r"'sead' \(did you mean 'seed'\?\)"):
        jobfakes.mock(sead=7)
    with pytest.raises(jobfakes.mocking.ConfigError, match="unknown fake 'navfed'"):
        jobfakes.mock("navfed")


def test_the_fixture_in_a_users_suite(pytester):
    pytester.makepyfile("""
import pytest
import requests

from jobfakes.client import NavFeedClient


def consumer(token):  # the code under test: it knows only the real host
    return list(NavFeedClient("https://pam-stilling-feed.nav.no", token).lines())


@pytest.mark.jobfakes(ads=33)
def test_consumer(jobfakes_mock):
    held = len(jobfakes_mock.admin.ads())  # the ads active and lately ended: each has lines
    assert len({line["id"] for line in consumer(jobfakes_mock.token())}) == held


def test_no_leak(jobfakes_mock):
    with pytest.raises(requests.ConnectionError, match="jobfakes.mock blocked"):
        requests.get("https://example.org", timeout=5)
""")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--block-network")
    result.assert_outcomes(passed=2)
