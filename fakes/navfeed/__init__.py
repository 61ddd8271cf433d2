"""NAV Job Vacancy Feed (pam-stilling-feed): `/api/v1/feed`, `/api/v1/feedentry`."""

from __future__ import annotations

from jobfakes.fakes.navfeed.backend import FEED_AUTH, NavFeedBackend
from jobfakes.fakes.navfeed.errors import javalin_error
from jobfakes.fakes.navfeed.views import blueprint

from jobfakes.core.registry import FakeSpec

SPEC = FakeSpec(
    name="navfeed",
    title="NAV Job Vacancy Feed",
    blueprint=blueprint,
    backend=NavFeedBackend,
    contract="navfeed.yaml",
    contract_url="/api/openapi.json",
    prefixes=("/",),  # the service owns its host: every path outside the others' prefixes
    auth=FEED_AUTH,
    error_body=javalin_error,
    default_subject="consumer@example.com",
)
