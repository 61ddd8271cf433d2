"""What recording costs: a feed page (pageSize 50) direct and while being recorded.

python bench/replay_record_overhead.py [REQUESTS]

In process: the WSGI adapter alone, then wrapped by `use_cassette(mode="all")` (capture per
call; redaction and the YAML file once, at the end, timed apart). Over HTTP: `jobfakes serve`
called directly, then through the `jobfakes record` proxy (which forwards, redacts and appends
each exchange to the file as it goes).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests
from _common import BIN, free_port, served, wait_for

from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.recording.recorder import use_cassette


def timed(call: Callable[[int], requests.Response], count: int) -> tuple[float, float]:
    times = []
    for index in range(count):
        start = time.perf_counter()
        response = call(index)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.text
    times.sort()
    return statistics.median(times) * 1e3, times[int(count * 0.99)] * 1e3


def in_process(count: int, folder: Path) -> None:
    app = create_app(Config(ads=5000))
    session = requests.Session()
    session.mount("http://fake", WSGIAdapter(app))
    token = session.post("http://fake/__admin/tokens", json={}).json()["token"]
    session.headers["Authorization"] = f"Bearer {token}"
    page = session.get("http://fake/api/v1/feed?pageSize=50").json()
    urls = [f"http://fake/api/v1/feed/{i}?pageSize=50" for i in (page["id"], page["next_id"])]
    direct = timed(lambda i: session.get(urls[i % 2]), count)
    manager = use_cassette(session, folder / "inprocess.yaml", mode="all")
    manager.__enter__()
    recorded = timed(lambda i: session.get(urls[i % 2]), count)
    start = time.perf_counter()
    manager.__exit__(None, None, None)
    save = time.perf_counter() - start
    size = (folder / "inprocess.yaml").stat().st_size / 1e6
    print(f"| in process, direct | {direct[0]:.2f} | {direct[1]:.2f} | |")
    print(
        f"| in process, recording | {recorded[0]:.2f} | {recorded[1]:.2f} | "
        f"+{recorded[0] - direct[0]:.2f} ms a call; saving {count} ({size:.1f} MB) "
        f"{save:.1f} s |"
    )


def over_http(count: int, folder: Path) -> None:
    with served("--ads", "5000", "--clock", "frozen") as (base, token):
        session = requests.Session()
        session.trust_env = False
        session.headers["Authorization"] = f"Bearer {token}"
        page = session.get(f"{base}/api/v1/feed?pageSize=50").json()
        paths = [f"/api/v1/feed/{i}?pageSize=50" for i in (page["id"], page["next_id"])]
        direct = timed(lambda i: session.get(base + paths[i % 2]), count)
        port = free_port()
        out = folder / "proxy.yaml"
        proxy = subprocess.Popen(
            [str(BIN / "jobfakes"), "record", "--upstream", base, "--out", str(out),
             "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for(f"{url}/__admin/recording")
            recorded = timed(lambda i: session.get(url + paths[i % 2]), count)
        finally:
            proxy.terminate()
            proxy.wait(timeout=60)
    print(f"| HTTP, direct to `jobfakes serve` | {direct[0]:.2f} | {direct[1]:.2f} | |")
    print(
        f"| HTTP, through `jobfakes record` | {recorded[0]:.2f} | {recorded[1]:.2f} | "
        f"+{recorded[0] - direct[0]:.2f} ms a call |"
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print("| path | p50 ms | p99 ms | overhead |")
    print("|---|---:|---:|---|")
    with tempfile.TemporaryDirectory() as folder:
        in_process(count, Path(folder))
        over_http(count, Path(folder))


if __name__ == "__main__":
    main()
