"""World generation: seconds and peak memory for 5k, 50k and 200k ads (each in a fresh process).

python bench/world_generation.py [SIZES...]
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from jobfakes.world.world import World, WorldConfig
world = World(WorldConfig(ads=int(sys.argv[1])), use_image=False)  # generate, always
seconds = time.perf_counter() - start
events = world.store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"ads": int(sys.argv[1]), "events": events, "seconds": seconds, "peak_mb": peak,
                  "worker_mb": worker}))
"""


def main() -> None:
    sizes = [int(s) for s in sys.argv[1:]] or [5_000, 50_000, 200_000]
    print("| ads | events | seconds (imports included) | peak memory (MB) | largest worker (MB) |")
    print("|---:|---:|---:|---:|---:|")
    for size in sizes:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(size)], check=True, capture_output=True, text=True
        ).stdout
        row = json.loads(out)
        print(
            f"| {row['ads']:,} | {row['events']:,} | {row['seconds']:.2f} | {row['peak_mb']:.0f} "
            f"| {row['worker_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
