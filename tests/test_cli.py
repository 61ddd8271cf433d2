"""The command line: `jobfakes token`, `jobfakes serve`, and gunicorn's `jobfakes.wsgi:app`."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import jwt
import pytest
import requests
from click.testing import CliRunner

from jobfakes.cli import main
from jobfakes.core.auth import consumer_id

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            requests.get(url, timeout=5)  # the first answer may wait for the world to build
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.05)
    raise AssertionError(f"{url} did not come up")


@contextlib.contextmanager
def _serve(*args: str) -> Iterator[tuple[str, str, str]]:
    """`jobfakes serve ARGS` on a free port: (base URL, first line printed, token)."""
    port = _free_port()
    process = subprocess.Popen(
        [BIN / "jobfakes", "serve", "--port", str(port), "--clock", "frozen", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        fake = args[0] if args and not args[0].startswith("-") else "navfeed"
        first = process.stdout.readline()
        line = process.stdout.readline()
        while f"{fake} token: " not in line:  # other fakes' banner lines may come first
            assert line, f"serve ended without printing a {fake} token"
            line = process.stdout.readline()
        token = line.split("token: ")[1].strip()
        _wait(f"{base}/__admin/health", process)
        yield base, first.strip(), token
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_token_command_prints_a_valid_token():
    result = CliRunner().invoke(
        main, ["token", "navfeed", "--sub", "me@example.com", "--expires", "2030-01-01T00:00:00Z"]
    )
    assert result.exit_code == 0, result.output
    claims = jwt.decode(
        result.output.strip(),
        "jobfakes-navfeed-secret-for-local-testing",
        algorithms=["HS256"],
        audience="feed-api-v2",
        issuer="nav-no",
    )
    # kid: the consumer's id, a uuid (pam-stilling-feed), not the subject
    assert claims["sub"] == "me@example.com" and claims["kid"] == consumer_id("me@example.com")
    assert str(uuid.UUID(claims["kid"])) == claims["kid"]
    assert claims["exp"] == 1893456000


def test_token_command_refuses_unknown_fake_and_bad_dates():
    assert CliRunner().invoke(main, ["token", "nope"]).exit_code == 2
    assert CliRunner().invoke(main, ["token", "navfeed", "--expires", "never"]).exit_code == 2


def test_serve_rejects_unknown_fake():
    result = CliRunner().invoke(main, ["serve", "nope"])
    assert result.exit_code == 2 and "unknown fake" in result.output


@pytest.mark.parametrize(
    ("flag", "named"),
    [
        (["--parsebot-key", "nokey"], "KEY:TIER"),
        (["--parsebot-key", "k:gold"], "KEY:TIER"),
        (["--jobfeed-account", "nopass"], "USER:PASSWORD"),
        (["--jobfeed-limits", "banana"], "banana"),
        (["--redis-url", "notaurl"], "notaurl"),
    ],
)
def test_serve_refuses_bad_fake_settings_with_a_usage_error(flag, named):
    result = CliRunner().invoke(main, ["serve", "--ads", "50", "--port", "0", *flag])
    assert result.exit_code == 2, result.output
    assert named in result.output and "Traceback" not in result.output


def test_serve_prints_url_and_token_and_serves(tmp_path):
    args = ("navfeed", "--ads", "300", "--db", str(tmp_path / "world.sqlite"))
    with _serve(*args) as (base, first, token):
        assert first == f"jobfakes serving navfeed at {base}"
        response = requests.get(
            f"{base}/api/v1/feed?pageSize=3",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert response.status_code == 200 and len(response.json()["items"]) == 3


def test_serve_now_now_starts_at_the_wall_clock_and_prints_the_scale():
    port = _free_port()
    before = time.time()
    process = subprocess.Popen(
        [BIN / "jobfakes", "serve", "navfeed", "--port", str(port), "--ads", "300", "--now", "now"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        scale = process.stdout.readline()
        while not scale.startswith("NAV world"):  # after the fakes' own lines
            assert scale, "serve ended without printing the NAV world's scale"
            scale = process.stdout.readline()
        assert scale.startswith("NAV world: 300 active ads, a 1:96.8 model of the real feed"), scale
        base = f"http://127.0.0.1:{port}"
        _wait(f"{base}/__admin/health", process)
        now = requests.get(f"{base}/__admin/clock", timeout=10).json()["now"]
        started = datetime.fromisoformat(now.replace("Z", "+00:00")).timestamp()
        assert before - 1 <= started <= time.time() + 1
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_two_gunicorn_workers_share_one_world():
    with _serve("--ads", "200", "--workers", "2", "--threads", "1") as (base, _, token):
        start = len(requests.get(f"{base}/__admin/ads", timeout=30).json())
        requests.post(f"{base}/__admin/clock", json={"advance": "P7D"}, timeout=30)
        counts = set()
        for _ in range(10):  # new connections land on either worker
            with requests.Session() as session:
                counts.add(len(session.get(f"{base}/__admin/ads", timeout=10).json()))
        assert len(counts) == 1 and counts.pop() > start  # a week of new ads, seen by both
        feed = requests.get(
            f"{base}/api/v1/feed?last", timeout=10, headers={"Authorization": f"Bearer {token}"}
        )
        assert feed.status_code == 200


def test_gunicorn_wsgi_app_reads_environment():
    port = _free_port()
    env = {
        **os.environ,
        "JOBFAKES_ADS": "100",
        "JOBFAKES_FAKES": "navfeed",  # the other fakes' worlds are not needed here
        "JOBFAKES_SEED": "9",
        "JOBFAKES_NAVFEED_SECRET": "secret-from-the-environment-0123456789",
    }
    process = subprocess.Popen(
        [BIN / "gunicorn", "-b", f"127.0.0.1:{port}", "jobfakes.wsgi:app"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait(f"http://127.0.0.1:{port}/__admin/health", process)
        base = f"http://127.0.0.1:{port}"
        ads = requests.get(f"{base}/__admin/ads", timeout=10).json()
        assert sum(a["status"] == "ACTIVE" for a in ads) == 100  # in the feed: JOBFAKES_ADS
        token = jwt.encode(
            {"sub": "a", "iss": "nav-no", "aud": "feed-api-v2"},
            "secret-from-the-environment-0123456789",
            algorithm="HS256",
        )
        response = requests.get(
            f"http://127.0.0.1:{port}/api/v1/feed?pageSize=1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert response.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_publicfeed_alone_with_a_cap():
    with _serve("publicfeed", "--ads", "300", "--publicfeed-cap", "50") as (base, first, token):
        assert first == f"jobfakes serving publicfeed at {base}"
        body = requests.get(
            f"{base}/public-feed/api/v1/ads?size=20",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).json()
        assert (body["totalElements"], body["totalPages"]) == (50, 3)


def test_serve_takes_8k_lines_and_answers_longer_ones_in_the_fakes_shape():
    """gunicorn passes what it would refuse with its own HTML 414 (over 4094 bytes) to the app,
    which accepts the real servers' 8 KiB and answers past it as the owning fake does."""
    with _serve("navfeed", "--ads", "100") as (base, _, token):
        headers = {"Authorization": f"Bearer {token}"}
        ok = requests.get(f"{base}/api/v1/feed", params={"x": "a" * 7000}, headers=headers)
        assert ok.status_code == 200
        long = requests.get(f"{base}/api/v1/feed", params={"x": "a" * 9000}, headers=headers)
        assert long.status_code == 414
        assert long.json()["title"] == "Request URI Too Long"
        big = requests.get(f"{base}/api/v1/feed", headers={**headers, "X-Big": "a" * 9000})
        assert big.status_code == 431
        assert big.json()["status"] == 431
