"""Latency of the in-process adapter beside `responses`: a feed page (pageSize 50) through
requests + WSGIAdapter, and the same bytes answered by `responses` (the library most Python
users mock `requests` with), interleaved call by call in one run.

python bench/inprocess_latency.py [REQUESTS]   (`pip install -e '.[bench]'` for responses)
"""

from __future__ import annotations

import statistics
import sys
import time

import requests
import responses

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
    urls = [f"http://fake/api/v1/feed/{page[key]}?pageSize=50" for key in ("id", "next_id")]
    stubbed = session.get(urls[0])
    mocked = requests.Session()
    mocked.headers["Authorization"] = f"Bearer {token}"
    times: dict[str, list[float]] = {"adapter": [], "responses": []}
    with responses.RequestsMock() as mock:
        for url in urls:
            mock.get(url.replace("fake", "stub"), body=stubbed.content, headers=stubbed.headers)
        for index in range(count):
            for name, http, url in (
                ("adapter", session, urls[index % 2]),
                ("responses", mocked, urls[index % 2].replace("fake", "stub")),
            ):
                start = time.perf_counter()
                response = http.get(url)
                times[name].append(time.perf_counter() - start)
                assert response.status_code == 200
    medians = {}
    for name, found in times.items():
        found.sort()
        medians[name] = statistics.median(found)
        print(
            f"{name}: feed page of 50, {count} requests: p50 {medians[name] * 1e3:.3f} ms, "
            f"p99 {found[int(count * 0.99)] * 1e3:.3f} ms"
        )
    print(f"adapter / responses (p50): {medians['adapter'] / medians['responses']:.2f}x")


if __name__ == "__main__":
    main()
