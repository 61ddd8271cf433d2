"""Replicas on several hosts (issue 11, section 2): one redis-server, three `jobfakes serve`
replicas each with its own --db file, nginx in front. Real processes throughout."""

from __future__ import annotations

import contextlib
import random
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests

from tests.scaling.replicas import Replica, load_balancer, redis_server, replicas
from tests.scaling.servers import serve

SCRAPER = "/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61/search_jobs"
HOST = {"Host": "127.0.0.1:8700"}  # one Host for all: the public feed names it in its bodies


def _http() -> requests.Session:
    session = requests.Session()
    session.headers.update(HOST)
    return session


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[Replica]]]:
    folder: Path = tmp_path_factory.mktemp("replicas")
    with (
        redis_server() as url,
        replicas(folder, url) as group,
        load_balancer(folder, group) as balancer,
    ):
        yield balancer, group


def _feed(base: str, token: str) -> list[bytes]:
    http, pages, url = _http(), [], f"{base}/api/v1/feed"
    while url:
        answer = http.get(
            url, params={"pageSize": 200}, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 200, answer.text
        pages.append(answer.content)
        following = answer.json()["next_url"]
        url = f"{base}{following}" if following else ""
    return pages


def _views(base: str, tokens: dict[str, str]) -> dict[str, Any]:
    """What a user of each API sees, as bytes, plus the control plane's shared settings."""
    http = _http()

    def get(path: str, **options: Any) -> bytes:
        answer = http.get(base + path, **options)
        assert answer.status_code == 200, (path, answer.status_code, answer.text)
        return answer.content

    public = {"Authorization": f"Bearer {tokens['publicfeed']}"}
    search = get(f"{SCRAPER}?query=utvikler", headers={"X-API-Key": "k-final"})
    return {
        "feed": _feed(base, tokens["navfeed"]),
        "public feed": get("/public-feed/api/v1/ads?size=50&page=1", headers=public),
        # `took` is the query's real elapsed time (docs/fidelity.md): the one varying part
        "parse.bot": re.sub(rb'"took":\d+', b'"took":0', search),
        "jobfeed": get("/api/v3/search?profession=696&_limit=20", auth=("u-final", "p")),
        "ads": get("/__admin/ads"),
        "accounts": get("/__admin/jobfeed/accounts"),
        "clock": get("/__admin/clock"),
    }


def test_writes_to_random_replicas_give_every_replica_the_same_world(cluster):
    balancer, group = cluster
    rng = random.Random(5)
    http = _http()
    uuids = sorted(a["uuid"] for a in http.get(f"{balancer}/__admin/ads?status=ACTIVE").json())
    alive = list(group)

    def target() -> str:
        return rng.choice([balancer, *(r.base for r in alive)])

    def other() -> str:
        return rng.choice([r.base for r in alive])

    checks: dict[str, Callable[[int], None]] = {}

    def advance(_: int) -> None:
        moved = http.post(f"{target()}/__admin/clock", json={"advance": "PT5H"})
        assert moved.status_code == 200
        assert http.get(f"{other()}/__admin/clock").json() == moved.json()

    def create(_: int) -> None:
        made = http.post(f"{target()}/__admin/ads", json={})
        assert made.status_code == 201
        uuids.append(made.json()["uuid"])
        assert http.get(f"{other()}/__admin/ads/{uuids[-1]}").json() == made.json()

    def stop(_: int) -> None:
        uuid = rng.choice(uuids)
        assert http.post(f"{target()}/__admin/ads/{uuid}/stop").status_code == 200
        assert http.get(f"{other()}/__admin/ads/{uuid}").json()["status"] == "STOPPED"

    def update(n: int) -> None:
        uuid = rng.choice(uuids)
        changed = http.patch(f"{target()}/__admin/ads/{uuid}", json={"title": f"Utvikler {n}"})
        assert changed.status_code == 200
        assert http.get(f"{other()}/__admin/ads/{uuid}").json() == changed.json()

    def key(n: int) -> None:
        added = http.post(
            f"{target()}/__admin/parsebot/keys", json={"key": f"k{n}", "tier": "hobby"}
        )
        assert added.ok
        assert http.get(f"{other()}{SCRAPER}", headers={"X-API-Key": f"k{n}"}).status_code == 200

    def account(n: int) -> None:
        added = http.post(
            f"{target()}/__admin/jobfeed/accounts", json={"user": f"u{n}", "password": "p"}
        )
        assert added.status_code == 201
        assert http.get(f"{other()}/api/v3/count", auth=(f"u{n}", "p")).status_code == 200

    def deny(n: int) -> None:
        body = {"subject": f"someone-{n}@example.org", "issuedAt": 0}
        assert http.post(f"{target()}/__admin/publicfeed/denylist", json=body).status_code == 201

    checks = {f.__name__: f for f in (advance, create, stop, update, key, account, deny)}
    for n in range(36):
        if n == 12:  # a replica dies mid-run ...
            group[2].kill()
            alive.remove(group[2])
        if n == 24:  # ... and comes back on its file: it catches up before it answers
            group[2].start()
            group[2].wait_ready()
            alive.append(group[2])
            assert http.get(f"{group[2].base}/__admin/clock").json() == (
                http.get(f"{group[0].base}/__admin/clock").json()
            )
        checks[rng.choice(sorted(checks))](n)
    assert http.post(
        f"{target()}/__admin/parsebot/keys", json={"key": "k-final", "tier": "developer"}
    ).ok
    account_body = {"user": "u-final", "password": "p", "limits": None}
    assert http.post(f"{target()}/__admin/jobfeed/accounts", json=account_body).status_code == 201

    tokens = {
        fake: http.post(f"{balancer}/__admin/tokens", json={"fake": fake}).json()["token"]
        for fake in ("navfeed", "publicfeed")
    }
    seen = [_views(r.base, tokens) for r in group]
    for name in seen[0]:
        assert seen[1][name] == seen[0][name], name
        assert seen[2][name] == seen[0][name], name
    assert len(seen[0]["feed"]) > 1
    # the keys with their shared counts, read once every replica has searched
    keys = [http.get(f"{r.base}/__admin/parsebot/keys").content for r in group]
    assert keys[0] == keys[1] == keys[2]
    assert b'"minute_used":3' in keys[0]  # one search of k-final on each replica
    for n in range(9):  # one after another, on each replica in turn
        http.get(f"{group[n % 3].base}/public-feed/internal/isAlive", params={"n": n})
    journals = [http.get(f"{r.base}/__admin/requests").json() for r in group]
    assert journals[0] == journals[1] == journals[2]
    assert [e["path"] for e in journals[0]].count("/api/v3/search") == 3
    probes = [e["query"] for e in journals[0] if e["path"].endswith("isAlive")]
    assert probes == [f"n={n}" for n in range(9)]  # one journal, in the order answered


def _allowed(
    url: str, clients: int, calls: int, headers: dict[str, str] | None = None, **options: Any
) -> list[int]:
    """Status codes of `calls` requests from `clients` threads, a new connection each."""

    def call(_: int) -> int:
        with _http() as http:
            sent = {**(headers or {}), "Connection": "close"}
            return http.get(url, headers=sent, **options).status_code

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(call, range(calls)))


