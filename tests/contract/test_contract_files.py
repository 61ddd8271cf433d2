"""Issue 14, item 10: every contract is valid OpenAPI for a strict validator, and
`jobfakes contract NAME --base-url` passes against a live `jobfakes serve` of every fake."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
import requests
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from jobfakes.core import registry

BIN = Path(sys.executable).parent
CONTRACTS = sorted(
    str(item)
    for item in resources.files("jobfakes.contracts").iterdir()
    if item.name.endswith(".yaml")
)
# Credentials the contract run needs per fake, on a server started with SERVE_ARGS. A fake
# with tokens gets one from `jobfakes token`; a new fake without tokens must be added here.
SERVE_ARGS = [
    "--parsebot-key", "contract-run-key:developer",
    "--jobfeed-account", "contract:run", "--jobfeed-limits", "none",
    "--ads", "300", "--jobs", "400", "--clock", "frozen",
]  # fmt: skip
OTHER_CREDENTIALS = {
    "parsebot": ["--api-key", "contract-run-key"],
    "jobfeed": ["--user", "contract", "--password", "run"],
}


@pytest.mark.parametrize("path", CONTRACTS, ids=os.path.basename)
def test_each_contract_is_valid_openapi(path):
    spec, _ = read_from_filename(path)
    validate(spec)  # raises on any violation of the OpenAPI 3.0 schema


@pytest.mark.parametrize("path", CONTRACTS, ids=os.path.basename)
def test_no_plain_scalar_was_split_into_a_stray_key(path):
    """`description: Hits, capped.` in a flow mapping parses as an extra key `capped.: null`."""

    def stray(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                if value is None:
                    yield f"{where}/{key}"
                yield from stray(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from stray(value, f"{where}[{index}]")

    with open(path, encoding="utf-8") as handle:
        assert list(stray(yaml.safe_load(handle), "")) == []


def test_every_registered_fake_has_a_contract_file():
    names = {os.path.basename(path) for path in CONTRACTS}
    assert {registry.spec(name).contract for name in registry.names()} <= names


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """`jobfakes serve` (every fake, gunicorn) on a free port."""
    port = _free_port()
    process = subprocess.Popen(
        [BIN / "jobfakes", "serve", "--port", str(port), *SERVE_ARGS],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "jobfakes serve ended"
            try:
                requests.get(f"{base}/__admin/health", timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "jobfakes serve did not come up"
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _credentials(name: str) -> list[str]:
    if registry.spec(name).auth is not None:
        token = subprocess.run(
            [BIN / "jobfakes", "token", name], capture_output=True, text=True, check=True
        ).stdout.strip()
        return ["--token", token]
    assert name in OTHER_CREDENTIALS, f"add {name}'s credentials to OTHER_CREDENTIALS"
    return OTHER_CREDENTIALS[name]


@pytest.mark.parametrize("name", registry.names())
def test_the_contract_command_passes_against_a_live_server(served, name):
    command = [BIN / "jobfakes", "contract", name, "--base-url", served, *_credentials(name)]
    result = subprocess.run(
        [*command, "--max-examples", "10", "--seed", "14"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms to the contract" in result.stdout


# ---- item 11: a null where the real classes have none is drift the contract catches --------
def _nulling(app, field: bytes):
    """The fake, but every `field` in its JSON answers became null (as if upstream drifted)."""
    import re

    pattern = re.compile(b'"' + field + b'":"[^"]*"')

    def middleware(environ, start_response):
        environ["HTTP_ACCEPT_ENCODING"] = "identity"
        kept: list = []
        body = b"".join(
            app(environ, lambda status, headers, exc=None: kept.extend([status, headers]))
        )
        body = pattern.sub(b'"' + field + b'":null', body)
        status, headers = kept
        headers = [(k, str(len(body)) if k.lower() == "content-length" else v) for k, v in headers]
        start_response(status, headers)
        return [body]

    return middleware


@pytest.mark.parametrize(
    "field", [b"published", b"expires", b"updated", b"title", b"source", b"level1", b"level2"]
)
def test_a_null_the_public_feed_never_sent_is_reported(publicfeed_fake, field):
    from click.testing import CliRunner
    from werkzeug.serving import make_server

    from jobfakes.cli import main

    server = make_server("127.0.0.1", 0, _nulling(publicfeed_fake.app, field), threaded=True)
    import threading

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = CliRunner().invoke(
            main,
            ["contract", "publicfeed", "--base-url", f"http://127.0.0.1:{server.server_port}",
             "--token", publicfeed_fake.token, "--max-examples", "3", "--seed", "1"],
        )  # fmt: skip
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert result.exit_code == 1, result.output
    assert (
        'GET /public-feed/api/v1/ads: Response violates schema: null is not of type "string"'
        in (result.output)
    )
