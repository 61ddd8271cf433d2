"""The reference client against the fake: walking, polling, cursors, sync, retries."""

from __future__ import annotations

import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jobfakes.client.mirror import Mirror
from jobfakes.client.navfeed import FeedCursor, NavFeedClient
from jobfakes.errors import Unauthorized
from tests.conftest import walk


def _client(fake, page_size=100):
    return NavFeedClient(fake.base_url, fake.token, session=fake.session, page_size=page_size)


def test_lines_from_start_are_every_event_once(navfeed_inprocess):
    client = _client(navfeed_inprocess, page_size=70)
    lines = list(client.lines())
    pages = walk(navfeed_inprocess.session, navfeed_inprocess.base_url, page_size=70)
    expected = [pages[0]["items"][0]] + [x for p in pages for x in p["items"][1:]]
    assert lines == expected


def test_poll_at_the_end_is_304_then_sees_one_new_event(navfeed_inprocess):
    fake = navfeed_inprocess
    client = _client(fake)
    list(client.lines())
    cursor = client.cursor
    fake.admin.clear_requests()
    assert list(client.lines(cursor)) == []
    assert [r["status"] for r in fake.admin.requests()] == [304]
    ad = fake.admin.ads("ACTIVE")[0]
    fake.admin.update_ad(ad["uuid"], title="Bare én endring")
    new = list(client.lines(cursor))
    assert [line["title"] for line in new] == ["Bare én endring"]


def test_cursor_round_trips_and_resumes(navfeed_inprocess):
    client = _client(navfeed_inprocess, page_size=50)
    everything = list(client.lines())
    resumed_client = _client(navfeed_inprocess, page_size=50)
    pages = resumed_client.pages()
    first = next(pages)
    saved = FeedCursor.from_dict(resumed_client.cursor.to_dict())
    rest = list(_client(navfeed_inprocess, page_size=50).lines(saved))
    assert first + rest == everything


def test_lines_since_a_time_and_from_the_newest(navfeed_inprocess):
    client = _client(navfeed_inprocess)
    everything = list(client.lines())
    middle = datetime.fromisoformat(everything[len(everything) // 2]["date_modified"])
    since = list(client.lines(since=middle))
    assert since and all(
        datetime.fromisoformat(x["date_modified"]) > middle.replace(microsecond=0) for x in since
    )
    assert since[-1] == everything[-1]
    assert list(client.lines(last=True)) == [everything[-1]]


def test_entry_and_unknown_entry(navfeed_inprocess):
    client = _client(navfeed_inprocess)
    ad = navfeed_inprocess.admin.ads("ACTIVE")[0]
    assert client.entry(ad["uuid"])["ad_content"]["uuid"] == ad["uuid"]
    assert client.entry("0b9d2f61-0a51-4b7e-8f36-d1e2a1f0c001") is None


def test_bad_token_raises_typed_error(navfeed_inprocess):
    client = NavFeedClient(
        navfeed_inprocess.base_url, "nonsense", session=navfeed_inprocess.session
    )
    with pytest.raises(Unauthorized):
        list(client.lines())


def test_sync_matches_ground_truth_and_follows_changes(navfeed_fake):
    fake = navfeed_fake
    mirror = Mirror()
    client = NavFeedClient(fake.base_url, fake.token, page_size=200)
    mirror.sync(client)
    truth = {a["uuid"]: a["status"] for a in fake.admin.ads()}
    assert mirror.statuses() == truth
    victim = fake.admin.ads("ACTIVE")[0]["uuid"]
    assert mirror.content(victim)["contactList"] is not None
    fake.admin.stop_ad(victim)
    fake.admin.advance("PT30H")
    mirror.sync(client)
    assert mirror.statuses() == {a["uuid"]: a["status"] for a in fake.admin.ads()}
    assert mirror.content(victim) is None  # contact information gone at once


class _Flaky(BaseHTTPRequestHandler):
    failures = 2

    def do_GET(self):
        if _Flaky.failures:
            _Flaky.failures -= 1
            self.send_response(503)
            self.end_headers()
            return
        body = b'{"uuid": "u", "sistEndret": "x", "status": "INACTIVE"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_client_retries_5xx_with_backoff():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = NavFeedClient(f"http://127.0.0.1:{server.server_port}", "t")
        client.retry.backoff = 0.01
        assert client.entry("u")["status"] == "INACTIVE"
        assert _Flaky.failures == 0
    finally:
        server.shutdown()
