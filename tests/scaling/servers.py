"""Start `jobfakes serve` as a real process (several gunicorn workers) for the scaling tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    base: str
    banner: list[str]
    process: subprocess.Popen[str]

    def line(self, prefix: str) -> str:
        """The value of the banner line that starts with `prefix`."""
        for line in self.banner:
            if line.startswith(prefix):
                return line[len(prefix) :].strip()
        raise AssertionError(f"no banner line {prefix!r} in {self.banner}")


@contextlib.contextmanager
def serve(*args: str, ready: str = "/__admin/health", port: int | None = None) -> Iterator[Server]:
    """`jobfakes serve ARGS --clock frozen` on `port` (or a free one), until the block ends."""
    port = port or free_port()
    process = subprocess.Popen(
        [BIN / "jobfakes", "serve", "--port", str(port), "--clock", "frozen", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: `crash` kills the workers too
    )
    base = f"http://127.0.0.1:{port}"
    banner: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, "\n".join(banner) + process.stdout.read()
            try:
                if requests.get(base + ready, timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.05)
        else:
            raise AssertionError(f"{base} did not come up")
        # Everything `serve` printed before the port opened is its banner.
        os.set_blocking(process.stdout.fileno(), False)
        banner = [line.rstrip("\n") for line in process.stdout.readlines()]
        yield Server(base, banner, process)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=15)


def crash(process: subprocess.Popen[str]) -> None:
    """Kill a server started by `serve` and its workers at once, as a crashed host."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=15)
