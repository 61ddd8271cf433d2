"""`/api/v1/feedentry/{uuid}` and `/api/publicToken`."""

from __future__ import annotations

import re

import jwt

from tests.conftest import first_page_status


def _to_millis(stamp: str) -> str:
    """An ISO date-time cut to milliseconds, trailing zeros trimmed, as Java prints it."""
    match = re.fullmatch(r"(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)", stamp)
    assert match, stamp
    fraction = (match[2] or "")[:3].rstrip("0")
    return f"{match[1]}{'.' + fraction if fraction else ''}{match[3]}"


def test_sist_endret_is_updated_cut_to_milliseconds_and_published_a_whole_second(
    navfeed_inprocess,
):
    fake = navfeed_inprocess
    entries = [
        fake.session.get(fake.url(f"/api/v1/feedentry/{ad['uuid']}")).json()
        for ad in fake.admin.ads("ACTIVE")[:60]
    ]
    for entry in entries:
        content = entry["ad_content"]
        assert entry["sistEndret"] == _to_millis(content["updated"])
        assert re.fullmatch(r".*T\d\d:\d\d:\d\d\+0[12]:00", content["published"])
        assert content["updated"] > content["published"]
    assert sum(len(e["ad_content"]["updated"]) > len(e["sistEndret"]) for e in entries) > 30


def test_active_entry_shape(navfeed_inprocess):
    fake = navfeed_inprocess
    ad = fake.admin.ads("ACTIVE")[0]
    entry = fake.session.get(fake.url(f"/api/v1/feedentry/{ad['uuid']}")).json()
    assert list(entry) == ["uuid", "ad_content", "sistEndret", "status"]
    assert entry["status"] == "ACTIVE" and _to_millis(ad["updated"]) == entry["sistEndret"]
    content = entry["ad_content"]
    assert list(content) == [
        "uuid",
        "published",
        "expires",
        "updated",
        "workLocations",
        "contactList",
        "title",
        "description",
        "sourceurl",
        "source",
        "applicationUrl",
        "applicationDue",
        "occupationCategories",
        "categoryList",
        "jobtitle",
        "link",
        "employer",
        "engagementtype",
        "extent",
        "starttime",
        "positioncount",
        "sector",
    ]
    assert content["link"] == f"https://arbeidsplassen.nav.no/stillinger/stilling/{ad['uuid']}"
    assert content["extent"] in ("Heltid", "Deltid")
    assert isinstance(content["positioncount"], str)
    assert content["sector"] in ("Privat", "Offentlig")
    types = [c["categoryType"] for c in content["categoryList"]]
    assert types == sorted(types) and all(c["description"] == "" for c in content["categoryList"])
    assert list(content["employer"]) == ["name", "orgnr", "description", "homepage"]
    for location in content["workLocations"]:
        assert list(location) == ["country", "address", "city", "postalCode", "county", "municipal"]
    levels = [o["level1"] for o in content["occupationCategories"]]
    assert levels == sorted(levels)


def test_orgnr_has_valid_mod11_check_digit(navfeed_inprocess):
    fake = navfeed_inprocess
    for ad in fake.admin.ads("ACTIVE")[:60]:
        content = fake.session.get(fake.url(f"/api/v1/feedentry/{ad['uuid']}")).json()
        orgnr = content["ad_content"]["employer"]["orgnr"]
        digits = [int(d) for d in orgnr]
        check = 11 - sum(d * w for d, w in zip(digits, (3, 2, 7, 6, 5, 4, 3, 2), strict=False)) % 11
        assert len(orgnr) == 9 and digits[8] == (0 if check == 11 else check)


def test_inactive_entry_has_no_ad_content(navfeed_inprocess):
    fake = navfeed_inprocess
    ad = fake.admin.ads("INACTIVE")[0]
    entry = fake.session.get(fake.url(f"/api/v1/feedentry/{ad['uuid']}")).json()
    assert list(entry) == ["uuid", "sistEndret", "status"]
    assert entry["status"] == "INACTIVE"


def test_stopping_removes_ad_content_at_once(navfeed_inprocess):
    fake = navfeed_inprocess
    ad = fake.admin.ads("ACTIVE")[3]
    fake.admin.stop_ad(ad["uuid"])
    entry = fake.session.get(fake.url(f"/api/v1/feedentry/{ad['uuid']}")).json()
    assert "ad_content" not in entry and entry["status"] == "INACTIVE"


def test_unknown_and_malformed_entries(navfeed_inprocess):
    fake = navfeed_inprocess
    unknown = fake.session.get(fake.url("/api/v1/feedentry/0b9d2f61-0a51-4b7e-8f36-d1e2a1f0c001"))
    assert unknown.status_code == 404 and unknown.content == b""
    bad = fake.session.get(fake.url("/api/v1/feedentry/not-a-uuid"))
    assert bad.status_code == 400 and bad.text == "adUuid must be a UUID"


def test_public_token_is_two_lines_and_works(navfeed_inprocess):
    fake = navfeed_inprocess
    response = fake.session.get(fake.url("/api/publicToken"), headers={"Authorization": ""})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    heading, token = response.text.split("\n")
    assert heading == "Current public token for Nav Job Vacancy Feed:"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == "nav.team.arbeidsplassen@nav.no"
    assert claims["iss"] == "nav-no" and claims["aud"] == "feed-api-v2"
    assert claims["exp"] - claims["iat"] == 35 * 86400
    assert first_page_status(fake, f"Bearer {token}") == 200


def test_public_token_is_replaced_five_hours_after_expiry(navfeed_inprocess):
    fake = navfeed_inprocess
    before = fake.session.get(fake.url("/api/publicToken")).text.split("\n")[1]
    exp = jwt.decode(before, options={"verify_signature": False})["exp"]
    from datetime import UTC, datetime, timedelta

    fake.admin.set_clock((datetime.fromtimestamp(exp, UTC) + timedelta(hours=4)).isoformat())
    still = fake.session.get(fake.url("/api/publicToken")).text.split("\n")[1]
    assert still == before  # handed out although expired, as upstream does
    fake.admin.advance("PT2H")
    after = fake.session.get(fake.url("/api/publicToken")).text.split("\n")[1]
    assert after != before
