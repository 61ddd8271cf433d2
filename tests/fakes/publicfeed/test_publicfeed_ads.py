"""The public feed's pages over HTTP: shape, order, active ads only, paging, cap and clamp."""

from __future__ import annotations

import math
import re

import pytest
import requests
from conftest import ADS, get, page, truth, uuids, world

from jobfakes.world.times import iso_utc

ROOT_KEYS = [
    "content", "totalElements", "pageNumber", "pageSize", "totalPages", "first", "last", "sort",
]  # fmt: skip
AD_KEYS = [
    "uuid", "published", "expires", "updated", "workLocations", "title", "description",
    "sourceurl", "source", "applicationUrl", "applicationDue", "occupationCategories",
    "jobtitle", "link", "employer", "engagementtype", "extent", "starttime", "positioncount",
    "sector",
]  # fmt: skip
UTC_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")


def test_page_shape_key_order_and_projection(publicfeed_inprocess):
    fake = publicfeed_inprocess
    response = get(fake, size=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    body = response.json()
    assert list(body) == ROOT_KEYS
    assert body["sort"] == "published:desc"
    expected = truth(fake)[:5]
    assert [ad["uuid"] for ad in body["content"]] == [ad["uuid"] for ad in expected]
    for ad, source in zip(body["content"], expected, strict=True):
        assert list(ad) == AD_KEYS
        for key in ("published", "expires", "updated"):
            assert UTC_Z.fullmatch(ad[key]) and ad[key] == iso_utc(source[key])
        assert [list(loc) for loc in ad["workLocations"]] == [
            ["country", "address", "city", "postalCode", "county", "municipal"]
        ] * len(source["locations"])
        assert ad["workLocations"][0]["municipal"] == source["locations"][0]["municipal"]
        assert ad["title"] == source["title"]
        assert ad["description"] == source["adtext"]
        assert ad["applicationDue"] == source["applicationDue"]
        assert ad["occupationCategories"] == [
            {"level1": o["level1"], "level2": o["level2"]} for o in source["occupationCategories"]
        ]
        assert ad["employer"] == {
            "name": source["businessName"],
            "orgnr": source["employer"]["orgnr"],
            "description": source["employer"]["description"],
            "homepage": source["employer"]["homepage"],
        }
        assert isinstance(ad["positioncount"], str)
        assert ad["positioncount"] == source["positioncount"]
        assert ad["extent"] in ("Heltid", "Deltid")
        assert ad["link"] == f"https://publicfeed.inprocess/stillinger/stilling/{ad['uuid']}"


def test_same_uuid_and_content_as_the_job_vacancy_feed(publicfeed_inprocess):
    fake = publicfeed_inprocess
    ad = page(fake, size=1)["content"][0]
    token = fake.admin.mint_token("navfeed")
    entry = fake.session.get(
        fake.url(f"/api/v1/feedentry/{ad['uuid']}"), headers={"Authorization": f"Bearer {token}"}
    ).json()["ad_content"]
    for key in ("uuid", "title", "description", "source", "jobtitle", "sector", "starttime"):
        assert ad[key] == entry[key]
    assert ad["employer"]["orgnr"] == entry["employer"]["orgnr"]


def test_link_is_https_on_the_request_host_without_port(publicfeed_fake):
    fake = publicfeed_fake
    ad = page(fake, size=1)["content"][0]
    assert ad["link"] == f"https://127.0.0.1/stillinger/stilling/{ad['uuid']}"
    other = fake.session.get(
        fake.url(ADS), params={"size": 1}, headers={"Host": "arbeidsplassen.nav.no:8443"}
    ).json()["content"][0]
    assert other["link"] == f"https://arbeidsplassen.nav.no/stillinger/stilling/{ad['uuid']}"


def test_every_active_ad_once_newest_published_first(publicfeed_inprocess):
    fake = publicfeed_inprocess
    expected = [ad["uuid"] for ad in truth(fake)]
    assert uuids(fake) == expected
    assert page(fake)["totalElements"] == len(expected)
    inactive = {row[0] for row in world(fake).store.ground_truth("INACTIVE")}
    assert inactive and not inactive & set(expected)


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("Deltid", "Deltid"), ("deltid", "Deltid"), ("Heltid_og_Deltid", "Heltid"), ("", "Heltid")],
)
def test_extent_is_never_null(publicfeed_inprocess, stored, shown):
    fake = publicfeed_inprocess
    ad = truth(fake)[0]
    fake.admin.update_ad(ad["uuid"], extent=stored, positioncount="12")
    found = page(fake, uuid=ad["uuid"])["content"][0]
    assert found["extent"] == shown
    assert found["positioncount"] == "12"


def test_stopped_and_expired_ads_are_gone(publicfeed_inprocess):
    fake = publicfeed_inprocess
    ads = truth(fake)
    stopped = ads[0]["uuid"]
    fake.admin.stop_ad(stopped)
    assert page(fake, uuid=stopped)["totalElements"] == 0
    soonest = min((a for a in ads[1:] if a["expires"]), key=lambda a: a["expires"])
    assert page(fake, uuid=soonest["uuid"])["totalElements"] == 1
    fake.admin.set_clock(iso_utc(soonest["expires"] - 1))
    assert page(fake, uuid=soonest["uuid"])["totalElements"] == 1
    fake.admin.set_clock(iso_utc(soonest["expires"]))
    assert page(fake, uuid=soonest["uuid"])["totalElements"] == 0
    assert soonest["uuid"] not in uuids(fake)
    # Five days on, new ads fill the feed past its cap of 5000.
    assert uuids(fake) == [ad["uuid"] for ad in truth(fake)][:5000]


