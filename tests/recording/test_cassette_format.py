"""The cassette format: VCR.py's YAML version 1 both ways, and clear errors for broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import vcr
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.cli import main
from jobfakes.recording import cassette
from jobfakes.recording.cassette import CassetteError, Interaction
from jobfakes.recording.recorder import replay_session, use_cassette
from jobfakes.recording.redact import Redactor
from tests.recording.conftest import exchange

header_text = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=0, max_size=20
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=st.binary(max_size=200) | st.text(max_size=200).map(str.encode),
    request_body=st.none() | st.binary(max_size=50),
    status=st.integers(100, 599),
    value=header_text,
)
def test_any_body_and_header_survive_a_save_and_load_byte_for_byte(
    tmp_path_factory, body, request_body, status, value
):
    item = Interaction(
        "POST",
        "http://x.test/a?b=1",
        {"X-One": [value]},
        request_body,
        status,
        "Msg",
        {"ETag": [value], "Set-Cookie": ["a=1", "b=2"]},
        body,
    )
    path = tmp_path_factory.mktemp("c") / "c.yaml"
    cassette.save(path, [item])
    assert cassette.load(path) == [item]


def test_our_cassette_replays_with_vcrpy_byte_for_byte(navfeed_inprocess, tmp_path):
    # Recorded by us (in process, against the fake), replayed by VCR.py over a plain session.
    base = "http://navfeed.test"
    fake = navfeed_inprocess
    fake.session.mount(base, fake.session.get_adapter(fake.base_url))
    path = tmp_path / "ours.yaml"
    urls = [f"{base}/api/v1/feed?pageSize=3", f"{base}/api/v1/feed?pageSize=2&last=true"]
    # identity: VCR.py under urllib3 2 replays a stored gzip body without decoding it
    # (kevin1024/vcrpy#719), while our cassette keeps the body as it came over the wire
    plain = {"Accept-Encoding": "identity"}
    with use_cassette(fake.session, path, "all", redactor=Redactor(enabled=False)):
        live = [fake.session.get(url, headers=plain) for url in urls]
    with vcr.VCR(record_mode="none").use_cassette(str(path)) as played:
        replayed = [requests.get(url, headers=plain) for url in urls]
    assert played.play_count == len(urls)
    for a, b in zip(live, replayed, strict=True):
        assert (b.status_code, b.content, b.headers["ETag"]) == (
            a.status_code,
            a.content,
            a.headers["ETag"],
        )


def test_vcrpy_cassette_replays_with_us(navfeed_fake, tmp_path):
    # Recorded by VCR.py against the live fake, replayed by our in-process player.
    path = tmp_path / "theirs.yaml"
    url = navfeed_fake.url("/api/v1/feed?pageSize=2")
    headers = {"Authorization": f"Bearer {navfeed_fake.token}"}
    with vcr.VCR(record_mode="once").use_cassette(str(path)):
        first = requests.get(url, headers=headers)
        etag = first.headers["ETag"]
        second = requests.get(url, headers={**headers, "If-None-Match": etag})
    assert second.status_code == 304
    session, recording = replay_session(path)
    again = session.get(url)
    assert (again.status_code, again.content) == (200, first.content)
    assert session.get(url).status_code == 304  # identical requests: recorded order
    assert len(recording.interactions) == 2


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("interactions: [\n  - {request: ", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        ("interactions: []\n", "no 'version' field"),
        ("interactions: []\nversion: 2\n", "version 2"),
        ("interactions: {}\nversion: 1\n", "'interactions' is not a list"),
        ("interactions:\n- response: {}\nversion: 1\n", "interaction 0 has no 'request'"),
        (
            "interactions:\n- request: {method: GET}\n  response: {}\nversion: 1\n",
            "request.uri is missing",
        ),
        (
            "interactions:\n- request: {method: GET, uri: 'http://x/'}\n"
            "  response: {status: {code: OK}, body: {string: ''}}\nversion: 1\n",
            "response.status.code",
        ),
        (
            "interactions:\n- request: {method: GET, uri: 'http://x/'}\n"
            "  response: {status: {code: 200}}\nversion: 1\n",
            "response.body.string is missing",
        ),
        (
            "interactions:\n- request: {method: GET, uri: 'http://x/'}\n"
            "  response: {status: {code: 2000}, body: {string: ''}}\nversion: 1\n",
            "2000 is not an HTTP status",
        ),
    ],
)
def test_a_broken_cassette_is_refused_naming_the_file_and_the_problem(tmp_path, text, problem):
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(CassetteError) as caught:
        cassette.load(path)
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)
    # The same message from every entry point: replay, contract, the fixtures.
    for args in (["replay", str(path)], ["contract", "navfeed", "--cassette", str(path)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1
        assert str(path) in result.output and problem in result.output
        assert "Traceback" not in result.output
    with pytest.raises(CassetteError, match=problem):
        replay_session(path)
    with (
        pytest.raises(CassetteError, match=problem),
        use_cassette(requests.Session(), path, "none"),
    ):
        pass


def test_a_missing_cassette_in_replay_is_an_error_naming_it(tmp_path: Path):
    path = tmp_path / "absent.yaml"
    result = CliRunner().invoke(main, ["replay", str(path)])
    assert (
        result.exit_code == 1 and str(path) in result.output and "cannot be read" in result.output
    )


def test_an_empty_interactions_list_is_a_valid_cassette(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("interactions:\nversion: 1\n")
    assert cassette.load(path) == []
    cassette.save(path, [exchange("http://x.test/")])
    assert [i.uri for i in cassette.load(path)] == ["http://x.test/"]


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["request", "response", "uri", "method", "status",
                                       "code", "body", "string", "headers", "version",
                                       "interactions"]), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=json_like, text=st.text(max_size=60))
def test_any_document_is_a_cassette_or_a_cassette_error(data, text):
    import yaml

    for document in (yaml.safe_dump({"version": 1, "interactions": data}), text):
        try:
            items = cassette.parse(document, "fuzz.yaml")
        except CassetteError as error:
            assert "fuzz.yaml" in str(error)
        else:
            assert all(isinstance(item, Interaction) for item in items)
