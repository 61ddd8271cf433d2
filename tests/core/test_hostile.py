"""No input yields a 5xx (issue 12, section 3): regressions, a sweep of every route of the
registry's app, and a hypothesis search over routes, methods, values, bodies and tokens."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import jwt
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config

BASE = "http://hostile.test"
PUBLIC = "/public-feed/api/v1/ads"
SECRET = "jobfakes-publicfeed-secret-for-local-testing"
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "X"]
HOSTILE = ["a" * 3000, "\u00e6\u00f8\u00e5\U0001f600", "%00", "%FF%FE", "../../etc/passwd", "-1"]
DEEP = ["[" * 5000 + "]" * 5000, '{"a":' * 3000 + "1" + "}" * 3000, "[" * 40 + "]" * 40]


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(Config(ads=300, clock="frozen"))


@pytest.fixture(scope="module")
def session(app: Any) -> requests.Session:
    result = requests.Session()
    result.mount(BASE, WSGIAdapter(app))
    return result


def _safe(response: requests.Response) -> None:
    assert response.status_code < 500, (response.request.method, response.url, response.text)
    assert "Traceback" not in response.text


def _routes(app: Any) -> list[str]:
    """Every rule of the app, its variables filled with a plausible value."""
    return sorted({re.sub(r"<[^>]+>", "x", rule.rule) for rule in app.url_map.iter_rules()})


def _public_token(**claims: Any) -> str:
    """Signed with the fake's secret; any claim values, NaN and Infinity included."""
    base = {"sub": "x@example.com", "iss": "nav.no", "aud": "feed-api-v1", "iat": 1_700_000_000}
    payload = json.dumps({**base, **claims}).encode()
    return jwt.PyJWS().encode(payload, SECRET, algorithm="HS256")


@pytest.mark.parametrize(
    "path",
    [
        "/__admin/clock",
        "/__admin/tokens",
        "/__admin/ads",
        "/__admin/tokens/revoke",
        "/__admin/parsebot/keys",
        "/__admin/publicfeed/denylist",
        "/__admin/jobfeed/accounts",
    ],
)
@pytest.mark.parametrize("body", DEEP)
def test_deep_json_is_a_clear_400(session: requests.Session, path: str, body: str) -> None:
    response = session.post(BASE + path, data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert "JSON" in response.json()["message"] or "deeper" in response.json()["message"]


def test_deep_json_on_patch(session: requests.Session, app: Any) -> None:
    uuid = app.extensions["jobfakes"].world.store.ground_truth("ACTIVE")[0][0]
    response = session.patch(f"{BASE}/__admin/ads/{uuid}", data=DEEP[0])
    assert response.status_code == 400, response.text


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"advance": "P99999999999D"}, "advance"),
        ({"advance": "P999999D"}, "advance"),
        ({"advance": "P101D"}, "advance"),
        ({"now": "8999-01-01T00:00:00Z"}, "now"),
        ({"now": "9999-12-31T23:59:59Z"}, "now"),
    ],
)
def test_a_clock_move_is_bounded_and_the_world_stays_usable(
    session: requests.Session, body: dict[str, str], name: str
) -> None:
    before = session.get(f"{BASE}/__admin/clock").json()["now"]
    response = session.post(f"{BASE}/__admin/clock", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["message"].startswith(f"{name}:")
    assert session.get(f"{BASE}/__admin/clock").json()["now"] == before
    minted = session.post(f"{BASE}/__admin/tokens", json={"fake": "navfeed"})
    assert minted.status_code == 201, minted.text


def test_a_move_within_the_bound_still_works(session: requests.Session) -> None:
    assert session.post(f"{BASE}/__admin/clock", json={"advance": "PT1H"}).status_code == 200


@pytest.mark.parametrize("tier", [{"a": 1}, ["free"], 3, None])
def test_parsebot_tier_of_the_wrong_type(session: requests.Session, tier: Any) -> None:
    response = session.post(f"{BASE}/__admin/parsebot/keys", json={"key": "k1", "tier": tier})
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("issued", [10**30, 2**63, -1, 1.5, "0", float("nan")])
def test_denylist_issued_at_out_of_range(session: requests.Session, issued: Any) -> None:
    body = '{"subject": "a@b.no", "issuedAt": %s}' % (  # noqa: UP031  (raw JSON numbers)
        "NaN" if isinstance(issued, float) and math.isnan(issued) else repr(issued)
    ).replace("'", '"')
    response = session.post(f"{BASE}/__admin/publicfeed/denylist", data=body)
    assert response.status_code == 400, response.text


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": 1e308},
        {"exp": math.inf},
        {"exp": math.nan},
        {"exp": -math.inf},
        {"iat": math.nan},
        {"iat": 1e308},
        {"nbf": math.nan},
        {"exp": "2030-01-01"},
        {"exp": True},
        {"iat": 4_000_000_000},  # issued in the future (world time is 2025)
        {"nbf": 4_000_000_000},  # not valid before a future instant
    ],
)
def test_public_feed_refuses_bad_dates_with_401(session: requests.Session, claims: Any) -> None:
    headers = {"Authorization": f"Bearer {_public_token(**claims)}"}
    response = session.get(BASE + PUBLIC, params={"size": 1}, headers=headers)
    assert response.status_code == 401, response.text


