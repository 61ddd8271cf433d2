"""Faults over HTTP: the control plane, each kind, odds and counts, the journal, the marker."""

from __future__ import annotations

import time

import orjson
import pytest
import requests

from jobfakes.core.config import Config
from tests.conftest import BASE, inprocess

FEED = "/api/v1/feed"


def _app(**config):
    app, session = inprocess(Config(ads=120, **config))
    session.headers["Accept-Encoding"] = "identity"  # byte counts are of the page, not of gzip
    return app, session


def _add(session, *faults, status=201):
    answer = session.post(f"{BASE}/__admin/faults", json=list(faults))
    assert answer.status_code == status, answer.text
    return answer.json()


def _listing(session):
    return {f["id"]: f for f in session.get(f"{BASE}/__admin/faults").json()["faults"]}


def _statuses(session, n, path=FEED):
    return [session.get(BASE + path, params={"pageSize": 5}).status_code for _ in range(n)]


def test_faults_are_listed_removed_and_cleared():
    _, session = _app()
    made = _add(session, {"kind": "status", "status": 503, "id": "a"}, {"kind": "reset"})
    assert [f["id"] for f in made["faults"]] == ["a", "fault-2"]
    assert set(_listing(session)) == {"a", "fault-2"}
    assert session.delete(f"{BASE}/__admin/faults/a").status_code == 200
    assert set(_listing(session)) == {"fault-2"}
    missing = session.delete(f"{BASE}/__admin/faults/a")
    assert missing.status_code == 404 and "no fault with id a" in missing.json()["message"]
    session.delete(f"{BASE}/__admin/faults")
    assert _listing(session) == {}


@pytest.mark.parametrize(
    ("fault", "named"),
    [
        ({"kind": "explode"}, "kind"),
        ({"kind": "status", "status": 200}, "status"),
        ({"kind": "status", "probability": 2}, "probability"),
        ({"kind": "status", "count": 0}, "count"),
        ({"kind": "status", "fake": "nope"}, "fake"),
        ({"kind": "latency"}, "latency"),
        ({"kind": "cut", "content_length": "maybe"}, "content_length"),
        ({"kind": "status", "from": "yesterday"}, "from"),
        ({"kind": "status", "colour": "red"}, "colour"),
        ({"kind": "status", "query": {"a": 1}}, "query"),
        ("nonsense", "fault"),
    ],
)
def test_a_bad_fault_is_a_400_naming_the_field(fault, named):
    _, session = _app()
    answer = session.post(f"{BASE}/__admin/faults", json=fault)
    assert answer.status_code == 400
    assert named in answer.json()["message"]
    assert _listing(session) == {}


def test_a_5xx_burst_uses_the_fakes_own_body_then_stops_and_is_counted_and_journaled():
    _, session = _app()
    _add(session, {"id": "burst", "kind": "status", "status": 503, "fake": "navfeed",
                   "path": "/api/v1/feed*", "count": 2})  # fmt: skip
    first = session.get(BASE + FEED)
    assert first.status_code == 503
    javalin = "https://javalin.io/documentation#503"
    assert first.json() == {
        "title": "Service Unavailable",
        "status": 503,
        "type": javalin,
        "details": {},
    }
    assert _statuses(session, 3) == [503, 200, 200]
    counts = _listing(session)["burst"]
    assert (counts["matched"], counts["taken"]) == (4, 2)
    journal = session.get(f"{BASE}/__admin/requests").json()
    assert [(r["status"], r["fault"]) for r in journal] == [
        (503, "burst"), (503, "burst"), (200, None), (200, None)]  # fmt: skip


def test_429_carries_retry_after_and_503_a_maintenance_body():
    _, session = _app()
    _add(session, {"kind": "status", "status": 429, "retry_after": 7, "count": 1},
         {"kind": "status", "status": 503, "body": "<h1>Planlagt vedlikehold</h1>",
          "content_type": "text/html", "count": 1})  # fmt: skip
    limited = session.get(BASE + FEED)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
    maintenance = session.get(BASE + FEED)
    assert maintenance.status_code == 503
    assert maintenance.text == "<h1>Planlagt vedlikehold</h1>"
    assert maintenance.headers["Content-Type"].startswith("text/html")


def test_the_same_seed_fails_the_same_calls_and_another_seed_others():
    def pattern(seed):
        _, session = _app()
        _add(session, {"kind": "status", "status": 500, "probability": 0.3, "seed": seed})
        return _statuses(session, 40)

    assert pattern(11) == pattern(11)
    assert pattern(11) != pattern(12)
    assert 0 < pattern(11).count(500) < 40


