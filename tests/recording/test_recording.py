"""Recording: the record modes in process, the proxy, and round trips with the reference client."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.client.navfeed import NavFeedClient
from jobfakes.core.adapter import WSGIAdapter
from jobfakes.errors import ConfigError
from jobfakes.recording import cassette
from jobfakes.recording.matching import ReplayMiss
from jobfakes.recording.recorder import replay_session, use_cassette
from jobfakes.recording.redact import Redactor
from jobfakes.recording.server import CassetteWriter, RecordingProxy
from tests.recording.conftest import cli_server

PAGE = "/api/v1/feed?pageSize=2"
OTHER = "/api/v1/feed?pageSize=3"


def _reached(fake) -> int:
    """Requests that reached the fake (its journal), control plane excluded."""
    return sum(1 for r in fake.admin.requests() if not r["path"].startswith("/__admin"))


def test_record_modes_behave_as_in_vcrpy(navfeed_inprocess, tmp_path):
    fake, path = navfeed_inprocess, tmp_path / "modes.yaml"
    session = fake.session
    fake.admin.clear_requests()
    # none: never records, a missing file has nothing to play
    with pytest.raises(ReplayMiss), use_cassette(session, path, "none"):
        session.get(fake.url(PAGE))
    assert not path.exists() and _reached(fake) == 0

    with use_cassette(session, path, "once") as recording:  # once, no file yet: records
        first = session.get(fake.url(PAGE))
    assert len(recording.recorded) == 1 and _reached(fake) == 1

    with use_cassette(session, path, "once"):  # once, file exists: replays only
        assert session.get(fake.url(PAGE)).content == first.content
        with pytest.raises(ReplayMiss, match="failed: query"):
            session.get(fake.url(OTHER))
    assert _reached(fake) == 1

    with use_cassette(session, path, "new_episodes") as recording:  # plays old, records new
        assert session.get(fake.url(PAGE)).content == first.content
        session.get(fake.url(OTHER))
    assert _reached(fake) == 2
    assert [i.uri.split("inprocess")[1] for i in cassette.load(path)] == [PAGE, OTHER]

    with use_cassette(session, path, "all"):  # all: every request goes out, file rewritten
        session.get(fake.url(OTHER))
        session.get(fake.url(OTHER))
    assert _reached(fake) == 4
    assert [i.uri.split("inprocess")[1] for i in cassette.load(path)] == [OTHER, OTHER]

    unknown = pytest.raises(ConfigError, match="record mode 'sometimes' is unknown")
    with unknown, use_cassette(session, path, "sometimes"):
        pass


def test_the_session_gets_its_own_adapters_back(navfeed_inprocess, tmp_path):
    session = navfeed_inprocess.session
    before = dict(session.adapters)
    with use_cassette(session, tmp_path / "a.yaml", "all"):
        assert session.adapters != before
    assert session.adapters == before


def _harvest(client: NavFeedClient):
    lines = list(client.lines())
    entries = [client.entry(line["_feed_entry"]["uuid"]) for line in lines[:3]]
    tail = list(client.lines(client.cursor))  # at the end: 304
    return lines, entries, tail, client.cursor


def _as_recorded(result):
    """A live harvest as a recording keeps it: contacts' personal data redacted."""
    lines, entries, tail, cursor = result
    for entry in entries:
        for contact in (entry.get("ad_content") or {}).get("contactList") or []:  # inactive: none
            for key in ("name", "email", "phone"):
                if contact.get(key):
                    contact[key] = "REDACTED"
    return lines, entries, tail, cursor


def test_round_trip_in_process(navfeed_inprocess, jobfakes_replay, tmp_path):
    fake, path = navfeed_inprocess, tmp_path / "walk.yaml"
    with use_cassette(fake.session, path, "once"):
        live = _harvest(
            NavFeedClient(fake.base_url, fake.token, session=fake.session, page_size=90)
        )
    session = jobfakes_replay(path)
    replayed = _harvest(NavFeedClient(fake.base_url, "other", session=session, page_size=90))
    assert replayed == _as_recorded(live) and live[2] == []
    assert session.jobfakes_recording.player.unplayed() == []


