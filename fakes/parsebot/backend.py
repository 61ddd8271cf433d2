"""parse.bot's nav.no scraper over the world: keys and tiers, credits, and the three endpoints
(`search_jobs`, `get_job_detail`, `get_facets`). No Flask here."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from jobfakes.fakes.parsebot import facets, query, serialize
from jobfakes.fakes.parsebot.params import SearchQuery

from jobfakes.core.guard import fingerprint
from jobfakes.core.ratelimit import Verdict, parse_rate
from jobfakes.errors import ConfigError
from jobfakes.world.model import Ad
from jobfakes.world.search import SearchIndex, facet_values, has, members

if TYPE_CHECKING:
    from jobfakes.core.app import Runtime

SCRAPER_ID = "ab1a4dc6-c874-4fb4-b6b6-4be87c791e61"
ENDPOINTS = ("search_jobs", "get_job_detail", "get_facets")
SIMILAR_JOBS = 5
KEYS = "parsebot-keys"  # key -> tier, in the world's store: every worker sees the same keys
CREDIT_STATUSES = (402, 429)  # out of credits: our envelope, or the reference's only 429


@dataclass(frozen=True)
class Tier:
    name: str
    per_minute: int
    credits: int  # a calendar month of world time

    @property
    def minute_rate(self) -> str:
        return f"{self.per_minute}/minute"

    @property
    def month_rate(self) -> str:
        return f"{self.credits}/month"


TIERS = {
    "free": Tier("free", 5, 100),
    "hobby": Tier("hobby", 20, 1000),
    "developer": Tier("developer", 250, 5000),
}


@dataclass(frozen=True)
class Admission:
    """Whether a call may run: 'ok', 'unauthorized', 'rate_limited' or 'no_credits'."""

    outcome: str
    tier: Tier | None = None
    retry_after: int = 0
    used: int = 0


def parse_key(text: str) -> tuple[str, str]:
    """`KEY:TIER` -> (key, tier); ConfigError when malformed."""
    key, sep, tier = text.rpartition(":")
    tier = tier.strip().lower()
    if not sep or not key.strip() or tier not in TIERS:
        raise ConfigError(f"parse.bot key must be KEY:TIER with a tier of {', '.join(TIERS)}")
    return key.strip(), tier


class ParseBotBackend:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.world = runtime.world
        self.credit_status = runtime.config.parsebot_credit_status
        if self.credit_status not in CREDIT_STATUSES:
            raise ValueError(
                f"parsebot_credit_status must be 402 or 429, not {self.credit_status!r}"
            )
        self.configured = self._initial_keys()
        for key, tier in self.configured.items():  # kept by a worker that restarts
            self.world.put_entry(KEYS, key, tier, replace=False)
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()

    def _initial_keys(self) -> dict[str, str]:
        pairs = [parse_key(k) for k in self.runtime.config.parsebot_keys]
        if not pairs:
            pairs = [(self.default_key(), "developer")]
        return dict(pairs)

    def default_key(self) -> str:
        """The key used when none is configured: derived from the fake's secret, so that it is
        the same in every process started alike."""
        secret = self.runtime.config.secret("parsebot")
        return "pb_" + hashlib.sha256(secret.encode()).hexdigest()[:32]

    @property
    def index(self) -> SearchIndex:
        with self._lock:  # made on first use: starting the app stays cheap
            if self._index is None:
                self._index = SearchIndex(self.world, serialize.hit_source)
            return self._index

    def reset(self) -> None:
        """The control plane's reset: configured keys only, and an index rebuilt on next use."""
        self.world.reset_entries(KEYS, self.configured)
        if self._index is not None:
            self._index.invalidate()

    def add_key(self, key: str, tier: str) -> None:
        if tier not in TIERS:
            raise ValueError(f"tier must be one of {', '.join(TIERS)}")
        self.world.put_entry(KEYS, key, tier)

    def remove_key(self, fingerprint_: str) -> bool:
        """Revoke the key with this fingerprint (until the next reset); False when none has it."""
        keys = self.keys
        chosen = [key for key in keys if fingerprint(key) == fingerprint_]
        if not chosen:
            return False
        self.world.reset_entries(KEYS, {k: t for k, t in keys.items() if k not in chosen})
        return True

    def preview(self, uuid: str) -> dict[str, Any] | None:
        """What get_job_detail answers for an ad (its `data`), None when it is not served."""
        return self.get_job_detail(uuid)

    @property
    def keys(self) -> dict[str, str]:
        """Every key and its tier."""
        return self.world.store.entries(KEYS)

    def tier(self, key: str | None) -> Tier | None:
        tier = self.world.store.entry(KEYS, key) if key else None
        return None if tier is None else TIERS.get(tier)

    # ---- admission: key, minute window, monthly credits -----------------------------------
    def admit(self, key: str | None) -> Admission:
        """Check the key and count the call in its minute window (refused calls count too)."""
        tier = self.tier(key)
        if key is None or tier is None:
            return Admission("unauthorized")
        limiter, now = self.runtime.limiter, self.world.now()
        verdict: Verdict = limiter.hit("parsebot-minute", key, parse_rate(tier.minute_rate), now)
        if not verdict.allowed:
            return Admission("rate_limited", tier, verdict.reset_after)
        credits = parse_rate(tier.month_rate)
        used = limiter.peek("parsebot-credits", key, credits, now)
        if used >= tier.credits:
            after = limiter.hit("parsebot-credits", key, credits, now, cost=0).reset_after
            return Admission("no_credits", tier, after, used)
        return Admission("ok", tier, 0, used)

    def charge(self, key: str) -> None:
        """One credit for a call that ran (answered 200)."""
        tier = self.tier(key)
        assert tier is not None, "charged a key that was admitted"
        self.runtime.limiter.hit(
            "parsebot-credits", key, parse_rate(tier.month_rate), self.world.now()
        )

    def exhaust_credits(self, environ: dict[str, Any]) -> None:
        """Use up the calling key's credits for this month (the `credits_out` fault)."""
        key = environ.get("HTTP_X_API_KEY")
        tier = self.tier(key)
        if key is None or tier is None:
            return
        rate, now = parse_rate(tier.month_rate), self.world.now()
        used = self.runtime.limiter.peek("parsebot-credits", key, rate, now)
        if used < tier.credits:
            self.runtime.limiter.hit("parsebot-credits", key, rate, now, cost=tier.credits - used)

    def usage(self, key: str) -> dict[str, Any]:
        tier = self.tier(key)
        assert tier is not None, f"no key {key!r}"
        now, limiter = self.world.now(), self.runtime.limiter
        return {
            "fingerprint": fingerprint(key),
            "tier": tier.name,
            "per_minute": tier.per_minute,
            "credits": tier.credits,
            "minute_used": limiter.peek("parsebot-minute", key, parse_rate(tier.minute_rate), now),
            "credits_used": limiter.peek("parsebot-credits", key, parse_rate(tier.month_rate), now),
        }

    # ---- the scraper's endpoints ---------------------------------------------------------
    def search_jobs(self, q: SearchQuery) -> dict[str, Any]:
        """A page of hits with the aggregations `get_facets` computes for the same inputs
        (the seed: "paginated results with aggregations"), from one state of the index."""
        started = time.perf_counter()  # `took` is elapsed time, as the search engine reports
        now = self.world.now()
        with self.index.reading() as index:  # re-entrant: both steps see the same events
            w = query.where(index, q.filters, q.q, now)  # the words matched once for both
            page = query.search(index, q, now, w)
            _, aggregations = facets.aggregations(index, q, now, w)
        return serialize.search_result(page, aggregations, _millis(started))

    def get_facets(self, q: SearchQuery) -> dict[str, Any]:
        started = time.perf_counter()
        total, aggregations = facets.aggregations(self.index, q, self.world.now())
        return serialize.facets_result(total, aggregations, _millis(started))

    def get_job_detail(self, uuid: str) -> dict[str, Any] | None:
        """Any public ad, active or expired; None for unknown, stopped or hidden ads."""
        ad = self.world.ad(uuid)
        if ad is None or not _public(ad):
            return None
        return serialize.job_detail(ad, self.similar_jobs(ad))

    def similar_jobs(self, ad: Ad) -> list[tuple[str, str]]:
        """Newest active ads of the same occupation in one of the ad's counties."""
        values = facet_values(ad)
        index = self.index
        with index.reading():
            same = index.mask("occupation", values["occupation"])
            same &= index.mask("county", values["county"])
            if ad["uuid"] in index.ids:
                same &= ~(1 << index.ids[ad["uuid"]])
            table = members(same)
            found = []
            for *_, doc_id in index.by_published:
                if has(table, doc_id):
                    found.append(doc_id)
                    if len(found) == SIMILAR_JOBS:
                        break
            payloads = index.payloads(found)
            return [(index.docs[i].uuid, orjson.loads(payloads[i])["title"]) for i in found]


def _public(ad: Ad) -> bool:
    return bool(
        ad["status"] in ("ACTIVE", "INACTIVE")
        and ad["privacy"] == "SHOW_ALL"
        and ad["source"] != "DIR"
    )


def _millis(started: float) -> int:
    return max(1, round((time.perf_counter() - started) * 1000))