def test_public_feed_accepts_past_iat_and_nbf(session: requests.Session) -> None:
    token = _public_token(nbf=1_700_000_000, exp=4_000_000_000.5)
    response = session.get(
        BASE + PUBLIC, params={"size": 1}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("scheme", ["bearer ", "BEARER ", "Bearer  "])
def test_bearer_scheme_case_and_spacing(session: requests.Session, scheme: str) -> None:
    headers = {"Authorization": scheme + _public_token()}
    assert session.get(BASE + PUBLIC, params={"size": 1}, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/feed", '"title": "Request URI Too Long"'),
        ("/api/v3/search", '"message":"Request URI Too Long"'),
        ("/scraper/x/search_jobs", '"detail":"Request URI Too Long"'),
        ("/__admin/health", '"status":414'),
    ],
)
def test_a_long_request_line_is_414_in_the_fakes_shape(
    session: requests.Session, path: str, body: str
) -> None:
    response = session.get(BASE + path, params={"q": "a" * 9000})
    assert response.status_code == 414
    assert body in response.text
    assert session.get(BASE + path, params={"q": "a" * 7000}).status_code != 414


def test_a_long_header_is_431(session: requests.Session) -> None:
    response = session.get(BASE + "/api/v1/feed", headers={"X-Big": "a" * 9000})
    assert response.status_code == 431
    assert session.get(BASE + "/api/v1/feed", headers={"X-Big": "a" * 7000}).status_code == 401


def test_every_route_and_method_with_hostile_values(app: Any, session: requests.Session) -> None:
    """A sweep: each rule (so a new fake is covered by construction) with every method."""
    routes = _routes(app)
    assert any(r.startswith("/public-feed") for r in routes) and len(routes) > 20
    for route in routes:
        for method in METHODS:
            _safe(session.request(method, BASE + route, data=DEEP[0]))
        for value in HOSTILE:
            _safe(session.get(BASE + route.replace("/x", "/" + value), params={"q": value}))
            _safe(session.post(BASE + route, data=value.encode(), params=[("a", value)] * 50))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
_CLAIM = st.sampled_from(
    [math.nan, math.inf, -math.inf, 1e308, -1e308, 2**70, "x", None, [], {}, 0, 4_000_000_000]
)
_VALUE = st.one_of(
    st.text(max_size=40),
    st.sampled_from([*HOSTILE, "", " ", "\x00", "NaN", "1e999", "9" * 400, "*", "now-1d"]),
)


@st.composite
def _authorization(draw: Any) -> str:
    claims = {
        draw(st.sampled_from(["exp", "iat", "nbf", "sub", "aud", "iss", "kid"])): draw(_CLAIM)
    }
    token = draw(
        st.sampled_from(
            [
                _public_token(**claims),
                "a.b.c",
                "",
                "x" * 3000,
                jwt.encode({"a": 1}, "k" * 32),
                "....",
            ]
        )
    )
    return draw(st.sampled_from(["Bearer ", "bearer ", "Basic ", "Bearer  ", ""])) + token


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_hypothesis_hostile_requests(app: Any, session: requests.Session, data: Any) -> None:
    route = data.draw(st.sampled_from(_routes(app)))
    route = route.replace("/x", "/" + data.draw(_VALUE).replace("?", "%3F").replace("#", "%23"))
    method = data.draw(st.sampled_from(METHODS))
    params = data.draw(st.lists(st.tuples(st.text(max_size=10), _VALUE), max_size=6))
    headers = {"Authorization": data.draw(_authorization())}
    kind = data.draw(st.sampled_from(["json", "raw", "none"]))
    body: bytes | None = None
    if kind == "json":
        body = json.dumps(data.draw(_JSON)).encode()
        headers["Content-Type"] = data.draw(st.sampled_from(["application/json", "text/plain"]))
    elif kind == "raw":
        body = data.draw(st.binary(max_size=200))
    _safe(session.request(method, BASE + route, params=params, data=body, headers=headers))
