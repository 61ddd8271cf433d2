"""Realism of the default worlds, beside how long they take: the spread of published and
expiry dates, the share of nulls per field, distinct words, and the label agreement of the
text (recall and precision of a search for each code-table label's words), all read through
the fakes' HTTP answers in process.

python bench/world_realism.py [--ads N] [--jobs N]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from collections import Counter
from typing import Any

import requests

from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.world.jobfeed.fields import CATALOGUE
from jobfakes.world.realism import DUTCH_FIELDS, Agreement, agreements, norwegian_agreements
from jobfakes.world.search import plain_text
from jobfakes.world.times import DAY, parse_instant
from jobfakes.world.words import tokens

BASE = "http://bench.test"
SCRAPER = f"{BASE}/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61/search_jobs"


def _session(config: Config) -> tuple[Any, requests.Session]:
    app = create_app(config)
    session = requests.Session()
    session.mount(BASE, WSGIAdapter(app))
    return app, session


def _quantiles(values: list[float]) -> str:
    q = statistics.quantiles(values, n=10)
    low, high = min(values), max(values)
    return f"min {low:.1f}, p10 {q[0]:.1f}, median {q[4]:.1f}, p90 {q[8]:.1f}, max {high:.1f}"


def _share(items: list[dict[str, Any]], test: Any) -> str:
    return f"{sum(bool(test(i)) for i in items) / len(items):.0%}"


def nav(ads: int) -> None:
    started = time.perf_counter()
    keys = tuple(f"k{n}:developer" for n in range(20))
    app, session = _session(Config(ads=ads, parsebot_keys=keys))
    built = time.perf_counter() - started
    token = session.post(f"{BASE}/__admin/tokens", json={"fake": "publicfeed"}).json()["token"]
    now = parse_instant(session.get(f"{BASE}/__admin/clock").json()["now"])
    public: list[dict[str, Any]] = []
    for page in itertools.count():
        body = session.get(
            f"{BASE}/public-feed/api/v1/ads",
            params={"size": 100, "page": page},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        public += body["content"]
        if body["last"]:
            break
    print(f"## NAV world: {ads:,} active ads (built or loaded in {built:.2f} s, in process)\n")
    ages = [(now - parse_instant(a["published"])) / DAY for a in public]
    ahead = [(parse_instant(a["expires"]) - now) / DAY for a in public]
    lives = [(parse_instant(a["expires"]) - parse_instant(a["published"])) / DAY for a in public]
    print(f"- public-feed ads read: {len(public):,}")
    print(f"- days since published: {_quantiles(ages)}")
    print(f"- days to expiry: {_quantiles(ahead)}")
    print(
        f"- lifetime (published to expires) in days: {_quantiles(lives)};"
        f" {sum(7 <= x <= 57 for x in lives) / len(lives):.0%} between one and eight weeks"
    )
    print(f"- published in the last 7 days: {sum(a <= 7 for a in ages) / len(ages):.0%}")
    due = Counter(a["applicationDue"] for a in public)
    print(f"- applicationDue `Snarest`: {due['Snarest'] / len(public):.0%}")
    print(
        f"- whole-second `published`: {_share(public, lambda a: '.' not in a['published'])};"
        f" `updated` after `published`: {_share(public, lambda a: a['updated'] > a['published'])}"
    )
    nulls = {
        **{
            f: sum(a[f] is None for a in public)
            for f in ("sourceurl", "applicationUrl", "jobtitle", "starttime")
        },
        **{
            f"employer.{f}": sum(a["employer"][f] is None for a in public)
            for f in ("orgnr", "description", "homepage")
        },
        "workLocations[].address": sum(
            loc["address"] is None for a in public for loc in a["workLocations"]
        ),
    }
    print(
        "- share of nulls (public feed): "
        + ", ".join(f"`{k}` {v / len(public):.0%}" for k, v in nulls.items())
    )
    statuses = Counter(a["status"] for a in session.get(f"{BASE}/__admin/ads").json())
    print(f"- feed statuses at the start: {dict(statuses)}")
    words: Counter[str] = Counter()
    for a in public:
        words.update(tokens(plain_text(a["description"] or "")))
    ranked = [n for _, n in words.most_common()]
    print(
        f"- distinct words in the ad texts: {len(words):,} ({sum(words.values()):,} words;"
        f" counts at ranks 1/10/100/1000: {ranked[0]}/{ranked[9]}/{ranked[99]}/{ranked[999]})"
    )
    _nav_agreement(app, session)


def _nav_agreement(app: Any, session: requests.Session) -> None:
    import orjson

    rows = app.extensions["jobfakes"].world.store.conn.execute("SELECT doc FROM ads")
    ads = [orjson.loads(doc) for (doc,) in rows]
    ads = [
        a
        for a in ads
        if a["status"] == "ACTIVE" and a["source"] != "DIR" and a["privacy"] == "SHOW_ALL"
    ]
    calls = itertools.count()

    def search(q: str) -> set[str]:
        found: set[str] = set()
        while True:
            key = f"k{next(calls) // 240 % 20}"
            data = session.get(
                SCRAPER,
                params={"q": q, "size": 100, "from": len(found)},
                headers={"X-API-Key": key},
            ).json()["data"]
            found |= {h["_id"] for h in data["hits"]["hits"]}
            if not data["hits"]["hits"] or len(found) >= data["hits"]["total"]["value"]:
                return found

    found = norwegian_agreements(ads, search)
    _report("parse.bot `q` over the Norwegian world", found)


def _report(title: str, found: list[Agreement]) -> None:
    meets = [a for a in found if a.meets]
    print(f"\n### Label agreement: {title}\n")
    print(
        f"{len(meets)} of {len(found)} labels (each carried by 10 or more) meet both bars"
        f" (recall and precision >= 50%);"
        f" median recall {statistics.median(a.recall for a in found):.0%},"
        f" median precision {statistics.median(a.precision for a in found):.0%}."
    )
    failing = [a for a in found if not a.meets]
    if failing:
        print("\n| table | label | query | carriers | hits | recall | precision |")
        print("|---|---|---|---:|---:|---:|---:|")
        for a in failing:
            print(
                f"| {a.table} | {a.label} | `{a.query}` | {a.carriers} | {a.hits}"
                f" | {a.recall:.0%} | {a.precision:.0%} |"
            )


def jobfeed(jobs: int) -> None:
    started = time.perf_counter()
    _, session = _session(Config(jobs=jobs))
    session.post(
        f"{BASE}/__admin/jobfeed/accounts", json={"user": "b", "password": "b", "limits": None}
    )
    session.auth = ("b", "b")

    def count(**params: Any) -> int:
        return int(session.get(f"{BASE}/api/v3/count", params=params).json()["count"])

    count()
    print(
        f"\n## Jobfeed world: {jobs:,} jobs"
        f" (built in {time.perf_counter() - started:.2f} s, in process)\n"
    )
    jobs_truth = [line for line in session.get(f"{BASE}/__admin/jobs").content.splitlines()]
    import orjson

    docs = [orjson.loads(line) for line in jobs_truth]
    postings = [p for d in docs for p in d["postings"]]
    fields = [f for f in postings[0] if f not in ("posting_id",)]
    nulls = {f: sum(p[f] is None for p in postings) / len(postings) for f in fields}
    print(
        "- share of nulls per posting field (nonzero): "
        + ", ".join(f"`{f}` {v:.0%}" for f, v in nulls.items() if v)
    )
    places = Counter(p["location"] for p in postings)
    print(f"- places with postings: {len(places)}")
    words: Counter[str] = Counter()
    for p in postings:
        words.update(
            tokens(
                " ".join(
                    str(p[f] or "") for f in p if f.endswith("description") or f == "job_title"
                )
            )
        )
    ranked = [n for _, n in words.most_common()]
    print(
        f"- distinct words in the posting texts: {len(words):,} ({sum(words.values()):,} words;"
        f" counts at ranks 1/10/100/1000: {ranked[0]}/{ranked[9]}/{ranked[99]}/{ranked[999]})"
    )
    tables = {f: CATALOGUE[f].labels["nl"] for f in DUTCH_FIELDS}  # type: ignore[index]
    found = agreements(
        tables,
        lambda t, c: count(**{t: str(c)}),
        lambda q: count(full_text=q),
        lambda t, c, q: count(**{t: str(c)}, full_text=q),
    )
    _report("Jobfeed `full_text` over the Dutch world", found)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ads", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=5000)
    args = parser.parse_args()
    nav(args.ads)
    jobfeed(args.jobs)


if __name__ == "__main__":
    main()