INNER = """
from jobfakes.client.navfeed import NavFeedClient

def test_walk(navfeed_inprocess, jobfakes_cassette, jobfakes_record_mode):
    fake = navfeed_inprocess
    recording = jobfakes_cassette(fake.session, "walk.yaml")
    assert recording.mode == jobfakes_record_mode
    client = NavFeedClient(fake.base_url, fake.token, session=fake.session, page_size=200)
    assert len(list(client.lines())) > 0
"""


def test_the_cassette_fixture_follows_the_record_mode_option(tmp_path):
    (tmp_path / "test_inner.py").write_text(INNER)

    def run(*options: str) -> str:
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options]
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
        return done.stdout

    # none (the default): nothing recorded yet, so the walk misses and fails
    assert "1 failed" in run()
    assert not (tmp_path / "walk.yaml").exists()
    assert "1 passed" in run("--jobfakes-record-mode=once")
    recorded = cassette.load(tmp_path / "walk.yaml")
    assert recorded and recorded[0].path == "/api/v1/feed"
    assert "1 passed" in run()  # replays


def test_round_trip_through_the_cli_record_and_replay(navfeed_fake, tmp_path):
    """Live fake -> `jobfakes record` proxy -> cassette -> `jobfakes replay`: same results."""
    out = tmp_path / "navfeed.yaml"

    def harvest(base: str, token: str):
        with NavFeedClient(base, token, page_size=150) as client:
            return _harvest(client)

    direct = harvest(navfeed_fake.base_url, navfeed_fake.token)
    with cli_server(
        "record",
        "--upstream",
        navfeed_fake.base_url,
        "--out",
        str(out),
        health="/__admin/recording",
    ) as (proxy, process):
        proxied = harvest(proxy, navfeed_fake.token)
        process.terminate()
        assert process.wait(timeout=10) == 0
        assert "interactions written" in process.stdout.read()
    recorded = cassette.load(out)
    assert recorded[-1].status == 304
    assert navfeed_fake.token not in out.read_text()
    with cli_server("replay", str(out)) as (replay, _):
        replayed = harvest(replay, "a-different-token")
    assert direct == proxied
    assert replayed == _as_recorded(direct)
    assert direct[2] == []  # the walk ended with a 304


def test_the_proxy_answers_an_unreachable_upstream_with_502(tmp_path):
    out = tmp_path / "none.yaml"
    with cli_server(
        "record", "--upstream", "http://127.0.0.1:9", "--out", str(out), health="/__admin/recording"
    ) as (proxy, _):
        response = requests.get(f"{proxy}/anything")
        assert response.status_code == 502
        assert "upstream http://127.0.0.1:9 failed" in response.json()["error"]
    assert cassette.load(out) == []


def test_recording_keeps_repeated_headers_and_the_body_as_sent(tmp_path):
    import gzip
    import threading

    from werkzeug.serving import make_server

    packed = gzip.compress(b'{"hello":"world"}')

    def app(environ, start_response):
        start_response(
            "200 OK",
            [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Content-Encoding", "gzip"),
             ("Content-Type", "application/json"), ("Content-Length", str(len(packed)))],
        )  # fmt: skip
        return [packed]

    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/x"
    path = tmp_path / "gzip.yaml"
    try:
        session = requests.Session()
        with use_cassette(session, path, "all", redactor=Redactor(enabled=False)):
            live = session.get(url)
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert live.json() == {"hello": "world"}  # the caller still gets it decoded
    (item,) = cassette.load(path)
    assert item.headers["Set-Cookie"] == ["a=1", "b=2"]
    assert item.body == packed  # stored as it came over the wire, like VCR.py
    replayed, _ = replay_session(path)
    again = replayed.get(url)
    assert again.json() == {"hello": "world"} and again.cookies.get("b") == "2"


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.text(alphabet="abiv1/%?&=;.~-_ éfeedpg", max_size=30),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]),
    body=st.binary(max_size=40),
)
def test_no_request_makes_the_recording_proxy_fail(
    navfeed_fake, tmp_path_factory, path, method, body
):
    writer = CassetteWriter(tmp_path_factory.mktemp("proxy") / "p.yaml")
    session = requests.Session()
    session.mount("http://proxy.test", WSGIAdapter(RecordingProxy(navfeed_fake.base_url, writer)))
    response = session.request(method, "http://proxy.test/" + path, data=body)
    assert response.status_code < 500  # the fake never fails, so neither may the proxy
    writer.close()
    (item,) = cassette.load(writer.path)
    assert item.status == response.status_code and item.body == response.content
