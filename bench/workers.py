"""One world on several workers: feed-page throughput with 1, 2 and 4 workers next to nginx
serving the same bytes, and the allowed count of limited keys under 64 concurrent clients.

    python bench/workers.py [SECONDS]

Each `serve` shares its world, keys, journal and rate-limit counts through its --db file.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from _common import ensure_debian, free_port, served, wait_for, wrk
from feed_throughput import NGINX_CONF

SCRAPER = "/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61/search_jobs"


def _nginx(tmp: str, body: bytes) -> tuple[str, list[str]]:
    Path(tmp).chmod(0o755)  # nginx's workers run as an unprivileged user
    Path(tmp, "www").mkdir(mode=0o755)
    Path(tmp, "tmp").mkdir()
    Path(tmp, "www", "page.json").write_bytes(body)
    port = free_port()
    Path(tmp, "nginx.conf").write_text(NGINX_CONF.format(dir=tmp, port=port))
    subprocess.run(["nginx", "-c", f"{tmp}/nginx.conf"], check=True)
    url = f"http://127.0.0.1:{port}/page.json"
    wait_for(url)
    return url, ["nginx", "-c", f"{tmp}/nginx.conf", "-s", "stop"]


def _allowed(
    url: str, clients: int, calls: int, headers: dict[str, str], auth: tuple[str, str] | None
) -> int:
    """How many of `calls` requests from `clients` threads were answered 200."""

    def call(_: int) -> int:
        with requests.Session() as http:
            answer = http.get(url, headers={**headers, "Connection": "close"}, auth=auth)
            return answer.status_code

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(call, range(calls))).count(200)


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    ensure_debian("nginx", "wrk")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        stop = None
        try:
            for workers in (1, 2, 4):
                db = str(Path(tmp, f"w{workers}.sqlite"))
                args = ("--workers", str(workers), "--clock", "frozen", "--db", db)
                with served("navfeed", *args) as (base, token):
                    auth = {"Authorization": f"Bearer {token}"}
                    url = f"{base}/api/v1/feed?pageSize=50"
                    page = requests.get(url, headers=auth, timeout=30).json()["id"]
                    url = f"{base}/api/v1/feed/{page}?pageSize=50"
                    if stop is None:
                        body = requests.get(url, headers=auth, timeout=30).content
                        nginx, stop = _nginx(tmp, body)
                    wrk(url, 64, 2, auth)
                    wrk(nginx, 64, 2)
                    ours = wrk(url, 64, seconds, auth)
                    time.sleep(1)
                    theirs = wrk(nginx, 64, seconds)
                    rows.append((workers, ours, theirs))
                    print(f"| {workers} | {ours:,.0f} | {theirs:,.0f} | {ours / theirs:.3f} |")
        finally:
            if stop:
                subprocess.run(stop, check=False)
        args = ("--workers", "4", "--clock", "frozen", "--db", str(Path(tmp, "l.sqlite")))
        limited = ("navfeed", "parsebot", "jobfeed", *args, "--parsebot-key", "lim:free")
        with served(*limited) as (base, _):
            key = _allowed(base + SCRAPER, 64, 200, {"X-API-Key": "lim"}, None)
            print(f"parse.bot free key (5/minute), 200 calls from 64 clients: {key} allowed")
            account = _allowed(f"{base}/api/v3/count", 64, 200, {}, ("jobfeed", "jobfeed"))
            print(f"Jobfeed account (4/second, frozen clock), 200 calls: {account} allowed")


if __name__ == "__main__":
    main()
