"""search_jobs over HTTP: the seed's shape, words and bm25, filters, sorts, paging, the window,
and an index that follows the world."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from jobfakes.world.search import UNKNOWN
from jobfakes.world.times import OSLO, parse_instant
from tests.fakes.parsebot.parsebot_helpers import active_ads, all_hits, call, data


def test_the_result_has_the_seed_samples_search_engine_shape(parsebot_inprocess):
    result = data(parsebot_inprocess, "search_jobs", q="leder", size=5)
    assert list(result) == ["hits", "aggregations", "took", "total"]
    assert list(result["hits"]) == ["hits", "total", "max_score"]
    assert result["total"] == result["hits"]["total"]
    assert result["total"]["relation"] == "eq" and result["total"]["value"] > 5
    assert isinstance(result["took"], int)
    hit = result["hits"]["hits"][0]
    assert list(hit) == ["_id", "_score", "_source"]
    assert hit["_id"] == hit["_source"]["uuid"]
    assert result["hits"]["max_score"] == hit["_score"] > 0
    for key in ("title", "published", "businessName", "locationList"):
        assert key in hit["_source"]
    assert hit["_source"]["published"].endswith(("+01:00", "+02:00"))


def test_without_q_every_active_ad_is_a_hit_newest_first(parsebot_inprocess):
    fake = parsebot_inprocess
    truth = active_ads(fake)
    hits = all_hits(fake)
    assert sorted(h["_id"] for h in hits) == sorted(truth)
    published = [parse_instant(h["_source"]["published"]) for h in hits]
    assert published == sorted(published, reverse=True)
    assert {h["_score"] for h in hits} == {1.0}


def test_stopped_and_new_ads_leave_and_join_the_index(parsebot_inprocess):
    fake = parsebot_inprocess
    gone = fake.admin.ads("ACTIVE")[0]["uuid"]
    fake.admin.stop_ad(gone)
    new = fake.admin.create_ad(title="Fyrvokter Zyxwv", businessName="Fyrvesenet")
    hits = all_hits(fake)
    ids = {h["_id"] for h in hits}
    assert gone not in ids and new["uuid"] in ids
    assert [h["_id"] for h in data(fake, "search_jobs", q="zyxwv")["hits"]["hits"]] == [new["uuid"]]
    fake.admin.update_ad(new["uuid"], title="Losbåtfører")
    assert data(fake, "search_jobs", q="zyxwv")["total"]["value"] == 0
    assert data(fake, "search_jobs", q="losbåtfører")["hits"]["hits"][0]["_id"] == new["uuid"]
    fake.admin.reset()
    assert data(fake, "search_jobs", q="losbåtfører")["total"]["value"] == 0
    assert gone in {h["_id"] for h in all_hits(fake)}


def test_moving_the_clock_expires_ads_and_publishes_new_ones(parsebot_inprocess):
    fake = parsebot_inprocess
    before = {h["_id"] for h in all_hits(fake)}
    fake.admin.advance("P1D")
    after = {h["_id"] for h in all_hits(fake)}
    assert after == {a["uuid"] for a in fake.admin.ads("ACTIVE")}
    assert before - after and after - before


def test_words_match_title_employer_text_and_categories_all_of_them(parsebot_inprocess):
    fake = parsebot_inprocess
    a = fake.admin.create_ad(title="Kvantesnekker", businessName="Qwerty Verksted AS")
    b = fake.admin.create_ad(title="Kokk", adtext="<p>Erfaring som kvantesnekker er et pluss</p>")
    c = fake.admin.create_ad(
        title="Snekker",
        categories=[{"categoryType": "STYRK08", "code": "7115", "name": "Kvantesnekkere"}],
    )
    hits = data(fake, "search_jobs", q="kvantesnekker")["hits"]["hits"]
    assert {h["_id"] for h in hits} == {a["uuid"], b["uuid"], c["uuid"]}
    scores = [h["_score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert hits[-1]["_id"] == b["uuid"]  # ad text weighs 0.1, title and categories 2
    assert [
        h["_id"] for h in data(fake, "search_jobs", q="kvantesnekker qwerty")["hits"]["hits"]
    ] == [a["uuid"]]
    assert data(fake, "search_jobs", q="qwert")["total"]["value"] == 1  # words are prefixes too


@pytest.mark.parametrize(
    "q",
    ['"', '"kokk', "kokk*", "NEAR(kokk sjef)", "-kokk", "kokk OR", "AND", "^kokk", "{a}:b", "ø"],
)
def test_fts5_syntax_in_q_is_plain_text(parsebot_inprocess, q):
    response = call(parsebot_inprocess, "search_jobs", q=q)
    assert response.status_code == 200, response.text


def test_q_of_stop_words_or_punctuation_matches_everything(parsebot_inprocess):
    fake = parsebot_inprocess
    total = data(fake, "search_jobs")["total"]["value"]
    for q in ("og", "i og på", "***", "  "):
        assert data(fake, "search_jobs", q=q)["total"]["value"] == total


def _has(ad, name, value):
    if name == "extent":
        raw = ad.get("extent") or ""
        return raw in {"Heltid": ("Heltid", "Heltid_og_Deltid"),
                       "Deltid": ("Deltid", "Heltid_og_Deltid"), UNKNOWN: ("",)}[value]  # fmt: skip
    if name == "remote":
        return (ad.get("remote") or UNKNOWN) == value
    if name == "sector":
        return (ad.get("sector") or "") == value
    if name == "engagementType":
        return (ad.get("engagementtype") or "") == value
    if name == "counties":
        return any(loc["county"] == value for loc in ad["locations"])
    raise AssertionError(name)


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("extent", ["Heltid"]),
        ("extent", ["Deltid"]),
        ("remote", ["Hybridkontor", "Hjemmekontor"]),
        ("sector", ["Offentlig"]),
        ("engagementType", ["Vikariat", "Sesong"]),
        ("counties", ["OSLO", "VESTLAND"]),
    ],
)
def test_each_filter_keeps_exactly_the_ads_with_one_of_its_values(parsebot_inprocess, name, values):
    fake = parsebot_inprocess
    truth = active_ads(fake)
    expected = {u for u, ad in truth.items() if any(_has(ad, name, v) for v in values)}
    assert expected
    for given in (",".join(values), values):  # comma list by GET, list by POST
        method = "GET" if isinstance(given, str) else "POST"
        hits = []
        while True:
            page = data(
                fake, "search_jobs", method, **{name: given, "from": len(hits), "size": 100}
            )
            hits += page["hits"]["hits"]
            if len(hits) >= page["total"]["value"]:
                break
        assert {h["_id"] for h in hits} == expected


def test_filters_and_words_are_and_ed(parsebot_inprocess):
    fake = parsebot_inprocess
    truth = active_ads(fake)
    hits = all_hits(fake, sector="Offentlig", counties="OSLO", extent="Heltid")
    expected = {
        u for u, ad in truth.items()
        if _has(ad, "sector", "Offentlig") and _has(ad, "counties", "OSLO")
        and _has(ad, "extent", "Heltid")
    }  # fmt: skip
    assert {h["_id"] for h in hits} == expected


def test_municipals_narrow_their_county_or_stand_alone(parsebot_inprocess):
    fake = parsebot_inprocess
    truth = active_ads(fake)

    def where(pred):
        return {u for u, ad in truth.items() if any(pred(loc) for loc in ad["locations"])}

    bergen = where(lambda loc: loc["municipal"] == "BERGEN")
    oslo = where(lambda loc: loc["county"] == "OSLO")
    assert bergen and oslo
    assert {h["_id"] for h in all_hits(fake, municipals="BERGEN")} == bergen
    assert {h["_id"] for h in all_hits(fake, municipals="VESTLAND.BERGEN")} == bergen
    both = all_hits(fake, counties="OSLO,VESTLAND", municipals="bergen")
    assert {h["_id"] for h in both} == oslo | bergen
    assert all_hits(fake, municipals="ATLANTIS") == []


def test_published_filters_count_from_oslo_midnight_or_back_from_now(parsebot_inprocess):
    fake = parsebot_inprocess
    truth = active_ads(fake)
    now = parse_instant(fake.admin.clock())
    local = datetime.fromtimestamp(now / 1e6, OSLO)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    cases = {
        "now/d": midnight,
        "now-3d": local - timedelta(days=3),
        "now-7d": local - timedelta(days=7),
        "2025-11-29": datetime(2025, 11, 29, tzinfo=OSLO),
        "2025-11-30T12:00": datetime(2025, 11, 30, 12, tzinfo=OSLO),
        "2025-11-30T12:00:00Z": datetime.fromisoformat("2025-11-30T12:00:00+00:00"),
    }
    for value, since in cases.items():
        bound = parse_instant(since.isoformat())
        expected = {u for u, ad in truth.items() if ad["published"] is not None
                    and parse_instant(ad["published"]) >= bound}  # fmt: skip
        assert {h["_id"] for h in all_hits(fake, published=value)} == expected, value


def test_sorts(parsebot_inprocess):
    fake = parsebot_inprocess
    by_published = data(fake, "search_jobs", q="leder", sort="published", size=100)["hits"]["hits"]
    times = [parse_instant(h["_source"]["published"]) for h in by_published]
    assert times == sorted(times, reverse=True)
    by_expires = all_hits(fake, sort="expires")
    ends = [parse_instant(h["_source"]["expires"]) for h in by_expires if h["_source"]["expires"]]
    assert ends == sorted(ends)
    relevant = data(fake, "search_jobs", q="leder", size=100)["hits"]["hits"]
    assert {h["_id"] for h in relevant} == {h["_id"] for h in by_published}
    scores = [h["_score"] for h in relevant]
    assert scores == sorted(scores, reverse=True)


def test_pages_tile_the_hits_and_the_window_ends_at_10000(parsebot_inprocess):
    fake = parsebot_inprocess
    whole = [h["_id"] for h in data(fake, "search_jobs", size=100)["hits"]["hits"]]
    tiles = [
        h["_id"]
        for start in range(0, 100, 7)
        for h in data(fake, "search_jobs", **{"from": start, "size": 7})["hits"]["hits"]
    ]
    assert tiles[:100] == whole
    assert data(fake, "search_jobs", **{"from": 9900, "size": 100})["hits"]["hits"] == []
    refused = call(fake, "search_jobs", **{"from": 9990, "size": 11})
    assert refused.status_code == 422
    body = refused.json()
    assert body["error"]["message"] == "Pagination depth exceeds maximum allowed window"
    assert body["error"]["upstream_status_code"] == 400 and body["status_code"] == 422


@pytest.mark.parametrize(
    ("inputs", "param"),
    [
        ({"size": "0"}, "size"),
        ({"size": "101"}, "size"),
        ({"size": "ten"}, "size"),
        ({"from": "-1"}, "from"),
        ({"from": "99999999999999999999"}, "from"),
        ({"sort": "oldest"}, "sort"),
        ({"published": "2025-13-45"}, "published"),
        ({"q": "x" * 513}, "q"),
    ],
)
def test_bad_inputs_are_422_naming_the_parameter(parsebot_inprocess, inputs, param):
    for method in ("GET", "POST"):
        response = call(parsebot_inprocess, "search_jobs", method, **inputs)
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["error"]["status"] == "stale_input" and body["error"]["param"] == param


@pytest.mark.parametrize("body", [b"[1, 2]", b"{not json", b'"text"'])
def test_a_post_body_that_is_not_a_json_object_is_400(parsebot_inprocess, body):
    fake = parsebot_inprocess
    response = fake.session.post(
        fake.url("/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61/search_jobs"),
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["detail"]


def test_json_types_are_checked(parsebot_inprocess):
    fake = parsebot_inprocess
    for inputs in ({"size": True}, {"size": 2.5}, {"q": 7}, {"counties": [1]}, {"sort": ["a"]}):
        assert call(fake, "search_jobs", "POST", **inputs).status_code == 422, inputs
    assert call(fake, "search_jobs", "POST", size=3, q=None).status_code == 200
