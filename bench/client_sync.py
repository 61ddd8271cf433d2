"""The reference client's full sync of a 50k-ad world into a local mirror.

    python bench/client_sync.py [ADS]

Against `jobfakes serve` (1 worker, the default, and 2 workers) over loopback, and in
process through the adapter.
"""

from __future__ import annotations

import sys
import time

import requests
from _common import served

from jobfakes.client import Mirror, NavFeedClient
from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config


def timed_sync(client: NavFeedClient, workers: int) -> tuple[float, int]:
    mirror = Mirror()
    start = time.perf_counter()
    mirror.sync(client, workers=workers)
    return time.perf_counter() - start, len(mirror.statuses())


def main() -> None:
    ads = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    print("| transport | entry threads | ads | seconds | ads/s |")
    print("|---|---:|---:|---:|---:|")
    # One worker is `jobfakes serve`'s default: the client keeps the other core.
    for server_workers in (1, 2):
        args = ("--workers", str(server_workers), "--clock", "frozen", "--ads", str(ads))
        with served(*args) as (base, token):
            seconds, count = timed_sync(NavFeedClient(base, token), 8)
            print(
                f"| HTTP, gunicorn {server_workers} worker(s) x 8 threads | 8 | {count:,} | "
                f"{seconds:.1f} | {count / seconds:,.0f} |",
                flush=True,
            )
    app = create_app(Config(ads=ads))
    session = requests.Session()
    session.trust_env = False  # as the client's own sessions do
    session.mount("http://fake", WSGIAdapter(app))
    token = session.post("http://fake/__admin/tokens", json={"fake": "navfeed"}).json()["token"]
    seconds, count = timed_sync(NavFeedClient("http://fake", token, session=session), 1)
    print(f"| in process (adapter) | 1 | {count:,} | {seconds:.1f} | {count / seconds:,.0f} |")


if __name__ == "__main__":
    main()
