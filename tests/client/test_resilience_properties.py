"""Property: for random worlds, random fault plans (up to 20 % of calls failing in any of the
ways faults offer) and random clock moves, a sync or a harvest ends equal to the ground truth,
nothing lost or duplicated, and stopped ads hold no contact data."""

from __future__ import annotations

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.client.mirror import Mirror
from jobfakes.client.navfeed import NavFeedClient
from jobfakes.client.publicfeed import PublicFeedClient
from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.pytest_plugin import Admin

BASE = "http://property.test"
FAILURES = [
    {"kind": "reset"},
    {"kind": "cut", "after_bytes": 120},
    {"kind": "cut", "after_bytes": 120, "content_length": "cut"},
    {"kind": "cut", "after_bytes": 40, "content_length": "none"},
    {"kind": "malformed"},
    {"kind": "status", "status": 500},
    {"kind": "status", "status": 502},
    {"kind": "status", "status": 503, "body": "maintenance"},
    {"kind": "status", "status": 429, "retry_after": 0},
    {"kind": "latency", "ms": 1},
    {"kind": "etag_change"},
]


@st.composite
def plans(draw: st.DrawFn) -> list[dict[str, object]]:
    """Faults whose odds add up to at most 20 %."""
    chosen = draw(st.lists(st.sampled_from(range(len(FAILURES))), min_size=1, max_size=5))
    share = draw(st.floats(0.02, 0.2)) / len(chosen)
    seed = draw(st.integers(0, 1000))
    return [{**FAILURES[i], "probability": share, "seed": seed + n} for n, i in enumerate(chosen)]


moves = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)), min_size=0, max_size=3
)


def _world(seed: int, ads: int, plan: list[dict[str, object]]):
    app = create_app(Config(seed=seed, ads=ads))
    session = requests.Session()
    session.mount(BASE, WSGIAdapter(app))
    admin = Admin(session, BASE)
    token = admin.mint_token("navfeed")
    admin.add_faults(plan)
    return session, admin, token


def _move(admin: Admin, hours: int, stops: int, new: int) -> None:
    for ad in admin.ads("ACTIVE")[:stops]:
        admin.stop_ad(ad["uuid"])
    for _ in range(new):
        admin.create_ad()
    if hours:
        admin.advance(f"PT{hours}H")


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    seed=st.integers(0, 10_000),
    ads=st.integers(5, 100),
    plan=plans(),
    page_size=st.integers(5, 80),
    steps=moves,
)
def test_a_mirror_sync_under_faults_equals_the_ground_truth(seed, ads, plan, page_size, steps):
    session, admin, token = _world(seed, ads, plan)
    client = NavFeedClient(BASE, token, session=session, page_size=page_size)
    client.retry.sleep, client.retry.attempts = (lambda s: None), 30
    mirror = Mirror()
    mirror.sync(client, workers=2)
    for hours, stops, new in steps:
        _move(admin, hours, stops, new)
        mirror.sync(client, workers=2)
    truth = {a["uuid"]: a["status"] for a in admin.ads()}
    assert mirror.statuses() == truth
    for uuid, status in truth.items():
        content = mirror.content(uuid)
        assert (content is None) == (status != "ACTIVE")
        if content is not None:  # the newest version, not a stale one
            assert content["title"] == admin._call("GET", f"/ads/{uuid}")["title"]


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    seed=st.integers(0, 10_000),
    ads=st.integers(5, 120),
    plan=plans(),
    cap=st.sampled_from([10, 40, 5000]),
    size=st.integers(5, 100),
    steps=moves,
)
def test_a_public_feed_harvest_under_faults_equals_the_ground_truth(
    seed, ads, plan, cap, size, steps
):
    app = create_app(Config(seed=seed, ads=ads, publicfeed_cap=cap))
    session = requests.Session()
    session.mount(BASE, WSGIAdapter(app))
    admin = Admin(session, BASE)
    admin.add_faults(plan)
    for hours, stops, new in steps:
        _move(admin, hours, stops, new)
    client = PublicFeedClient(BASE, session=session, page_size=size)
    client.retry.sleep, client.retry.attempts = (lambda s: None), 30
    found = [a["uuid"] for a in client.harvest_all()]
    assert len(found) == len(set(found)), "an ad was read twice"
    assert set(found) == {a["uuid"] for a in admin.ads("ACTIVE")}
