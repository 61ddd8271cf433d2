"""The NAV world starts in the real feed's steady state, seen through the fakes over HTTP:
weeks of publishing, the real spread of expiry, the real nulls, a daily rate at scale."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from jobfakes.core.config import Config
from jobfakes.world.timeline import daily_rate
from jobfakes.world.times import DAY, parse_instant
from tests.conftest import BASE, inprocess

PUBLIC = f"{BASE}/public-feed/api/v1/ads"


def _public_ads(session: requests.Session, **params: Any) -> list[dict[str, Any]]:
    token = session.post(f"{BASE}/__admin/tokens", json={"fake": "publicfeed"}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    ads: list[dict[str, Any]] = []
    page = 0
    while True:
        response = session.get(
            PUBLIC, params={"size": 100, "page": page, **params}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        ads += body["content"]
        if body["last"]:
            return ads
        page += 1


@pytest.fixture(scope="module")
def default_world() -> tuple[requests.Session, list[dict[str, Any]], int]:
    """The default world (its shipped image), every active ad of the public feed, and now."""
    _, session = inprocess(Config())
    now = parse_instant(session.get(f"{BASE}/__admin/clock").json()["now"])
    return session, _public_ads(session), now


def _days(stamp: str | None, now: int) -> float:
    assert stamp is not None
    return (parse_instant(stamp) - now) / DAY


def test_the_start_holds_weeks_of_publishing(default_world):
    _, ads, now = default_world
    assert len(ads) == 5000  # --ads counts the ads the feed shows ACTIVE at the start
    ages = [-_days(ad["published"], now) for ad in ads]
    assert max(ages) > 42 and statistics.median(ages) > 7
    assert sum(age <= 7 for age in ages) < 0.5 * len(ads)  # parse.bot's now-7d is not all
    weeks = Counter(int(age // 7) for age in ages)
    assert all(weeks[w] > 50 for w in range(6))


def test_expiry_spreads_over_the_weeks_ahead(default_world):
    _, ads, now = default_world
    ahead = [_days(ad["expires"], now) for ad in ads]
    assert min(ahead) > 0  # every active ad is still to expire
    assert sum(d <= 7 for d in ahead) > 0.1 * len(ads)  # expiry handling is exercised at once
    assert sum(d > 21 for d in ahead) > 0.15 * len(ads)
    lives = [(parse_instant(ad["expires"]) - parse_instant(ad["published"])) / DAY for ad in ads]
    assert sum(7 <= life <= 57 for life in lives) > 0.6 * len(ads)  # most: one to eight weeks


def test_values_are_nulls_html_and_free_text_as_the_real_feed_writes(default_world):
    _, ads, _ = default_world
    for field in ("sourceurl", "applicationUrl"):
        share = sum(ad[field] is None for ad in ads) / len(ads)
        assert 0.2 < share < 0.8, field
    for field in ("description", "homepage"):
        share = sum(ad["employer"][field] is None for ad in ads) / len(ads)
        assert 0.2 < share < 0.6, field
    described = [ad["employer"]["description"] for ad in ads if ad["employer"]["description"]]
    assert all(d.startswith("<p>") and d.endswith("</p>") for d in described)
    assert all(ad["description"].startswith("<p>") for ad in ads)
    due = Counter(ad["applicationDue"] for ad in ads)
    assert 0.1 < due["Snarest"] / len(ads) < 0.3
    assert sum(d.count(".") == 2 for d in due) > 50 and sum(d.count("-") == 2 for d in due) > 50
    assert all("." not in ad["published"] for ad in ads)  # whole seconds
    assert all(ad["updated"] > ad["published"] for ad in ads)


def test_the_statuses_mix_as_in_a_feed_that_has_run_for_weeks(default_world):
    session, _, _ = default_world
    statuses = Counter(a["status"] for a in session.get(f"{BASE}/__admin/ads").json())
    assert statuses["ACTIVE"] > 4500 and 300 < statuses["INACTIVE"] < 3000


@pytest.mark.parametrize("ads", [600, 1800])
def test_the_daily_rate_scales_with_the_active_ads(ads):
    _, session = inprocess(Config(ads=ads))
    before = {a["uuid"] for a in session.get(f"{BASE}/__admin/ads").json()}
    session.post(f"{BASE}/__admin/clock", json={"advance": "P14D"})
    after = session.get(f"{BASE}/__admin/ads").json()
    new = sum(a["uuid"] not in before for a in after)
    assert 0.8 < new / (14 * daily_rate(ads)) < 1.2
    active = sum(a["status"] == "ACTIVE" for a in after)
    assert 0.8 * ads < active < 1.2 * ads  # a steady state stays steady


def test_ads_is_the_number_of_active_ads_at_the_start():
    _, session = inprocess(Config(ads=777, seed=3))
    ads = session.get(f"{BASE}/__admin/ads").json()
    details = [session.get(f"{BASE}/__admin/ads/{a['uuid']}").json() for a in ads]
    assert sum(a["status"] == "ACTIVE" for a in ads) == 777  # as the feed shows them
    assert sum(d["status"] == "ACTIVE" for d in details) > 777  # and DIR or hidden ones
    assert len(details) > 777  # beside them, the ads that ended in the last week


def test_one_ad_reads_the_same_through_the_three_fakes(default_world):
    _, ads, _ = default_world
    config = Config(parsebot_keys=("same-key:developer",))
    _, session = inprocess(config)
    for ad in ads[:: len(ads) // 5]:
        entry = session.get(f"{BASE}/api/v1/feedentry/{ad['uuid']}").json()["ad_content"]
        detail = session.get(
            f"{BASE}/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61/get_job_detail",
            params={"uuid": ad["uuid"]},
            headers={"X-API-Key": "same-key"},
        ).json()["data"]
        assert entry["title"] == ad["title"] == detail["metadata"]["title"]
        assert entry["description"] == ad["description"]
        assert entry["sourceurl"] == (ad["sourceurl"] or "")  # the vacancy feed writes ""
        assert parse_instant(entry["published"]) == parse_instant(ad["published"])
        assert parse_instant(detail["metadata"]["published"]) == parse_instant(ad["published"])


def test_now_now_starts_the_world_at_the_wall_clock():
    before = datetime.now(UTC).replace(microsecond=0)
    _, session = inprocess(Config(now="now", ads=200))
    started = datetime.fromisoformat(
        session.get(f"{BASE}/__admin/clock").json()["now"].replace("Z", "+00:00")
    )
    assert before <= started <= datetime.now(UTC) + timedelta(seconds=1)
    env = Config.from_env({"JOBFAKES_NOW": "now"})
    assert env.now is not None
    assert 0 <= parse_instant(env.now) - parse_instant(before.isoformat()) <= 5 * 10**6
    assert env.now == Config(now=env.now).now  # resolved once, then passed on as is
