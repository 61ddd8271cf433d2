"""Reference clients, one per upstream, on requests (no Flask, no fakes)."""

from jobfakes.client.mirror import Mirror
from jobfakes.client.navfeed import FeedCursor, NavFeedClient
from jobfakes.client.parsebot import ParseBotClient
from jobfakes.client.publicfeed import HarvestError, PublicFeedClient

__all__ = [
    "FeedCursor",
    "HarvestError",
    "Mirror",
    "NavFeedClient",
    "ParseBotClient",
    "PublicFeedClient",
]
