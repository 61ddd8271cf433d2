"""Schemathesis runs each fake's own contract against the fake, in process, every run."""

from __future__ import annotations

import itertools

import schemathesis
import yaml
from hypothesis import HealthCheck, settings

from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.recording.contract import auth_headers, excluded_checks

APP = create_app(Config(ads=300))
TOKEN = APP.test_client().post("/__admin/tokens", json={"fake": "navfeed"}).get_json()["token"]
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_navfeed_conforms_to_its_contract(case):
    # The checks the contract opts out of (x-jobfakes-excluded-checks) are the CLI's too.
    case.call_and_validate(
        headers=auth_headers(token=TOKEN), excluded_checks=excluded_checks("navfeed")
    )


def test_contract_is_served_and_lists_every_route():
    spec = APP.test_client().get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) >= {
        "/api/v1/feed",
        "/api/v1/feed/{feedPageId}",
        "/api/v1/feedentry/{adUuid}",
        "/api/publicToken",
    }


# ---- publicfeed -------------------------------------------------------------------------
PUBLICFEED_TOKEN = (
    APP.test_client().post("/__admin/tokens", json={"fake": "publicfeed"}).get_json()["token"]
)
publicfeed_schema = schemathesis.openapi.from_wsgi(
    "/public-feed/swagger/api/public-feed-api.yaml", APP
)


@publicfeed_schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_publicfeed_conforms_to_its_contract(case):
    case.call_and_validate(
        headers=auth_headers(token=PUBLICFEED_TOKEN), excluded_checks=excluded_checks("publicfeed")
    )


def test_publicfeed_contract_is_served_and_lists_every_route():
    response = APP.test_client().get("/public-feed/swagger/api/public-feed-api.yaml")
    assert response.status_code == 200
    spec = yaml.safe_load(response.data)
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) >= {
        "/public-feed/api/v1/ads",
        "/public-feed/swagger/api/public-feed-api.yaml",
    }


# parse.bot: the contract is served at /scraper/openapi.json. Each case gets a fresh Developer
# key, so that the minute window (frozen clock) never turns the run into a row of 429s.
PARSEBOT = schemathesis.openapi.from_wsgi("/scraper/openapi.json", APP)
_PARSEBOT_KEYS = itertools.count()


def _parsebot_key() -> str:
    key = f"contract-{next(_PARSEBOT_KEYS)}"
    client = APP.test_client()
    assert (
        client.post("/__admin/parsebot/keys", json={"key": key, "tier": "developer"}).status_code
        == 201
    )
    return key


@PARSEBOT.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_parsebot_conforms_to_its_contract(case):
    # The core answers 404 (not 405) to a method a path does not have, for every fake. The
    # contract narrows `from` to 9900 so that schema-valid pages stay in the 10 000 window;
    # values past it that still fit the window (from=9901, size=25) are accepted, as upstream.
    case.call_and_validate(
        headers=auth_headers(api_key=_parsebot_key()), excluded_checks=excluded_checks("parsebot")
    )


def test_parsebot_contract_is_served_and_lists_every_endpoint():
    spec = APP.test_client().get("/scraper/openapi.json").get_json()
    assert {p.rsplit("/", 1)[1] for p in spec["paths"]} == {
        "search_jobs",
        "get_facets",
        "get_job_detail",
    }


# ---- jobfeed: an account without rate limits for the run -------------------------------------
_JOBFEED = create_app(Config(ads=300, jobs=400, fakes=("jobfeed",), jobfeed_limits="none"))
jobfeed_schema = schemathesis.openapi.from_wsgi("/api/v3/openapi.json", _JOBFEED)


@jobfeed_schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_jobfeed_conforms_to_its_contract(case):
    # Filter values are free strings in a language of their own (an empty date range, an
    # unbalanced full-text query): the fake answers those with a 400 naming the parameter,
    # which the contract lists, so schema-valid requests may be refused; never with a 5xx.
    case.call_and_validate(
        headers=auth_headers(user="jobfeed", password="jobfeed"),
        excluded_checks=excluded_checks("jobfeed"),
    )