def test_a_window_on_the_world_clock():
    _, session = _app()
    now = session.get(f"{BASE}/__admin/clock").json()["now"]
    later = "2099-01-01T00:00:00Z"
    _add(session, {"kind": "status", "status": 502, "from": "2025-12-02T08:00:00Z",
                   "until": later})  # fmt: skip
    assert now.startswith("2025-12-01") and _statuses(session, 1) == [200]
    session.post(f"{BASE}/__admin/clock", json={"advance": "P1D"})
    assert _statuses(session, 1) == [502]


def test_query_and_header_patterns_and_skip():
    _, session = _app()
    _add(session, {"kind": "status", "status": 404, "query": {"pageSize": "7"}, "skip": 1,
                   "count": 1, "headers": {"X-Trace": "abc*"}})  # fmt: skip

    def get(size, trace):
        return session.get(BASE + FEED, params={"pageSize": size},
                           headers={"X-Trace": trace}).status_code  # fmt: skip

    assert [get(7, "abc1"), get(5, "abc2"), get(7, "zzz"), get(7, "abc3"), get(7, "abc4")] == [
        200, 200, 200, 404, 200]  # fmt: skip


def test_a_reset_in_process_is_a_connection_error():
    _, session = _app()
    _add(session, {"kind": "reset", "count": 1})
    with pytest.raises(requests.ConnectionError):
        session.get(BASE + FEED)
    assert session.get(BASE + FEED).status_code == 200
    journal = session.get(f"{BASE}/__admin/requests").json()
    assert [(r["status"], r["fault"]) for r in journal] == [(0, "fault-1"), (200, None)]


def test_cut_bodies_in_process():
    _, session = _app()
    whole = session.get(BASE + FEED, params={"pageSize": 5}).content
    _add(session, {"kind": "cut", "after_bytes": 100, "count": 1},
         {"kind": "cut", "after_bytes": 100, "content_length": "cut", "count": 1},
         {"kind": "malformed", "count": 1})  # fmt: skip
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        session.get(BASE + FEED, params={"pageSize": 5})
    short = session.get(BASE + FEED, params={"pageSize": 5})
    assert short.content == whole[:100] and short.headers["Content-Length"] == "100"
    garbled = session.get(BASE + FEED, params={"pageSize": 5})
    assert len(garbled.content) == len(whole) + 1
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(garbled.content)
    assert session.get(BASE + FEED, params={"pageSize": 5}).content == whole


