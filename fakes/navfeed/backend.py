"""The Job Vacancy Feed's operations over the world (no Flask here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jobfakes.fakes.navfeed.params import PageQuery

from jobfakes.core.auth import JwtScheme
from jobfakes.world.model import Ad, is_active
from jobfakes.world.store import EventRow
from jobfakes.world.times import DAY, US

if TYPE_CHECKING:
    from jobfakes.core.app import Runtime

FEED_AUTH = JwtScheme(issuer="nav-no", audience="feed-api-v2", kid_claim=True)
PUBLIC_SUBJECT = "nav.team.arbeidsplassen@nav.no"
PUBLIC_TOKEN_DAYS = 35
PUBLIC_TOKEN_GRACE = 5 * 3600 * US  # replaced only once expired for more than 5 hours


@dataclass(frozen=True)
class FeedPage:
    id: str
    lines: list[EventRow]
    next_id: str | None
    etag: str  # event id of the page's last line
    last_modified: int  # that event's time


class NavFeedBackend:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.world = runtime.world

    def start_page_id(self, last: bool, since: int | None) -> str | None:
        """`last`: the newest event; else the first event after If-Modified-Since; else the
        oldest. None when there is no such event."""
        store = self.world.store
        if last:
            return store.last_event_id()
        return store.first_event_id(since)

    def feed_page(self, page_id: str, query: PageQuery) -> FeedPage | None:
        """One page as pam-stilling-feed builds it: [F] + following events, minus the last
        one when two or more follow, so that pages overlap by one line."""
        store = self.world.store
        first = store.event(page_id)
        if first is None:
            return None
        following = store.events_after(first[0], query.page_size, query.if_modified_since)
        count = len(following)
        last = following[-1] if count else first
        last_in_page = following[-2] if count >= 2 else last
        lines = [first, *following[:-1]] if count >= 2 else [first, *following]
        next_id = last_in_page[1] if count >= 2 else None
        etag = last_in_page[1]
        return FeedPage(page_id, lines, next_id, etag, last_in_page[3])

    @staticmethod
    def revalidate(page: FeedPage, query: PageQuery) -> str:
        """'200', '304' (Javalin's exact If-None-Match check, headers kept) or '304-bare'
        (the service's own check when If-Modified-Since is sent too; no headers)."""
        inm, ims = query.if_none_match, query.if_modified_since
        if inm is None or inm != page.etag:
            return "200"
        if ims is not None and page.last_modified < ims:
            return "304-bare"
        return "304"

    def feed_entry(self, ad_uuid: str) -> Ad | None:
        return self.world.ad(ad_uuid)

    def public_token(self) -> str:
        """The current public token: 35 days long, replaced 5 hours after it expires."""
        world = self.world
        issued, now = world.start, world.now()
        lifetime = PUBLIC_TOKEN_DAYS * DAY
        while now > issued + lifetime + PUBLIC_TOKEN_GRACE:
            issued += lifetime + PUBLIC_TOKEN_GRACE
        return FEED_AUTH.mint(
            self.runtime.config.secret("navfeed"),
            PUBLIC_SUBJECT,
            issued,
            issued + lifetime,
        )

    @staticmethod
    def active(ad: Ad) -> bool:
        return is_active(ad)
