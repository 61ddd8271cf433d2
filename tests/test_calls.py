"""Call verification through the plugin's admin helper, over HTTP."""

from __future__ import annotations

import pytest

FEED = "/api/v1/feed"


def _some_calls(fake):
    fake.admin.clear_requests()
    page = fake.session.get(fake.url(FEED), params={"pageSize": 3}).json()
    fake.session.get(fake.url(page["next_url"]))
    for line in page["items"]:
        fake.session.get(fake.url(f"/api/v1/feedentry/{line['id']}"))
    fake.session.get(fake.url("/api/v1/feed/not-a-uuid"))
    return page


def test_requests_filters(navfeed_inprocess):
    fake = navfeed_inprocess
    _some_calls(fake)
    assert len(fake.admin.requests()) == 6
    assert len(fake.admin.requests(path="/api/v1/feedentry/*")) == 3
    assert [c["status"] for c in fake.admin.requests(path="/api/v1/feed/*")] == [200, 400]
    assert len(fake.admin.requests(status=400)) == 1
    assert len(fake.admin.requests(fake="navfeed", method="get")) == 6
    assert fake.admin.requests(method="POST") == []
    fake.admin.advance("PT1H")
    later = fake.admin.clock()
    fake.session.get(fake.url(FEED))
    assert [c["path"] for c in fake.admin.requests(since=later)] == [FEED]


def test_assert_called_counts_and_returns_the_calls(navfeed_inprocess):
    fake = navfeed_inprocess
    _some_calls(fake)
    calls = fake.admin.assert_called("/api/v1/feedentry/*", times=3, status=200)
    assert len(calls) == 3
    fake.admin.assert_called(FEED)
    fake.admin.assert_not_called("/api/v1/feedentry/*", status=500)


def test_a_failed_assertion_names_the_nearest_calls(navfeed_inprocess):
    fake = navfeed_inprocess
    _some_calls(fake)
    with pytest.raises(AssertionError) as failure:
        fake.admin.assert_called("/api/v1/feedentries/*", times=1)
    text = str(failure.value)
    assert "expected /api/v1/feedentries/* to be called 1 time(s), it was called 0" in text
    assert "nearest other calls:" in text and "GET /api/v1/feedentry/" in text
    with pytest.raises(AssertionError) as failure:
        fake.admin.assert_called("/api/v1/feedentry/*", times=2)
    assert "it was called 3 time(s)" in str(failure.value)
    with pytest.raises(AssertionError) as failure:
        fake.admin.assert_not_called("/api/v1/feed/*", status=400)
    assert "GET /api/v1/feed/not-a-uuid -> 400" in str(failure.value)


def test_calls_that_took_a_fault_are_found_by_its_id(navfeed_inprocess):
    fake = navfeed_inprocess
    fake.admin.add_fault("status", id="flaky", status=503, count=2)
    fake.admin.clear_requests()
    for _ in range(3):
        fake.session.get(fake.url(FEED))
    assert [c["status"] for c in fake.admin.assert_called(FEED, times=2, fault="flaky")] == [
        503,
        503,
    ]
