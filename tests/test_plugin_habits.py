"""The plugin as users of pytest-recording, VCR.py and moto expect it (issue 16), through
pytester: admin errors that say why, marker typos that list the keys, a cassette marker with an
automatic path and `--record-mode`, cassettes as context managers, `--block-network`."""

from __future__ import annotations

import pytest
import requests

from jobfakes.admin import AdminError
from jobfakes.recording import cassette

pytest_plugins = ["pytester"]


def test_an_admin_call_the_fake_refuses_raises_with_the_fakes_message(navfeed_inprocess):
    admin = navfeed_inprocess.admin
    later = admin.advance("P1D")
    with pytest.raises(AdminError) as raised:
        admin.set_clock("2020-01-01T00:00:00Z")
    assert "POST /__admin/clock -> 400" in str(raised.value)
    assert "the clock cannot move backwards" in str(raised.value)
    assert isinstance(raised.value, requests.HTTPError)  # what callers caught before
    assert raised.value.status == 400 and admin.clock() == later


def test_a_marker_typo_names_the_key_and_lists_the_valid_ones(pytester):
    pytester.makepyfile("""
import pytest

@pytest.mark.jobfakes(sead=7)
def test_typo(navfeed_inprocess):
    pass
""")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.jobfakes: unknown setting 'sead' (did you mean 'seed'?); valid: seed,*"]
    )
    assert "TypeError" not in result.stdout.str()


RECORDED = """
import pathlib
import pytest
from jobfakes.client import NavFeedClient


def _walk(fake):
    client = NavFeedClient(fake.base_url, fake.token, session=fake.session, page_size=50)
    return len(list(client.lines()))


@pytest.mark.jobfakes_cassette
def test_walk(navfeed_inprocess):
    assert _walk(navfeed_inprocess) > 0
    reached = [r for r in navfeed_inprocess.admin.requests()]
    pathlib.Path("reached.txt").write_text(str(len(reached)))


@pytest.mark.vcr
def test_vcr_name(navfeed_inprocess):
    assert _walk(navfeed_inprocess) > 0
"""


def test_the_cassette_marker_records_once_at_an_automatic_path_then_replays(pytester):
    pytester.makepyfile(test_feed=RECORDED)
    missing = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "test_walk")
    missing.assert_outcomes(failed=1)  # record mode none (the default): nothing to replay yet
    missing.stdout.fnmatch_lines(["*the cassette file *cassettes/test_feed/test_walk.yaml*"])
    recording = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--record-mode=once")
    recording.assert_outcomes(passed=2)
    path = pytester.path / "cassettes" / "test_feed" / "test_walk.yaml"
    recorded = cassette.load(path)
    assert recorded[0].path == "/api/v1/feed"
    assert not [i for i in recorded if i.path.startswith("/__admin")]  # set-up is not recorded
    assert (pytester.path / "cassettes" / "test_feed" / "test_vcr_name.yaml").exists()
    assert int((pytester.path / "reached.txt").read_text()) > 0
    replaying = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    replaying.assert_outcomes(passed=2)
    assert (pytester.path / "reached.txt").read_text() == "0"  # answered from the cassette


def test_jobfakes_cassette_is_a_context_manager(pytester):
    pytester.makepyfile("""
import pathlib

def test_block(navfeed_inprocess, jobfakes_cassette):
    session = navfeed_inprocess.session
    before = dict(session.adapters)
    with jobfakes_cassette(session, "block.yaml", mode="once") as recording:
        session.get(navfeed_inprocess.url("/api/v1/feed?pageSize=1"))
        assert session.adapters != before
    assert session.adapters == before and len(recording.recorded) == 1
    assert pathlib.Path("block.yaml").exists()  # saved when the block ended
""")
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_block_network_refuses_connections_past_loopback(pytester):
    pytester.makepyfile("""
import socket
import pytest
import jobfakes

def test_blocked(navfeed_fake):
    with pytest.raises(jobfakes.NetworkBlocked, match="192.0.2.1:80 was refused"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with pytest.raises(jobfakes.NetworkBlocked, match="looking up example.org"):
        socket.getaddrinfo("example.org", 443)
    page = navfeed_fake.session.get(navfeed_fake.url("/api/v1/feed?pageSize=1"))
    assert page.status_code == 200  # loopback stays open
""")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--block-network")
    result.assert_outcomes(passed=1)
