"""Replay: matching, recorded order, explicit misses, and answers kept byte for byte."""

from __future__ import annotations

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.core.adapter import WSGIAdapter
from jobfakes.errors import JobFakesError
from jobfakes.recording import cassette
from jobfakes.recording.matching import Matcher, ReplayMiss
from jobfakes.recording.recorder import replay_session
from jobfakes.recording.server import ReplayApp
from tests.recording.conftest import FIXTURES, cli_server, exchange

ODD_BODY = b'{"ok":true}\r\n\x00\xff trailing  '
LIMITED = exchange(
    "https://api.parse.bot/scraper/x/search_jobs?q=a&size=5",
    status=429,
    message="Too Many Requests",
    body=b'{"error":"Rate limit exceeded"}',
    headers={"Retry-After": ["37"], "Content-Type": ["application/json"], "X-Custom": ["1", "2"]},
)
ODD = exchange(
    "https://api.parse.bot/scraper/x/get_facets",
    body=ODD_BODY,
    headers={
        "ETag": ['W/"abc"'],
        "Last-Modified": ["Mon, 02 Jun 2025 10:00:00 GMT"],
        "Content-Type": ["application/octet-stream"],
    },
)


def test_query_order_does_not_matter_but_values_do(write_cassette, jobfakes_replay):
    path = write_cassette(exchange("http://a.test/s?x=1&y=2&y=3", body=b"one"))
    session = jobfakes_replay(path)
    assert session.get("http://other.host/s?y=2&x=1&y=3").content == b"one"
    with pytest.raises(ReplayMiss) as caught:
        session.get("http://a.test/s?x=1&y=2&y=4")
    message = str(caught.value)
    assert "GET http://a.test/s?x=1&y=2&y=4" in message
    assert "http://a.test/s?x=1&y=2&y=3  (failed: query)" in message
    assert isinstance(caught.value, JobFakesError)


def test_a_miss_names_the_nearest_requests_and_the_matcher_each_failed(write_cassette):
    path = write_cassette(
        exchange("http://a.test/api/v1/feed?pageSize=5"),
        exchange("http://a.test/api/v1/feedentry/1"),
        exchange("http://a.test/api/v1/feed?pageSize=5", method="POST"),
    )
    session, _ = replay_session(path)
    with pytest.raises(ReplayMiss) as caught:
        session.get("http://a.test/api/v1/feed?pageSize=6")
    lines = str(caught.value).splitlines()
    assert lines[0] == "no recorded interaction matches GET http://a.test/api/v1/feed?pageSize=6"
    assert lines[2].strip() == "GET http://a.test/api/v1/feed?pageSize=5  (failed: query)"
    assert lines[3].strip().endswith("(failed: path, query)")
    assert lines[4].strip() == "POST http://a.test/api/v1/feed?pageSize=5  (failed: method, query)"
    assert caught.value.nearest[0][1] == "query"


def test_headers_and_body_take_part_only_when_asked(write_cassette):
    norsk = exchange("http://a.test/s", body=b"no", request_headers={"Accept-Language": ["nb"]})
    english = exchange("http://a.test/s", body=b"en", request_headers={"Accept-Language": ["en"]})
    path = write_cassette(norsk, english)
    plain, _ = replay_session(path)
    assert plain.get("http://a.test/s", headers={"Accept-Language": "en"}).content == b"no"
    by_header, _ = replay_session(
        path, matcher=Matcher(("method", "path", "headers"), ("Accept-Language",))
    )
    assert by_header.get("http://a.test/s", headers={"Accept-Language": "en"}).content == b"en"
    with pytest.raises(ReplayMiss, match=r"failed: headers"):
        by_header.get("http://a.test/s", headers={"Accept-Language": "sv"})

    bodies = write_cassette(
        exchange("http://a.test/q", method="POST", request_body=b"q=a", body=b"A"),
        exchange("http://a.test/q", method="POST", request_body=b"q=b", body=b"B"),
        name="bodies.yaml",
    )
    by_body, _ = replay_session(bodies, matcher=Matcher((*Matcher().match_on, "body")))
    assert by_body.post("http://a.test/q", data=b"q=b").content == b"B"
    with pytest.raises(ReplayMiss, match=r"failed: body"):
        by_body.post("http://a.test/q", data=b"q=c")


def test_identical_requests_get_their_answers_in_recorded_order(write_cassette):
    url = "http://a.test/api/v1/feed/abc"
    path = write_cassette(
        exchange(url, body=b"first"),
        exchange(url, status=304, body=b"", headers={"ETag": ['"abc"']}),
    )
    session, _ = replay_session(path)
    assert [session.get(url).status_code for _ in range(2)] == [200, 304]
    with pytest.raises(ReplayMiss, match="all already played"):
        session.get(url)
    repeating, _ = replay_session(path, repeat_last=True)
    assert [repeating.get(url).status_code for _ in range(4)] == [200, 304, 304, 304]


def test_in_process_replay_keeps_status_headers_and_body(write_cassette):
    path = write_cassette(LIMITED, ODD)
    session, _ = replay_session(path)
    limited = session.get("https://api.parse.bot/scraper/x/search_jobs?size=5&q=a")
    assert (limited.status_code, limited.reason) == (429, "Too Many Requests")
    assert limited.headers["Retry-After"] == "37"
    assert limited.raw.headers.getlist("X-Custom") == ["1", "2"]
    odd = session.get("https://api.parse.bot/scraper/x/get_facets")
    assert odd.content == ODD_BODY
    assert odd.headers["ETag"] == 'W/"abc"'
    assert odd.headers["Last-Modified"] == "Mon, 02 Jun 2025 10:00:00 GMT"


