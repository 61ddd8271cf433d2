"""`jobfakes contract`: schemathesis against any base URL, and recorded answers offline."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

from jobfakes.cli import main
from jobfakes.core import registry
from jobfakes.recording import cassette
from tests.recording.conftest import FIXTURES, ROOT


@contextmanager
def served(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def drifted(app, seen: list[dict[str, str]]):
    """The fake, but its feed pages' next_id became a number (as if the upstream changed)."""

    def middleware(environ, start_response):
        seen.append({k: v for k, v in environ.items() if k.startswith("HTTP_")})
        environ["HTTP_ACCEPT_ENCODING"] = "identity"  # the drift is edited into plain JSON
        body = b"".join(app(environ, _keep(start_response, holder := [])))
        status, headers = holder
        body = body.replace(b'"next_id":"', b'"next_id":7,"was":"')
        headers = [(k, str(len(body)) if k.lower() == "content-length" else v) for k, v in headers]
        start_response(status, headers)
        return [body]

    return middleware


def _keep(start_response, holder):
    def keep(status, headers, exc_info=None):
        holder[:] = [status, headers]
        return lambda data: None

    return keep


def test_the_fake_conforms_to_its_contract_over_http(navfeed_fake, tmp_path):
    report = tmp_path / "junit.xml"
    args = [
        "contract",
        "navfeed",
        "--base-url",
        navfeed_fake.base_url,
        "--token",
        navfeed_fake.token,
    ]
    result = CliRunner().invoke(main, [*args, "--max-examples", "5", "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "conforms to the contract" in result.output
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite.get("failures") == "0"
    cases = {case.get("name") for case in suite.iter("testcase")}
    assert "GET /api/v1/feed/{feedPageId}" in cases and len(cases) == 5


def test_drift_fails_with_a_short_report_per_mismatch(navfeed_fake, tmp_path):
    seen: list[dict[str, str]] = []
    report = tmp_path / "junit.xml"
    with served(drifted(navfeed_fake.app, seen)) as base:
        result = CliRunner().invoke(
            main,
            ["contract", "navfeed", "--base-url", base, "--token", navfeed_fake.token,
             "--max-examples", "5", "--seed", "1", "--report", str(report)],
        )  # fmt: skip
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert "GET /api/v1/feed: Response violates schema: 7 is not valid" in lines[0]
    assert lines[1].startswith("    example: curl -X GET") and base in lines[1]
    assert navfeed_fake.token not in result.output  # credentials are not printed
    assert lines[-1].endswith("mismatch(es) with the contract")
    assert "Traceback" not in result.output
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite.get("failures") == "1"
    sent = [h["HTTP_AUTHORIZATION"] for h in seen if "HTTP_AUTHORIZATION" in h]
    sent = [value for value in sent if "SCHEMATHESIS" not in value]  # its ignored_auth probe
    assert sent and set(sent) == {f"Bearer {navfeed_fake.token}"}


@pytest.mark.parametrize(
    ("options", "header", "value"),
    [
        (["--api-key", "k-123"], "HTTP_X_API_KEY", "k-123"),
        (["--user", "u", "--password", "p"], "HTTP_AUTHORIZATION", "Basic dTpw"),
    ],
)
def test_credentials_are_sent_as_the_api_expects(navfeed_fake, options, header, value):
    seen: list[dict[str, str]] = []
    with served(drifted(navfeed_fake.app, seen)) as base:
        CliRunner().invoke(
            main, ["contract", "navfeed", "--base-url", base, "--max-examples", "2", *options]
        )
    sent = [h[header] for h in seen if header in h and "SCHEMATHESIS" not in h[header]]
    assert sent and set(sent) == {value}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["contract", "nofake", "--base-url", "http://x"], "unknown API 'nofake'"),
        (["contract", "navfeed"], "exactly one of --base-url and --cassette"),
        (["contract", "navfeed", "--base-url", "http://x", "--cassette", "c.yaml"], "exactly one"),
        (
            ["contract", "navfeed", "--base-url", "http://x", "--token", "t", "--api-key", "k"],
            "one kind",
        ),
    ],
)
def test_contract_usage_errors(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and message in result.output


def test_an_unreachable_server_is_one_clear_error():
    result = CliRunner().invoke(main, ["contract", "navfeed", "--base-url", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach http://127.0.0.1:9: ConnectionError" in result.output


def test_a_recording_that_drifted_is_reported_offline(tmp_path):
    items = cassette.load(FIXTURES / "navfeed.yaml")
    first = items[0]
    first.body = first.body.replace(b'"next_id":"', b'"next_id":7,"was":"')
    items[-1].status = 418
    path = tmp_path / "drifted.yaml"
    cassette.save(path, items)
    report = tmp_path / "junit.xml"
    result = CliRunner().invoke(
        main, ["contract", "navfeed", "--cassette", str(path), "--report", str(report)]
    )
    assert result.exit_code == 1
    assert "GET /api/v1/feed: Response violates schema: 7 is not valid" in result.output
    assert f"example: {first.method} {first.uri} -> 200" in result.output
    assert "Undocumented status code: Received: 418" in result.output
    assert "2 mismatch(es)" in result.output
    suite = ET.parse(report).getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == (str(len(items)), "2")


def test_an_operation_missing_from_the_contract_is_reported(write_cassette):
    from tests.recording.conftest import exchange

    path = write_cassette(exchange("https://pam-stilling-feed.nav.no/api/v2/feed"))
    result = CliRunner().invoke(main, ["contract", "navfeed", "--cassette", str(path)])
    assert result.exit_code == 1
    assert "GET /api/v2/feed: operation_exists: not in the contract" in result.output


# --- the committed fixtures -----------------------------------------------------------------


def _script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(FIXTURES / "record_fixtures.py"), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip


def test_every_registered_api_has_a_flow_and_a_committed_cassette():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "record_fixtures", FIXTURES / "record_fixtures.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    for name in registry.names():
        assert name in module.FLOWS, f"fixtures/record_fixtures.py has no flow for {name}"
        assert (FIXTURES / f"{name}.yaml").exists(), (
            f"no fixtures/{name}.yaml: run `python fixtures/record_fixtures.py {name}`"
        )


@pytest.mark.parametrize("name", registry.names())
def test_each_committed_cassette_conforms_to_its_contract(name):
    result = CliRunner().invoke(
        main, ["contract", name, "--cassette", str(FIXTURES / f"{name}.yaml")]
    )
    assert result.exit_code == 0, result.output
    assert "conforms to the contract" in result.output


def test_the_navfeed_cassette_walks_the_whole_feed_and_ends_with_a_304():
    items = cassette.load(FIXTURES / "navfeed.yaml")
    pages = [i for i in items if i.path.split("/")[3] == "feed"]
    assert pages[0].path == "/api/v1/feed" and pages[-1].status == 304
    assert b'"next_id":null' in pages[-2].body  # the tail page before the poll
    assert any(i.path.startswith("/api/v1/feedentry/") for i in items)


def test_the_script_rerecords_the_navfeed_cassette_byte_for_byte(tmp_path):
    result = _script("navfeed", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "navfeed.yaml").read_bytes() == (FIXTURES / "navfeed.yaml").read_bytes()


def test_the_script_skips_apis_whose_fake_is_not_registered(tmp_path):
    result = _script("--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for name in ("navfeed", "publicfeed", "parsebot", "jobfeed"):
        if name in registry.names():
            assert f"{name}: " in result.stdout and (tmp_path / f"{name}.yaml").exists()
        else:
            assert f"{name}: skipped, its fake is not registered" in result.stdout
            assert not (tmp_path / f"{name}.yaml").exists()


def test_the_publicfeed_cassette_pages_past_the_cap_and_back_in_time():
    items = cassette.load(FIXTURES / "publicfeed.yaml")
    assert all(i.status == 200 for i in items)
    windows = [i for i in items if "published=%5B%2A%2C" in i.uri]  # published=[*,T)
    assert windows, "the harvest never paged back in time"
    first = json.loads(items[0].body)
    assert first["totalElements"] == 50  # the fixture's cap, hit on the first window


def test_the_parsebot_cassette_ends_with_a_429_and_its_retry_after():
    items = cassette.load(FIXTURES / "parsebot.yaml")
    assert [i.status for i in items][-1] == 429
    assert all(i.status == 200 for i in items[:-1])
    assert int(items[-1].headers["Retry-After"][0]) >= 1
