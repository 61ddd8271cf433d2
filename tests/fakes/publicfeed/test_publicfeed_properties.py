"""Random filter combinations against an oracle written from the service's rules (hypothesis):
the fake's hits, their order and their count are the oracle's."""

from __future__ import annotations

import re

import orjson
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.client.publicfeed import PUBLIC_TOKEN
from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.world.times import US, iso_utc

BASE = "http://properties.test"
ADS = "/public-feed/api/v1/ads"
STOP = {"og", "i", "av", "for", "med", "til", "på"}  # the stopwords these names contain


@pytest.fixture(scope="module")
def world():
    app = create_app(Config(seed=5, ads=400))
    session = requests.Session()
    session.mount(BASE, WSGIAdapter(app))
    session.headers["Authorization"] = f"Bearer {PUBLIC_TOKEN}"
    store = app.extensions["jobfakes"].world.store
    uuids = [row[0] for row in store.ground_truth("ACTIVE")]
    ads = sorted(
        (orjson.loads(doc) for doc in store.ad_docs(uuids).values()),
        key=lambda a: (-a["published"], a["uuid"]),
    )
    return session, ads


def _exact(us):
    return f"{iso_utc(us - us % US)[:19]}.{us % US:06d}Z"


def _words(text):
    return set(re.findall(r"\w+", text.lower())) - STOP


def _oracle(ads, county, municipal, source, negate, category, window):
    def keep(ad):
        places = [(p["county"], p["municipal"]) for p in ad["locations"]]
        if (county or municipal) and not any(
            (not county or c in county) and (not municipal or m in municipal) for c, m in places
        ):
            return False
        if source and (ad["source"] in source) == negate:
            return False
        if source and not negate and len(set(source)) > 1:
            return False
        names = " ".join(f"{o['level1']} {o['level2']}" for o in ad["occupationCategories"])
        if category and not _words(category) & _words(names):
            return False
        low, high = window
        return low <= ad["published"] < high

    return [ad["uuid"] for ad in ads if keep(ad)]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_filters_match_the_oracle(world, data):
    session, ads = world
    counties = sorted({p["county"] for a in ads for p in a["locations"]})
    municipals = sorted({p["municipal"] for a in ads for p in a["locations"]})
    sources = sorted({a["source"] for a in ads})
    level1 = sorted({o["level1"] for a in ads for o in a["occupationCategories"]})

    def some(values):  # absent two times in three, else one or two values
        return st.sampled_from([0, 0, 1]).flatmap(
            lambda on: st.lists(st.sampled_from(values), min_size=on, max_size=2 * on)
        )

    county = data.draw(some(counties))
    municipal = data.draw(some(municipals))
    source = data.draw(some(sources))
    negate = data.draw(st.booleans())
    category = data.draw(st.sampled_from([None, None, *level1]))
    n = len(ads)
    a = data.draw(st.integers(0, n // 2))
    b = data.draw(st.integers(min(a + n // 4, n - 1), n - 1))
    low, high = ads[b]["published"], ads[a]["published"]
    window = f"[{_exact(low)},{_exact(high)})"
    params = {"published": window, "size": 100}
    if county:
        params["county"] = ",".join(c.lower() for c in county)
    if municipal:
        params["municipal"] = ",".join(municipal)
    if source:
        params["source"] = ("!" if negate else "") + ",".join(source)
    if category:
        params["category"] = category
    found, total = _fetch(session, params)
    expected = _oracle(ads, county, municipal, source, negate, category, (low, high))
    assert found == expected
    assert total == len(expected)


def _fetch(session, params):
    """Every uuid of a filter set, and the reported total."""
    found, number = [], 0
    while True:
        body = session.get(BASE + ADS, params={**params, "page": number}).json()
        found += [ad["uuid"] for ad in body["content"]]
        if body["last"]:
            return found, body["totalElements"]
        number += 1


@pytest.mark.parametrize("index", [0, 50, 150])
def test_the_oracle_agrees_on_filters_that_hit(world, index):
    session, ads = world
    ad = ads[index]
    county = [ad["locations"][0]["county"]]
    source = [ad["source"]]
    category = ad["occupationCategories"][0]["level1"]
    low, high = ads[index + 40]["published"], ads[max(index - 40, 0)]["published"] + 1
    params = {
        "published": f"[{_exact(low)},{_exact(high)})",
        "county": county[0],
        "source": source[0],
        "category": category,
        "size": 100,
    }
    found, total = _fetch(session, params)
    assert ad["uuid"] in found
    assert found == _oracle(ads, county, [], source, False, category, (low, high))
    assert total == len(found)
