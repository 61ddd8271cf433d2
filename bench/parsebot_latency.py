"""parse.bot fake latency over a 50k-ad world, through ParseBotClient and the in-process
adapter: search_jobs with q and two filters, get_facets without and with inputs; then, without
HTTP, what the aggregations in search_jobs cost: the backend's search_jobs against the page alone
(the search as it was before it carried aggregations), in the same run.

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

    from jobfakes.fakes.parsebot import params, query

    inputs = [params.search_query({"q": [w], **{k: [v] for k, v in f.items()}})
              for w, f in combos]  # fmt: skip

    def page_alone(i: int) -> None:
        query.search(backend.index, inputs[i % len(inputs)], backend.world.now())

    def with_aggregations(i: int) -> None:
        backend.search_jobs(inputs[i % len(inputs)])

    rows = [
        ("search_jobs, q + two filters", _timed(calls, search)),
        ("get_facets, no inputs", _timed(calls, facets)),
        ("get_facets, q + two filters", _timed(calls, narrowed)),
        ("backend: the page alone (no aggregations)", _timed(calls, page_alone)),
        ("backend: search_jobs (page + aggregations)", _timed(calls, with_aggregations)),
    ]
    print(
        f"{ads} ads ({indexed} active): world {built:.1f} s, search index {index_time:.1f} s;"
        f" {calls} calls each"
    )
    print("| call | p50 ms | p99 ms |\n|---|---|---|")
    for name, (p50, p99) in rows:
        print(f"| {name} | {p50:.1f} | {p99:.1f} |")
    (alone, _), (both, _) = rows[3][1], rows[4][1]
    print(f"aggregations in search_jobs: p50 x{both / alone:.2f} of the page alone")


if __name__ == "__main__":
    main()
