"""`POST /__admin/clock {"mode": ...}`: the clock switched between frozen and running, over
HTTP (in process), protected by the admin token like the rest of the control plane."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.world.times import parse_instant
from tests.conftest import BASE, inprocess

ADMIN = "clock-mode-admin-token"


@pytest.fixture
def session() -> requests.Session:
    _, http = inprocess(Config(ads=100, jobs=50, fakes=("navfeed",)))
    return http


def clock(session: requests.Session) -> dict[str, Any]:
    answer = session.get(f"{BASE}/__admin/clock")
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def switch(session: requests.Session, **body: Any) -> requests.Response:
    return session.post(f"{BASE}/__admin/clock", json=body)


def test_running_moves_with_real_time_and_frozen_stops_it_where_it_is(session):
    start = clock(session)
    assert start["mode"] == "frozen"
    answer = switch(session, mode="running")
    assert answer.status_code == 200 and answer.json()["mode"] == "running"
    jump = parse_instant(answer.json()["now"]) - parse_instant(start["now"])
    assert 0 <= jump < 1_000_000  # switching does not jump: it runs on from where it stood
    time.sleep(0.3)
    running = clock(session)
    assert running["mode"] == "running"
    moved = parse_instant(running["now"]) - parse_instant(start["now"])
    assert 250_000 <= moved <= 5_000_000  # microseconds: the real 0.3 s (and the calls')
    frozen = switch(session, mode="frozen").json()
    assert frozen["mode"] == "frozen"
    assert parse_instant(frozen["now"]) >= parse_instant(running["now"])
    time.sleep(0.2)
    assert clock(session) == frozen  # stopped: the same instant, read again later


def test_a_mode_goes_with_a_move_in_one_call(session):
    start = parse_instant(clock(session)["now"])
    moved = switch(session, advance="PT6H", mode="running").json()
    assert moved["mode"] == "running"
    assert parse_instant(moved["now"]) - start >= 6 * 3600 * 1_000_000
    back = switch(session, now="2099-01-01T00:00:00Z", mode="frozen")
    assert back.status_code == 400  # past one move's reach: nothing changed, not even the mode
    assert clock(session)["mode"] == "running"


def test_a_reset_brings_back_the_configured_mode(session):
    switch(session, mode="running")
    assert session.post(f"{BASE}/__admin/reset").status_code == 200
    assert clock(session)["mode"] == "frozen"


@settings(max_examples=40, deadline=None)
@given(
    mode=st.one_of(
        st.text(max_size=20).filter(lambda t: t not in ("frozen", "running")),
        st.integers(),
        st.none(),
        st.booleans(),
        st.lists(st.just("frozen"), max_size=2),
        st.sampled_from(["Frozen", "RUNNING", " frozen", "paused"]),
    )
)
def test_any_other_mode_is_a_json_400_naming_mode(mode):
    _, http = _shared()
    answer = switch(http, mode=mode)
    assert answer.status_code == 400
    body = answer.json()
    assert body["status"] == 400 and body["message"].startswith("mode:")
    assert clock(http)["mode"] == "frozen"


_APP: list[Any] = []


def _shared() -> tuple[Any, requests.Session]:
    """One app for every hypothesis example (building a world each time would be slow)."""
    if not _APP:
        _APP.append(inprocess(Config(ads=100, jobs=50, fakes=("navfeed",))))
    app, http = _APP[0]
    return app, http


def test_the_mode_switch_needs_the_admin_token():
    app = create_app(Config(ads=100, jobs=50, fakes=("navfeed",), admin_token=ADMIN))
    http = requests.Session()
    http.mount(BASE, WSGIAdapter(app))
    assert switch(http, mode="running").status_code == 401
    http.headers["Authorization"] = "Bearer not-the-admin-token"
    refused = switch(http, mode="running")
    assert refused.status_code == 401 and refused.json()["status"] == 401
    http.headers["Authorization"] = f"Bearer {ADMIN}"
    assert clock(http)["mode"] == "frozen"  # the refused switch changed nothing
    assert switch(http, mode="running").json()["mode"] == "running"
