"""JobfeedClient against the fake in process: builder syntax, calls, paging, pacing, 429s."""

from __future__ import annotations

import math

import pytest
import requests

from jobfakes.client.jobfeed import (
    NOT_EXISTS,
    And,
    Fuzzy,
    JobfeedClient,
    Not,
    Or,
    Phrase,
    Query,
    Term,
    between,
    calendar,
    custom,
    prefix,
    within,
)
from jobfakes.core.config import Config


@pytest.fixture(scope="session")
def jobfakes_config() -> Config:
    return Config(ads=300, jobs=600, clock="frozen", fakes=("jobfeed",))


class WorldTime:
    """A client clock that moves only when the client sleeps, and moves the fake's clock
    with it, so that pacing is checked against the fake's own windows."""

    def __init__(self, handle):
        self.handle, self.now, self.slept = handle, 1000.0, 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        step = math.ceil(seconds * 1000) / 1000
        self.now += step
        self.slept += step
        self.handle.admin.advance(f"PT{step:.3f}S")


def _session(handle) -> requests.Session:
    session = requests.Session()
    session.adapters = handle.session.adapters
    return session


def _client(handle, user="jobfeed", password="jobfeed", **kwargs) -> JobfeedClient:
    return JobfeedClient(handle.base_url, user, password, session=_session(handle), **kwargs)


@pytest.fixture
def unlimited(jobfeed_inprocess):
    _session(jobfeed_inprocess).post(
        jobfeed_inprocess.url("/__admin/jobfeed/accounts"),
        json={"user": "free", "password": "pw", "limits": None},
    ).raise_for_status()
    return _client(jobfeed_inprocess, "free", "pw", per_second=None, per_minute=None)


def test_builder_produces_the_reference_syntax():
    q = (
        Query()
        .where("profession", [227, 4980])
        .where("job:contract_type", 1)
        .where("date", between("now-1y", "now"))
        .where("location", within("Amsterdam", 25))
        .where("location", within((52.08, 4.32), 10))
        .where("education_level", between(3, 8), negate=True)
        .where("expiration_date", NOT_EXISTS)
        .where("source_website", prefix("example"))
        .where("date", calendar(2, "m"))
        .where("profession", custom(123))
        .where("date", between("2017-01-01", "2017-06-30"))
        .where("date", between("2017-06-26", "2017-07-02"), intersect=True)
        .where("via_intermediary", True)
        .text("full_text", And(Or("transport", "auto"), "diesel", Not("java")))
        .text("full_text", Or(Phrase("junior manager", 3), Fuzzy("colour"), Term("auto*", True)))
    )
    assert q.pairs == [
        ("profession", "227|4980"),
        ("job:contract_type", "1"),
        ("date__range", "now-1y__now"),
        ("location__radius", "Amsterdam__25"),
        ("location__radius", "52.08,4.32__10"),
        ("education_level__range__not", "3__8"),
        ("expiration_date", "_not_exists"),
        ("source_website__prefix", "example"),
        ("date__calendar", "2m"),
        ("profession__custom", "123"),
        ("date__range", "2017-01-01__2017-06-30"),
        ("date__range__and", "2017-06-26__2017-07-02"),
        ("via_intermediary", "true"),
        ("full_text", "(transport OR auto) AND diesel AND NOT java"),
        ("full_text", '"junior manager"~3 OR colour~ OR auto*'),
    ]
    assert str(Term("C++")) == "C\\+\\+"


def test_search_count_aggregate_fields(unlimited):
    q = Query().where("job:profession", [696, 1260])
    total = unlimited.count(q)
    page = unlimited.search(q, limit=5, fields=["job_id", "job:profession"], labels=False)
    assert page["total_count"] == total
    assert {d["profession"] for d in page["results"]} <= {696, 1260}
    rows = unlimited.aggregate(q, group="job:profession", labels=False)
    assert {r["job:profession"]: r["count"] for r in rows} == {
        code: unlimited.count(Query().where("job:profession", code)) for code in (696, 1260)
    }
    assert unlimited.aggregate(q) == [{"_all": "_all", "count": total}]  # one bucket
    assert unlimited.count(q, group="posting") >= total
    assert unlimited.fields(field="education_level")["education_level"]["possible_values"]["9"]
    assert unlimited.search(q, limit=1, post=True)["total_count"] == total


def test_iter_search_walks_every_page(unlimited):
    q = Query().where("job:education_level", [9, 13])
    ids = [d["job_id"] for d in unlimited.iter_search(q, page_size=25, fields="job_id")]
    assert len(ids) == len(set(ids)) == unlimited.count(q)


def test_values_with_plus_arrive_intact(jobfeed_inprocess, unlimited):
    q = Query().where("date", between("2024-03-01||+1w", "now"))
    assert unlimited.count(q) > 0  # as "2024-03-01|| 1w" the fake would answer 400
    logged = _session(jobfeed_inprocess).get(jobfeed_inprocess.url("/__admin/requests")).json()
    assert any("%2B1w" in entry.get("query", "") for entry in logged), logged[-1]


def test_client_paces_itself_within_the_default_limits(jobfeed_inprocess):
    time = WorldTime(jobfeed_inprocess)
    client = _client(jobfeed_inprocess, clock=time.clock, sleep=time.sleep, max_429_retries=0)
    for _ in range(35):  # any 429 would raise, as retries are off
        client.count()
    assert time.slept >= 60  # 30 a minute: the 31st waited for the minute to pass


def test_client_waits_out_retry_after(jobfeed_inprocess):
    _session(jobfeed_inprocess).post(
        jobfeed_inprocess.url("/__admin/jobfeed/accounts"),
        json={"user": "slow", "password": "pw", "limits": "1/minute"},
    ).raise_for_status()
    time = WorldTime(jobfeed_inprocess)
    client = _client(jobfeed_inprocess, "slow", "pw", clock=time.clock, sleep=time.sleep)
    assert client.count() == client.count()
    assert time.slept >= 1  # the second call got a 429 and slept its Retry-After
