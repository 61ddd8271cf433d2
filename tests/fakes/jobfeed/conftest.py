"""A small Dutch world for the Jobfeed fake's tests, and a session with an unlimited account."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
import requests

from jobfakes.core.config import Config


@pytest.fixture(scope="session")
def jobfakes_config() -> Config:
    return Config(ads=300, jobs=800, clock="frozen", fakes=("jobfeed",))


class Jobfeed:
    """The fake in process, with a session authorised as an account without limits."""

    def __init__(self, handle: Any):
        self.handle = handle
        self.admin = handle.admin
        self.session = requests.Session()
        self.session.adapters = handle.session.adapters
        self.session.post(
            handle.url("/__admin/jobfeed/accounts"),
            json={"user": "tester", "password": "secret", "limits": None},
        ).raise_for_status()
        self.session.auth = ("tester", "secret")

    def url(self, path: str) -> str:
        return self.handle.url(path)

    def get(self, endpoint: str, **params: Any) -> requests.Response:
        return self.session.get(self.url(f"/api/v3/{endpoint}"), params=params)

    def ok(self, endpoint: str, **params: Any) -> Any:
        response = self.get(endpoint, **params)
        assert response.status_code == 200, response.text
        return response.json()

    def count(self, **params: Any) -> int:
        return int(self.ok("count", **params)["count"])

    def truth(self) -> list[dict[str, Any]]:
        response = self.session.get(self.url("/__admin/jobs"))
        assert response.status_code == 200
        return [orjson.loads(line) for line in response.content.splitlines()]


@pytest.fixture
def jf(jobfeed_inprocess: Any) -> Jobfeed:
    return Jobfeed(jobfeed_inprocess)


@pytest.fixture(scope="session")
def truth_cache() -> dict[str, Any]:
    return {}


@pytest.fixture
def truth(jf: Jobfeed, truth_cache: dict[str, Any]) -> list[dict[str, Any]]:
    """The ground truth (the world never changes, so it is read once per session)."""
    if "jobs" not in truth_cache:
        truth_cache["jobs"] = jf.truth()
    result: list[dict[str, Any]] = truth_cache["jobs"]
    return result
