"""Rules that hold for every world, page size and sequence of changes (hypothesis)."""

from __future__ import annotations

import itertools
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.client.mirror import Mirror
from jobfakes.client.navfeed import NavFeedClient
from jobfakes.core.config import Config
from jobfakes.pytest_plugin import Admin
from tests.conftest import BASE, inprocess, walk

WORLDS = st.builds(
    lambda seed, ads: Config(seed=seed, ads=ads), st.integers(0, 10_000), st.integers(1, 400)
)
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _events(session, page_size):
    """All (line, page) pairs with the one-line overlap removed."""
    pages = walk(session, BASE, page_size)
    return [pages[0]["items"][0]] + [x for p in pages for x in p["items"][1:]], pages


@SLOW
@given(WORLDS, st.integers(2, 600))
def test_following_next_url_visits_every_event_exactly_once(config, page_size):
    _, session = inprocess(config)
    lines, pages = _events(session, page_size)
    admin = Admin(session, BASE)
    assert {x["id"] for x in lines} == {a["uuid"] for a in admin.ads()}
    for before, after in itertools.pairwise(pages):
        assert after["items"][0] == before["items"][-1]
    # Each ad's newest line carries its ground-truth status.
    newest = {x["id"]: x["_feed_entry"]["status"] for x in lines}
    assert newest == {a["uuid"]: a["status"] for a in admin.ads()}
    # The same lines, counted once, whatever the page size.
    one_page = _events(session, 10_000)[0]
    assert lines == one_page


@SLOW
@given(
    WORLDS,
    st.integers(2, 300),
    st.lists(
        st.tuples(st.sampled_from(["PT1H", "PT6H", "P1D", "PT5M"]), st.integers(0, 3)), max_size=4
    ),
)
def test_client_sync_equals_ground_truth_after_changes(config, page_size, steps):
    _, session = inprocess(config)
    admin = Admin(session, BASE)
    token = admin.mint_token("navfeed")
    client = NavFeedClient(BASE, token, session=session, page_size=page_size)
    mirror = Mirror()
    mirror.sync(client, workers=1)
    for advance, stops in steps:
        active = admin.ads("ACTIVE")
        for ad in active[:stops]:
            admin.stop_ad(ad["uuid"])
        admin.advance(advance)
        mirror.sync(client, workers=1)
        assert mirror.statuses() == {a["uuid"]: a["status"] for a in admin.ads()}


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 1000))
def test_same_seed_same_bytes(seed):
    config = replace(Config(seed=seed, ads=120))
    first, second = inprocess(config)[1], inprocess(config)[1]
    headers = {"Authorization": f"Bearer {Admin(first, BASE).mint_token('navfeed')}"}
    a = first.get(f"{BASE}/api/v1/feed", headers=headers).content
    b = second.get(f"{BASE}/api/v1/feed", headers=headers).content
    assert a == b
    uuid = Admin(first, BASE).ads()[0]["uuid"]
    assert (
        first.get(f"{BASE}/api/v1/feedentry/{uuid}", headers=headers).content
        == second.get(f"{BASE}/api/v1/feedentry/{uuid}", headers=headers).content
    )


_APP_SESSION: list = []


def _shared_session():
    if not _APP_SESSION:
        _APP_SESSION.append(inprocess(Config(ads=60))[1])
    return _APP_SESSION[0]


@settings(max_examples=150, deadline=None)
@given(
    page_size=st.text(max_size=30),
    since=st.text(max_size=40),
    page_id=st.text(min_size=1, max_size=50).filter(
        lambda s: "/" not in s and "?" not in s and "#" not in s
    ),
)
def test_any_input_gets_an_answer_never_a_server_error(page_size, since, page_id):
    session = _shared_session()
    headers = {}
    if since.isprintable() and since.isascii() and since.strip() == since:
        headers["If-Modified-Since"] = since
    for path in ("/api/v1/feed", f"/api/v1/feed/{page_id}", f"/api/v1/feedentry/{page_id}"):
        response = session.get(f"{BASE}{path}", params={"pageSize": page_size}, headers=headers)
        assert response.status_code in (200, 304, 400, 404), (path, response.text)
