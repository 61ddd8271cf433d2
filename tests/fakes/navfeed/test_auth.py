"""Bearer JWT rules of the Job Vacancy Feed: every failure is a 401 with Javalin's body."""

from __future__ import annotations

import jwt
import pytest

from tests.conftest import first_page_status

JAVALIN_401 = (
    '{\n    "title": "Unauthorized",\n    "status": 401,\n'
    '    "type": "https://javalin.io/documentation#unauthorizedresponse",\n'
    '    "details": {}\n}'
)
SECRET = "jobfakes-navfeed-secret-for-local-testing"


def _token(secret=SECRET, **claims):
    base = {
        "sub": "x@example.com",
        "kid": "k",
        "iss": "nav-no",
        "aud": "feed-api-v2",
        "iat": 1_700_000_000,
        **claims,
    }
    return jwt.encode(base, secret, algorithm="HS256")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer not.a.jwt",
        "Token abc",
        f"Bearer {_token('wrong-secret-wrong-secret-wrong-secret')}",
        f"Bearer {_token(iss='nav.no')}",
        f"Bearer {_token(aud='feed-api-v1')}",
        f"Bearer {_token(exp=1_600_000_000)}",
        f"Bearer {jwt.encode({'iss': 'nav-no', 'aud': 'feed-api-v2'}, SECRET * 2, 'HS512')}",
    ],
)
def test_auth_failures_are_401_with_javalin_body(navfeed_inprocess, header):
    headers = {"Authorization": header} if header is not None else {}
    session = navfeed_inprocess.session
    session.headers.pop("Authorization", None)
    response = session.get(navfeed_inprocess.url("/api/v1/feed"), headers=headers)
    assert response.status_code == 401
    assert response.text == JAVALIN_401
    assert response.headers["Content-Type"] == "application/json"


def test_browser_gets_plain_text_401(navfeed_inprocess):
    session = navfeed_inprocess.session
    session.headers.pop("Authorization", None)
    response = session.get(
        navfeed_inprocess.url("/api/v1/feed"), headers={"Accept": "text/html,*/*"}
    )
    assert response.status_code == 401 and response.text == "Unauthorized"


def test_scheme_is_case_insensitive_and_kid_is_a_claim(navfeed_inprocess):
    fake = navfeed_inprocess
    claims = jwt.decode(fake.token, options={"verify_signature": False})
    assert "kid" in claims and claims["iss"] == "nav-no" and claims["aud"] == "feed-api-v2"
    assert first_page_status(fake, f"bEaReR {fake.token}") == 200


def test_token_without_exp_is_valid(navfeed_inprocess):
    assert first_page_status(navfeed_inprocess, f"Bearer {_token()}") == 200


def test_token_expires_on_the_world_clock(navfeed_inprocess):
    fake = navfeed_inprocess
    now = fake.admin.clock()
    from datetime import datetime, timedelta

    later = (datetime.fromisoformat(now.replace("Z", "+00:00")) + timedelta(hours=1)).isoformat()
    token = fake.admin.mint_token("navfeed", "short@example.com", expires=later)
    headers = {"Authorization": f"Bearer {token}"}
    url = fake.url("/api/v1/feed?pageSize=1")
    assert fake.session.get(url, headers=headers).status_code == 200
    fake.admin.advance("PT2H")
    assert fake.session.get(url, headers=headers).status_code == 401


def test_revoked_token_is_refused(navfeed_inprocess):
    fake = navfeed_inprocess
    url = fake.url("/api/v1/feed?pageSize=1")
    assert fake.session.get(url).status_code == 200
    fake.admin.revoke_token("navfeed", fake.token)
    assert fake.session.get(url).status_code == 401
    fake.admin.reset()
    assert fake.session.get(url).status_code == 200  # reset empties the deny-list


def test_configured_secret(jobfakes_config):
    from dataclasses import replace

    from tests.conftest import BASE, inprocess

    _, session = inprocess(
        replace(
            jobfakes_config, ads=50, secrets={"navfeed": "a-configured-secret-of-32-bytes-or-more"}
        )
    )
    good = _token("a-configured-secret-of-32-bytes-or-more")
    assert (
        session.get(f"{BASE}/api/v1/feed", headers={"Authorization": f"Bearer {good}"}).status_code
        == 200
    )
    assert (
        session.get(
            f"{BASE}/api/v1/feed", headers={"Authorization": f"Bearer {_token()}"}
        ).status_code
        == 401
    )
