"""Jobfeed fake latency and memory, in process, over 100k and 1M postings.

/search: a boolean full-text query, two filters and two facets (and the same sorted by two
fields); /aggregate: two group levels and a median metric. Prints build time, the first
request (which loads the columnar side store's columns it reads) and p50/p99 after it per
endpoint, and the peak RSS.

    python bench/jobfeed_latency.py --postings 100000 --runs 50
    python bench/jobfeed_latency.py --postings 1000000 --runs 30
"""

from __future__ import annotations

import argparse
import base64
import resource
import statistics
import time

from jobfakes.core.app import create_app
from jobfakes.core.config import Config

POSTINGS_PER_JOB = 1.885  # the world's mean, measured
SEARCH = {
    "full_text": "(developer OR monteur OR verkoop*) AND ervaring -stage",
    "job:education_level__range": "5__15",
    "location__radius": "Utrecht__60",
    "_facets": "profession,job:contract_type",
    "_limit": "10",
}
SORTED = {**SEARCH, "_sort": "job:salary,date", "_sortdir": "desc,asc"}  # not in the issue
AGGREGATE = {
    "_group": "job:province,job:education_level",
    "_metric": "median__salary",
    "_limit": "12,15",
}


def _time(client, path: str, params: dict[str, str], headers: dict[str, str], runs: int):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, query_string=params, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
    times.sort()
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    return statistics.median(times), p99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    jobs = round(args.postings / POSTINGS_PER_JOB)
    start = time.perf_counter()
    app = create_app(Config(ads=300, jobs=jobs, fakes=("jobfeed",), jobfeed_limits="none"))
    client = app.test_client()
    headers = {"Authorization": "Basic " + base64.b64encode(b"jobfeed:jobfeed").decode()}
    # the world is built on the first Jobfeed request
    postings = client.get("/api/v3/count", query_string={"_group": "posting"}, headers=headers)
    built = time.perf_counter() - start
    print(f"world: {jobs} jobs, {postings.get_json()['count']} postings, built in {built:.1f} s")
    for name, path, params in (
        ("search", "/api/v3/search", SEARCH),
        ("search sorted", "/api/v3/search", SORTED),
        ("aggregate", "/api/v3/aggregate", AGGREGATE),
    ):
        first, _ = _time(client, path, params, headers, 1)  # loads the columns it reads
        p50, p99 = _time(client, path, params, headers, args.runs)
        print(f"{name}: first {first:.0f} ms, then p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    total = client.get("/api/v3/search", query_string=SEARCH, headers=headers).get_json()
    print(f"search matches {total['total_count']} jobs")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: server {own:.0f} MiB, largest generation worker {workers:.0f} MiB")


if __name__ == "__main__":
    main()
