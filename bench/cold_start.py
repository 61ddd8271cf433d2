"""Cold start: from `jobfakes serve` process start to the first 200 of a feed page (5k ads),
on the embedded default world (seed 1) and on one that must be generated (seed 2).

python bench/cold_start.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from _common import BIN, free_port, wait_for

# As on a usual machine, modules are compiled once and their bytecode reused (some CI images
# set PYTHONDONTWRITEBYTECODE, which would compile jobfakes' own modules at every start).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def once(seed: str) -> float:
    token = subprocess.run(
        [str(BIN / "jobfakes"), "token", "navfeed"], check=True, capture_output=True, text=True
    ).stdout.strip()
    port = free_port()
    start = time.perf_counter()
    process = subprocess.Popen(
        [
            str(BIN / "jobfakes"),
            "serve",
            "--port",
            str(port),
            "--ads",
            "5000",
            "--seed",
            seed,
            "--clock",
            "frozen",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    try:
        wait_for(
            f"http://127.0.0.1:{port}/api/v1/feed?pageSize=50", {"Authorization": f"Bearer {token}"}
        )
        return time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    for seed, world in (("1", "embedded default world"), ("2", "generated world")):
        once(seed)  # warm-up, not counted: writes the bytecode caches
        times = sorted(once(seed) for _ in range(runs))
        print(
            f"cold start to first feed page, 5k ads, {world}, {runs} runs: median "
            f"{statistics.median(times) * 1000:.0f} ms, min {times[0] * 1000:.0f} ms, "
            f"max {times[-1] * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