def test_latency_and_drip_delay_the_answer_and_keep_it_whole():
    _, session = _app()
    whole = session.get(BASE + FEED, params={"pageSize": 5}).content
    _add(session, {"kind": "latency", "ms": 150, "count": 1})
    started = time.monotonic()
    assert session.get(BASE + FEED, params={"pageSize": 5}).content == whole
    assert time.monotonic() - started >= 0.15
    session.delete(f"{BASE}/__admin/faults")
    _add(session, {"kind": "drip", "chunk_bytes": len(whole) // 4 + 1, "delay_ms": 60})
    started = time.monotonic()
    assert session.get(BASE + FEED, params={"pageSize": 5}).content == whole
    assert time.monotonic() - started >= 0.18  # three pauses between four chunks


def test_uniform_and_lognormal_latency_replay_from_the_seed():
    def delays(shape):
        app, session = _app()
        _add(session, {"kind": "latency", "id": "slow", **shape})
        book = app.extensions["jobfakes"].faults
        fault = book.faults()[0]
        return [fault.latency_ms(n) for n in range(1, 6)]

    uniform = delays({"min_ms": 1, "max_ms": 20})
    assert uniform == delays({"min_ms": 1, "max_ms": 20}) and all(1 <= d <= 20 for d in uniform)
    assert len(set(uniform)) == 5
    lognormal = delays({"median_ms": 5, "sigma": 0.5})
    assert lognormal == delays({"median_ms": 5, "sigma": 0.5}) and all(d > 0 for d in lognormal)


def test_an_ad_stopped_between_its_feed_page_and_its_entry():
    _, session = _app()
    _add(session, {"kind": "stop_ad", "path": "/api/v1/feed", "count": 1})
    # the feed's oldest page also lists ads that have ended since: only those active now count
    now_active = {a["uuid"] for a in session.get(f"{BASE}/__admin/ads?status=ACTIVE").json()}
    page = session.get(BASE + FEED, params={"pageSize": 50}).json()
    active = sorted({i["id"] for i in page["items"]} & now_active)  # a line per change
    entries = [session.get(f"{BASE}/api/v1/feedentry/{u}").json() for u in active]
    stopped = [e for e in entries if e["status"] != "ACTIVE"]
    assert len(stopped) == 1 and "ad_content" not in stopped[0]


def test_new_ads_published_mid_harvest_and_a_token_revoked_mid_sync():
    _, session = _app()
    before = len(session.get(f"{BASE}/__admin/ads").json())
    _add(session, {"kind": "publish", "ads": 3, "count": 1, "skip": 1},
         {"kind": "revoke_token", "path": "/api/v1/feed/*", "count": 1})  # fmt: skip
    first = session.get(BASE + FEED, params={"pageSize": 5}).json()
    assert len(session.get(f"{BASE}/__admin/ads").json()) == before
    assert session.get(BASE + first["next_url"], params={"pageSize": 5}).status_code == 200
    assert len(session.get(f"{BASE}/__admin/ads").json()) == before + 3
    # one fault a request: this call took `publish`; the next takes the revocation, answered
    # as usual, and the one after it is refused
    assert session.get(BASE + first["next_url"]).status_code == 200
    assert session.get(BASE + first["next_url"]).status_code == 401


def test_admin_paths_never_suffer_faults():
    _, session = _app()
    _add(session, {"kind": "status", "status": 500})
    assert session.get(f"{BASE}/__admin/health").status_code == 200
    assert _statuses(session, 1) == [500]


def test_reset_clears_faults_added_at_run_time():
    _, session = _app()
    _add(session, {"kind": "status", "status": 500})
    session.post(f"{BASE}/__admin/reset")
    assert _listing(session) == {} and _statuses(session, 1) == [200]


@pytest.mark.jobfakes(faults=[{"kind": "status", "status": 503, "count": 1, "id": "once"}])
def test_the_marker_installs_faults(navfeed_inprocess):
    fake = navfeed_inprocess
    assert fake.session.get(fake.url(FEED)).status_code == 503
    assert fake.session.get(fake.url(FEED)).status_code == 200
    assert fake.admin.fault("once")["taken"] == 1


def test_the_admin_helper_adds_and_removes(navfeed_inprocess):
    fake = navfeed_inprocess
    made = fake.admin.add_fault("status", status=502, path="/api/v1/feedentry/*")
    assert fake.session.get(fake.url(FEED)).status_code == 200
    ad = fake.admin.ads("ACTIVE")[0]["uuid"]
    assert fake.session.get(fake.url(f"/api/v1/feedentry/{ad}")).status_code == 502
    fake.admin.remove_fault(made["id"])
    assert fake.admin.faults() == []


def test_an_etag_that_changes_without_new_lines_and_the_reverse():
    _, session = _app()
    url = BASE + FEED
    while True:  # to the tail page
        first = session.get(url, params={"pageSize": 200})
        tail = first.json()
        if tail["next_id"] is None:
            break
        url = BASE + tail["next_url"]
    etag = first.headers["ETag"]
    _add(session, {"kind": "etag_change", "count": 1})
    changed = session.get(url, params={"pageSize": 200})
    assert changed.content == first.content and changed.headers["ETag"] == tail["id"] != etag
    session.delete(f"{BASE}/__admin/faults")
    session.post(f"{BASE}/__admin/ads", json={})  # a new line on the tail page
    page_url = f"{BASE}/api/v1/feed/{etag}"
    assert session.get(page_url, headers={"If-None-Match": etag}).status_code == 200
    _add(session, {"kind": "not_modified", "count": 1})
    stuck = session.get(page_url, headers={"If-None-Match": etag})
    assert stuck.status_code == 304 and stuck.headers["ETag"] == etag
    assert session.get(page_url, headers={"If-None-Match": etag}).status_code == 200


def test_a_changed_etag_of_a_gzipped_page_is_still_a_page_id():
    _, session = _app()
    _add(session, {"kind": "etag_change", "count": 1})
    page = session.get(BASE + FEED, params={"pageSize": 50}, headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"  # past 1,500 bytes, as Javalin
    assert page.headers["ETag"] == page.json()["id"]  # a cursor a client can walk from
    walked = session.get(f"{BASE}{FEED}/{page.headers['ETag']}", params={"pageSize": 5})
    assert walked.status_code == 200


def test_credits_run_out_mid_run(parsebot_inprocess):
    fake = parsebot_inprocess
    search = "/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61/search_jobs"
    fake.admin.add_fault("credits_out", path=search, skip=2, count=1)
    statuses = [fake.session.get(fake.url(search), params={"size": 1}).status_code
                for _ in range(5)]  # fmt: skip
    assert statuses == [200, 200, 200, 402, 402]
