"""X-API-Key, tiers, the minute window (429 + Retry-After), monthly credits (402), keys."""

from __future__ import annotations

import pytest
from jobfakes.fakes.parsebot import SPEC

from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.core.guard import fingerprint
from jobfakes.errors import ConfigError
from tests.fakes.parsebot.parsebot_helpers import PATH, call, new_key


def test_missing_or_unknown_key_is_401_with_a_detail(parsebot_inprocess):
    fake = parsebot_inprocess
    del fake.session.headers["X-API-Key"]
    for headers in ({}, {"X-API-Key": "nope"}):
        response = fake.session.get(fake.url(f"{PATH}/search_jobs"), headers=headers)
        assert response.status_code == 401
        assert "X-API-Key" in response.json()["detail"]


def test_unknown_scraper_and_unknown_endpoint_are_404(parsebot_inprocess):
    fake = parsebot_inprocess
    response = fake.session.get(
        fake.url("/scraper/00000000-0000-0000-0000-000000000000/search_jobs")
    )
    assert (response.status_code, response.json()) == (404, {"detail": "Scraper not found"})
    response = fake.session.post(fake.url(f"{PATH}/delete_everything"), json={})
    assert response.status_code == 404 and "detail" in response.json()


def test_the_seed_scraper_answers_get_and_post_alike(parsebot_inprocess):
    fake = parsebot_inprocess
    inputs = {"q": "leder", "from": 0, "size": 5, "counties": "OSLO"}
    by_get = call(fake, "search_jobs", **inputs).json()
    by_post = call(fake, "search_jobs", "POST", **inputs).json()
    for body in (by_get, by_post):
        body["data"]["took"] = 0
    assert by_get == by_post and by_get["status"] == "success"


@pytest.mark.parametrize(("tier", "per_minute"), [("free", 5), ("hobby", 20)])
def test_over_the_minute_limit_is_429_with_retry_after_until_the_world_minute_ends(
    parsebot_inprocess, tier, per_minute
):
    fake = parsebot_inprocess
    fake.admin.set_clock("2025-12-01T09:00:10Z")
    key = new_key(fake, tier)
    statuses = [call(fake, "get_facets", key=key).status_code for _ in range(per_minute + 1)]
    assert statuses == [200] * per_minute + [429]
    refused = call(fake, "get_facets", key=key)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "50"  # the minute ends at 09:01:00 world time
    assert str(per_minute) in refused.json()["detail"]
    fake.admin.advance("PT50S")
    assert call(fake, "get_facets", key=key).status_code == 200


@pytest.mark.jobfakes(now="2025-12-31T22:00:00Z")
def test_out_of_credits_is_a_402_envelope_until_the_next_month(parsebot_inprocess):
    fake = parsebot_inprocess
    key = new_key(fake, "free")
    for _ in range(20):  # 100 credits, five calls a minute
        assert [call(fake, "get_facets", key=key).status_code for _ in range(5)] == [200] * 5
        fake.admin.advance("PT1M")
    response = call(fake, "search_jobs", key=key)
    assert response.status_code == 402
    body = response.json()
    assert body["status_code"] == 402
    assert body["error"]["status"] == "insufficient_credits"
    assert (body["error"]["credits_limit"], body["error"]["credits_used"]) == (100, 100)
    assert body["error"]["retry_after"] == 2 * 3600 - 20 * 60  # to 2026-01-01T00:00Z
    listed = {
        k["fingerprint"]: k for k in fake.session.get(fake.url("/__admin/parsebot/keys")).json()
    }
    assert listed[fingerprint(key)]["credits_used"] == 100
    fake.admin.set_clock("2026-01-01T00:00:00Z")
    assert call(fake, "search_jobs", key=key).status_code == 200


def test_refused_calls_cost_no_credit(parsebot_inprocess):
    fake = parsebot_inprocess
    key = new_key(fake, "developer")
    assert call(fake, "get_job_detail", key=key, uuid="not-a-uuid").status_code == 422
    assert call(fake, "search_jobs", key=key, size=0).status_code == 422
    assert call(fake, "search_jobs", key=key, size=1).status_code == 200
    listed = {
        k["fingerprint"]: k for k in fake.session.get(fake.url("/__admin/parsebot/keys")).json()
    }
    assert listed[fingerprint(key)]["credits_used"] == 1
    assert listed[fingerprint(key)]["minute_used"] == 3  # the minute window counts every call


@pytest.mark.parametrize(
    "body", [{"key": "k"}, {"key": "", "tier": "free"}, {"key": "k", "tier": "gold"}, [1], None]
)
def test_admin_keys_refuses_bad_bodies(parsebot_inprocess, body):
    fake = parsebot_inprocess
    response = fake.session.post(fake.url("/__admin/parsebot/keys"), json=body)
    assert response.status_code == 400 and response.json()["message"]


def test_reset_forgets_added_keys_and_keeps_the_configured_one(parsebot_inprocess):
    fake = parsebot_inprocess
    key = new_key(fake, "hobby")
    assert call(fake, "get_facets", key=key).status_code == 200
    fake.admin.reset()
    assert call(fake, "get_facets", key=key).status_code == 401
    assert call(fake, "get_facets").status_code == 200  # the session's default key


def test_configured_keys_replace_the_default_and_bad_ones_are_refused():
    app = create_app(Config(ads=50, fakes=("parsebot",), parsebot_keys=("alpha:free", "b:c:Hobby")))
    client = app.test_client()
    assert client.get(f"{PATH}/get_facets", headers={"X-API-Key": "alpha"}).status_code == 200
    assert client.get(f"{PATH}/get_facets", headers={"X-API-Key": "b:c"}).status_code == 200
    backend = app.extensions["jobfakes"].backends["parsebot"]
    assert backend.keys == {"alpha": "free", "b:c": "hobby"}
    assert SPEC.banner is not None
    assert any("alpha" in line for line in SPEC.banner(backend))
    with pytest.raises(ConfigError, match="KEY:TIER"):
        create_app(Config(ads=50, fakes=("parsebot",), parsebot_keys=("alpha:gold",)))


def test_the_default_key_is_derived_and_printed():
    one = create_app(Config(ads=50, fakes=("parsebot",))).extensions["jobfakes"]
    two = create_app(Config(ads=50, fakes=("parsebot",))).extensions["jobfakes"]
    key = one.backends["parsebot"].default_key()
    assert key == two.backends["parsebot"].default_key() and key.startswith("pb_")
    assert one.backends["parsebot"].keys == {key: "developer"}
    assert SPEC.banner is not None
    assert f"key (developer): {key}" in SPEC.banner(one.backends["parsebot"])
