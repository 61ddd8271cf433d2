"""Faults: what a fault lookup costs on the hot path, and a sync under 20 % injected faults.

    python bench/faults.py lookup [SECONDS] [ROUNDS]
    python bench/faults.py sync [ADS]

`lookup`: feed-page throughput (wrk, c64) of `serve navfeed --clock frozen` with no faults and
with 10 faults that match nothing, alternated ROUNDS times with nginx serving the same bytes
in the same run; the ratio of each to nginx and their quotient. Then the lookup alone: the
time of `FaultBook.take` for one request over the 10 faults, in process.

`sync`: `Mirror.sync` of an ADS-ad world in process (adapter), once without faults and once
under a plan failing 20 % of calls (resets, cut bodies of each framing, malformed JSON, 5xx,
429 with Retry-After 0); time, requests, retries. The client's backoff is 10 ms (doubling)
so that the run measures the work, not the sleeping.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time

import requests
from _common import ensure_debian, served, wrk
from workers import _nginx

from jobfakes.client import Mirror, NavFeedClient
from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config

NON_MATCHING = [
    {"kind": "status", "status": 503, "path": "/api/v1/feedentry/*"},
    {"kind": "reset", "fake": "publicfeed"},
    {"kind": "cut", "after_bytes": 10, "method": "POST"},
    {"kind": "latency", "ms": 500, "path": "/api/v1/feed/none-*"},
    {"kind": "status", "status": 429, "query": {"pageSize": "7"}},
    {"kind": "malformed", "headers": {"X-Never": "*"}},
    {"kind": "drip", "fake": "parsebot"},
    {"kind": "status", "status": 500, "from": "2099-01-01T00:00:00Z"},
    {"kind": "stop_ad", "path": "/internal/*"},
    {"kind": "revoke_token", "fake": "jobfeed"},
]
PLAN = [
    {"kind": "reset", "probability": 0.04},
    {"kind": "cut", "after_bytes": 200, "probability": 0.04},
    {"kind": "cut", "after_bytes": 200, "content_length": "cut", "probability": 0.03},
    {"kind": "cut", "after_bytes": 50, "content_length": "none", "probability": 0.02},
    {"kind": "malformed", "probability": 0.02},
    {"kind": "status", "status": 503, "probability": 0.03},
    {"kind": "status", "status": 429, "retry_after": 0, "probability": 0.02},
]  # 20 % in all


def lookup(seconds: int, rounds: int) -> None:
    ensure_debian("nginx", "wrk")
    with (
        tempfile.TemporaryDirectory() as tmp,
        served("navfeed", "--clock", "frozen") as (base, token),
    ):
        auth = {"Authorization": f"Bearer {token}"}
        first = requests.get(f"{base}/api/v1/feed?pageSize=50", headers=auth, timeout=30)
        url = f"{base}/api/v1/feed/{first.json()['id']}?pageSize=50"
        nginx, stop = _nginx(tmp, requests.get(url, headers=auth, timeout=30).content)
        ratios: dict[str, list[float]] = {"none": [], "ten": []}
        try:
            wrk(url, 64, 2, auth)
            for _ in range(rounds):
                for name in ("none", "ten"):
                    requests.delete(f"{base}/__admin/faults", timeout=30)
                    if name == "ten":
                        requests.post(f"{base}/__admin/faults", json=NON_MATCHING, timeout=30)
                    ours = wrk(url, 64, seconds, auth)
                    theirs = wrk(nginx, 64, seconds)
                    ratios[name].append(ours / theirs)
                    print(f"| {name} | {ours:,.0f} | {theirs:,.0f} | {ours / theirs:.4f} |")
        finally:
            subprocess.run(stop, check=False)
    none, ten = statistics.median(ratios["none"]), statistics.median(ratios["ten"])
    print(f"median ratio to nginx: no faults {none:.4f}, 10 non-matching {ten:.4f};"
          f" 10 faults / none = {ten / none:.3f}")  # fmt: skip
    app = create_app(Config(ads=100))
    book = app.extensions["jobfakes"].faults
    book.add(NON_MATCHING)
    faults = book.faults()
    environ = {"QUERY_STRING": "pageSize=50", "HTTP_AUTHORIZATION": "Bearer x"}
    path = "/api/v1/feed/0b9d2f61-0a51-4b7e-8f36-d1e2a1f0c001"
    session = requests.Session()
    session.mount("http://fake", WSGIAdapter(app))
    token = session.post("http://fake/__admin/tokens", json={"fake": "navfeed"}).json()["token"]
    page = "http://fake/api/v1/feed?pageSize=50"
    auth = {"Authorization": f"Bearer {token}"}
    session.get(page, headers=auth)
    for _ in range(3):  # interleaved: the same load on both
        calls, start = 20_000, time.perf_counter()
        for _ in range(calls):
            book.take(faults, "navfeed", "GET", path, dict(environ))
        take = (time.perf_counter() - start) / calls * 1e6
        start = time.perf_counter()
        for _ in range(2000):
            session.get(page, headers=auth)
        request = (time.perf_counter() - start) / 2000 * 1e6
        print(
            f"FaultBook.take over 10 non-matching faults: {take:.1f} µs; a cached feed page"
            f" in process (adapter, faults on): {request:.0f} µs; share {take / request:.1%}"
        )


def sync(ads: int) -> None:
    app = create_app(Config(ads=ads))
    session = requests.Session()
    session.trust_env = False
    session.mount("http://fake", WSGIAdapter(app))
    token = session.post("http://fake/__admin/tokens", json={"fake": "navfeed"}).json()["token"]
    sent = [0]  # requests the client sent, retries included (the journal keeps only 10,000)
    send = session.send

    def counted(request: requests.PreparedRequest, **options: object) -> requests.Response:
        sent[0] += 1
        return send(request, **options)  # type: ignore[arg-type]

    session.send = counted  # type: ignore[method-assign]
    print("| faults | ads | seconds | requests | retries | faults taken |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, plan in (("none", []), ("20 %", PLAN)):
        session.post("http://fake/__admin/reset")
        if plan:
            session.post("http://fake/__admin/faults", json=plan)
        client = NavFeedClient("http://fake", token, session=session, page_size=1000)
        client.retry.backoff, client.retry.attempts = 0.01, 30
        mirror = Mirror()
        start, sent[0] = time.perf_counter(), 0
        mirror.sync(client, workers=1)
        requests_sent = sent[0]
        seconds = time.perf_counter() - start
        truth = {a["uuid"]: a["status"] for a in session.get("http://fake/__admin/ads").json()}
        assert mirror.statuses() == truth, "the mirror differs from the ground truth"
        taken = sum(f["taken"] for f in session.get("http://fake/__admin/faults").json()["faults"])
        print(f"| {name} | {len(truth):,} | {seconds:.1f} | {requests_sent:,} |"
              f" {client.retry.retries:,} | {taken:,} |", flush=True)  # fmt: skip


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "lookup"
    if mode == "lookup":
        lookup(
            int(sys.argv[2]) if len(sys.argv) > 2 else 5,
            int(sys.argv[3]) if len(sys.argv) > 3 else 3,
        )
    else:
        sync(int(sys.argv[2]) if len(sys.argv) > 2 else 50_000)


if __name__ == "__main__":
    main()
