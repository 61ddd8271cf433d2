"""`PublicFeedClient.harvest_all()` over a 50k-ad world with the hit cap at 1000.

    python bench/publicfeed_harvest.py [ADS] [RUNS]

Against `jobfakes serve publicfeed --publicfeed-cap 1000` (1 worker, the default) over
loopback, and in process through the adapter. Before each harvest the world's version is
bumped (a throw-away token is revoked), so every run pays for building the feed's index of
that version and none is answered from the response cache. The index build is also timed
alone, in process.
"""

from __future__ import annotations

import sys
import time

import requests
from _common import served
from jobfakes.fakes.publicfeed.listing import Listing

from jobfakes.client import PublicFeedClient
from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config

CAP = 1000


def harvest(client: PublicFeedClient, truth: int, admin: str) -> tuple[float, float, int]:
    """Wall seconds, this process's CPU seconds, requests made."""
    client.session.post(f"{admin}/tokens/revoke", json={"fake": "publicfeed", "token": "bench"})
    client.requests_made = 0
    start, cpu = time.perf_counter(), time.process_time()
    ads = client.harvest_all()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if len(ads) != truth or len({a["uuid"] for a in ads}) != truth:
        raise RuntimeError(f"harvested {len(ads)} ads, the world has {truth} active")
    return seconds, cpu, client.requests_made


def report(transport: str, runs: list[tuple[float, float, int]], truth: int) -> None:
    low, high = min(r[0] for r in runs), max(r[0] for r in runs)
    cpu_low, cpu_high = min(r[1] for r in runs), max(r[1] for r in runs)
    print(
        f"| {transport} | {truth:,} | {runs[-1][2]} | {low:.2f}-{high:.2f} |"
        f" {cpu_low:.2f}-{cpu_high:.2f} | {truth / high:,.0f}-{truth / low:,.0f} |",
        flush=True,
    )


QUERIES = {
    "no filter": {},
    "county=OSLO": {"county": "OSLO"},
    "category=IT": {"category": "IT"},
    "published=[*,<1000th newest>)": {"published": None},
    "source=!SBL&municipal=BERGEN,TRONDHEIM": {"source": "!SBL", "municipal": "BERGEN,TRONDHEIM"},
}


def latency(client: PublicFeedClient, admin: str) -> None:
    """In process: the first page of a filter set (selection computed), then pages 1-9 of it
    (selection cached), pages of 100 ads; a new world version first, so that no answer comes
    from the response cache, and one request to build the index."""
    client.session.post(f"{admin}/tokens/revoke", json={"fake": "publicfeed", "token": "x"})
    client.page(0, 1, source="none")
    print("| query (in process, size 100) | first page ms | p50 of pages 1-9 ms |")
    print("|---|---:|---:|")
    oldest = client.page(9, 100)["content"][-1]["published"]
    for name, filters in QUERIES.items():
        if "published" in filters:
            filters = {"published": f"[*,{oldest})"}
        start = time.perf_counter()
        client.page(0, 100, **filters)
        first = time.perf_counter() - start
        times = []
        for number in range(1, 10):
            start = time.perf_counter()
            client.page(number, 100, **filters)
            times.append(time.perf_counter() - start)
        times.sort()
        print(f"| {name} | {first * 1000:.1f} | {times[len(times) // 2] * 1000:.1f} |")


def main() -> None:
    ads = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(f"harvest_all, cap {CAP}, page size 100, {ads:,}-ad world")
    print(
        f"| transport | active ads | requests | seconds ({runs} runs) | client CPU s"
        " (in process: all) | ads/s |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    args = ("publicfeed", "--clock", "frozen", "--ads", str(ads), "--publicfeed-cap", str(CAP))
    with served(*args) as (base, token):
        truth = len(requests.get(f"{base}/__admin/ads", params={"status": "ACTIVE"}).json())
        client = PublicFeedClient(base, token)
        timed = [harvest(client, truth, f"{base}/__admin") for _ in range(runs)]
        report("HTTP, gunicorn 1 worker x 8 threads", timed, truth)
    app = create_app(Config(ads=ads, publicfeed_cap=CAP, fakes=("publicfeed",)))
    session = requests.Session()
    session.trust_env = False
    session.mount("http://fake", WSGIAdapter(app))
    truth = len(session.get("http://fake/__admin/ads", params={"status": "ACTIVE"}).json())
    client = PublicFeedClient("http://fake", session=session)
    timed = [harvest(client, truth, "http://fake/__admin") for _ in range(runs)]
    report("in process (adapter)", timed, truth)
    latency(client, "http://fake/__admin")
    world = app.extensions["jobfakes"].world
    builds, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        Listing.build(world.store, world.now())
        builds.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    print(
        f"index build over {truth:,} active ads: {min(builds):.2f}-{max(builds):.2f} s"
        f" (CPU {min(cpus):.2f}-{max(cpus):.2f} s)"
    )


if __name__ == "__main__":
    main()
