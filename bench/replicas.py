"""Workers and replicas (issue 11, section 3): feed-page throughput and p99 latency at c64 with
1, 2 and 4 workers, with one replica on Redis, and with 3 replicas behind nginx, each as a
ratio to nginx serving the same bytes from a file in the same run; the time from an
acknowledged write on one replica to its being visible on the others; and the allowed count
of limited keys under 64 concurrent clients across the replicas.

    python bench/replicas.py [SECONDS] [WRITES]

The replicas are the arrangement of tests/scaling/test_replicas.py (and docker/compose.yaml's
`replicas` profile): one redis-server, each replica its own --db file, nginx in front.
"""

from __future__ import annotations

import contextlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from _common import ensure_debian, free_port
from workers import SCRAPER, _allowed, _nginx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.scaling.replicas import (  # noqa: E402  (the tests' arrangement, not a copy)
    Replica,
    load_balancer,
    redis_server,
    replicas,
)

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wrk(url: str, seconds: int, headers: dict[str, str]) -> tuple[float, float]:
    """(requests per second, p99 latency in ms) at 64 connections."""
    command = ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw errors:\n{output}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    if not rate or not p99:
        raise RuntimeError(output)
    return float(rate.group(1)), float(p99.group(1)) * _UNITS[p99.group(2)]


@contextlib.contextmanager
def lone(folder: Path, workers: int, redis_url: str | None = None) -> Iterator[str]:
    """One `serve` (not behind nginx) with `workers` workers: yields its base URL."""
    name = f"w{workers}{'r' if redis_url else ''}.sqlite"
    server = Replica(free_port(), str(folder / name), redis_url, ("--workers", str(workers)))
    server.start()
    try:
        server.wait_ready()
        yield server.base
    finally:
        server.stop()


def feed_url(base: str) -> tuple[str, dict[str, str]]:
    """The second feed page of 50 (the first one's `next`), and the header to read it."""
    token = requests.post(f"{base}/__admin/tokens", json={"fake": "navfeed"}, timeout=30)
    auth = {"Authorization": f"Bearer {token.json()['token']}"}
    first = requests.get(f"{base}/api/v1/feed?pageSize=50", headers=auth, timeout=30).json()
    return f"{base}/api/v1/feed/{first['id']}?pageSize=50", auth


def visibility(writer: str, readers: list[str], writes: int) -> tuple[list[float], int]:
    """Milliseconds from a write's acknowledgement on `writer` until each reader, polling at
    the same time as the others, answers with it; and how many reads did not show it yet."""
    delays: list[float] = []
    misses = 0
    sessions = {base: requests.Session() for base in [writer, *readers]}

    def seen(reader: str, uuid: str, acknowledged: float) -> tuple[float, int]:
        tries = 0
        while sessions[reader].get(f"{reader}/__admin/ads/{uuid}", timeout=30).status_code != 200:
            tries += 1
        return (time.perf_counter() - acknowledged) * 1000, tries

    with ThreadPoolExecutor(len(readers)) as pool:
        for _ in range(writes):
            made = sessions[writer].post(f"{writer}/__admin/ads", json={}, timeout=30)
            acknowledged = time.perf_counter()
            uuid = made.json()["uuid"]
            for delay, tries in pool.map(lambda r: seen(r, uuid, acknowledged), readers):  # noqa: B023
                delays.append(delay)
                misses += tries
    return delays, misses


def read_cost(base: str, redis_url: str, calls: int = 2000) -> tuple[float, float]:
    """(µs of the per-request log check, XLEN through redis-py; µs of one admin read)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    started = time.perf_counter()
    for _ in range(calls):
        client.xlen("jobfakes:check")
    check = (time.perf_counter() - started) / calls * 1e6
    http = requests.Session()
    started = time.perf_counter()
    for _ in range(calls // 10):
        http.get(f"{base}/__admin/clock", timeout=30)
    return check, (time.perf_counter() - started) / (calls // 10) * 1e6


def _row(label: str, ours: tuple[float, float], theirs: tuple[float, float]) -> str:
    return (
        f"| {label} | {ours[0]:,.0f} | {ours[1]:.1f} | {theirs[0]:,.0f} | {theirs[1]:.1f}"
        f" | {ours[0] / theirs[0]:.3f} |"
    )


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    writes = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    ensure_debian("nginx", "wrk")
    with tempfile.TemporaryDirectory() as tmp, redis_server() as url:
        folder = Path(tmp)
        stop: list[str] | None = None
        print("| serving | req/s | p99 ms | nginx req/s | nginx p99 ms | ratio |")
        print("|---|---:|---:|---:|---:|---:|")
        try:
            setups: list[tuple[str, int, str | None]] = [
                ("1 worker", 1, None),
                ("1 worker, Redis log (one replica)", 1, url),
                ("2 workers", 2, None),
                ("4 workers", 4, None),
            ]
            for label, workers, redis_url in setups:
                with lone(folder, workers, redis_url) as base:
                    page, auth = feed_url(base)
                    if stop is None:  # the reference: the same bytes from a file
                        body = requests.get(page, headers=auth, timeout=30).content
                        reference, stop = _nginx(tmp, body)
                    assert requests.get(page, headers=auth, timeout=30).content == body
                    wrk(page, 2, auth)  # warm up both
                    wrk(reference, 2, {})
                    ours = wrk(page, seconds, auth)
                    time.sleep(1)
                    print(_row(label, ours, wrk(reference, seconds, {})), flush=True)
            with replicas(folder, url) as group, load_balancer(folder, group) as balancer:
                page, auth = feed_url(balancer)
                assert requests.get(page, headers=auth, timeout=30).content == body
                wrk(page, 2, auth)
                ours = wrk(page, seconds, auth)
                time.sleep(1)
                print(_row("3 replicas behind nginx", ours, wrk(reference, seconds, {})))

                delays, misses = visibility(group[0].base, [r.base for r in group[1:]], writes)
                cuts = statistics.quantiles(delays, n=100, method="inclusive")
                print(
                    f"\nwrite on one replica -> visible on the other two ({len(delays)} reads):"
                    f" p50 {statistics.median(delays):.2f} ms, p99 {cuts[98]:.2f} ms,"
                    f" max {max(delays):.2f} ms; reads that did not show it yet: {misses}"
                )
                started = time.perf_counter()
                requests.post(f"{group[1].base}/__admin/ads", json={}, timeout=30)
                print(f"one write, for scale: {(time.perf_counter() - started) * 1000:.1f} ms")
                check, read = read_cost(group[0].base, url)
                print(
                    f"the log check on every request (XLEN): {check:.0f} µs;"
                    f" a whole control-plane read on a replica: {read:.0f} µs"
                )

                key = _allowed(balancer + SCRAPER, 64, 200, {"X-API-Key": "lim"}, None)
                print(f"\nparse.bot free key (5/minute), 200 calls, 64 clients: {key} allowed")
                body_account = {"user": "limited", "password": "p", "limits": "4/second"}
                requests.post(f"{balancer}/__admin/jobfeed/accounts", json=body_account, timeout=30)
                account = _allowed(f"{balancer}/api/v3/count", 64, 200, {}, ("limited", "p"))
                print(f"Jobfeed account (4/second, frozen clock), 200 calls: {account} allowed")
        finally:
            if stop:
                subprocess.run(stop, check=False)


if __name__ == "__main__":
    main()
