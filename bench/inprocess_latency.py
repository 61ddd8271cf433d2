"""Latency of the in-process adapter: a feed page (pageSize 50) through requests + WSGIAdapter.

python bench/inprocess_latency.py [REQUESTS]
"""

from __future__ import annotations

import statistics
import sys
import time

import requests

from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    app = create_app(Config(ads=5000))
    session = requests.Session()
    session.mount("http://fake", WSGIAdapter(app))
    token = session.post("http://fake/__admin/tokens", json={"fake": "navfeed"}).json()["token"]
    session.headers["Authorization"] = f"Bearer {token}"
    page = session.get("http://fake/api/v1/feed?pageSize=50").json()
    ids = [page["id"], page["next_id"]]
    times = []
    for index in range(count):
        start = time.perf_counter()
        response = session.get(f"http://fake/api/v1/feed/{ids[index % 2]}?pageSize=50")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    times.sort()
    print(
        f"in-process adapter, feed page of 50, {count} requests: "
        f"p50 {statistics.median(times) * 1e3:.2f} ms, "
        f"p99 {times[int(count * 0.99)] * 1e3:.2f} ms"
    )


if __name__ == "__main__":
    main()
