"""Several gunicorn workers of one `serve` answer as one process (issue: one world, many
processes). Each test is a reproduction of what was seen with `--workers N` on a real server."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.scaling.servers import serve


def _session() -> requests.Session:
    # A new connection per request, so that the kernel spreads requests over the workers.
    session = requests.Session()
    session.headers["Connection"] = "close"
    return session


def test_a_clock_move_is_seen_by_every_later_request_on_every_worker(tmp_path):
    with serve("navfeed", "--workers", "2", "--db", str(tmp_path / "w.sqlite")) as server:
        http = _session()
        for _ in range(5):
            moved = http.post(f"{server.base}/__admin/clock", json={"advance": "PT1M"}).json()
            seen = [http.get(f"{server.base}/__admin/clock").json()["now"] for _ in range(10)]
            assert seen == [moved["now"]] * 10


def test_concurrent_writes_on_several_workers_never_fail_nor_repeat_an_id(tmp_path):
    with serve(
        "navfeed", "--workers", "2", "--ads", "300", "--db", str(tmp_path / "w.sqlite")
    ) as s:
        http = _session()
        uuids = [a["uuid"] for a in http.get(f"{s.base}/__admin/ads?status=ACTIVE").json()]
        before = len(http.get(f"{s.base}/__admin/ads").json())
        rng = random.Random(7)
        calls = [
            ("stop", rng.choice(uuids)) if rng.random() < 0.5 else ("create", "") for _ in range(48)
        ]

        def call(item: tuple[str, str]) -> int:
            kind, uuid = item
            if kind == "stop":
                return _session().post(f"{s.base}/__admin/ads/{uuid}/stop").status_code
            created = _session().post(f"{s.base}/__admin/ads", json={})
            if created.status_code != 201:
                return created.status_code
            # read your write, on whichever worker takes the next connection
            return _session().get(f"{s.base}/__admin/ads/{created.json()['uuid']}").status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(call, calls))
        assert statuses == [200] * len(calls), statuses
        created = sum(kind == "create" for kind, _ in calls)
        assert len(http.get(f"{s.base}/__admin/ads").json()) == before + created


def _feed(base: str) -> list[bytes]:
    """Every feed page from the start, as bytes (page ids are event ids)."""
    http = _session()
    token = http.post(f"{base}/__admin/tokens", json={"fake": "navfeed"}).json()["token"]
    pages, url = [], f"{base}/api/v1/feed"
    while url:
        response = http.get(
            url, params={"pageSize": 100}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200
        pages.append(response.content)
        following = response.json()["next_url"]
        url = f"{base}{following}" if following else ""
    return pages


def test_the_same_writes_give_the_same_world_whichever_worker_took_them(tmp_path):
    rng = random.Random(11)
    steps = [rng.choice(["create", "stop", "advance"]) for _ in range(30)]
    feeds = []
    for workers in ("1", "4"):
        db = str(tmp_path / f"w{workers}.sqlite")
        with serve("navfeed", "--workers", workers, "--ads", "200", "--db", db) as s:
            http = _session()
            uuids = sorted(
                a["uuid"] for a in http.get(f"{s.base}/__admin/ads?status=ACTIVE").json()
            )
            pick = random.Random(3)
            for step in steps:
                if step == "create":
                    uuids.append(http.post(f"{s.base}/__admin/ads", json={}).json()["uuid"])
                elif step == "stop":
                    assert http.post(f"{s.base}/__admin/ads/{pick.choice(uuids)}/stop").ok
                else:
                    assert http.post(f"{s.base}/__admin/clock", json={"advance": "PT7H"}).ok
            feeds.append(_feed(s.base))
    assert feeds[0] == feeds[1]


def test_keys_accounts_and_the_journal_are_one_for_all_workers(tmp_path):
    args = ("parsebot", "jobfeed", "--workers", "4", "--ads", "200", "--jobs", "200")
    with serve(*args, "--db", str(tmp_path / "w.sqlite"), "--jobfeed-limits", "none") as s:
        http = _session()
        assert http.post(
            f"{s.base}/__admin/parsebot/keys", json={"key": "k2", "tier": "developer"}
        ).ok
        path = f"{s.base}/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61/search_jobs"
        codes = [http.get(path, headers={"X-API-Key": "k2"}).status_code for _ in range(12)]
        assert codes == [200] * 12
        assert http.post(
            f"{s.base}/__admin/jobfeed/accounts", json={"user": "u2", "password": "p2"}
        ).status_code in (200, 201)
        codes = [
            http.get(f"{s.base}/api/v3/count", auth=("u2", "p2")).status_code for _ in range(12)
        ]
        assert codes == [200] * 12
        journal = http.get(f"{s.base}/__admin/requests").json()
        assert [e["path"] for e in journal].count("/api/v3/count") == 12
        assert len([e for e in journal if e["path"].endswith("search_jobs")]) == 12


def test_a_limited_key_gets_exactly_its_limit_across_workers_without_redis(tmp_path):
    with serve("parsebot", "--workers", "4", "--ads", "200", "--parsebot-key", "lim:free") as s:
        path = f"{s.base}/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61/search_jobs"

        def call(_: int) -> int:
            return _session().get(path, headers={"X-API-Key": "lim"}).status_code

        with ThreadPoolExecutor(16) as pool:
            codes = list(pool.map(call, range(40)))
        assert codes.count(200) == 5, codes
        assert codes.count(429) == 35


def test_a_limited_jobfeed_account_gets_exactly_its_limit_across_workers(tmp_path):
    with serve("jobfeed", "--workers", "4", "--jobs", "200") as s:

        def call(_: int) -> int:
            return _session().get(f"{s.base}/api/v3/count", auth=("jobfeed", "jobfeed")).status_code

        with ThreadPoolExecutor(16) as pool:
            codes = list(pool.map(call, range(40)))
        assert codes.count(200) == 4, codes  # 4 a second, on a frozen world clock
