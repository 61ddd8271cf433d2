"""jobfakes side by side with its peers, in one run: cold start, c8 and c64 throughput, p50/p99.

    python bench/peers.py [SECONDS] [ROUNDS]

Every peer serves the bytes of the fake's own feed page (pageSize 50, default world):
nginx from a static file, WireMock standalone (the npm package `wiremock` bundles its jar; Java
from Debian) from a stub, a minimal Flask app on gunicorn (2 sync workers), pytest-httpserver
(the `bench` extra) and jobfakes as a user starts it. Each round restarts every server, in
alternating order; the figures are medians over the rounds. A peer that cannot be installed is
skipped with a line saying so.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from _common import BIN, ensure_debian, free_port, wait_for, wrk_stats
from feed_throughput import NGINX_CONF

CACHE = Path.home() / ".cache" / "jobfakes-bench"


@dataclass
class Started:
    url: str
    headers: dict[str, str]
    stop: Callable[[], None]


@dataclass
class Peer:
    name: str
    start: Callable[[Path, bytes], Started]
    figures: dict[str, list[float]] = field(default_factory=dict)
    walks: bool = False  # also measure pages not yet cached (jobfakes only)


def _process(command: list[str], **kwargs: object) -> Callable[[], None]:
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs
    )  # type: ignore[call-overload]

    def stop() -> None:
        process.terminate()
        process.wait(timeout=30)

    return stop


def nginx(tmp: Path, body: bytes) -> Started:
    tmp.chmod(0o755)  # nginx's workers run as an unprivileged user
    (tmp / "www").mkdir(mode=0o755)
    (tmp / "tmp").mkdir()
    (tmp / "www" / "page.json").write_bytes(body)
    port = free_port()
    (tmp / "nginx.conf").write_text(NGINX_CONF.format(dir=tmp, port=port))
    subprocess.run(["nginx", "-c", f"{tmp}/nginx.conf"], check=True)
    stop = ["nginx", "-c", f"{tmp}/nginx.conf", "-s", "stop"]
    return Started(f"http://127.0.0.1:{port}/page.json", {}, lambda: _run(stop))


def _run(command: list[str]) -> None:
    subprocess.run(command, check=False)


def _wiremock_jar() -> Path:
    found = sorted(CACHE.glob("node_modules/wiremock/build/wiremock-standalone-*.jar"))
    if not found:
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(CACHE), "wiremock"],
            check=True,
            capture_output=True,
        )
        found = sorted(CACHE.glob("node_modules/wiremock/build/wiremock-standalone-*.jar"))
    return found[-1]


def wiremock(tmp: Path, body: bytes) -> Started:
    jar = _wiremock_jar()
    (tmp / "mappings").mkdir()
    (tmp / "__files").mkdir()
    (tmp / "__files" / "page.json").write_bytes(body)
    stub = {
        "request": {"method": "GET", "url": "/page.json"},
        "response": {
            "status": 200,
            "bodyFileName": "page.json",
            "headers": {"Content-Type": "application/json"},
        },
    }
    (tmp / "mappings" / "page.json").write_text(json.dumps(stub))
    port = free_port()
    command = ["java", "-jar", str(jar), "--port", str(port), "--root-dir", str(tmp)]
    stop = _process([*command, "--disable-banner"])
    return Started(f"http://127.0.0.1:{port}/page.json", {}, stop)


FLASK_APP = """
from pathlib import Path
from flask import Flask, Response
app = Flask(__name__)
BODY = Path(__file__).with_name("page.json").read_bytes()
@app.get("/page.json")
def page():
    return Response(BODY, mimetype="application/json")
