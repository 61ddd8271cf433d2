"""The world: same inputs give the same bytes, however it was built; realistic values."""

from __future__ import annotations

import re

import pytest

from jobfakes.core.config import Config
from jobfakes.world import history
from jobfakes.world.vocab import nav_vocabulary
from tests.conftest import BASE, inprocess, walk


def _snapshot(config: Config) -> tuple[bytes, bytes]:
    _, session = inprocess(config)
    ads = session.get(f"{BASE}/__admin/ads").content
    pages = walk(session, BASE, page_size=5000)
    return ads, repr(pages).encode()


def test_parallel_build_equals_sequential_build(monkeypatch):
    config = Config(seed=5, ads=2600)
    parallel = _snapshot(config)
    monkeypatch.setattr(history, "PARALLEL_FROM", 10**9)
    assert _snapshot(config) == parallel


def test_different_seeds_differ():
    assert _snapshot(Config(seed=1, ads=50)) != _snapshot(Config(seed=2, ads=50))


@pytest.mark.jobfakes(ads=800)
def test_values_are_realistic(navfeed_inprocess):
    fake = navfeed_inprocess
    vocab = nav_vocabulary()
    municipalities = {m for names in vocab.counties.values() for m in names}
    seen_sources, seen_counties = set(), set()
    for ad in fake.admin.ads("ACTIVE")[:150]:
        content = fake.session.get(fake.url(f"/api/v1/feedentry/{ad['uuid']}")).json()["ad_content"]
        for place in content["workLocations"]:
            assert place["county"] in vocab.counties
            assert place["municipal"] in municipalities
            assert place["municipal"] in vocab.counties[place["county"]]
            assert re.fullmatch(r"\d{4}", place["postalCode"]) and place["city"].isupper()
            seen_counties.add(place["county"])
        assert content["description"].startswith("<p>") and "<li>" in content["description"]
        assert content["engagementtype"] and content["starttime"] and content["applicationDue"]
        for contact in content["contactList"]:
            assert contact["name"] and " " in contact["name"]
            assert contact["email"] is None or "@" in contact["email"]
        assert {c["categoryType"] for c in content["categoryList"]} >= {"STYRK08", "STYRK08NAV"}
        seen_sources.add(content["source"])
    assert len(seen_counties) >= 8 and len(seen_sources) >= 3


def test_vocabulary_has_every_current_county_and_municipality():
    counties = nav_vocabulary().counties
    assert len(counties) == 15 and "HERØY (NORDLAND)" in counties["NORDLAND"]
    assert sum(len(m) for m in counties.values()) == 357
