"""Issue 14, items 1-9 and 12: the Job Vacancy Feed held against pam-stilling-feed's source
(mapper, router, If-Modified-Since parser, content types, gzip, HEAD, fallbacks, `kid`)."""

from __future__ import annotations

import gzip
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from jobfakes.fakes.navfeed import rfc1123

from jobfakes.core.auth import consumer_id
from jobfakes.world.times import OSLO, from_datetime, rfc1123_java

FEED = "/api/v1/feed"


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def first_active_ad(fake) -> dict:
    for line in fake.session.get(fake.url(FEED), params={"pageSize": 50}).json()["items"]:
        entry = fake.session.get(fake.url(line["url"])).json()
        if "ad_content" in entry:
            return entry
    raise AssertionError("no active ad on the first page")


# ---- 1. employer name: businessName ?: employer.name ?: "" -------------------------------
def test_employer_name_is_the_ads_business_name(navfeed_inprocess):
    fake = navfeed_inprocess
    entry = first_active_ad(fake)
    truth = fake.admin._call("GET", f"/ads/{entry['uuid']}")
    assert truth["businessName"] != truth["employer"]["name"]  # the world keeps both
    assert entry["ad_content"]["employer"]["name"] == truth["businessName"]
    assert entry["ad_content"]["employer"]["orgnr"] == truth["employer"]["orgnr"]


def test_an_empty_business_name_is_kept_not_replaced_by_the_employer(navfeed_inprocess):
    fake = navfeed_inprocess
    entry = first_active_ad(fake)
    fake.admin.update_ad(entry["uuid"], businessName="")
    after = fake.session.get(fake.url(f"/api/v1/feedentry/{entry['uuid']}")).json()
    assert after["ad_content"]["employer"]["name"] == ""  # Kotlin's ?: only skips null


def test_a_missing_business_name_falls_back_to_the_employer_then_to_empty(navfeed_inprocess):
    # The admin API cannot store a null businessName, so the mapping is read directly here.
    from jobfakes.fakes.navfeed.serialize import ad_content

    ad = navfeed_inprocess.app.extensions["jobfakes"].world.ad(
        first_active_ad(navfeed_inprocess)["uuid"]
    )
    assert ad_content({**ad, "businessName": None})["employer"]["name"] == ad["employer"]["name"]
    nameless = {**ad, "businessName": None, "employer": {**ad["employer"], "name": None}}
    assert ad_content(nameless)["employer"]["name"] == ""
    assert ad_content({**ad, "positioncount": ""})["positioncount"] == ""  # ?: "1" skips only null


# ---- 2. unknown routes ------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/nothing", "/robots.txt", "/", "/v1/feed"])
def test_unknown_routes_are_javalins_endpoint_not_found(navfeed_inprocess, path):
    response = navfeed_inprocess.session.get(navfeed_inprocess.url(path))
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "title": f"Endpoint GET {path} not found",
        "status": 404,
        "type": "https://javalin.io/documentation#endpointnotfound",
        "details": {},
    }


# ---- 3. trailing slashes ----------------------------------------------------------------
def test_trailing_slashes_are_ignored_as_javalin_does(navfeed_inprocess):
    fake = navfeed_inprocess
    plain = fake.session.get(fake.url(FEED), params={"pageSize": 3})
    slashed = fake.session.get(fake.url(FEED + "/"), params={"pageSize": 3})
    assert slashed.status_code == 200 and slashed.json() == plain.json()
    page_id, line = plain.json()["next_id"], plain.json()["items"][0]
    page = fake.session.get(fake.url(f"{FEED}/{page_id}/"), params={"pageSize": 3})
    assert page.status_code == 200 and page.json()["id"] == page_id
    entry = fake.session.get(fake.url(line["url"] + "/"))
    assert entry.status_code == 200 and entry.json()["uuid"] == line["id"]
    token = fake.session.get(fake.url("/api/publicToken/"))
    assert token.status_code == 200 and token.text.startswith("Current public token")