def test_a_new_ad_comes_first(publicfeed_inprocess):
    fake = publicfeed_inprocess
    fake.admin.advance("PT1M")
    created = fake.admin.create_ad(title="Helt ny stilling")
    first = page(fake, size=1)["content"][0]
    assert first["uuid"] == created["uuid"] and first["title"] == "Helt ny stilling"


@pytest.mark.parametrize(
    ("size", "shown"),
    [(None, 20), ("1", 1), ("0", 1), ("-10", 1), ("100", 100), ("101", 100), ("2147483647", 100)],
)
def test_size_default_and_clamp(publicfeed_inprocess, size, shown):
    body = page(publicfeed_inprocess, **({"size": size} if size else {}))
    assert body["pageSize"] == shown
    assert len(body["content"]) == shown
    assert body["totalPages"] == math.ceil(body["totalElements"] / shown)


def test_pages_follow_on_and_mark_first_and_last(publicfeed_inprocess):
    fake = publicfeed_inprocess
    expected = [ad["uuid"] for ad in truth(fake)]
    first = page(fake, size=30, page=0)
    assert first["first"] and not first["last"] and first["pageNumber"] == 0
    second = page(fake, size=30, page=1)
    assert [a["uuid"] for a in second["content"]] == expected[30:60]
    assert not second["first"]
    last_number = first["totalPages"] - 1
    last = page(fake, size=30, page=last_number)
    assert last["last"] and [a["uuid"] for a in last["content"]] == expected[last_number * 30 :]
    assert page(fake, size=30, page=-10)["pageNumber"] == 0


def test_empty_result(publicfeed_inprocess):
    body = page(publicfeed_inprocess, source="NO_SUCH_SOURCE")
    assert body["content"] == []
    assert (body["totalElements"], body["totalPages"], body["first"], body["last"]) == (
        0,
        0,
        True,
        True,
    )


@pytest.mark.jobfakes(publicfeed_cap=100)
def test_cap_and_the_page_clamp_quirk(publicfeed_inprocess):
    fake = publicfeed_inprocess
    expected = [ad["uuid"] for ad in truth(fake)]
    assert len(expected) > 140
    body = page(fake, size=10, page=0)
    assert (body["totalElements"], body["totalPages"]) == (100, 10)
    assert page(fake, size=10, page=9)["last"]
    # The page fetched is clamped to 0..cap/size, the page reported to 0..cap/size-1: so
    # page 10 (and any page above) returns hits 101-110 while reporting page 9.
    for number in (10, 11, 2_000_000):
        past = page(fake, size=10, page=number)
        assert past["pageNumber"] == 9 and past["last"] and not past["first"]
        assert [a["uuid"] for a in past["content"]] == expected[100:110]
    assert len(uuids(fake)) == 100  # a client that stops at `last` sees the cap only
    # Filters narrow the hits below the cap: all of them are reachable.
    oslo = [a["uuid"] for a in truth(fake) if any(p["county"] == "OSLO" for p in a["locations"])]
    assert len(oslo) < 100 and uuids(fake, county="OSLO") == oslo


@pytest.mark.jobfakes(publicfeed_cap=1000)
def test_cap_from_the_serve_option_shapes_the_totals(publicfeed_inprocess):
    body = page(publicfeed_inprocess, size=100, page=99)
    active = len(truth(publicfeed_inprocess))
    assert body["totalElements"] == min(active, 1000)
    assert body["pageNumber"] == 9 and body["last"]


def test_unknown_routes_and_methods_are_bare_404(publicfeed_inprocess):
    fake = publicfeed_inprocess
    for response in (
        fake.session.get(fake.url("/public-feed/api/v2/ads")),
        fake.session.post(fake.url(ADS)),
    ):
        assert response.status_code == 404
        assert response.content == b""


def test_probes_and_contract_are_open(publicfeed_inprocess):
    fake = publicfeed_inprocess
    plain = requests.Session()
    plain.adapters = fake.session.adapters
    assert plain.get(fake.url("/public-feed/internal/isAlive")).text == "I'm alive!"
    assert plain.get(fake.url("/public-feed/internal/isReady")).text == "Ready"
    contract = plain.get(fake.url("/public-feed/swagger/api/public-feed-api.yaml"))
    assert contract.status_code == 200 and "/public-feed/api/v1/ads" in contract.text


def test_requests_are_journalled_under_the_fake(publicfeed_inprocess):
    fake = publicfeed_inprocess
    fake.admin.clear_requests()
    page(fake, size=3)
    get(fake, size="x")
    journal = fake.admin.requests()
    assert [(e["status"], e.get("fake")) for e in journal] == [
        (200, "publicfeed"),
        (400, "publicfeed"),
    ]


@pytest.mark.jobfakes(publicfeed_cap=100)
def test_a_page_size_that_does_not_divide_the_cap(publicfeed_inprocess):
    fake = publicfeed_inprocess
    expected = [ad["uuid"] for ad in truth(fake)]
    body = page(fake, size=30, page=3)  # 4 pages of the 100 hits; reported clamp is 0..2
    assert (body["totalPages"], body["pageNumber"], body["last"]) == (4, 2, False)
    assert [a["uuid"] for a in body["content"]] == expected[90:120]
    assert page(fake, size=30, page=4)["content"] == body["content"]
