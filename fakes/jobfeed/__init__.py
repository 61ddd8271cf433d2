"""Textkernel Jobfeed API v3: `/api/v3/fields`, `/search`, `/aggregate`, `/count`."""

from __future__ import annotations

from typing import Any

from jobfakes.fakes.jobfeed.backend import JobfeedBackend
from jobfakes.fakes.jobfeed.errors import error_body
from jobfakes.fakes.jobfeed.views import blueprint

from jobfakes.core.registry import FakeSpec


def _banner(backend: Any) -> list[str]:
    """Served alone, the Dutch world is built before the port opens; beside the NAV fakes, on
    the first Jobfeed request, so that they start at once."""
    if len(backend.runtime.specs) == 1:
        jobs, postings = backend.world.counts()
        lines = [f"world: {jobs} jobs, {postings} postings"]
    else:
        lines = [f"world: {backend.runtime.config.jobs} jobs, built on the first request"]
    for account in backend.accounts.all():
        lines.append(f"account: {account.user}:{account.password} (limits: {account.limits_text})")
    return lines


def _session_headers(backend: Any) -> dict[str, str]:
    """Basic credentials of the first account, for the plugin's fixture sessions."""
    from jobfakes.recording.contract import auth_headers

    account = backend.accounts.all()[0]
    return auth_headers(user=account.user, password=account.password)


SPEC = FakeSpec(
    name="jobfeed",
    title="Textkernel Jobfeed API v3",
    blueprint=blueprint,
    backend=JobfeedBackend,
    contract="jobfeed.yaml",
    contract_url="/api/v3/openapi.json",
    prefixes=("/api/v3/",),
    error_body=error_body,
    banner=_banner,
    session_headers=_session_headers,
)