# ---- 4. If-Modified-Since, as Java's RFC_1123_DATE_TIME parses it --------------------------
def _start(fake, ims: str | None) -> str:
    headers = {"If-Modified-Since": ims} if ims is not None else {}
    response = fake.session.get(fake.url(FEED), params={"pageSize": 2}, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def _middle_instant(fake) -> datetime:
    items = fake.session.get(fake.url(FEED), params={"pageSize": 40}).json()["items"]
    moment = datetime.fromisoformat(items[20]["date_modified"]).astimezone(UTC)
    return moment.replace(microsecond=0)


def _bad_forms(moment: datetime) -> list[str]:
    gmt = moment.strftime("%a, %d %b %Y %H:%M:%S")
    wrong_day = (moment + timedelta(days=1)).strftime("%a") + moment.strftime(", %d %b %Y %X")
    oslo = moment.astimezone(OSLO)
    return [
        f"{gmt} UTC",
        f"{gmt} Z",
        f"{wrong_day} GMT",
        moment.strftime("%A, %d-%b-%y %H:%M:%S GMT"),  # RFC 850
        moment.strftime("%a %b %e %H:%M:%S %Y"),  # asctime
        oslo.strftime("%a, %d %b %Y %H:%M:%S ") + oslo.strftime("%z")[:3] + ":00",  # +01:00
        moment.isoformat(),
    ]


def test_if_modified_since_in_forms_java_refuses_is_ignored(navfeed_inprocess):
    fake = navfeed_inprocess
    oldest, moment = _start(fake, None), _middle_instant(fake)
    good = _start(fake, moment.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    assert good != oldest  # a valid header moves the start
    for form in _bad_forms(moment):
        assert _start(fake, form) == oldest, form


def test_if_modified_since_in_forms_java_takes(navfeed_inprocess):
    fake = navfeed_inprocess
    moment = _middle_instant(fake)
    expected = _start(fake, moment.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    oslo = moment.astimezone(OSLO)
    for form in (
        rfc1123_java(from_datetime(moment)),  # what Last-Modified carries
        moment.strftime("%d %b %Y %H:%M:%S GMT"),  # no weekday
        moment.strftime("%a, %d %b %Y %H:%M:%S gmt").upper(),  # any case
        oslo.strftime("%a, %-d %b %Y %H:%M:%S %z"),
    ):
        assert _start(fake, form) == expected, form


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)))
def test_what_the_feed_writes_as_last_modified_it_reads_back(moment):
    instant = from_datetime(moment.replace(tzinfo=UTC, microsecond=0))
    assert rfc1123.parse(rfc1123_java(instant)) == instant
    assert rfc1123.parse(rfc1123_java(instant).replace(",", "")) is None


def test_a_day_past_the_months_end_is_its_last_day_and_a_wrong_weekday_fails():
    assert rfc1123.parse("31 Apr 2024 00:00 GMT") == rfc1123.parse("30 Apr 2024 00:00:00 GMT")
    assert rfc1123.parse("Tue, 30 Apr 2024 00:00 GMT") is not None
    assert rfc1123.parse("Wed, 30 Apr 2024 00:00 GMT") is None
    assert rfc1123.parse("Tue, 30 Apr 2024 24:00 GMT") is None
    assert rfc1123.parse("Tue, 30 Apr 2024 10:00 +1900") is None


# ---- 5. content types -------------------------------------------------------------------
def test_content_types_as_javalin_sets_them(navfeed_inprocess):
    fake = navfeed_inprocess
    missing = fake.session.get(fake.url(f"/api/v1/feedentry/{uuid.UUID(int=1)}"))
    assert missing.status_code == 404 and missing.content == b""
    assert missing.headers["Content-Type"] == "application/json"
    browser = fake.session.get(
        fake.url(FEED), headers={"Accept": "text/html,*/*", "Authorization": "Bearer x"}
    )
    assert browser.status_code == 401 and browser.text == "Unauthorized"
    assert browser.headers["Content-Type"] == "text/html"
    bad = fake.session.get(fake.url(FEED), params={"pageSize": 10001})
    assert bad.status_code == 400 and bad.headers["Content-Type"] == "text/plain"
    token = fake.session.get(fake.url("/api/publicToken"))
    assert token.headers["Content-Type"] == "text/plain"


# ---- 6. gzip ----------------------------------------------------------------------------
def test_pages_of_1500_bytes_or_more_are_gzipped_and_keep_their_etag(navfeed_fake):
    fake = navfeed_fake
    plain = fake.session.get(fake.url(FEED), params={"pageSize": 20}, stream=True)
    raw_plain = plain.raw.read(decode_content=False)
    zipped = fake.session.get(
        fake.url(FEED), params={"pageSize": 20}, headers={"Accept-Encoding": "gzip"}, stream=True
    )
    raw_zipped = zipped.raw.read(decode_content=False)
    assert (
        "Content-Encoding"
        not in fake.session.get(
            fake.url(FEED), params={"pageSize": 20}, headers={"Accept-Encoding": "identity"}
        ).headers
    )
    assert plain.headers["Content-Encoding"] == "gzip"  # requests asks for gzip by default
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(raw_zipped) == gzip.decompress(raw_plain)
    assert len(gzip.decompress(raw_zipped)) > max(1500, len(raw_zipped))
    assert int(zipped.headers["Content-Length"]) == len(raw_zipped)
    assert "Vary" not in zipped.headers
    identity = fake.session.get(
        fake.url(FEED), params={"pageSize": 20}, headers={"Accept-Encoding": "identity"}
    )
    assert identity.headers["ETag"] == zipped.headers["ETag"]
    assert identity.content == gzip.decompress(raw_zipped)
    again = fake.session.get(
        fake.url(FEED),
        params={"pageSize": 20},
        headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]},
    )
    assert again.status_code == 304


