"""NAV public feed v1 (pam-public-feed): `/public-feed/api/v1/ads`."""

from __future__ import annotations

from jobfakes.fakes.publicfeed.backend import PUBLIC_AUTH, PublicFeedBackend
from jobfakes.fakes.publicfeed.errors import ktor_error
from jobfakes.fakes.publicfeed.views import blueprint

from jobfakes.core.registry import FakeSpec

SPEC = FakeSpec(
    name="publicfeed",
    title="NAV public feed v1",
    blueprint=blueprint,
    backend=PublicFeedBackend,
    contract="publicfeed.yaml",
    contract_url="/public-feed/swagger/api/public-feed-api.yaml",
    prefixes=("/public-feed/",),
    auth=PUBLIC_AUTH,
    error_body=ktor_error,
    default_subject="consumer@example.com",
    banner=PublicFeedBackend.banner,
)
