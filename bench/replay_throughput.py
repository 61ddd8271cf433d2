"""Replay throughput: `jobfakes replay` serving a 1000-interaction cassette, under wrk.

python bench/replay_throughput.py [SECONDS]

wrk cycles through the 1000 recorded paths (a Lua script); the server runs with --repeat-last
so that every request has an answer. Installs wrk from Debian if missing (needs root).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from _cassette import build
from _common import BIN, ensure_debian, free_port, wait_for, wrk

LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    ensure_debian("wrk")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "entries.yaml"
        paths = build(path)
        script = Path(folder) / "cycle.lua"
        script.write_text(LUA % ", ".join(f'"{p}"' for p in paths))
        port = free_port()
        process = subprocess.Popen(
            [str(BIN / "jobfakes"), "replay", str(path), "--repeat-last", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/__admin/health")
            wrk(base + paths[0], 8, 2, script=str(script))  # warm-up
            print("| concurrency | replayed answers/s |")
            print("|---:|---:|")
            for connections in (8, 64):
                rate = wrk(base + paths[0], connections, seconds, script=str(script))
                print(f"| {connections} | {rate:,.0f} |")
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
