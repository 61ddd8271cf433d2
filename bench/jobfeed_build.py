"""Building the Dutch (Jobfeed) world: seconds and peak memory for N jobs, in a fresh process.

python bench/jobfeed_build.py [JOBS...]
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from jobfakes.world.jobfeed.world import DutchWorld, DutchWorldConfig
world = DutchWorld(DutchWorldConfig(jobs=int(sys.argv[1])))
jobs, postings = world.counts()
print(json.dumps({"jobs": jobs, "postings": postings, "seconds": time.perf_counter() - start,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def main() -> None:
    print(
        "| jobs | postings | seconds (imports included) | peak memory (MB) | largest worker (MB) |"
    )
    print("|---:|---:|---:|---:|---:|")
    for size in [int(s) for s in sys.argv[1:]] or [5_000, 100_000]:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(size)], check=True, capture_output=True, text=True
        ).stdout
        row = json.loads(out)
        print(
            f"| {row['jobs']:,} | {row['postings']:,} | {row['seconds']:.2f} | {row['peak_mb']:.0f}"
            f" | {row['worker_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