"""


def flask_gunicorn(tmp: Path, body: bytes) -> Started:
    (tmp / "page.json").write_bytes(body)
    (tmp / "minimal.py").write_text(FLASK_APP)
    port = free_port()
    command = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "minimal:app"]
    return Started(f"http://127.0.0.1:{port}/page.json", {}, _process(command, cwd=tmp))


HTTPSERVER_APP = """
import sys, time
from pathlib import Path
from pytest_httpserver import HTTPServer
server = HTTPServer(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
body = Path(sys.argv[2]).read_bytes()
server.expect_request("/page.json").respond_with_data(body, content_type="application/json")
server.start()
while True:
    time.sleep(3600)
"""


def pytest_httpserver(tmp: Path, body: bytes) -> Started:
    (tmp / "page.json").write_bytes(body)
    (tmp / "serve.py").write_text(HTTPSERVER_APP)
    port = free_port()
    command = [sys.executable, str(tmp / "serve.py"), str(port), str(tmp / "page.json")]
    return Started(f"http://127.0.0.1:{port}/page.json", {}, _process(command))


@functools.cache
def _token() -> str:
    """Minted once, before any server starts: a `jobfakes token` process must not run inside
    a cold start it does not belong to."""
    command = [str(BIN / "jobfakes"), "token", "navfeed"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def jobfakes(*options: str) -> Callable[[Path, bytes], Started]:
    def start(tmp: Path, body: bytes) -> Started:
        port, headers = free_port(), {"Authorization": f"Bearer {_token()}"}
        command = [str(BIN / "jobfakes"), "serve", "navfeed", "--port", str(port), *options]
        stop = _process(command, cwd=tmp)
        url = f"http://127.0.0.1:{port}/api/v1/feed/{PAGE_ID}?pageSize=50"
        return Started(url, headers, stop)

    return start


PAGE_ID = ""


def _page() -> bytes:
    """The bytes of the default world's second feed page, as `jobfakes serve` serves them."""
    global PAGE_ID
    with tempfile.TemporaryDirectory() as tmp:
        started = jobfakes()(Path(tmp), b"")
        try:
            base = started.url.split("/api/")[0]
            first = f"{base}/api/v1/feed?pageSize=50"
            wait_for(first, started.headers)
            PAGE_ID = requests.get(first, headers=started.headers, timeout=30).json()["id"]
            url = f"{base}/api/v1/feed/{PAGE_ID}?pageSize=50"
            return requests.get(url, headers=started.headers, timeout=30).content
        finally:
            started.stop()


def available() -> list[Peer]:
    peers = [Peer("nginx, static file", nginx)]
    if shutil.which("java") and shutil.which("npm"):
        peers.append(Peer("WireMock standalone", wiremock))
    else:
        print("skipped: WireMock standalone (needs java and npm)")
    peers.append(Peer("minimal Flask on gunicorn, 2 sync workers", flask_gunicorn))
    if importlib.util.find_spec("pytest_httpserver"):
        peers.append(Peer("pytest-httpserver", pytest_httpserver))
    else:
        print("skipped: pytest-httpserver (pip install -e '.[bench]')")
    peers.append(Peer("jobfakes `serve navfeed` (defaults)", jobfakes(), walks=True))
    peers.append(Peer("jobfakes `serve navfeed --workers 2`", jobfakes("--workers", "2")))
    return peers


def measure(peer: Peer, body: bytes, seconds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        spawned = time.perf_counter()
        started = peer.start(Path(tmp), body)
        try:
            wait_for(started.url, started.headers, timeout=180)
            cold = time.perf_counter() - spawned
            wrk_stats(started.url, 64, 2, started.headers)  # warm-up
            found = {"cold start ms": cold * 1000}
            for connections in (8, 64):
                time.sleep(0.5)
                rps, p50, p99 = wrk_stats(started.url, connections, seconds, started.headers)
                found |= {f"c{connections} rps": rps, f"c{connections} p50 ms": p50}
                found[f"c{connections} p99 ms"] = p99
            if peer.walks:
                script = _walk_script(Path(tmp), started)
                found["uncached c64 rps"] = wrk_stats(
                    started.url, 64, seconds, started.headers, script=script
                )[0]
        finally:
            started.stop()
    for name, value in found.items():
        peer.figures.setdefault(name, []).append(value)


WALK = """
ids = {{{ids}}}
counter = 0
index = 0
function setup(thread)
  thread:set("offset", index)
  index = index + 1
end
request = function()
  counter = counter + 1
  local k = counter * 2 + offset
  local size = 20 + (math.floor(k / #ids) % 61)
  return wrk.format("GET", "/api/v1/feed/" .. ids[(k % #ids) + 1] .. "?pageSize=" .. size)
end
"""


def _walk_script(tmp: Path, started: Started, starts: int = 3000) -> str:
    """A wrk script asking for pages never asked before: any feed event starts a page, so
    (start event, page size) pairs of 3,000 events and 61 sizes give 183,000 new pages."""
    base = started.url.split("/api/")[0]
    url, ids = f"{base}/api/v1/feed?pageSize=2", []  # pages overlap by a line
    with requests.Session() as http:
        while len(ids) < starts:
            page = http.get(url, headers=started.headers, timeout=30).json()
            if not page["next_id"]:
                break
            ids.append(page["next_id"])
            url = f"{base}/api/v1/feed/{page['next_id']}?pageSize=2"
    script = tmp / "walk.lua"
    script.write_text(WALK.format(ids=", ".join(f'"{i}"' for i in ids)))
    return str(script)


def report(peers: list[Peer]) -> None:
    median = {p.name: {k: statistics.median(v) for k, v in p.figures.items()} for p in peers}
    nginx_rps = median[peers[0].name]["c64 rps"]
    wiremock_rps = median.get("WireMock standalone", {}).get("c64 rps")
    print("| server | c8 rps | c64 rps | c64 p50/p99 ms | to nginx | to WireMock | cold start |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for peer in peers:
        m = median[peer.name]
        to_wiremock = f"{m['c64 rps'] / wiremock_rps:.2f}x" if wiremock_rps else "-"
        print(
            f"| {peer.name} | {m['c8 rps']:,.0f} | {m['c64 rps']:,.0f} | "
            f"{m['c64 p50 ms']:.1f} / {m['c64 p99 ms']:.1f} | {m['c64 rps'] / nginx_rps:.3f} | "
            f"{to_wiremock} | {m['cold start ms']:,.0f} ms |"
        )
    for peer in peers:
        if "uncached c64 rps" in peer.figures:
            rate = statistics.median(peer.figures["uncached c64 rps"])
            versus = f", {rate / wiremock_rps:.2f}x WireMock's stub" if wiremock_rps else ""
            print(f"{peer.name}, pages never asked before, c64: {rate:,.0f} rps{versus}")


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    ensure_debian("nginx", "wrk")
    body = _page()
    print(f"page: {len(body):,} bytes; {seconds} s a run, {rounds} rounds")
    peers = available()
    for round_ in range(rounds):
        order = peers if round_ % 2 == 0 else peers[::-1]
        for peer in order:
            measure(peer, body, seconds)
            print(f"round {round_ + 1}: {peer.name} measured", flush=True)
    report(peers)


if __name__ == "__main__":
    main()
