"""`jobfakes serve parsebot --parsebot-key ...`: the start banner prints the keys, which work."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.fakes.parsebot.parsebot_helpers import PATH

BIN = Path(sys.executable).parent


def test_serve_with_keys_prints_them_and_they_work():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    keys = ["--parsebot-key", "alpha:free", "--parsebot-key", "beta:hobby"]
    process = subprocess.Popen(
        [BIN / "jobfakes", "serve", "parsebot", "--port", str(port), "--ads", "200", *keys],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().strip() for _ in range(4)]
        assert lines[1] == f"parsebot scraper: {PATH}/search_jobs"
        assert lines[2:] == ["parsebot key (free): alpha", "parsebot key (hobby): beta"]
        for _ in range(600):
            try:
                requests.get(f"{base}/__admin/health", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.05)
        for key in ("alpha", "beta"):
            response = requests.get(
                f"{base}{PATH}/get_facets", headers={"X-API-Key": key}, timeout=60
            )
            assert response.status_code == 200
        assert requests.get(f"{base}{PATH}/get_facets", timeout=60).status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
