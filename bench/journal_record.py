"""What recording one request in the journal costs the serving path, next to the deque append
the in-memory journal was before the dashboard (issue 17), interleaved in one run.

    python bench/journal_record.py [ENTRIES] [ROUNDS]

Then the cost of the first read after ENTRIES unread entries (they are written to SQLite then).
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections import deque

from jobfakes.core.journal import Journal
from jobfakes.core.journal_query import Query

START = 1_764_576_000_000_000


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    lock, before = threading.Lock(), deque(maxlen=entries)  # the journal as it was
    old, new, reads = [], [], []
    for _ in range(rounds):
        journal = Journal(entries)
        start = time.perf_counter()
        for i in range(entries):
            with lock:
                before.append((START + i, "GET", "/api/v1/feed", "pageSize=1", 200, "navfeed"))
        old.append((time.perf_counter() - start) / entries * 1e6)
        start = time.perf_counter()
        for i in range(entries):
            journal.record(START + i, "GET", "/api/v1/feed", "pageSize=1", 200, "navfeed", 120)
        new.append((time.perf_counter() - start) / entries * 1e6)
        start = time.perf_counter()
        journal.entries(Query(limit=50, newest_first=True))
        reads.append(time.perf_counter() - start)
    print("| figure | value |\n|---|---:|")
    print(f"| deque append (before), µs an entry | {statistics.median(old):.2f} |")
    print(f"| journal record (now), µs an entry | {statistics.median(new):.2f} |")
    print(f"| ratio now / before | {statistics.median(new) / statistics.median(old):.2f} |")
    print(
        f"| first page read after {entries:,} unread entries, s | {statistics.median(reads):.2f} |"
    )


if __name__ == "__main__":
    main()
