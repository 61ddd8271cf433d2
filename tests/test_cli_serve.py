"""`jobfakes serve` as a new user meets it: ports, readiness, a request log, settings from the
environment, progress of long work, and `jobfakes contract` without its extra (issue 16)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from jobfakes.cli import main

BIN = Path(sys.executable).parent


class Served:
    """A `jobfakes serve` process whose output is collected line by line as it comes."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None):
        self.process = subprocess.Popen(
            [str(BIN / "jobfakes"), "serve", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, prefix: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if line.startswith(prefix):
                    return line
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"no line {prefix!r} in {self.lines}")

    def url(self) -> str:
        return self.wait_for("jobfakes ready at ").rsplit(" ", 1)[1]

    def token(self, fake: str) -> str:
        return self.wait_for(f"{fake} token: ").split(": ", 1)[1]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)
        self._reader.join(timeout=5)


@contextlib.contextmanager
def served(*args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    server = Served(list(args), env)
    try:
        yield server
    finally:
        server.stop()


def test_a_port_in_use_is_one_message_before_any_banner_or_token():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [BIN / "jobfakes", "serve", "navfeed", "--ads", "50", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert "--port 0" in result.stderr  # says what to do
    assert "token" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "gunicorn" not in result.stderr.lower()


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--port", "99999"], "--port"),
        (["--port", "-1"], "--port"),
        (["--workers", "0"], "--workers"),
        (["--threads", "0"], "--threads"),
        (["--now", "yesterday"], "--now"),
    ],
)
def test_bad_serve_values_name_their_option(args, named):
    result = CliRunner().invoke(main, ["serve", "navfeed", "--ads", "50", *args])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{named}'" in result.output
    assert "Traceback" not in result.output


def test_port_0_prints_the_port_it_got_and_a_ready_line_once_it_answers(tmp_path):
    ready = tmp_path / "ready"
    with served("navfeed", "--ads", "50", "--port", "0", "--ready-file", str(ready)) as server:
        first = server.wait_for("jobfakes serving ")
        url = server.url()
        assert not url.endswith(":0") and first == f"jobfakes serving navfeed at {url}"
        # the ready line and file come only once the port answers
        assert ready.read_text().strip() == url
        assert requests.get(f"{url}/__admin/health", timeout=5).status_code == 200
        assert server.lines.index(server.wait_for("jobfakes ready")) > server.lines.index(
            server.wait_for("navfeed token: ")
        )
    assert not ready.exists()  # removed on exit: a stale file never says "ready"


