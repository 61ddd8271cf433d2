"""The feed pages of the Job Vacancy Feed fake, over HTTP."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

import pytest

from tests.conftest import walk

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
ISO_OSLO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+0[12]:00")


def test_first_page_shape_and_key_order(navfeed_inprocess):
    response = navfeed_inprocess.session.get(
        navfeed_inprocess.url("/api/v1/feed"), params={"pageSize": 5}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    page = response.json()
    assert list(page) == [
        "version",
        "title",
        "home_page_url",
        "feed_url",
        "description",
        "next_url",
        "id",
        "next_id",
        "items",
    ]
    assert page["version"] == "1.0"
    assert page["title"] == "Stillingsfeeden fra arbeidsplassen.no"
    assert page["feed_url"] == f"/api/v1/feed/{page['id']}"
    assert page["next_url"] == f"/api/v1/feed/{page['next_id']}"
    assert len(page["items"]) == 5
    line = page["items"][0]
    assert list(line) == ["id", "url", "title", "content_text", "date_modified", "_feed_entry"]
    assert line["url"] == f"/api/v1/feedentry/{line['id']}"
    assert line["content_text"] == "Stillingsannonse"
    assert ISO_OSLO.fullmatch(line["date_modified"])
    entry = line["_feed_entry"]
    assert list(entry) == ["uuid", "status", "title", "businessName", "municipal", "sistEndret"]
    assert entry["uuid"] == line["id"] and entry["sistEndret"] == line["date_modified"]
    assert entry["status"] in ("ACTIVE", "INACTIVE")
    assert entry["municipal"].isupper()


def test_pages_overlap_by_one_line_and_etag_is_next_id(navfeed_inprocess):
    fake = navfeed_inprocess
    first = fake.session.get(fake.url("/api/v1/feed"), params={"pageSize": 10})
    second = fake.session.get(fake.url(first.json()["next_url"]), params={"pageSize": 10})
    assert first.headers["ETag"] == first.json()["next_id"]
    assert not first.headers["ETag"].startswith('"')
    assert second.json()["items"][0] == first.json()["items"][-1]
    assert second.json()["id"] == first.json()["next_id"]
    # The ETag is an event id, not the ad uuid the line carries.
    assert first.headers["ETag"] != first.json()["items"][-1]["id"]


def test_last_modified_is_oslo_rfc1123_with_numeric_offset(navfeed_inprocess):
    fake = navfeed_inprocess
    response = fake.session.get(fake.url("/api/v1/feed"), params={"pageSize": 3})
    header = response.headers["Last-Modified"]
    assert re.fullmatch(r"\w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0[12]00", header)
    last_line = response.json()["items"][-1]
    assert (
        parsedate_to_datetime(header).replace(microsecond=0).isoformat()[:19]
        == last_line["date_modified"][:19]
    )


def test_if_none_match_gives_304_with_headers(navfeed_inprocess):
    fake = navfeed_inprocess
    first = fake.session.get(fake.url("/api/v1/feed"), params={"pageSize": 10})
    again = fake.session.get(
        fake.url("/api/v1/feed"),
        params={"pageSize": 10},
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]
    other = fake.session.get(
        fake.url("/api/v1/feed"),
        params={"pageSize": 10},
        headers={"If-None-Match": f'"{first.headers["ETag"]}"'},
    )
    assert other.status_code == 200  # exact string comparison, as Javalin does


def test_walk_visits_every_event_once(navfeed_inprocess):
    pages = walk(navfeed_inprocess.session, navfeed_inprocess.base_url, page_size=200)
    lines = [pages[0]["items"][0]] + [line for p in pages for line in p["items"][1:]]
    events = [(line["id"], line["date_modified"]) for line in lines]
    assert len(set(events)) == len(events)
    ads = navfeed_inprocess.admin.ads()
    assert {line["id"] for line in lines} == {ad["uuid"] for ad in ads}
    assert pages[-1]["next_id"] is None and len(pages[-1]["items"]) <= 2


@pytest.mark.jobfakes(ads=2500)
def test_page_size_rules(navfeed_inprocess):
    fake = navfeed_inprocess
    get = fake.session.get
    default = get(fake.url("/api/v1/feed")).json()
    assert len(default["items"]) == 1000
    assert len(get(fake.url("/api/v1/feed"), params={"pageSize": "abc"}).json()["items"]) == 1000
    overflow = get(fake.url("/api/v1/feed"), params={"pageSize": "99999999999"})
    assert len(overflow.json()["items"]) == 1000  # not an Int: the default, as upstream
    one = get(fake.url("/api/v1/feed"), params={"pageSize": 1}).json()
    assert len(one["items"]) == 2 and one["next_id"] is None
    zero = get(fake.url("/api/v1/feed"), params={"pageSize": 0}).json()
    assert len(zero["items"]) == 1 and zero["next_id"] is None
    too_big = get(fake.url("/api/v1/feed"), params={"pageSize": 10001})
    assert too_big.status_code == 400
    assert too_big.text == "pageSize must be less than or equal to 10000"
    negative = get(fake.url("/api/v1/feed"), params={"pageSize": -1})
    assert negative.status_code == 400 and "pageSize" in negative.text


def test_last_param_gives_newest_page(navfeed_inprocess):
    fake = navfeed_inprocess
    for value in ("", "true", "false"):
        page = fake.session.get(fake.url(f"/api/v1/feed?last={value}")).json()
        assert len(page["items"]) == 1 and page["next_id"] is None and page["next_url"] is None
    pages = walk(fake.session, fake.base_url)
    assert page["items"][0] == pages[-1]["items"][-1]


def test_if_modified_since_chooses_start_and_filters(navfeed_inprocess):
    fake = navfeed_inprocess
    lines = [line for p in walk(fake.session, fake.base_url) for line in p["items"]]
    middle = lines[len(lines) // 2]
    moment = parsedate_to_datetime(
        format_datetime(__import__("datetime").datetime.fromisoformat(middle["date_modified"]))
    )
    since = format_datetime(moment)
    page = fake.session.get(
        fake.url("/api/v1/feed"), params={"pageSize": 50}, headers={"If-Modified-Since": since}
    ).json()
    first_time = __import__("datetime").datetime.fromisoformat(page["items"][0]["date_modified"])
    assert first_time > moment
    for line in page["items"]:
        assert __import__("datetime").datetime.fromisoformat(line["date_modified"]) >= moment


def test_if_modified_since_after_everything_is_404_empty(navfeed_inprocess):
    fake = navfeed_inprocess
    response = fake.session.get(
        fake.url("/api/v1/feed"), headers={"If-Modified-Since": "Fri, 1 Jan 2100 00:00:00 GMT"}
    )
    assert response.status_code == 404 and response.content == b""


def test_bad_if_modified_since_is_ignored(navfeed_inprocess):
    fake = navfeed_inprocess
    plain = fake.session.get(fake.url("/api/v1/feed"), params={"pageSize": 3}).json()
    odd = fake.session.get(
        fake.url("/api/v1/feed"),
        params={"pageSize": 3},
        headers={"If-Modified-Since": "yesterday-ish"},
    ).json()
    assert odd == plain


@pytest.mark.parametrize(
    "page_id", ["first", "last", "1234", "00000000-0000-0000-0000-00000000000g"]
)
def test_malformed_page_id_is_a_clear_400(navfeed_inprocess, page_id):
    response = navfeed_inprocess.session.get(navfeed_inprocess.url(f"/api/v1/feed/{page_id}"))
    assert response.status_code == 400
    assert response.text == "feedPageId must be a UUID"


def test_unknown_page_is_404_with_empty_body(navfeed_inprocess):
    response = navfeed_inprocess.session.get(
        navfeed_inprocess.url("/api/v1/feed/6f1b8f1e-3f0e-4d8a-9d7e-000000000000")
    )
    assert response.status_code == 404 and response.content == b""


def test_unknown_route_is_javalin_404(navfeed_inprocess):
    response = navfeed_inprocess.session.get(navfeed_inprocess.url("/api/v1/nothing"))
    assert response.status_code == 404
    assert response.json() == {
        "title": "Endpoint GET /api/v1/nothing not found",
        "status": 404,
        "type": "https://javalin.io/documentation#endpointnotfound",
        "details": {},
    }
    wrong_method = navfeed_inprocess.session.post(navfeed_inprocess.url("/api/v1/feed"))
    assert wrong_method.status_code == 404


def test_lines_keep_their_history_while_entry_shows_newest(navfeed_inprocess):
    fake = navfeed_inprocess
    ad = fake.admin.ads("ACTIVE")[0]
    fake.admin.update_ad(ad["uuid"], title="Ny tittel på annonsen")
    fake.admin.stop_ad(ad["uuid"])
    lines = [line for p in walk(fake.session, fake.base_url) for line in p["items"]]
    mine = [line for line in lines if line["id"] == ad["uuid"]]
    assert [m["title"] for m in mine[-2:]] == ["Ny tittel på annonsen", "..."]
    stopped = mine[-1]["_feed_entry"]
    assert stopped["status"] == "INACTIVE" and stopped["businessName"] == ""
    assert stopped["municipal"] == mine[0]["_feed_entry"]["municipal"] != ""
    assert mine[0]["title"] != "..."  # old lines are frozen snapshots


def test_expired_ads_keep_their_title(navfeed_inprocess):
    fake = navfeed_inprocess
    ad = fake.admin.ads("ACTIVE")[0]
    expiry = ad["expires"]
    fake.admin.set_clock(expiry)
    lines = [line for p in walk(fake.session, fake.base_url) for line in p["items"]]
    last = [line for line in lines if line["id"] == ad["uuid"]][-1]
    assert last["_feed_entry"]["status"] == "INACTIVE"
    assert last["title"] not in ("...", "?")
    assert last["_feed_entry"]["businessName"] != ""


def test_tail_page_hides_a_single_new_event_behind_its_etag(navfeed_inprocess):
    """Upstream quirk (docs/fidelity.md): on a tail page [F, d] one new event keeps ETag d."""
    fake = navfeed_inprocess
    ads = fake.admin.ads("ACTIVE")
    tail = walk(fake.session, fake.base_url)[-1]
    url = fake.url(tail["feed_url"])
    if len(tail["items"]) == 1:
        fake.admin.update_ad(ads[0]["uuid"], title="Gjør halen to linjer lang")
    page = fake.session.get(url)
    assert len(page.json()["items"]) == 2 and page.json()["next_id"] is None
    etag = page.headers["ETag"]
    fake.admin.update_ad(ads[1]["uuid"], title="Én ny hendelse")
    hidden = fake.session.get(url, headers={"If-None-Match": etag})
    assert hidden.status_code == 304  # although next_id now points onwards
    assert fake.session.get(url).json()["next_id"] == etag
    fake.admin.update_ad(ads[2]["uuid"], title="Enda en hendelse")
    seen = fake.session.get(url, headers={"If-None-Match": etag})
    assert seen.status_code == 200 and seen.headers["ETag"] != etag


def test_service_level_304_has_no_headers(navfeed_inprocess):
    """With If-Modified-Since after every event the page shrinks to its first line F; when
    If-None-Match names F and F is older, the service itself answers a bare 304."""
    fake = navfeed_inprocess
    page_id = fake.session.get(fake.url("/api/v1/feed"), params={"pageSize": 10}).json()["id"]
    response = fake.session.get(
        fake.url(f"/api/v1/feed/{page_id}"),
        params={"pageSize": 10},
        headers={"If-None-Match": page_id, "If-Modified-Since": "Fri, 1 Jan 2100 00:00:00 GMT"},
    )
    assert response.status_code == 304
    assert "ETag" not in response.headers and "Last-Modified" not in response.headers


@pytest.mark.jobfakes(ads=2600)  # a history built by worker processes, then two more days
def test_feed_lines_follow_the_time_of_their_change(navfeed_inprocess):
    fake = navfeed_inprocess
    fake.admin.advance("P2D")
    pages = walk(fake.session, fake.base_url, page_size=10_000)
    lines = [line for page in pages for line in page["items"][1 if page is not pages[0] else 0 :]]
    times = [datetime.fromisoformat(line["date_modified"]) for line in lines]
    assert len(lines) > 2600 and times == sorted(times)
    assert len({line["_feed_entry"]["sistEndret"] + line["id"] for line in lines}) == len(lines)
