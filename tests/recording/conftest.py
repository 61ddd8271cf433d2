"""Helpers of the recording tests: CLI servers in subprocesses, cassettes written by hand."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from jobfakes.recording import cassette
from jobfakes.recording.cassette import Interaction

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def cli_server(
    *args: str, health: str = "/__admin/health"
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`jobfakes ARGS --port P` in a subprocess until it answers; (base URL, process)."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "jobfakes"), *args, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                requests.get(base + health, timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, f"{base} did not come up"
                time.sleep(0.05)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def exchange(
    uri: str,
    status: int = 200,
    body: bytes = b"{}",
    headers: dict[str, list[str]] | None = None,
    method: str = "GET",
    **request: Any,
) -> Interaction:
    return Interaction(
        method=method,
        uri=uri,
        status=status,
        message=request.pop("message", ""),
        headers=headers if headers is not None else {"Content-Type": ["application/json"]},
        body=body,
        **request,
    )


@pytest.fixture
def write_cassette(tmp_path: Path) -> Callable[..., Path]:
    """Factory: write interactions to a cassette file in tmp_path."""

    def write(*items: Interaction, name: str = "hand.yaml") -> Path:
        path = tmp_path / name
        cassette.save(path, items)
        return path

    return write
