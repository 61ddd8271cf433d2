"""ParseBotClient against the fake: pacing on the fake's clock, Retry-After, credits, paging."""

from __future__ import annotations

import math

import pytest

from jobfakes.client.parsebot import ParseBotClient
from jobfakes.errors import ConfigError, CreditsExhausted, NotFound, RateLimited, Unauthorized
from jobfakes.world.times import parse_instant
from tests.fakes.parsebot.parsebot_helpers import new_key


class WorldTime:
    """The client's clock and sleep, both on the fake's world clock: sleeping moves it."""

    def __init__(self, fake):
        self.admin, self.slept = fake.admin, []

    def clock(self) -> float:
        return parse_instant(self.admin.clock()) / 1e6

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.admin.advance(f"PT{math.ceil(seconds * 1000) / 1000}S")


def _client(fake, key, tier, **options):
    time = WorldTime(fake)
    client = ParseBotClient(fake.base_url, key, tier=tier, session=fake.session,
                            sleep=time.sleep, clock=time.clock, **options)  # fmt: skip
    return client, time


def test_a_free_client_paces_itself_and_is_never_refused(parsebot_inprocess):
    fake = parsebot_inprocess
    client, time = _client(fake, new_key(fake, "free"), "free")
    fake.admin.clear_requests()
    start = time.clock()
    for _ in range(12):
        client.get_facets()
    assert [r["status"] for r in fake.admin.requests()] == [200] * 12
    assert time.clock() - start >= 60  # two full waits for 12 calls at 5 a minute
    assert client.calls == 12


def test_retry_after_is_honoured_when_the_tier_is_wrong(parsebot_inprocess):
    fake = parsebot_inprocess
    client, time = _client(fake, new_key(fake, "free"), "developer")  # paces as if 250/min
    fake.admin.clear_requests()
    for _ in range(7):
        client.search_jobs("leder", size=1)
    statuses = [r["status"] for r in fake.admin.requests()]
    assert statuses.count(429) == 1 and statuses.count(200) == 7
    assert len(time.slept) == 1 and 0 < time.slept[0] <= 60


def test_persistent_429_raises_rate_limited(parsebot_inprocess):
    fake = parsebot_inprocess
    client = ParseBotClient(fake.base_url, new_key(fake, "free"), tier="developer",
                            session=fake.session, sleep=lambda s: None, max_retries=2)  # fmt: skip
    for _ in range(5):
        client.get_facets()
    with pytest.raises(RateLimited) as caught:
        client.get_facets()
    assert caught.value.status == 429 and caught.value.retry_after is not None


@pytest.mark.jobfakes(now="2025-12-31T22:00:00Z")
def test_credits_run_out_with_a_typed_error(parsebot_inprocess):
    fake = parsebot_inprocess
    client, _ = _client(fake, new_key(fake, "free"), "free")
    for _ in range(100):
        client.get_facets()
    with pytest.raises(CreditsExhausted) as caught:
        client.get_facets()
    assert caught.value.status == 402
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 7200


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_iter_search_yields_every_hit_once(parsebot_inprocess, method):
    fake = parsebot_inprocess
    client, _ = _client(fake, new_key(fake, "developer"), "developer", method=method)
    hits = list(client.iter_search(size=60, counties=["OSLO", "VESTLAND"]))
    total = client.search_jobs(size=1, counties="OSLO,VESTLAND")["total"]["value"]
    assert len(hits) == total == len({h["_id"] for h in hits}) > 60
    everything = {h["_id"] for h in client.iter_search()}
    assert everything == {a["uuid"] for a in fake.admin.ads("ACTIVE")}


def test_detail_facets_and_errors(parsebot_inprocess):
    fake = parsebot_inprocess
    client, _ = _client(fake, new_key(fake, "hobby"), "hobby")
    uuid = client.search_jobs("sykepleier", size=1)["hits"]["hits"][0]["_id"]
    assert client.get_job_detail(uuid)["uuid"] == uuid
    assert client.get_facets(sector="Offentlig")["aggregations"]["sector"]["doc_count"] > 0
    with pytest.raises(NotFound):
        client.get_job_detail("00000000-0000-4000-8000-000000000000")
    stranger, _ = _client(fake, "no-such-key", "free")
    with pytest.raises(Unauthorized):
        stranger.get_facets()
    with pytest.raises(ConfigError):
        ParseBotClient(fake.base_url, "k", tier="gold")


@pytest.mark.jobfakes(now="2025-12-31T22:00:00Z", parsebot_credit_status=429)
def test_credits_run_out_as_429_without_sleeping_until_next_month(parsebot_inprocess):
    """A server that answers used-up credits with 429: the wait (past any minute window) is
    not slept away; the client raises CreditsExhausted with the Retry-After."""
    fake = parsebot_inprocess
    client, time = _client(fake, new_key(fake, "free"), "free")
    for _ in range(100):
        client.get_facets()
    with pytest.raises(CreditsExhausted) as caught:
        client.get_facets()
    assert caught.value.status == 429
    assert caught.value.retry_after is not None and 60 < caught.value.retry_after <= 7200
    assert max(time.slept) <= 60  # its own pacing only: no sleep of hours before a retry
