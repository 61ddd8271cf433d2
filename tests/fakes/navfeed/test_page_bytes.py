"""A feed page is joined from its lines' cached bytes; for any page, before and after the world
changes, the body is exactly the canonical encoding of the page as a whole."""

from __future__ import annotations

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jobfakes.fakes.navfeed import serialize
from jobfakes.fakes.navfeed.backend import NavFeedBackend
from jobfakes.fakes.navfeed.params import PageQuery

from jobfakes.core.app import runtime
from jobfakes.core.config import Config
from tests.conftest import BASE, inprocess

APP, SESSION = inprocess(Config(seed=9, ads=150, clock="frozen", fakes=("navfeed",)))


def _page_ids() -> list[str]:
    """Every page id of the feed: any event starts a page."""
    ids, url = [], f"{BASE}/api/v1/feed?pageSize=1"
    while True:
        page = SESSION.get(url).json()
        ids.append(page["id"])
        if not page["next_id"]:
            return ids
        url = f"{BASE}{page['next_url']}?pageSize=1"


PAGE_IDS = _page_ids()
ADS = sorted(
    {line["id"] for line in SESSION.get(f"{BASE}/api/v1/feed?pageSize=1000").json()["items"]}
)


def _whole(page_id: str, size: int) -> bytes:
    """The page built as one dict and encoded at once, as before the line cache."""
    with APP.app_context():
        page = NavFeedBackend(runtime()).feed_page(page_id, PageQuery(size, None, None))
    assert page is not None
    return orjson.dumps(serialize.feed_page(page))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PAGE_IDS), st.integers(1, 120), st.none() | st.sampled_from(ADS))
def test_a_page_body_is_the_whole_page_encoded(page_id: str, size: int, stop: str | None) -> None:
    if stop is not None:  # a stop adds a masked line; the lines cached before stay as they were
        SESSION.post(f"{BASE}/__admin/ads/{stop}/stop")
    answer = SESSION.get(f"{BASE}/api/v1/feed/{page_id}?pageSize={size}")
    assert answer.status_code == 200
    assert answer.content == _whole(page_id, size)
    assert answer.json()["id"] == page_id and 1 <= len(answer.json()["items"]) <= max(size, 2)
