"""The public feed's one operation, `ads`, and its token rules, over the world (no Flask)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from jobfakes.fakes.publicfeed import tokens
from jobfakes.fakes.publicfeed.listing import Listing, Row
from jobfakes.fakes.publicfeed.params import FeedQuery, Filters

from jobfakes.core.auth import AuthError, JwtScheme
from jobfakes.core.cache import VersionedCache
from jobfakes.world.model import Ad

if TYPE_CHECKING:
    from jobfakes.core.app import Runtime

PUBLIC_AUTH = JwtScheme(issuer="nav.no", audience="feed-api-v1")
PUBLIC_TOKEN = tokens.V1.text  # the README's first public token (see tokens.py for both)
DENYLIST = "publicfeed-denylist"  # deny-list entries live in the world's revocation table
SORT = "published:desc"


@dataclass(frozen=True)
class FeedResult:
    """One page as the service reports it."""

    ads: list[Ad]
    total: int  # capped
    page: int  # the reported page number (clamped one page lower than the fetched one)
    size: int


class PublicFeedBackend:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.world = runtime.world
        self.cap = runtime.config.publicfeed_cap
        self._listing: tuple[int, Listing] | None = None
        self._lock = threading.Lock()
        self._selections: VersionedCache[Sequence[Row]] = VersionedCache(64)  # <= 200 kB each
        self._claims: VersionedCache[dict[str, Any] | str] = VersionedCache()

    def listing(self) -> Listing:
        """The index of the current world version (built on first use of a version)."""
        version = self.world.version
        with self._lock:
            if self._listing is None or self._listing[0] != version:
                self._listing = (version, Listing.build(self.world.store, self.world.now()))
            return self._listing[1]

    def select(self, filters: Filters) -> Sequence[Row]:
        return self._selections.get(
            self.world.version, filters, lambda: self.listing().select(filters)
        )

    def ads(self, query: FeedQuery) -> FeedResult:
        """GET /api/v1/ads: a page of active ads, newest published first, under the cap.

        The page fetched is clamped to 0..cap/size, the page reported to 0..cap/size-1: so
        the page past the cap returns the hits after it while reporting the page before."""
        rows = self.select(query.filters)
        size = query.size
        fetched = min(max(query.page, 0), self.cap // size)
        reported = min(max(query.page, 0), max(self.cap // size - 1, 0))
        chunk = rows[fetched * size : fetched * size + size]
        docs = self.world.store.ad_docs([r.uuid for r in chunk])
        ads = [orjson.loads(docs[r.uuid]) for r in chunk if r.uuid in docs]
        return FeedResult(ads, min(len(rows), self.cap), reported, size)

    # ---- tokens -------------------------------------------------------------------------
    def authorise(self, token: str) -> dict[str, Any]:
        """The claims of an accepted token; raises AuthError (cached per world version)."""
        found = self._claims.get(self.world.version, token, lambda: self._check(token))
        if isinstance(found, str):
            raise AuthError(found)
        return found

    def _check(self, token: str) -> dict[str, Any] | str:
        world = self.world
        try:
            documented = tokens.documented_claims(token, world.now())
            if documented is not None:
                if world.store.is_revoked("publicfeed", token):
                    raise AuthError("token revoked")
                claims: dict[str, Any] = documented
            else:
                claims = PUBLIC_AUTH.verify(
                    self.runtime.config.secret("publicfeed"),
                    token,
                    world.now(),
                    lambda t: world.store.is_revoked("publicfeed", t),
                )
        except AuthError as error:
            return str(error)
        if self.denied(claims):
            return "subject on the deny-list"
        return claims

    def denied(self, claims: dict[str, Any]) -> bool:
        """The service's deny-list: subject -> 0 (every token) or the token's iat in ms."""
        subject, issued = claims.get("sub"), claims.get("iat")
        if not isinstance(subject, str):
            return False
        keys = [f"{subject}|0"]
        if isinstance(issued, int | float):
            keys.append(f"{subject}|{int(issued * 1000)}")
        return any(self.world.store.is_revoked(DENYLIST, key) for key in keys)

    def deny(self, subject: str, issued_at_ms: int) -> None:
        """Add `subject -> issued_at_ms` to the deny-list (0: all of the subject's tokens)."""
        self.world.revoke(DENYLIST, f"{subject}|{issued_at_ms}")

    def banner(self) -> list[str]:
        return [
            f"public token (as in the docs): {PUBLIC_TOKEN}",
            f"public token v2 (the docs from 2024-11-20, expires 2025-04-30): {tokens.V2.text}",
            f"hit cap: {self.cap}",
        ]
