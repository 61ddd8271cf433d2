"""Schemathesis runs each registered fake's own contract against the fake, in process, every
run; each fake also serves that contract at its `contract_url`."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, settings

from jobfakes import contracts
from jobfakes.core import registry
from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.recording.contract import auth_headers, excluded_checks

# one app serves every fake; Jobfeed accounts without rate limits for the run
APP = create_app(Config(ads=300, jobs=400, jobfeed_limits="none"))


def credentials(name: str) -> dict[str, str]:
    """Headers for one case: the fake's fresh contract credentials, else a minted token and
    the fixture sessions' headers."""
    spec = registry.spec(name)
    backend = APP.extensions["jobfakes"].backends[name]
    if spec.contract_headers:
        return spec.contract_headers(backend)
    headers = {}
    if spec.auth:
        minted = APP.test_client().post("/__admin/tokens", json={"fake": name}).get_json()
        headers.update(auth_headers(token=minted["token"]))
    if spec.session_headers:
        headers.update(spec.session_headers(backend))
    return headers


def conformance_test(name: str) -> Any:
    schema = schemathesis.openapi.from_wsgi(registry.spec(name).contract_url, APP)
    checks = excluded_checks(name)  # x-jobfakes-excluded-checks, shared with the CLI

    @schema.parametrize()
    @settings(
        max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    def test(case: Any) -> None:
        # identity: schemathesis's WSGI transport does not undo a content coding, and the feed
        # gzips from 1500 bytes (gzip over HTTP: tests/contract/test_contract_files.py)
        headers = {**credentials(name), "Accept-Encoding": "identity"}
        case.call_and_validate(headers=headers, excluded_checks=checks)

    test.__doc__ = f"Every operation of the {name} contract, with generated requests."
    return test


for _name in registry.names():
    globals()[f"test_{_name}_conforms_to_its_contract"] = conformance_test(_name)


@pytest.mark.parametrize("name", registry.names())
def test_each_fake_serves_its_contract(name):
    spec = registry.spec(name)
    response = APP.test_client().get(spec.contract_url)
    assert response.status_code == 200
    if spec.contract_url.endswith(".yaml"):
        served = yaml.safe_load(response.data)
    else:
        served = orjson.loads(response.data)
    assert served == contracts.load(spec.contract)
    assert served["openapi"].startswith("3.")


@pytest.mark.parametrize(
    ("name", "paths"),
    [
        ("navfeed", {"/api/v1/feed", "/api/v1/feed/{feedPageId}", "/api/v1/feedentry/{adUuid}",
                     "/api/publicToken"}),
        ("publicfeed", {"/public-feed/api/v1/ads",
                        "/public-feed/swagger/api/public-feed-api.yaml"}),
        ("parsebot", {f"/scraper/{{scraper_id}}/{op}"
                      for op in ("search_jobs", "get_facets", "get_job_detail")}),
        ("jobfeed", {"/api/v3/search", "/api/v3/aggregate", "/api/v3/count", "/api/v3/fields"}),
    ],
)  # fmt: skip
def test_contracts_list_the_upstream_routes(name, paths):
    assert set(contracts.load(registry.spec(name).contract)["paths"]) >= paths
