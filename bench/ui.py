"""The dashboard with 100,000 journal entries: the journal endpoint's answer time and the
traffic view's load time in headless Chromium, each next to nginx serving the same bytes.

    python bench/ui.py [RUNS]

A `jobfakes serve` (one worker, an in-memory world; then `--workers 2`, whose journal is the
SQLite traffic file beside the world) is filled with 100,000 requests by wrk (feed pages,
parse.bot calls without a key, unknown paths). Then, RUNS times each (median reported):
- each journal query the dashboard makes (a page of 50, filtered pages, an old page, the
  chart), timed from a client on loopback, and nginx serving a file of the same bytes;
- the traffic view in Chromium from navigation until its 50 rows and its charts are drawn,
  and nginx serving one static HTML page of as many bytes as the view fetched in all.
Needs nginx, wrk, chromium and chromium-driver (Debian); installs nginx and wrk if missing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from _common import BIN, ensure_debian, free_port, wait_for
from feed_throughput import NGINX_CONF

ENTRIES = 100_000
SCRAPER = "/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61/search_jobs"
MIX = """
local paths = {{"/api/v1/feed?pageSize=1", "{scraper}", "/nowhere", "/api/v1/feed?pageSize=1"}}
local i = 0
request = function()
    i = i + 1
    return wrk.format("GET", paths[i % #paths + 1])
end
"""


def _serve(*args: str) -> tuple[subprocess.Popen[str], str, str]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "jobfakes"), "serve", "--port", str(port), "--clock", "frozen", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    token = ""
    while not token:
        line = process.stdout.readline()
        if line.startswith("navfeed token:"):
            token = line.split(":", 1)[1].strip()
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/__admin/health")
    return process, base, token


def _fill(base: str, token: str, tmp: str) -> int:
    script = Path(tmp, "mix.lua")
    script.write_text(MIX.format(scraper=SCRAPER))
    total = 0
    while total < ENTRIES:
        subprocess.run(
            [
                "wrk",
                "-t2",
                "-c16",
                "-d8s",
                "-s",
                str(script),
                "-H",
                f"Authorization: Bearer {token}",
                base,
            ],
            check=True,
            capture_output=True,
        )
        answer = requests.get(f"{base}/__admin/requests", params={"limit": 1}, timeout=60)
        total = int(answer.headers["X-Total-Count"])
    return total


def _median_ms(url: str, runs: int, session: requests.Session) -> tuple[float, bytes]:
    body = session.get(url, timeout=60).content  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        body = session.get(url, timeout=60).content
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, body


def _chromium() -> object:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--disable-extensions",
    ):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


DRAWN = (
    "return document.querySelectorAll('#journal tbody tr').length === 50"
    " && document.querySelectorAll('#traffic-charts svg').length > 0"
    " && document.querySelectorAll('#limits table').length > 0"
)
FETCHED = (
    "return performance.getEntriesByType('navigation').concat("
    "performance.getEntriesByType('resource')).reduce((n, e) => n + e.encodedBodySize, 0)"
)


def _load(driver: object, url: str, ready: str) -> float:
    driver.get("about:blank")  # type: ignore[attr-defined]
    start = time.perf_counter()
    driver.get(url)  # type: ignore[attr-defined]
    while not driver.execute_script(ready):  # type: ignore[attr-defined]
        time.sleep(0.002)
    return (time.perf_counter() - start) * 1000


def _nginx(tmp: str) -> tuple[str, list[str]]:
    Path(tmp).chmod(0o755)  # nginx's workers run as an unprivileged user
    Path(tmp, "www").mkdir(mode=0o755, exist_ok=True)
    Path(tmp, "tmp").mkdir(exist_ok=True)
    port = free_port()
    conf = NGINX_CONF.format(dir=tmp, port=port).replace(
        "default_type application/json;",
        "default_type application/json;\n    types { text/html html; }",
    )
    Path(tmp, "nginx.conf").write_text(conf)
    subprocess.run(["nginx", "-c", f"{tmp}/nginx.conf"], check=True)
    return f"http://127.0.0.1:{port}", ["nginx", "-c", f"{tmp}/nginx.conf", "-s", "stop"]


def _measure(label: str, args: tuple[str, ...], runs: int, tmp: str, driver: object) -> None:
    process, base, token = _serve(*args)
    nginx, stop = _nginx(tmp)
    www = Path(tmp, "www")
    try:
        total = _fill(base, token, tmp)
        newest = requests.get(
            f"{base}/__admin/requests", params={"limit": 1, "order": "desc"}
        ).json()[0]["seq"]
        page = "order=desc&limit=50&redact=true"
        queries = {
            "newest 50 (the view's first page)": page,
            "newest 50 of parse.bot 4xx": f"{page}&fake=parsebot&status=4xx",
            "50 from the middle (before=)": f"{page}&before={newest - ENTRIES // 2}",
            "a path no entry has (full scan)": f"{page}&path=absent",
            "chart, 24 buckets": None,
            "everything, no paging (100,000 entries)": "",
        }
        session = requests.Session()
        print(f"\n{label}: {total:,} journal entries\n")
        print("| query | jobfakes ms | bytes | nginx ms (same bytes) | ratio |")
        print("|---|---:|---:|---:|---:|")
        for name, query in queries.items():
            path = (
                "/__admin/requests/chart?buckets=24"
                if query is None
                else f"/__admin/requests?{query}"
            )
            ours, body = _median_ms(base + path, runs, session)
            Path(www, "same.json").write_bytes(body)
            theirs, _ = _median_ms(f"{nginx}/same.json", runs, session)
            print(f"| {name} | {ours:.1f} | {len(body):,} | {theirs:.2f} | {ours / theirs:.1f}x |")
        page = f"{base}/__admin/ui#traffic"
        _load(driver, page, DRAWN)  # warm
        ours = statistics.median(_load(driver, page, DRAWN) for _ in range(runs))
        fetched = int(driver.execute_script(FETCHED))  # type: ignore[attr-defined]
        filler = "<p>" + "x" * 76 + "</p>\n"
        html = "<!doctype html><title>same bytes</title>\n" + filler * (fetched // len(filler))
        Path(www, "same.html").write_text(html)
        ready = "return document.readyState === 'complete'"
        _load(driver, f"{nginx}/same.html", ready)
        theirs = statistics.median(_load(driver, f"{nginx}/same.html", ready) for _ in range(runs))
        print(
            f"\n| page | jobfakes ms | bytes fetched | nginx ms (one static page, same bytes) |"
            f" ratio |\n|---|---:|---:|---:|---:|\n| traffic view, 50 rows + charts + limits |"
            f" {ours:.0f} | {fetched:,} | {theirs:.0f} | {ours / theirs:.1f}x |",
            flush=True,
        )
    finally:
        subprocess.run(stop, check=False)
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    ensure_debian("nginx", "wrk")
    driver = _chromium()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            _measure(
                "one worker, in-memory world", ("--ads", "1000", "--jobs", "200"), runs, tmp, driver
            )
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp, "world.sqlite"))
            _measure(
                "two workers, file world",
                ("--ads", "1000", "--jobs", "200", "--workers", "2", "--db", db),
                runs,
                tmp,
                driver,
            )
    finally:
        driver.quit()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
