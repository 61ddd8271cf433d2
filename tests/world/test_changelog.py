"""The change log that carries a world's changes across replicas (world/changelog.py), through
apps in this process that share one real redis-server (the in-process adapter; the replicas
as separate processes behind nginx are tests/scaling/test_replicas.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.world.times import parse_instant
from tests.scaling.replicas import redis_server


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture
def url(server: str) -> str:
    redis.Redis.from_url(server).flushall()  # each test its own log
    return server


def _replica(url: str, **settings: Any) -> Any:
    settings.setdefault("fakes", ("navfeed",))
    settings.setdefault("ads", 150)
    config = Config(redis_url=url, **settings)
    return create_app(config).test_client()


def _feed(client: Any) -> list[bytes]:
    token = client.post("/__admin/tokens", json={"fake": "navfeed"}).json["token"]
    pages, url = [], "/api/v1/feed?pageSize=100"
    while url:
        answer = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        pages.append(answer.data)
        url = answer.json["next_url"] or ""
    return pages


def _active(client: Any) -> list[str]:
    return sorted(a["uuid"] for a in client.get("/__admin/ads?status=ACTIVE").json)


def test_a_failed_write_answers_its_error_on_the_writer_and_changes_nothing(url):
    one, two = _replica(url), _replica(url)
    assert one.post("/__admin/ads/no-such-ad/stop").status_code == 404
    moved = two.post("/__admin/clock", json={"advance": "PT1H"}).json["now"]
    back = one.post("/__admin/clock", json={"now": "2025-12-01T08:30:00Z"})
    assert back.status_code == 400
    assert "backwards" in back.json["message"]
    assert one.get("/__admin/clock").json["now"] == moved == two.get("/__admin/clock").json["now"]
    assert _feed(one) == _feed(two)


def test_a_replica_that_starts_late_catches_up_before_its_first_answer(url):
    first = _replica(url)
    uuids = _active(first)
    first.post("/__admin/clock", json={"advance": "P2D"})
    first.post(f"/__admin/ads/{uuids[3]}/stop")
    made = first.post("/__admin/ads", json={"title": "Sent"}).json
    first.patch(f"/__admin/ads/{uuids[5]}", json={"title": "Endret"})
    late = _replica(url)
    assert late.get(f"/__admin/ads/{made['uuid']}").json == made
    assert late.get("/__admin/clock").json == first.get("/__admin/clock").json
    assert _feed(late) == _feed(first)


def test_a_reset_on_one_replica_resets_them_all_and_the_log_goes_on(url):
    one, two = _replica(url), _replica(url)
    before = _feed(two)
    one.post("/__admin/clock", json={"advance": "PT9H"})
    two.post("/__admin/ads", json={})
    assert _feed(one) != before
    assert two.post("/__admin/reset").status_code == 200
    assert _feed(one) == before == _feed(two)
    made = one.post("/__admin/ads", json={}).json
    assert two.get(f"/__admin/ads/{made['uuid']}").json == made


def test_the_same_log_gives_the_same_world_whichever_replica_took_each_write(url, tmp_path):
    writers = [_replica(url), _replica(url, db=str(tmp_path / "w.sqlite"))]
    uuids = _active(writers[0])
    for n in range(12):
        writer = writers[n % 2]
        if n % 3 == 0:
            writer.post("/__admin/clock", json={"advance": "PT3H"})
        elif n % 3 == 1:
            writer.post(f"/__admin/ads/{uuids[n]}/stop")
        else:
            uuids.append(writer.post("/__admin/ads", json={}).json["uuid"])
    later = _replica(url)
    assert _feed(writers[0]) == _feed(writers[1]) == _feed(later)


def test_a_running_clock_is_one_clock_across_replicas(url):
    one = _replica(url, clock="running")
    time.sleep(0.2)
    two = _replica(url, clock="running")  # started later, runs from the same origin
    now = [parse_instant(c.get("/__admin/clock").json["now"]) for c in (one, two, one)]
    assert now[0] <= now[1] <= now[2]
    moved = parse_instant(two.post("/__admin/clock", json={"advance": "P1D"}).json["now"])
    seen = parse_instant(one.get("/__admin/clock").json["now"])
    assert 0 <= seen - moved < 2_000_000  # the same day ahead, a few moments later


def test_a_file_that_followed_another_log_starts_again_from_the_seed(url, tmp_path):
    # the default world: a reset loads its image, which replaces the file whole
    settings = {"db": str(tmp_path / "w.sqlite"), "fakes": ("navfeed", "parsebot"), "ads": 5000}
    replica = _replica(url, **settings, parsebot_keys=("mine:free",))
    pristine = [replica.get(path).data for path in ("/__admin/ads", "/__admin/clock")]
    replica.post("/__admin/clock", json={"advance": "PT5H"})
    replica.post("/__admin/ads", json={})
    redis.Redis.from_url(url).flushall()  # a new Redis: a new log
    again = _replica(url, **settings, parsebot_keys=("mine:free",))
    assert [again.get(path).data for path in ("/__admin/ads", "/__admin/clock")] == pristine
    search = "/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61/search_jobs"
    assert again.get(search, headers={"X-API-Key": "mine"}).status_code == 200  # kept


def test_serve_says_plainly_when_its_redis_cannot_be_reached_and_keeps_the_password():
    from click.testing import CliRunner

    from jobfakes.cli import main

    url = "redis://:hunter2@127.0.0.1:1/0"  # port 1: nothing listens there
    result = CliRunner().invoke(main, ["serve", "navfeed", "--ads", "50", "--redis-url", url])
    assert result.exit_code == 2
    assert "cannot reach Redis at 127.0.0.1:1" in result.output
    assert "hunter2" not in result.output
