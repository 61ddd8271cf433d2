"""Schemathesis runs each fake's own contract against the fake, in process, every run."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
    unsupported_method,
)

from jobfakes.core.app import create_app
from jobfakes.core.config import Config

APP = create_app(Config(ads=300))
TOKEN = APP.test_client().post("/__admin/tokens", json={"fake": "navfeed"}).get_json()["token"]
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_navfeed_conforms_to_its_contract(case):
    # As upstream (docs/fidelity.md): Javalin answers 404, not 405, to a method a path does
    # not have, and unknown query parameters are ignored rather than refused.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"},
        excluded_checks=[unsupported_method, negative_data_rejection],
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
        headers={"Authorization": "Basic am9iZmVlZDpqb2JmZWVk"},  # jobfeed:jobfeed
        excluded_checks=[negative_data_rejection, positive_data_acceptance, unsupported_method],
    )