def test_log_requests_prints_one_line_a_request_with_secrets_masked():
    with served("navfeed", "--ads", "50", "--port", "0", "--log-requests") as server:
        url, token = server.url(), server.token("navfeed")
        response = requests.get(
            f"{url}/api/v1/feed",
            params={"pageSize": 2, "api_key": "hush-hush-123"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert response.status_code == 200
        line = server.wait_for("127.0.0.1 GET /api/v1/feed?pageSize=2")
        assert "-> 200" in line and "Authorization: Bearer REDACTED" in line
        assert "api_key=REDACTED" in line
        assert token not in "\n".join(server.lines).replace(f"navfeed token: {token}", "")
        assert "hush-hush-123" not in "\n".join(server.lines)


def test_every_serve_option_comes_from_the_environment_too(tmp_path):
    env = {
        "JOBFAKES_FAKES": "navfeed,publicfeed",
        "JOBFAKES_ADS": "40",
        "JOBFAKES_SEED": "5",
        "JOBFAKES_PORT": "0",
        "JOBFAKES_CLOCK": "frozen",
        "JOBFAKES_PUBLICFEED_CAP": "7",
        "JOBFAKES_READY_FILE": str(tmp_path / "ready"),
        "JOBFAKES_LOG_REQUESTS": "1",
    }
    with served(env=env) as server:
        url = server.url()
        assert server.wait_for("jobfakes serving ") == (
            f"jobfakes serving navfeed, publicfeed at {url}"
        )
        ads = requests.get(f"{url}/__admin/ads", timeout=10).json()
        assert sum(ad["status"] == "ACTIVE" for ad in ads) == 40  # and the lately ended ones
        assert requests.get(f"{url}/__admin/clock", timeout=10).json()["mode"] == "frozen"
        token = server.token("publicfeed")
        body = requests.get(
            f"{url}/public-feed/api/v1/ads",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).json()
        assert body["totalElements"] == 7
        server.wait_for("127.0.0.1 GET /__admin/ads -> 200")
        assert (tmp_path / "ready").read_text().strip() == url


def test_help_shows_each_variable_and_default():
    result = CliRunner().invoke(main, ["serve", "--help"], terminal_width=200)
    assert result.exit_code == 0
    names = "PORT ADS CLOCK PARSEBOT_KEYS LOG_REQUESTS READY_FILE WORKERS ADMIN_TOKEN FAKES"
    for variable in (f"JOBFAKES_{name}" for name in names.split()[:-1]):
        assert f"env var: {variable}" in result.output
    assert "default: running" in result.output and "default: 5000" in result.output


def test_token_takes_the_same_environment_as_serve():
    env = {"JOBFAKES_SECRETS": "navfeed=from-the-environment-0123456789abcdef"}
    result = CliRunner().invoke(main, ["token", "navfeed"], env=env)
    assert result.exit_code == 0, result.output
    import jwt

    claims = jwt.decode(
        result.output.strip(),
        "from-the-environment-0123456789abcdef",
        algorithms=["HS256"],
        audience="feed-api-v2",
        issuer="nav-no",
    )
    assert claims["sub"]


def test_a_big_world_build_reports_progress_before_the_port_is_ready():
    with served("jobfeed", "--jobs", "20000", "--port", "0") as server:
        server.url()
        lines = server.lines
        building = [i for i, line in enumerate(lines) if "building the Jobfeed world" in line]
        assert building, lines
        assert "100 %" in lines[building[-1]]
        ready = lines.index(server.wait_for("jobfakes ready"))
        assert building[-1] < ready


def test_a_long_clock_move_reports_progress_in_the_server_log():
    # 29,000 active ads: the real feed's 1,000 new ads a day, so that 8 days take a while
    with served("navfeed", "--ads", "29000", "--port", "0", "--clock", "frozen") as server:
        url = server.url()
        moved = requests.post(f"{url}/__admin/clock", json={"advance": "P8D"}, timeout=120)
        assert moved.status_code == 200
        line = server.wait_for("jobfakes: moving the clock: new days: 8/8 (100 %)")
        assert line
        server.wait_for("jobfakes: moving the clock: changes applied: ")


def test_contract_without_its_extra_says_which_extra_to_install():
    code = (
        "import sys; sys.modules['schemathesis'] = None; from jobfakes.cli import main; "
        "main(['contract', 'navfeed', '--base-url', 'http://127.0.0.1:9'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "pip install 'jobfakes[contract]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_contract_extra_brings_what_contract_needs_and_test_includes_it():
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    extras = pyproject["project"]["optional-dependencies"]
    names = {r.split(">")[0].split("[")[0].strip() for r in extras["contract"]}
    assert {"schemathesis", "hypothesis"} <= names
    assert "jobfakes[contract]" in extras["test"]


@pytest.mark.jobfakes(jobfeed_limits="2/minute")
def test_a_contract_run_answered_by_429s_does_not_say_it_conforms(jobfeed_fake):
    result = CliRunner().invoke(
        main,
        ["contract", "jobfeed", "--base-url", jobfeed_fake.base_url,
         "--user", "jobfeed", "--password", "jobfeed", "--max-examples", "5", "--seed", "1"],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "were 429 Too Many Requests" in result.output
    assert "conforms" not in result.output
