"""The JSON the dashboard reads, over HTTP (in process): the journal's filters and pages, its
chart, the world's summary and history, lookups, and the keys and accounts it mints and revokes."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from tests.conftest import BASE, inprocess

SCRAPER = "/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61"


@pytest.fixture(scope="module")
def world() -> Any:
    """One app for the read-only tests, with some traffic in its journal."""
    _, session = inprocess(Config(ads=300, jobs=200))
    traffic(session)
    return session


def traffic(session: requests.Session) -> None:
    session.get(f"{BASE}/api/v1/feed", params={"pageSize": 2})
    session.get(f"{BASE}/api/v1/feedentry/00000000-0000-0000-0000-000000000000")
    session.get(f"{BASE}{SCRAPER}/search_jobs", headers={"X-API-Key": "wrong"})
    session.post(f"{BASE}{SCRAPER}/search_jobs", json={}, headers={"X-API-Key": "wrong"})
    session.get(f"{BASE}/api/v3/count", auth=("jobfeed", "jobfeed"))
    session.get(f"{BASE}/nowhere")
    session.get(f"{BASE}/api/v1/feed", params={"api_key": "s3cr3t-value", "pageSize": 1})


def journal(session: requests.Session, **params: Any) -> requests.Response:
    return session.get(f"{BASE}/__admin/requests", params=params)


def test_the_journal_lists_everything_oldest_first_without_parameters(world):
    entries = journal(world).json()
    assert [e["path"] for e in entries][:3] == [
        "/api/v1/feed",
        "/api/v1/feedentry/00000000-0000-0000-0000-000000000000",
        f"{SCRAPER}/search_jobs",
    ]
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert all(isinstance(e["latency_ms"], float) and e["latency_ms"] > 0 for e in entries)


@pytest.mark.parametrize(
    ("params", "wanted"),
    [
        ({"fake": "parsebot"}, lambda e: e["fake"] == "parsebot"),
        ({"method": "post"}, lambda e: e["method"] == "POST"),
        ({"path": "feedentry"}, lambda e: "feedentry" in e["path"]),
        ({"status": "4xx"}, lambda e: 400 <= e["status"] < 500),
        ({"status": "200"}, lambda e: e["status"] == 200),
        ({"fake": ""}, lambda e: e["fake"] is None),
        (
            {"fake": "navfeed", "status": "2xx"},
            lambda e: e["fake"] == "navfeed" and e["status"] < 300,
        ),
    ],
)
def test_journal_filters_keep_exactly_the_matching_entries(world, params, wanted):
    everything = journal(world).json()
    chosen = journal(world, **params).json()
    assert chosen == [e for e in everything if wanted(e)]
    assert chosen, "the traffic has entries of every kind filtered here"


@settings(max_examples=25, deadline=None)
@given(
    limit=st.integers(1, 9),
    order=st.sampled_from(["asc", "desc"]),
    filters=st.fixed_dictionaries(
        {},
        optional={
            "fake": st.sampled_from(["navfeed", "parsebot", "jobfeed", ""]),
            "status": st.sampled_from(["2xx", "4xx", "401", "404"]),
        },
    ),
)
def test_following_next_links_pages_through_every_match_once(world, limit, order, filters):
    everything = journal(world, **filters).json()
    response = journal(world, limit=limit, order=order, **filters)
    seen: list[dict[str, Any]] = []
    while True:
        assert response.status_code == 200
        assert int(response.headers["X-Total-Count"]) == len(everything)
        page = response.json()
        assert len(page) <= limit
        seen += page
        if "next" not in response.links:
            break
        response = world.get(BASE + response.links["next"]["url"])
    assert seen == (everything if order == "asc" else everything[::-1])


def test_after_tails_the_journal(world):
    newest = journal(world, order="desc", limit=1).json()[0]["seq"]
    assert journal(world, after=newest).json() == []
    world.get(f"{BASE}/api/v1/feed", params={"pageSize": 1})
    tail = journal(world, after=newest).json()
    assert [(e["seq"], e["path"]) for e in tail] == [(newest + 1, "/api/v1/feed")]


def test_redaction_masks_secret_looking_query_values(world):
    raw = journal(world, path="/api/v1/feed").json()
    shown = journal(world, path="/api/v1/feed", redact="true").json()
    assert any("s3cr3t-value" in e["query"] for e in raw)
    assert not any("s3cr3t-value" in e["query"] for e in shown)
    assert any("api_key=REDACTED" in e["query"] for e in shown)


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"status": "abc"}, "status"),
        ({"status": "600"}, "status"),
        ({"method": "G E T"}, "method"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"before": "-1"}, "before"),
        ({"after": "9" * 30}, "after"),
        ({"order": "up"}, "order"),
        ({"redact": "maybe"}, "redact"),
        ({"path": "x" * 201}, "path"),
        ({"since": "1"}, "since"),
    ],
)
def test_bad_journal_parameters_are_a_json_400_naming_them(world, params, param):
    response = journal(world, **params)
    assert response.status_code == 400
    assert response.json()["message"].startswith(f"{param}:")


def test_the_chart_counts_every_matching_entry_once(world):
    entries = journal(world).json()
    chart = world.get(f"{BASE}/__admin/requests/chart", params={"buckets": 12}).json()
    counted: dict[tuple[str, str], int] = {}
    for fake, lines in chart["fakes"].items():
        for status_class, counts in lines.items():
            assert len(counts) == 12
            counted[(fake, status_class)] = sum(counts)
    expected: dict[tuple[str, str], int] = {}
    for e in entries:
        key = (e["fake"] or "(none)", f"{e['status'] // 100}xx")
        expected[key] = expected.get(key, 0) + 1
    assert counted == expected
    only = world.get(f"{BASE}/__admin/requests/chart", params={"fake": "parsebot"}).json()
    assert list(only["fakes"]) == ["parsebot"]
    bad = world.get(f"{BASE}/__admin/requests/chart", params={"buckets": "0"})
    assert bad.status_code == 400 and bad.json()["message"].startswith("buckets:")


def test_the_chart_spreads_requests_over_world_time():
    _, session = inprocess(Config(ads=200, jobs=100, fakes=("navfeed",)))
    for _ in range(3):
        session.get(f"{BASE}/api/v1/feed", params={"pageSize": 1})
        session.post(f"{BASE}/__admin/clock", json={"advance": "PT6H"})
    chart = session.get(f"{BASE}/__admin/requests/chart", params={"buckets": 3}).json()
    assert chart["fakes"]["navfeed"]["2xx"] == [1, 1, 1]


def test_the_world_history_counts_every_published_ad_once_a_day():
    _, session = inprocess(Config(ads=300, jobs=100, fakes=("navfeed",)))
    summary = session.get(f"{BASE}/__admin/world", params={"days": 3}).json()
    assert [p["day"] for p in summary["history"]] == sorted(p["day"] for p in summary["history"])
    today = summary["history"][-1]
    ads = session.get(f"{BASE}/__admin/ads").json()
    assert today["active"] + today["stopped"] + today["expired"] == len(ads) == summary["ads"]
    session.post(f"{BASE}/__admin/clock", json={"advance": "P1D"})
    later = session.get(f"{BASE}/__admin/world", params={"days": 3}).json()
    assert later["history"][-2]["day"] == today["day"]
    assert later["history"][-2]["active"] >= today["active"]  # the rest of that day happened
    grown = len(session.get(f"{BASE}/__admin/ads").json())
    newest = later["history"][-1]
    assert newest["active"] + newest["stopped"] + newest["expired"] == grown > len(ads)
    uuid = next(a["uuid"] for a in session.get(f"{BASE}/__admin/ads?status=ACTIVE").json())
    session.post(f"{BASE}/__admin/ads/{uuid}/stop")
    stopped = session.get(f"{BASE}/__admin/world", params={"days": 1}).json()["history"][-1]
    assert (stopped["stopped"], stopped["active"]) == (newest["stopped"] + 1, newest["active"] - 1)


@pytest.mark.parametrize("days", ["0", "61", "x", "-1"])
def test_bad_world_days_are_a_400(world, days):
    response = world.get(f"{BASE}/__admin/world", params={"days": days})
    assert response.status_code == 400 and response.json()["message"].startswith("days:")


def test_the_world_summary_has_the_clock_the_fakes_and_the_dutch_world(world):
    summary = world.get(f"{BASE}/__admin/world").json()
    assert summary["now"] == world.get(f"{BASE}/__admin/clock").json()["now"]
    assert summary["mode"] == "frozen"
    assert summary["token_fakes"] == ["navfeed", "publicfeed"]
    jobs = world.get(f"{BASE}/__admin/jobs").text.strip().splitlines()
    assert summary["summaries"]["jobfeed"]["jobs"] == len(jobs) == 200
    assert len(summary["history"]) == 14


def test_lookup_shows_an_ad_as_each_fake_serves_it(world):
    uuid = world.get(f"{BASE}/__admin/ads?status=ACTIVE").json()[0]["uuid"]
    found = world.get(f"{BASE}/__admin/lookup/{uuid}").json()["fakes"]
    entry = world.get(f"{BASE}/api/v1/feedentry/{uuid}").json()
    assert found["navfeed"] == entry
    assert found["publicfeed"]["uuid"] == found["parsebot"]["uuid"] == uuid
    assert found["jobfeed"] is None
    job = world.get(f"{BASE}/__admin/jobs").text.splitlines()[0]
    job_id = requests.models.complexjson.loads(job)["job_id"]
    by_job = world.get(f"{BASE}/__admin/lookup/{job_id}").json()["fakes"]
    assert by_job["jobfeed"]["job_id"] == job_id
    assert by_job["navfeed"] is None and by_job["publicfeed"] is None


def test_a_stopped_ad_is_only_in_the_feed_entry():
    _, session = inprocess(Config(ads=200, jobs=100, fakes=("navfeed", "publicfeed", "parsebot")))
    uuid = session.get(f"{BASE}/__admin/ads?status=ACTIVE").json()[0]["uuid"]
    session.post(f"{BASE}/__admin/ads/{uuid}/stop")
    found = session.get(f"{BASE}/__admin/lookup/{uuid}").json()["fakes"]
    assert found["navfeed"]["status"] == "INACTIVE"
    assert found["publicfeed"] is None and found["parsebot"] is None


def test_a_parsebot_key_is_revoked_by_its_fingerprint():
    session = _session(create_app(Config(ads=200, jobs=100, fakes=("parsebot",))))
    created = session.post(
        f"{BASE}/__admin/parsebot/keys", json={"key": "pb_dashboard", "tier": "free"}
    ).json()
    assert session.get(f"{BASE}{SCRAPER}/search_jobs", headers={"X-API-Key": "pb_dashboard"}).ok
    listed = session.get(f"{BASE}/__admin/parsebot/keys").json()
    assert [k["credits_used"] for k in listed if k["fingerprint"] == created["fingerprint"]] == [1]
    gone = session.delete(f"{BASE}/__admin/parsebot/keys/{created['fingerprint']}")
    assert gone.status_code == 200
    refused = session.get(f"{BASE}{SCRAPER}/search_jobs", headers={"X-API-Key": "pb_dashboard"})
    assert refused.status_code == 401
    again = session.delete(f"{BASE}/__admin/parsebot/keys/{created['fingerprint']}")
    assert again.status_code == 404 and again.json()["status"] == 404


def test_a_jobfeed_account_shows_its_windows_and_can_be_removed():
    session = _session(create_app(Config(ads=200, jobs=100, fakes=("jobfeed",))))
    session.post(
        f"{BASE}/__admin/jobfeed/accounts",
        json={"user": "ui", "password": "pw-1", "limits": "3/minute"},
    )
    assert session.get(f"{BASE}/api/v3/count", auth=("ui", "pw-1")).ok
    accounts = {a["user"]: a for a in session.get(f"{BASE}/__admin/jobfeed/accounts").json()}
    assert accounts["ui"]["windows"] == [{"rate": "3/minute", "used": 1, "remaining": 2}]
    assert "pw-1" not in session.get(f"{BASE}/__admin/jobfeed/accounts").text
    assert session.delete(f"{BASE}/__admin/jobfeed/accounts/ui").status_code == 200
    assert session.get(f"{BASE}/api/v3/count", auth=("ui", "pw-1")).status_code == 401
    assert session.delete(f"{BASE}/__admin/jobfeed/accounts/ui").status_code == 404


def _session(app: Any, **headers: str) -> requests.Session:
    session = requests.Session()
    session.mount(BASE, WSGIAdapter(app))
    session.headers.update(headers)
    return session


def test_with_an_admin_token_the_page_loads_and_its_data_needs_the_token():
    app = create_app(Config(ads=200, jobs=100, fakes=("navfeed",), admin_token="ui-admin"))
    anonymous = _session(app)
    for path in ("/__admin/ui", "/__admin/ui/app.js", "/__admin/ui/app.css"):
        page = anonymous.get(BASE + path)
        assert page.status_code == 200 and page.content
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Frame-Options"] == "DENY"
    assert "ui-admin" not in anonymous.get(f"{BASE}/__admin/ui").text
    data = ("/__admin/world", "/__admin/requests", "/__admin/requests/chart", "/__admin/lookup/x")
    for path in data:
        assert anonymous.get(BASE + path).status_code == 401
    assert anonymous.post(f"{BASE}/__admin/ui", json={}).status_code == 401
    admin = _session(app, Authorization="Bearer ui-admin")
    assert admin.get(f"{BASE}/__admin/world").status_code == 200


def test_without_a_token_the_page_is_guarded_like_the_control_plane():
    app = create_app(Config(ads=200, jobs=100, fakes=("navfeed",)))
    from werkzeug.test import Client

    client = Client(app)
    assert client.get("/__admin/ui", headers={"Host": "127.0.0.1:1"}).status_code == 200
    assert client.get("/__admin/ui", headers={"Host": "evil.example"}).status_code == 403
    cross = client.get(
        "/__admin/world", headers={"Host": "127.0.0.1:1", "Origin": "http://evil.example"}
    )
    assert cross.status_code == 403


def test_basic_auth_header_is_not_journalled(world):
    secret = base64.b64encode(b"jobfeed:jobfeed").decode()
    assert secret not in journal(world).text


def test_the_page_loads_nothing_from_elsewhere(world):
    """No CDN: every address in the page and its assets is the server's own."""
    import re

    for path in ("/__admin/ui", "/__admin/ui/app.js", "/__admin/ui/app.css"):
        body = world.get(BASE + path).text
        foreign = set(re.findall(r"https?://[^\s\"'`)]+", body)) - {"http://www.w3.org/2000/svg"}
        assert foreign == set(), path
        assert "//cdn" not in body and "@import" not in body


def test_the_journal_keeps_the_newest_entries_and_their_counts():
    session = _session(create_app(Config(ads=200, jobs=100, fakes=("navfeed",), journal_size=40)))
    for number in range(1, 2501):  # many batches of the journal's writer, each trimmed
        session.get(f"{BASE}/nowhere/{number}")
    entries = journal(session).json()
    assert [e["path"] for e in entries] == [f"/nowhere/{n}" for n in range(2461, 2501)]
    page = journal(session, limit=5, status="4xx")
    assert page.headers["X-Total-Count"] == "40"
    chart = session.get(f"{BASE}/__admin/requests/chart").json()
    assert sum(chart["fakes"]["(none)"]["4xx"]) == 40
    session.delete(f"{BASE}/__admin/requests")
    assert journal(session, limit=5).headers["X-Total-Count"] == "0"
    assert session.get(f"{BASE}/__admin/requests/chart").json()["fakes"] == {}
