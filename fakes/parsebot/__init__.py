"""parse.bot's nav.no scraper: `/scraper/{id}/search_jobs`, `/get_job_detail`, `/get_facets`."""

from __future__ import annotations

from typing import Any

from jobfakes.fakes.parsebot.backend import SCRAPER_ID, ParseBotBackend
from jobfakes.fakes.parsebot.errors import fastapi_error
from jobfakes.fakes.parsebot.views import blueprint

from jobfakes.core.registry import FakeSpec


def banner(backend: ParseBotBackend) -> list[str]:
    """The keys `serve` prints at start, and the scraper id to call."""
    lines = [f"scraper: /scraper/{SCRAPER_ID}/search_jobs"]
    lines += [f"key ({tier}): {key}" for key, tier in backend.configured.items()]
    return lines


def session_headers(backend: Any) -> dict[str, str]:
    """Headers a test session needs: the first key (the default Developer key)."""
    return {"X-API-Key": next(iter(backend.configured))}


def contract_headers(backend: ParseBotBackend) -> dict[str, str]:
    """A fresh Developer key for each contract case: with a frozen clock the minute window
    would otherwise turn a run into a row of 429s."""
    key = f"contract-{len(backend.keys)}"  # keys only grow until a reset
    backend.add_key(key, "developer")
    return {"X-API-Key": key}


SPEC = FakeSpec(
    name="parsebot",
    title="parse.bot nav.no API",
    blueprint=blueprint,
    backend=ParseBotBackend,
    contract="parsebot.yaml",
    contract_url="/scraper/openapi.json",
    prefixes=("/scraper/",),
    error_body=fastapi_error,
    default_subject="parsebot@example.com",
    banner=banner,
    session_headers=session_headers,
    contract_headers=contract_headers,
)
