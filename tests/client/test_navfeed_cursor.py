"""Resuming a feed walk by assigning a saved cursor (issue 16: it used to be ignored)."""

from __future__ import annotations

import pytest

from jobfakes.client import NavFeedClient


def _client(fake):
    return NavFeedClient(fake.base_url, fake.token, session=fake.session, page_size=40)


@pytest.mark.parametrize("form", ["dict", "cursor"])
def test_an_assigned_cursor_is_where_the_next_walk_starts(navfeed_inprocess, form):
    everything = list(_client(navfeed_inprocess).lines())
    first = _client(navfeed_inprocess)
    head = next(first.pages())
    saved = first.cursor.to_dict()  # e.g. kept in a database between runs
    resumed = _client(navfeed_inprocess)
    resumed.cursor = saved if form == "dict" else first.cursor
    rest = list(resumed.lines())
    assert head + rest == everything and rest


def test_a_second_walk_goes_on_from_where_the_first_ended(navfeed_inprocess):
    client = _client(navfeed_inprocess)
    assert list(client.lines())
    assert list(client.lines()) == []  # nothing new: the feed's 304
    ad = navfeed_inprocess.admin.ads("ACTIVE")[0]
    navfeed_inprocess.admin.update_ad(ad["uuid"], title="Ny tittel")
    assert [line["title"] for line in client.lines()] == ["Ny tittel"]
