"""The fast path's cached answers are exactly what the uncached path answers: for any sequence
of clock moves, ad stops and creations, token expiries and repeated reads, two apps on the same
world, one with the response cache and one without, answer every request byte for byte alike,
and their journals hold the same entries."""

from __future__ import annotations

from typing import Any

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.core.fastpath import FastPath

BASE = "http://fake.test"
CONFIG = Config(seed=5, ads=120, clock="frozen", fakes=("navfeed", "publicfeed"))
READS = (
    "/api/v1/feed?pageSize=7",
    "/api/v1/feed?pageSize=3&last=1",
    "FIRST?pageSize=4",
    "/public-feed/api/v1/ads?size=5",
    "/public-feed/api/v1/ads?size=3&page=1&published=[2025-11-20,*)",
)


def _session(cache: bool) -> requests.Session:
    app = create_app(CONFIG)
    if not cache:
        fast = app.wsgi_app
        while not isinstance(fast, FastPath):  # FaultLayer(HeaderSize(FastPath(flask)))
            fast = fast.app
        assert isinstance(fast, FastPath)
        fast.size = 0
    session = requests.Session()
    session.mount(BASE, WSGIAdapter(app))
    session.app = app  # type: ignore[attr-defined]
    return session


def _tokens(session: requests.Session) -> dict[str, str]:
    """A long-lived and a short-lived (one hour of world time) token for each NAV feed."""
    found = {}
    for fake in ("navfeed", "publicfeed"):
        for name, body in (("long", {}), ("short", {"expires": "2025-12-01T09:00:00Z"})):
            minted = session.post(f"{BASE}/__admin/tokens", json={"fake": fake, **body})
            found[f"{fake}-{name}"] = minted.json()["token"]
    return found


def _answer(response: requests.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, sorted(response.headers.items()), response.content


writes = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.sampled_from(["PT1M", "PT20M", "PT1H", "P1D"])),
        st.tuples(st.just("stop"), st.integers(0, 200)),
        st.tuples(st.just("create"), st.just(0)),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(writes, st.randoms(use_true_random=False))
def test_cached_answers_equal_uncached_answers(steps: list[tuple[str, Any]], rnd: Any) -> None:
    cached, uncached = _session(True), _session(False)
    tokens = _tokens(cached)
    assert tokens == _tokens(uncached)
    first = [
        s.get(f"{BASE}/api/v1/feed?pageSize=1", headers=_auth(tokens, "navfeed-long")).json()
        for s in (cached, uncached)
    ]
    assert first[0] == first[1]
    reads = [path.replace("FIRST", f"/api/v1/feed/{first[0]['id']}") for path in READS]
    etags: dict[str, str] = {}
    _read_all(cached, uncached, reads, tokens, etags, rnd)
    for kind, arg in steps:
        if kind == "advance":
            for session in (cached, uncached):
                session.post(f"{BASE}/__admin/clock", json={"advance": arg}).raise_for_status()
        elif kind == "stop":  # the newest ads, so that the first pages change
            active = cached.get(f"{BASE}/__admin/ads?status=ACTIVE").json()
            newest = sorted(active, key=lambda ad: ad["updated"])[-10:]
            uuid = newest[arg % len(newest)]["uuid"]
            for session in (cached, uncached):
                session.post(f"{BASE}/__admin/ads/{uuid}/stop").raise_for_status()
        else:
            made = [s.post(f"{BASE}/__admin/ads", json={}).json() for s in (cached, uncached)]
            assert made[0] == made[1]
        _read_all(cached, uncached, reads, tokens, etags, rnd)
    journals = [s.get(f"{BASE}/__admin/requests").json() for s in (cached, uncached)]
    for journal in journals:  # real milliseconds: the one thing a cache is meant to change
        for entry in journal:
            assert entry.pop("latency_ms") >= 0
            assert entry.pop("at") > 0  # the answer's real time
    assert journals[0] == journals[1]


def _read_all(
    cached: requests.Session,
    uncached: requests.Session,
    reads: list[str],
    tokens: dict[str, str],
    etags: dict[str, str],
    rnd: Any,
) -> None:
    """Every read, twice on each app (the second a cache hit where one is allowed)."""
    for path in reads:
        fake = "publicfeed" if path.startswith("/public-feed") else "navfeed"
        headers = _auth(tokens, f"{fake}-{rnd.choice(['long', 'short'])}")
        if path in etags and rnd.random() < 0.5:
            headers["If-None-Match"] = etags[path]
        answers = [
            _answer(s.get(BASE + path, headers=headers))
            for s in (cached, cached, uncached, uncached)
        ]
        assert answers[0] == answers[1] == answers[2] == answers[3], path
        etag = dict(answers[0][1]).get("ETag")
        if etag:
            etags[path] = etag


def _auth(tokens: dict[str, str], name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[name]}"}
