"""Issue 14, items 12-13: the public feed's status lines (Ktor on Netty) and the public
tokens its README printed, accepted when the service accepted them."""

from __future__ import annotations

import jwt
import pytest
import requests
from jobfakes.fakes.publicfeed import tokens

from tests.fakes.publicfeed.conftest import ADS


def status_with(fake, token: str) -> int:
    response = requests.Session()
    response.adapters = fake.session.adapters
    answer = response.get(
        fake.url(ADS), params={"size": 1}, headers={"Authorization": f"Bearer {token}"}
    )
    return int(answer.status_code)


def test_status_lines_carry_ktors_reason_phrases(publicfeed_fake):
    fake = publicfeed_fake
    cases = [
        (fake.session.get(fake.url(ADS), params={"size": 1}), 200, "OK"),
        (fake.session.get(fake.url(ADS), params={"size": "abc"}), 400, "Bad Request"),
        (fake.session.get(fake.url(ADS), params={"published": "nope"}), 400, "Bad Request"),
        (requests.get(fake.url(ADS)), 401, "Unauthorized"),
        (fake.session.get(fake.url("/public-feed/api/v1/nothing")), 404, "Not Found"),
        (fake.session.post(fake.url(ADS)), 404, "Not Found"),
        (fake.session.get(fake.url("/public-feed/internal/isAlive")), 200, "OK"),
    ]
    for response, status, reason in cases:
        assert (response.status_code, response.reason) == (status, reason), response.url


def test_both_readme_tokens_are_the_services_own_claims():
    v1 = jwt.decode(tokens.V1.text, options={"verify_signature": False})
    v2 = jwt.decode(tokens.V2.text, options={"verify_signature": False})
    assert v1 == {"sub": "public.token.v1@nav.no", "aud": "feed-api-v1", "iss": "nav.no",
                  "iat": 1557473422}  # fmt: skip
    assert v2["sub"] == "public.token.v2@nav.no" and v2["exp"] == 1746050400  # 2025-04-30 22:00Z
    assert v2["iat"] == 1732112969  # 2024-11-20T14:29:29Z


@pytest.mark.jobfakes(now="2025-04-30T12:00:00Z")
def test_the_v2_token_is_accepted_before_its_expiry_and_refused_after(publicfeed_inprocess):
    fake = publicfeed_inprocess
    assert status_with(fake, tokens.V2.text) == 200
    assert status_with(fake, tokens.V1.text) == 200  # no evidence it was ever deny-listed
    fake.admin.set_clock("2025-04-30T21:59:59Z")
    assert status_with(fake, tokens.V2.text) == 200
    fake.admin.set_clock("2025-04-30T22:00:00Z")
    assert status_with(fake, tokens.V2.text) == 401  # java-jwt: exp must be after now
    assert status_with(fake, tokens.V1.text) == 200


@pytest.mark.jobfakes(now="2024-11-01T00:00:00Z")
def test_the_v2_token_is_refused_before_it_was_issued(publicfeed_inprocess):
    assert status_with(publicfeed_inprocess, tokens.V2.text) == 401  # iat in the future
    assert status_with(publicfeed_inprocess, tokens.V1.text) == 200


@pytest.mark.jobfakes(now="2025-01-15T12:00:00Z")
def test_a_documented_token_can_still_be_revoked_or_deny_listed(publicfeed_inprocess):
    fake = publicfeed_inprocess
    fake.admin._call(
        "POST", "/publicfeed/denylist", json={"subject": "public.token.v2@nav.no", "issuedAt": 0}
    )
    assert status_with(fake, tokens.V2.text) == 401
    fake.admin.revoke_token("publicfeed", tokens.V1.text)
    assert status_with(fake, tokens.V1.text) == 401
