"""Ad text that real queries find: a realistic vocabulary, and labels that agree with the text
(a search for a label's words finds most jobs that carry it, and mostly those), over HTTP."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import orjson
import pytest
import requests

from jobfakes.core.config import Config
from jobfakes.world.jobfeed.fields import CATALOGUE
from jobfakes.world.realism import DUTCH_FIELDS, agreements, norwegian_agreements
from jobfakes.world.search import plain_text
from jobfakes.world.words import tokens
from tests.conftest import BASE, inprocess

PARSEBOT = f"{BASE}/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61/search_jobs"


@pytest.fixture(scope="module")
def dutch() -> requests.Session:
    _, session = inprocess(Config(jobs=3000))
    session.post(
        f"{BASE}/__admin/jobfeed/accounts", json={"user": "t", "password": "p", "limits": None}
    )
    session.auth = ("t", "p")
    return session


def _count(session: requests.Session, **params: Any) -> int:
    response = session.get(f"{BASE}/api/v3/count", params=params)
    assert response.status_code == 200, response.text
    return int(response.json()["count"])


def test_dutch_labels_agree_with_the_text(dutch):
    tables = {f: CATALOGUE[f].labels["nl"] for f in DUTCH_FIELDS}  # type: ignore[index]
    found = agreements(
        tables,
        lambda t, c: _count(dutch, **{t: str(c)}),
        lambda q: _count(dutch, full_text=q),
        lambda t, c, q: _count(dutch, **{t: str(c)}, full_text=q),
    )
    assert len(found) > 150
    assert all(a.recall >= 0.5 for a in found), [a for a in found if a.recall < 0.5]
    failing = [a for a in found if not a.meets]
    assert all(a.ambiguous for a in failing), failing  # only "HAVO" beside "HAVO/VWO" and such
    assert len(failing) <= 0.03 * len(found), failing


def test_dutch_text_has_a_large_zipf_like_vocabulary(dutch):
    words: Counter[str] = Counter()
    for offset in range(0, 1000, 100):
        body = dutch.get(
            f"{BASE}/api/v3/search",
            params={"_fields": "full_text", "_limit": 100, "_offset": offset, "_labels": 0},
        ).json()
        for item in body["results"]:
            words.update(tokens(item["full_text"]))
    _assert_zipf_like(words, distinct=10_000)


def _assert_zipf_like(words: Counter[str], distinct: int) -> None:
    assert len(words) > distinct
    ranked = [n for _, n in words.most_common()]
    # frequency falls with rank: the 10th word is far rarer than the first, the 1000th rarer
    assert ranked[0] > 3 * ranked[9] > 3 * ranked[999] >= 3
    assert sum(n == 1 for n in ranked) > 0.3 * len(ranked)  # a long tail of rare words


@pytest.fixture(scope="module")
def norwegian() -> tuple[requests.Session, list[dict[str, Any]]]:
    keys = tuple(f"k{n}:developer" for n in range(8))  # 250 calls a minute each
    app, session = inprocess(Config(ads=2000, parsebot_keys=keys))
    rows = app.extensions["jobfakes"].world.store.conn.execute("SELECT doc FROM ads")
    ads = [orjson.loads(doc) for (doc,) in rows]
    public = [
        a
        for a in ads
        if a["status"] == "ACTIVE" and a["source"] != "DIR" and a["privacy"] == "SHOW_ALL"
    ]
    return session, public


_CALLS = itertools.count()


def _search(session: requests.Session, q: str) -> set[str]:
    found: set[str] = set()
    while True:
        key = f"k{next(_CALLS) // 240 % 8}"
        response = session.get(
            PARSEBOT, params={"q": q, "size": 100, "from": len(found)}, headers={"X-API-Key": key}
        )
        assert response.status_code == 200, response.text
        hits = response.json()["data"]["hits"]
        found |= {h["_id"] for h in hits["hits"]}
        if not hits["hits"] or len(found) >= hits["total"]["value"]:
            return found


def test_parsebot_q_finds_the_ads_that_carry_a_label(norwegian):
    session, ads = norwegian
    found = norwegian_agreements(ads, lambda q: _search(session, q))
    assert len(found) > 60
    assert all(a.recall >= 0.5 for a in found), [a for a in found if a.recall < 0.5]
    # the stand-in for the Norwegian stemmer matches every word as a prefix too, so a few
    # short words also find longer ones; most labels still meet both bars
    assert sum(a.meets for a in found) >= 0.85 * len(found), [a for a in found if not a.meets]


def test_norwegian_text_has_a_large_zipf_like_vocabulary(norwegian):
    _, ads = norwegian
    words: Counter[str] = Counter()
    for ad in ads[:1000]:
        words.update(tokens(plain_text(ad["adtext"])))
    _assert_zipf_like(words, distinct=8_000)
