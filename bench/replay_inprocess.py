"""In-process replay: loading a 1000-interaction cassette, and the latency of one replayed call.

python bench/replay_inprocess.py [REQUESTS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from _cassette import BASE, build

from jobfakes.recording import cassette
from jobfakes.recording.recorder import replay_session


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "entries.yaml"
        paths = build(path)
        size = path.stat().st_size
        loads = []
        for _ in range(5):
            start = time.perf_counter()
            cassette.load(path)
            loads.append(time.perf_counter() - start)
        session, _ = replay_session(path, repeat_last=True)
        times = []
        for index in range(count):
            url = BASE + paths[index % len(paths)]
            start = time.perf_counter()
            response = session.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
    times.sort()
    print(
        f"cassette of {len(paths)} interactions ({size / 1e6:.1f} MB): "
        f"load {min(loads) * 1e3:.0f} ms (best of 5); "
        f"replayed call, {count} requests: p50 {statistics.median(times) * 1e3:.2f} ms, "
        f"p99 {times[int(count * 0.99)] * 1e3:.2f} ms"
    )


if __name__ == "__main__":
    main()
