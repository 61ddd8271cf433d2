"""Textkernel Jobfeed API v3: `/api/v3/fields`, `/search`, `/aggregate`, `/count`."""

from __future__ import annotations

from typing import Any

from jobfakes.fakes.jobfeed.backend import JobfeedBackend
from jobfakes.fakes.jobfeed.errors import error_body
from jobfakes.fakes.jobfeed.views import blueprint

from jobfakes.core.registry import FakeSpec


def _banner(backend: Any) -> list[str]:
    jobs, postings = backend.world.counts()
    lines = [f"world: {jobs} jobs, {postings} postings"]
    for account in backend.accounts.all():
        lines.append(f"account: {account.user}:{account.password} (limits: {account.limits_text})")
    return lines


SPEC = FakeSpec(
    name="jobfeed",
    title="Textkernel Jobfeed API v3",
    blueprint=blueprint,
    backend=JobfeedBackend,
    contract="jobfeed.yaml",
    prefixes=("/api/v3/",),
    error_body=error_body,
    banner=_banner,
)
