"""Two apps on one Redis share one count: the minute window and the credits (a real
redis-server on a free port; CI installs it, see .ci/run)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from tests.fakes.parsebot.parsebot_helpers import PATH
from tests.scaling.replicas import redis_server


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


def _apps(url: str, key: str):
    config = Config(ads=50, fakes=("parsebot",), redis_url=url, parsebot_keys=(f"{key}:free",))
    return create_app(config).test_client(), create_app(config).test_client()


def test_two_apps_share_the_minute_window(redis_url):
    one, two = _apps(redis_url, "shared-minute")
    headers = {"X-API-Key": "shared-minute"}
    statuses = [
        (one if i % 2 else two).get(f"{PATH}/get_facets", headers=headers).status_code
        for i in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    assert one.get(f"{PATH}/get_facets", headers=headers).status_code == 429


def test_two_apps_share_the_credits(redis_url):
    one, two = _apps(redis_url, "shared-credits")
    headers = {"X-API-Key": "shared-credits"}
    for i in range(20):
        client = one if i % 2 else two
        assert [
            client.get(f"{PATH}/get_facets", headers=headers).status_code for _ in range(5)
        ] == [200] * 5
        for app_client in (one, two):
            app_client.post("/__admin/clock", json={"advance": "PT1M"})
    assert one.get(f"{PATH}/get_facets", headers=headers).status_code == 402
    assert two.get(f"{PATH}/get_facets", headers=headers).status_code == 402
