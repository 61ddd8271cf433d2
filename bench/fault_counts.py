"""What counting a matching fault costs, by where its counts live (issue 15, verify2).

    python bench/fault_counts.py [CALLS] [ROUNDS]

`FaultBook.take` for a request that matches one fault (probability 0.5, count unlimited):
two increments, matched and taken. The counts in memory (an in-memory world: the reference),
in the traffic file (the workers of one `serve`) and in a local redis-server (replicas, with
`--redis-url`), interleaved round by round; per call in microseconds and as a ratio to memory.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobfakes.core.config import Config
from jobfakes.core.faults import FaultBook
from jobfakes.world.world import World
from tests.scaling.replicas import redis_server

SPEC = {"id": "half", "kind": "status", "status": 503, "path": "/api/v1/feed*",
        "probability": 0.5}  # fmt: skip


def per_call(book: FaultBook, calls: int) -> float:
    faults = book.faults()
    start = time.perf_counter()
    for _ in range(calls):
        book.take(faults, "navfeed", "GET", "/api/v1/feed", {})
    return (time.perf_counter() - start) / calls * 1e6


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    world = World(Config(ads=50, clock="frozen").world())
    folder = Path(tempfile.mkdtemp())
    with redis_server() as url:
        books = {
            "memory": FaultBook(world, ["navfeed"]),
            "traffic file": FaultBook(world, ["navfeed"], str(folder / "w-traffic")),
            "redis": FaultBook(world, ["navfeed"], redis_url=url),
        }
        books["memory"].add([SPEC])  # the list is the world's: one install serves all three
        times: dict[str, list[float]] = {name: [] for name in books}
        for _ in range(rounds):
            for name, book in books.items():
                times[name].append(per_call(book, calls))
        taken = {name: book.counts(book.faults()[0]) for name, book in books.items()}
    base = statistics.median(times["memory"])
    print(f"{calls} matching calls x {rounds} rounds")
    print("| counts in | µs a call (median, min-max) | ratio to memory |")
    print("|---|---:|---:|")
    for name, found in times.items():
        low, mid, high = min(found), statistics.median(found), max(found)
        print(f"| {name} | {mid:.1f} ({low:.1f}-{high:.1f}) | {mid / base:.1f} |")
    print("counts after the run:", taken)


if __name__ == "__main__":
    main()
