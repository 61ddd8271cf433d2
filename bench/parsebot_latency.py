"""parse.bot fake latency over a 50k-ad world, through ParseBotClient and the in-process
adapter: search_jobs with q and two filters, get_facets without and with inputs.

python bench/parsebot_latency.py [ADS] [CALLS]
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import requests

from jobfakes.client.parsebot import ParseBotClient
from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config

BASE = "http://parsebot.bench"
WORDS = ["sykepleier", "leder", "konsulent", "ingeniør", "lærer", "selger", "kokk", "utvikler"]
FILTERS = [
    {"counties": "OSLO", "extent": "Heltid"},
    {"sector": "Offentlig", "remote": "Hybridkontor"},
    {"counties": "VESTLAND", "published": "now-7d"},
    {"engagementType": "Fast", "sector": "Privat"},
]


def _timed(calls: int, fn: Callable[[int], Any]) -> tuple[float, float]:
    times = []
    for i in range(calls):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times) * 1e3, times[min(calls - 1, int(calls * 0.99))] * 1e3


def main() -> None:
    ads = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    started = time.perf_counter()
    app = create_app(Config(ads=ads, fakes=("parsebot",)))
    built = time.perf_counter() - started
    backend = app.extensions["jobfakes"].backends["parsebot"]
    session = requests.Session()
    session.mount(BASE, WSGIAdapter(app))
    keys = (f"bench-{n}" for n in itertools.count())
    client: ParseBotClient | None = None

    def fresh(i: int) -> ParseBotClient:
        nonlocal client
        if client is None or i % 200 == 0:  # the world clock is frozen: a new minute window
            key = next(keys)
            backend.add_key(key, "developer")
            client = ParseBotClient(BASE, key, tier="developer", session=session)
        return client

    started = time.perf_counter()
    indexed = backend.index.count()
    index_time = time.perf_counter() - started
    combos = list(itertools.product(WORDS, FILTERS))

    def search(i: int) -> None:
        word, filters = combos[i % len(combos)]
        fresh(i).search_jobs(word, size=25, **filters)

    def facets(i: int) -> None:
        fresh(i).get_facets()

    def narrowed(i: int) -> None:
        word, filters = combos[i % len(combos)]
        fresh(i).get_facets(word, **filters)

    rows = [
        ("search_jobs, q + two filters", _timed(calls, search)),
        ("get_facets, no inputs", _timed(calls, facets)),
        ("get_facets, q + two filters", _timed(calls, narrowed)),
    ]
    print(
        f"{ads} ads ({indexed} active): world {built:.1f} s, search index {index_time:.1f} s;"
        f" {calls} calls each"
    )
    print("| call | p50 ms | p99 ms |\n|---|---|---|")
    for name, (p50, p99) in rows:
        print(f"| {name} | {p50:.1f} | {p99:.1f} |")


if __name__ == "__main__":
    main()