def test_the_replay_server_keeps_status_headers_and_body_over_http(write_cassette):
    recorded = cassette.load(FIXTURES / "navfeed.yaml")
    not_modified = next(i for i in recorded if i.status == 304)
    page = recorded[0]
    path = write_cassette(LIMITED, ODD, *recorded)
    with cli_server("replay", str(path)) as (base, _):
        limited = requests.get(f"{base}/scraper/x/search_jobs?q=a&size=5")
        assert (limited.status_code, limited.reason) == (429, "Too Many Requests")
        assert limited.headers["Retry-After"] == "37"
        assert limited.raw.headers.getlist("X-Custom") == ["1", "2"]
        assert limited.content == LIMITED.body
        odd = requests.get(f"{base}/scraper/x/get_facets")
        assert odd.content == ODD_BODY and odd.headers["ETag"] == 'W/"abc"'
        assert odd.headers["Last-Modified"] == "Mon, 02 Jun 2025 10:00:00 GMT"
        for item in (page, not_modified):
            headers = (
                {"If-None-Match": item.request_headers["If-None-Match"][0]}
                if (item.status == 304)
                else {}
            )
            answer = requests.get(base + item.uri.split(".no", 1)[1], headers=headers)
            assert (answer.status_code, answer.content) == (item.status, item.body)
            for name in ("ETag", "Last-Modified"):
                assert answer.headers.get(name) == item.header(name)
        assert not_modified.body == b"" and not_modified.header("ETag")
        assert page.header("ETag") and page.header("Last-Modified")


def test_a_miss_on_the_server_is_an_explicit_404_not_a_500(write_cassette):
    path = write_cassette(exchange("http://a.test/api/v1/feed?pageSize=5"))
    with cli_server("replay", str(path)) as (base, _):
        response = requests.get(f"{base}/api/v1/feed?pageSize=6")
        assert response.status_code == 404
        assert response.headers["X-Jobfakes-Replay"] == "miss"
        body = response.json()
        assert body["request"].endswith("/api/v1/feed?pageSize=6")
        assert body["nearest"] == [
            {"request": "GET http://a.test/api/v1/feed?pageSize=5", "failed": "query"}
        ]
        assert body["matchers"] == ["method", "path", "query"]
        state = requests.get(f"{base}/__admin/replay").json()
        assert (state["interactions"], state["played"]) == (1, 0)


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.text(alphabet="abc/%?&=;.~-_ é", max_size=30),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
    body=st.binary(max_size=40),
)
def test_no_request_makes_the_replay_server_fail(path, method, body):
    app = ReplayApp([LIMITED, ODD])
    session = requests.Session()
    session.mount("http://replay.test", WSGIAdapter(app))
    response = session.request(method, "http://replay.test/" + path, data=body)
    assert response.status_code in (404, 200, 429)
    if response.status_code == 404 and method != "HEAD":
        assert response.headers["X-Jobfakes-Replay"] == "miss"


def test_the_control_plane_shows_and_resets_what_was_played(write_cassette):
    url = "http://a.test/x"
    path = write_cassette(
        exchange(url, body=b"1"), exchange(url, body=b"2"), exchange("http://a.test/y")
    )
    app = ReplayApp.from_file(path)
    session = requests.Session()
    session.mount("http://replay.test", WSGIAdapter(app))
    assert [session.get("http://replay.test/x").content for _ in range(2)] == [b"1", b"2"]
    state = session.get("http://replay.test/__admin/replay").json()
    assert (state["played"], state["unplayed"]) == (2, ["GET http://a.test/y"])
    assert session.post("http://replay.test/__admin/reset").json() == {"reset": True}
    assert session.get("http://replay.test/x").content == b"1"


def test_replay_options_on_the_command_line(write_cassette):
    url = "http://a.test/s"
    path = write_cassette(
        exchange(url, body=b"nb", request_headers={"Accept-Language": ["nb"]}),
        exchange(url, body=b"en", request_headers={"Accept-Language": ["en"]}),
    )
    with cli_server(
        "replay", str(path), "--match-on", "header:Accept-Language", "--repeat-last"
    ) as (base, _):
        english = [requests.get(f"{base}/s", headers={"Accept-Language": "en"}) for _ in range(2)]
        assert [r.content for r in english] == [b"en", b"en"]
        missing = requests.get(f"{base}/s", headers={"Accept-Language": "sv"}).json()
        assert missing["nearest"][0]["failed"] == "headers"


def test_the_replay_server_sends_recorded_date_and_server_headers_and_no_others(write_cassette):
    dated = exchange(
        "https://x.test/dated",
        headers={"Date": ["Mon, 02 Jun 2025 10:00:00 GMT"], "Server": ["Javalin"]},
        body=b"hi",
    )
    bare = exchange("https://x.test/bare", headers={"Content-Type": ["text/plain"]}, body=b"")
    path = write_cassette(dated, bare)
    with cli_server("replay", str(path)) as (base, _):
        answer = requests.get(f"{base}/dated")
        assert answer.raw.headers.getlist("Date") == ["Mon, 02 Jun 2025 10:00:00 GMT"]
        assert answer.raw.headers.getlist("Server") == ["Javalin"]
        plain = requests.get(f"{base}/bare")
        assert "Date" not in plain.headers and "Server" not in plain.headers
        assert plain.headers["Content-Length"] == "0"