def test_bodies_under_1500_bytes_and_q_values_are_not_gzipped(navfeed_fake):
    fake = navfeed_fake
    small = fake.session.get(fake.url(FEED), params={"pageSize": 1})
    assert len(small.content) < 1500 and "Content-Encoding" not in small.headers
    # Javalin looks for the bare name: `gzip;q=1.0` is not it
    weighted = fake.session.get(
        fake.url(FEED), params={"pageSize": 20}, headers={"Accept-Encoding": "gzip;q=1.0"}
    )
    assert "Content-Encoding" not in weighted.headers and weighted.json()["items"]


def test_the_reference_client_reads_gzipped_pages(navfeed_fake):
    from jobfakes.client.navfeed import NavFeedClient

    client = NavFeedClient(navfeed_fake.base_url, navfeed_fake.token, page_size=50)
    lines = [line for _, line in zip(range(120), client.lines(), strict=False)]
    assert len(lines) == 120 and all(line["url"].startswith("/api/v1/feedentry/") for line in lines)


# ---- 7. HEAD ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", [FEED, f"{FEED}/{uuid.UUID(int=7)}", f"/api/v1/feedentry/{uuid.UUID(int=7)}"]
)
def test_head_is_an_empty_200_without_the_access_check(navfeed_inprocess, path):
    response = requests.Session()
    response.adapters = navfeed_inprocess.session.adapters
    answer = response.head(navfeed_inprocess.url(path))  # no token at all
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["Content-Type"] == "application/json"


# ---- 8. fallbacks: "?" only for null ------------------------------------------------------
def test_empty_title_and_business_name_stay_empty_in_feed_lines(navfeed_inprocess):
    fake = navfeed_inprocess
    ad = fake.admin.create_ad(title="", businessName="")
    last = fake.session.get(fake.url(FEED), params={"last": ""}).json()["items"][-1]
    assert last["id"] == ad["uuid"]
    assert last["title"] == "" and last["_feed_entry"]["title"] == ""
    assert last["_feed_entry"]["businessName"] == ""


# ---- 9. kid -----------------------------------------------------------------------------
def test_kid_is_the_consumers_uuid(navfeed_inprocess):
    fake = navfeed_inprocess
    minted = claims(fake.admin.mint_token("navfeed", subject="someone@example.com"))
    assert minted["kid"] == consumer_id("someone@example.com")
    assert str(uuid.UUID(minted["kid"])) == minted["kid"]
    again = claims(fake.admin.mint_token("navfeed", subject="someone@example.com"))
    assert again["kid"] == minted["kid"]  # one consumer, one id
    public = claims(fake.session.get(fake.url("/api/publicToken")).text.splitlines()[1])
    assert str(uuid.UUID(public["kid"])) == public["kid"] != minted["kid"]
    assert fake.session.get(fake.url(FEED), params={"pageSize": 1}).status_code == 200


# ---- 12. status lines as Jetty writes them --------------------------------------------------
def test_status_lines_carry_jettys_reason_phrases(navfeed_fake):
    fake = navfeed_fake
    ok = fake.session.get(fake.url(FEED), params={"pageSize": 1})
    assert (ok.status_code, ok.reason) == (200, "OK")
    cases = [
        (fake.session.get(fake.url(FEED), params={"pageSize": 10001}), 400, "Bad Request"),
        (requests.get(fake.url(FEED)), 401, "Unauthorized"),
        (fake.session.get(fake.url("/nothing")), 404, "Not Found"),
        (fake.session.get(fake.url(f"{FEED}/{uuid.UUID(int=3)}")), 404, "Not Found"),
        (
            fake.session.get(fake.url(FEED), params={"pageSize": 1},
                             headers={"If-None-Match": ok.headers["ETag"]}),
            304,
            "Not Modified",
        ),
    ]  # fmt: skip
    for response, status, reason in cases:
        assert (response.status_code, response.reason) == (status, reason)