def test_a_limited_key_gets_exactly_its_limit_across_replicas(cluster):
    balancer, group = cluster
    codes = _allowed(f"{balancer}{SCRAPER}", 16, 30, headers={"X-API-Key": "lim"})
    for replica in group:  # straight to each replica too: the window is one
        codes += _allowed(f"{replica.base}{SCRAPER}", 4, 4, headers={"X-API-Key": "lim"})
    assert codes.count(200) == 5, codes  # free tier: 5 a minute, on a frozen world clock
    assert codes.count(429) == len(codes) - 5


def test_a_limited_jobfeed_account_gets_exactly_its_limit_across_replicas(cluster):
    balancer, group = cluster
    body = {"user": "limited", "password": "p", "limits": "3/minute"}
    assert _http().post(f"{group[1].base}/__admin/jobfeed/accounts", json=body).status_code == 201
    codes = _allowed(f"{balancer}/api/v3/count", 16, 30, auth=("limited", "p"))
    assert codes.count(200) == 3, codes


def test_replicas_of_several_workers_each_apply_the_log_once(tmp_path, monkeypatch):
    """Workers of one replica share its file: one of them applies each entry, and the worker
    that wrote it still answers its outcome. The second replica takes its Redis from
    JOBFAKES_REDIS_URL."""
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(redis_server())
        args = ("navfeed", "--workers", "2", "--ads", "200")
        db = str(tmp_path / "a.sqlite")
        one = stack.enter_context(serve(*args, "--db", db, "--redis-url", url))
        monkeypatch.setenv("JOBFAKES_REDIS_URL", url)
        two = stack.enter_context(serve(*args, "--db", str(tmp_path / "b.sqlite")))
        bases = [one.base, two.base]
        uuids = _active_uuids(one.base)
        before = len(_http().get(f"{one.base}/__admin/ads").json())  # active and lately ended
        calls = [(n, "stop" if n % 3 else "create") for n in range(36)]

        def call(item: tuple[int, str]) -> int:
            n, kind = item
            http = _http()
            http.headers["Connection"] = "close"  # spread over the workers
            base, other = bases[n % 2], bases[(n + 1) % 2]
            if kind == "stop":
                answer = http.post(f"{base}/__admin/ads/{uuids[n]}/stop")
                seen = http.get(f"{other}/__admin/ads/{uuids[n]}")
                return answer.status_code if seen.json()["status"] == "STOPPED" else 0
            made = http.post(f"{base}/__admin/ads", json={})
            seen = http.get(f"{other}/__admin/ads/{made.json()['uuid']}")
            return made.status_code if seen.json() == made.json() else 0

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(call, calls))
        assert sorted(set(codes)) == [200, 201], codes
        listings = [_http().get(f"{b}/__admin/ads").content for b in bases]
        assert listings[0] == listings[1]
        assert len(orjson.loads(listings[0])) == before + 12


def _active_uuids(base: str) -> list[str]:
    return sorted(a["uuid"] for a in _http().get(f"{base}/__admin/ads?status=ACTIVE").json())
