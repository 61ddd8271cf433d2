"""Every filter of the public feed over HTTP, checked against the world's active ads."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from conftest import ADS, page, truth, uuids, world

from jobfakes.world.times import DAY, US, iso_utc


def _expect(fake, keep):
    return [ad["uuid"] for ad in truth(fake) if keep(ad)]


def _micro(us: int) -> str:
    """An instant with all six fraction digits (no rounding on the service side)."""
    return iso_utc(us - us % US)[:19] + f".{us % US:06d}Z"


def _second(us: int) -> str:
    return iso_utc(us - us % US)[:19]


# ---- published and updated ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("opening", "closing", "low_in", "high_in"),
    [
        ("[", "]", True, True),
        ("[", ")", True, False),
        ("(", "]", False, True),
        ("(", ")", False, False),
    ],
)
def test_brackets_include_or_exclude_their_ends(
    publicfeed_inprocess, opening, closing, low_in, high_in
):
    fake = publicfeed_inprocess
    ads = truth(fake)
    high, low = ads[10]["published"], ads[60]["published"]
    found = uuids(fake, published=f"{opening}{_micro(low)},{_micro(high)}{closing}")
    assert found == _expect(
        fake,
        lambda a: (
            (low < a["published"] or (low_in and a["published"] == low))
            and (a["published"] < high or (high_in and a["published"] == high))
        ),
    )
    assert (ads[10]["uuid"] in found) is high_in and (ads[60]["uuid"] in found) is low_in


def test_open_ends_spaces_and_the_docs_example(publicfeed_inprocess):
    fake = publicfeed_inprocess
    ads = truth(fake)
    cut = ads[40]["published"]
    older = _expect(fake, lambda a: a["published"] < cut)
    assert uuids(fake, published=f"[*,{_micro(cut)})") == older
    assert uuids(fake, published=f" [ * , {_micro(cut)} )\t") == older
    assert uuids(fake, published=f"({_micro(cut)},*]") == [a["uuid"] for a in ads[:40]]
    assert uuids(fake, published="[*,*]") == [a["uuid"] for a in ads]
    assert uuids(fake, published="*") == [a["uuid"] for a in ads]  # a lone `*`: everything


def test_published_is_a_whole_second_and_updated_later_on_updated_ads(publicfeed_inprocess):
    ads = truth(publicfeed_inprocess)
    assert all(a["published"] % US == 0 for a in ads)  # as the real ads: no fraction
    assert all(a["updated"] > a["published"] for a in ads)  # the feed stored it after
    assert sum(a["updated"] % US != 0 for a in ads) > len(ads) * 0.9


def test_date_times_without_fraction_round_up_as_the_search_engine_does(publicfeed_inprocess):
    fake = publicfeed_inprocess
    ad = next(a for a in truth(fake) if a["updated"] % US)
    second = _second(ad["updated"])
    # lte and gt fill the missing fraction with its maximum; gte and lt with zero.
    assert ad["uuid"] in uuids(fake, updated=f"[*,{second}]")
    assert ad["uuid"] not in uuids(fake, updated=f"[*,{second})")
    assert ad["uuid"] not in uuids(fake, updated=f"({second},*]")
    assert ad["uuid"] in uuids(fake, updated=f"[{second},*]")
    # Without seconds the value is printed with `:00` first, so `[m,m]` is that first second.
    published = truth(fake)[0]["published"]
    minute = _second(published)[:16]
    start = published - published % (60 * US)
    assert uuids(fake, published=f"[{minute},{minute}]") == _expect(
        fake, lambda a: start <= a["published"] < start + US
    )
    assert uuids(fake, published=f"[{minute},{minute}:59]") == _expect(
        fake, lambda a: start <= a["published"] < start + 60 * US
    )
    assert truth(fake)[0]["uuid"] in uuids(fake, published=f"[{minute},{minute}:59]")


def test_a_bare_date_is_that_whole_utc_day(publicfeed_inprocess):
    fake = publicfeed_inprocess
    days = Counter(iso_utc(a["published"])[:10] for a in truth(fake))
    for day in days:
        found = uuids(fake, published=day)
        assert found == _expect(fake, lambda a, d=day: iso_utc(a["published"])[:10] == d)
        assert len(found) == days[day]
    first = min(days)
    assert uuids(fake, published=f"({first},*]") == _expect(
        fake, lambda a: iso_utc(a["published"])[:10] > first
    )


def test_a_single_date_time_is_that_instant(publicfeed_inprocess):
    fake = publicfeed_inprocess
    ad = truth(fake)[7]
    assert uuids(fake, published=_micro(ad["published"])) == [ad["uuid"]]


def test_offsets_and_zone_ids(publicfeed_inprocess):
    fake = publicfeed_inprocess
    cut = truth(fake)[25]["published"]
    expected = _expect(fake, lambda a: a["published"] < cut)
    utc = _micro(cut)
    oslo = iso_utc(cut + 3600 * US)[:19] + f".{cut % US:06d}+01:00"  # December: UTC+1
    assert uuids(fake, published=f"[*,{utc})") == expected
    assert uuids(fake, published=f"[*,{oslo})") == expected
    # A zone id only fits a single value: its `]` breaks the range pattern, as upstream.
    assert uuids(fake, published=f"{oslo}[Europe/Oslo]") == [truth(fake)[25]["uuid"]]
    response = fake.session.get(fake.url(ADS), params={"published": f"[*,{oslo}[Europe/Oslo])"})
    assert (response.status_code, response.text) == (400, "Date is badly formatted")
    assert uuids(fake, published=f"[*,{utc[:-1]})") == expected  # no offset: UTC


def test_relative_words_follow_the_world_clock(publicfeed_inprocess):
    fake = publicfeed_inprocess
    now = world(fake).now()
    day = now - now % DAY
    for word, start in (("today", day), ("yesterday", day - DAY), ("tomorrow", day + DAY)):
        expected = _expect(fake, lambda a, s=start: s <= a["published"] < s + DAY)
        assert uuids(fake, published=word) == expected, word
    assert uuids(fake, published="[today,now]") == _expect(fake, lambda a: a["published"] >= day)
    assert uuids(fake, published="(now,*]") == []
    fake.admin.advance("P1D")  # tomorrow's ads are published by now
    assert uuids(fake, published="yesterday") == _expect(
        fake, lambda a: day <= a["published"] < day + DAY
    )


def test_updated_filter(publicfeed_inprocess):
    fake = publicfeed_inprocess
    stamps = sorted({a["updated"] for a in truth(fake)})
    low, high = stamps[len(stamps) // 3], stamps[2 * len(stamps) // 3]
    found = uuids(fake, updated=f"[{_micro(low)},{_micro(high)})")
    assert found == _expect(fake, lambda a: low <= a["updated"] < high)
    both = uuids(fake, updated=f"[{_micro(low)},*]", published=f"[*,{_micro(high)}]")
    assert both == _expect(fake, lambda a: a["updated"] >= low and a["published"] <= high)


@pytest.mark.parametrize("name", ["published", "updated"])
@pytest.mark.parametrize("value", ["", "   "])
def test_blank_dates_are_no_filter(publicfeed_inprocess, name, value):
    fake = publicfeed_inprocess
    assert page(fake, **{name: value})["totalElements"] == len(truth(fake))


# ---- uuid, source, orgnr --------------------------------------------------------------------
def test_uuid_values_are_and_ed_and_negation_excludes_them_all(publicfeed_inprocess):
    fake = publicfeed_inprocess
    ads = truth(fake)
    one, two = ads[3]["uuid"], ads[4]["uuid"]
    assert uuids(fake, uuid=one) == [one]
    assert uuids(fake, uuid=f" {one} , ") == [one]
    assert uuids(fake, uuid=f"{one},{two}") == []  # two terms on one field never both hold
    assert uuids(fake, uuid=f"{one},{one}") == [one]
    assert uuids(fake, uuid=f"!{one},{two}") == [
        a["uuid"] for a in ads if a["uuid"] not in (one, two)
    ]
    assert page(fake, uuid="!")["totalElements"] == len(ads)  # nothing left to filter on


@pytest.mark.parametrize("field", ["source", "orgnr"])
def test_source_and_orgnr(publicfeed_inprocess, field):
    fake = publicfeed_inprocess

    def value(ad):
        return ad["source"] if field == "source" else ad["employer"]["orgnr"]

    common = Counter(value(a) for a in truth(fake)).most_common(2)
    (first, _), (second, _) = common
    assert uuids(fake, **{field: first}) == _expect(fake, lambda a: value(a) == first)
    assert uuids(fake, **{field: f"{first},{second}"}) == []
    assert uuids(fake, **{field: f"!{first},{second}"}) == _expect(
        fake, lambda a: value(a) not in (first, second)
    )
    assert uuids(fake, **{field: first.lower() if first.lower() != first else "x" + first}) == []


# ---- category --------------------------------------------------------------------------------
def _words(ad):
    text = " ".join(f"{o['level1']} {o['level2']}" for o in ad["occupationCategories"])
    return set(re.findall(r"\w+", text.lower()))


def test_category_is_a_full_text_match_on_occupation_names(publicfeed_inprocess):
    fake = publicfeed_inprocess
    assert uuids(fake, category="IT") == _expect(fake, lambda a: "it" in _words(a))
    assert uuids(fake, category="helse") == _expect(fake, lambda a: "helse" in _words(a))
    # any word of a value matches (stopwords such as `og` dropped); comma values are AND-ed
    assert uuids(fake, category="Helse og sosial") == _expect(
        fake, lambda a: {"helse", "sosial"} & _words(a)
    )
    assert uuids(fake, category="IT,Utvikling") == _expect(
        fake, lambda a: {"it", "utvikling"} <= _words(a)
    )
    assert uuids(fake, category="!IT") == uuids(fake, category="IT")  # `!` is ignored
    assert uuids(fake, category="og") == []


# ---- county and municipal -------------------------------------------------------------------
def _places(ad):
    return [(p["county"], p["municipal"]) for p in ad["locations"]]


def test_county_and_municipal_are_upper_cased_and_or_ed(publicfeed_inprocess):
    fake = publicfeed_inprocess
    assert uuids(fake, county="oslo") == _expect(
        fake, lambda a: any(c == "OSLO" for c, _ in _places(a))
    )
    assert uuids(fake, county="Oslo, vestland") == _expect(
        fake, lambda a: any(c in ("OSLO", "VESTLAND") for c, _ in _places(a))
    )
    assert uuids(fake, municipal="bergen,trondheim") == _expect(
        fake, lambda a: any(m in ("BERGEN", "TRONDHEIM") for _, m in _places(a))
    )
    assert uuids(fake, county="!OSLO") == uuids(fake, county="OSLO")  # `!` is ignored
    assert uuids(fake, county="østfold") == _expect(
        fake, lambda a: any(c == "ØSTFOLD" for c, _ in _places(a))
    )


def _location(code, city, municipal, county):
    return {
        "address": None,
        "postalCode": code,
        "city": city,
        "municipal": municipal,
        "county": county,
        "country": "NORGE",
    }


def test_county_and_municipal_must_hold_on_the_same_location(publicfeed_inprocess):
    fake = publicfeed_inprocess
    fake.admin.advance("PT1S")
    ad = fake.admin.create_ad(
        locations=[
            {
                "address": None,
                "postalCode": "0150",
                "city": "OSLO",
                "municipal": "OSLO",
                "county": "OSLO",
                "country": "NORGE",
            },
            {
                "address": None,
                "postalCode": "5003",
                "city": "BERGEN",
                "municipal": "BERGEN",
                "county": "VESTLAND",
                "country": "NORGE",
            },
        ]
    )
    assert ad["uuid"] in uuids(fake, county="VESTLAND", municipal="BERGEN")
    assert ad["uuid"] in uuids(fake, county="OSLO", municipal="OSLO,BERGEN")
    assert ad["uuid"] not in uuids(fake, county="OSLO", municipal="BERGEN")
    assert uuids(fake, county="OSLO", municipal="BERGEN") == _expect(
        fake, lambda a: ("OSLO", "BERGEN") in _places(a)
    )


def test_filters_combine(publicfeed_inprocess):
    fake = publicfeed_inprocess
    cut = truth(fake)[100]["published"]
    found = uuids(fake, county="OSLO,VESTLAND", source="!SBL", published=f"[*,{_micro(cut)}]")
    assert found == _expect(
        fake,
        lambda a: (
            any(c in ("OSLO", "VESTLAND") for c, _ in _places(a))
            and a["source"] != "SBL"
            and a["published"] <= cut
        ),
    )
    assert found
