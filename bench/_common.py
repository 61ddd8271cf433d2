"""Helpers for the benchmark scripts: free ports, a served fake, wrk runs."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, headers: dict[str, str] | None = None, timeout: float = 120) -> float:
    """Seconds until `url` answers 200."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            if requests.get(url, headers=headers, timeout=2).status_code == 200:
                return time.perf_counter() - start
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.005)
    raise RuntimeError(f"{url} did not answer 200 in {timeout} s")


@contextlib.contextmanager
def served(*args: str) -> Iterator[tuple[str, str]]:
    """`jobfakes serve ARGS` on a free port: yields (base URL, token)."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "jobfakes"), "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = ""
        while not line.startswith("navfeed token: "):  # after the banner and any progress
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("jobfakes serve ended before printing a navfeed token")
        token = line.split("token: ")[1].strip()
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/__admin/health")
        yield base, token
    finally:
        process.terminate()
        process.wait(timeout=30)


def ensure_debian(*packages: str) -> None:
    """Install Debian packages the benchmark needs (nginx, wrk) if they are missing."""
    missing = [
        p for p in packages if shutil.which(p) is None and not Path(f"/usr/sbin/{p}").exists()
    ]
    if missing:
        names = {"nginx": "nginx-light", "wrk": "wrk"}
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *(names.get(p, p) for p in missing)],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )


def wrk(
    url: str,
    connections: int,
    seconds: int = 10,
    headers: dict[str, str] | None = None,
    threads: int = 2,
    script: str | None = None,
) -> float:
    """Requests per second that wrk measured (non-2xx answers make it fail)."""
    return wrk_stats(url, connections, seconds, headers, threads, script)[0]


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_stats(
    url: str,
    connections: int,
    seconds: int = 10,
    headers: dict[str, str] | None = None,
    threads: int = 2,
    script: str | None = None,
) -> tuple[float, float, float]:
    """(requests per second, p50 ms, p99 ms) that wrk measured; non-2xx answers make it fail."""
    command = ["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    if script:
        command += ["-s", script]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"wrk saw errors:\n{output}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    quantiles = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    if not rate or set(quantiles) != {"50", "99"}:
        raise RuntimeError(output)
    return float(rate.group(1)), _millis(quantiles["50"]), _millis(quantiles["99"])


def _millis(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]
