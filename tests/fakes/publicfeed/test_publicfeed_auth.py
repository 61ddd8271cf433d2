"""Bearer JWT rules of the public feed: every failure a bare 401 with Ktor's challenge."""

from __future__ import annotations

import jwt
import pytest
from conftest import ADS

from jobfakes.client.publicfeed import PUBLIC_TOKEN

CHALLENGE = 'Bearer realm="feed-api-v1, contact support@arbeidsplassen.nav.no for access"'
SECRET = "jobfakes-publicfeed-secret-for-local-testing"
DENY = "/__admin/publicfeed/denylist"


def _token(secret=SECRET, **claims):
    base = {"sub": "x@example.com", "iss": "nav.no", "aud": "feed-api-v1", "iat": 1_700_000_000}
    return jwt.encode({**base, **claims}, secret, algorithm="HS256")


def _status(fake, token):
    fake.session.headers.pop("Authorization", None)
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return fake.session.get(fake.url(ADS), params={"size": 1}, headers=headers)


def _tampered(token):
    head, body, signature = token.split(".")
    return ".".join([head, body, ("A" if signature[0] != "A" else "B") + signature[1:]])


def test_the_public_token_of_the_docs_is_accepted(publicfeed_inprocess):
    claims = jwt.decode(PUBLIC_TOKEN, options={"verify_signature": False})
    assert claims == {
        "sub": "public.token.v1@nav.no",
        "aud": "feed-api-v1",
        "iss": "nav.no",
        "iat": 1557473422,
    }
    assert _status(publicfeed_inprocess, PUBLIC_TOKEN).status_code == 200


def test_tokens_minted_by_the_control_plane_and_by_the_secret_are_accepted(publicfeed_inprocess):
    fake = publicfeed_inprocess
    assert _status(fake, fake.token).status_code == 200
    assert _status(fake, _token()).status_code == 200
    assert jwt.decode(fake.token, options={"verify_signature": False})["iss"] == "nav.no"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer not.a.jwt",
        f"Bearer {_tampered(PUBLIC_TOKEN)}",
        f"Bearer {PUBLIC_TOKEN}x",
        f"Bearer {_token('another-secret-another-secret-another')}",
        f"Bearer {_token(iss='nav-no')}",
        f"Bearer {_token(aud='feed-api-v2')}",
        f"Bearer {_token(exp=1_600_000_000)}",
        f"Bearer {jwt.encode({'iss': 'nav.no', 'aud': 'feed-api-v1'}, SECRET * 2, 'HS512')}",
    ],
)
def test_failures_are_bare_401_with_the_challenge(publicfeed_inprocess, header):
    fake = publicfeed_inprocess
    fake.session.headers.pop("Authorization", None)
    headers = {} if header is None else {"Authorization": header}
    response = fake.session.get(fake.url(ADS), headers=headers)
    assert response.status_code == 401
    assert response.content == b""
    assert response.headers["WWW-Authenticate"] == CHALLENGE
    assert "Content-Type" not in response.headers


def test_bearer_scheme_is_case_insensitive(publicfeed_inprocess):
    fake = publicfeed_inprocess
    fake.session.headers.pop("Authorization", None)
    response = fake.session.get(fake.url(ADS), headers={"Authorization": f"bearer {fake.token}"})
    assert response.status_code == 200


def test_the_job_vacancy_feed_token_is_not_valid_here(publicfeed_inprocess):
    fake = publicfeed_inprocess
    assert _status(fake, fake.admin.mint_token("navfeed")).status_code == 401


def test_expiry_follows_the_world_clock(publicfeed_inprocess):
    fake = publicfeed_inprocess
    token = fake.admin.mint_token("publicfeed", expires="2025-12-01T09:00:00Z")
    assert _status(fake, token).status_code == 200
    fake.admin.set_clock("2025-12-01T09:00:00Z")
    assert _status(fake, token).status_code == 401


def test_deny_list_by_subject_covers_every_token_of_it(publicfeed_inprocess):
    fake = publicfeed_inprocess
    response = fake.session.post(fake.url(DENY), json={"subject": "public.token.v1@nav.no"})
    assert response.status_code == 201
    assert _status(fake, PUBLIC_TOKEN).status_code == 401
    assert _status(fake, fake.token).status_code == 200
    fake.admin.reset()  # the deny-list belongs to the world: reset empties it
    assert _status(fake, PUBLIC_TOKEN).status_code == 200


def test_deny_list_by_issued_at_in_milliseconds_covers_one_token(publicfeed_inprocess):
    fake = publicfeed_inprocess
    old, new = _token(iat=1_700_000_000), _token(iat=1_700_000_500)
    seconds = fake.session.post(
        fake.url(DENY), json={"subject": "x@example.com", "issuedAt": 1_700_000_000}
    )
    assert seconds.status_code == 201 and _status(fake, old).status_code == 200  # not in ms
    fake.session.post(
        fake.url(DENY), json={"subject": "x@example.com", "issuedAt": 1_700_000_000_000}
    )
    assert _status(fake, old).status_code == 401
    assert _status(fake, new).status_code == 200


def test_revocation_through_the_control_plane(publicfeed_inprocess):
    fake = publicfeed_inprocess
    token = fake.admin.mint_token("publicfeed", subject="revoked@example.com")
    assert _status(fake, token).status_code == 200
    fake.admin.revoke_token("publicfeed", token)
    assert _status(fake, token).status_code == 401
    fake.admin.revoke_token("publicfeed", PUBLIC_TOKEN)
    assert _status(fake, PUBLIC_TOKEN).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"subject": ""},
        {"subject": 3},
        {"subject": "a", "issuedAt": -1},
        {"subject": "a", "issuedAt": "0"},
    ],
)
def test_deny_list_admin_refuses_bad_bodies(publicfeed_inprocess, body):
    fake = publicfeed_inprocess
    response = fake.session.post(fake.url(DENY), json=body)
    assert response.status_code == 400
    assert response.json()["status"] == 400 and response.json()["message"]


def test_a_cached_answer_is_not_replayed_after_a_deny(publicfeed_fake):
    fake = publicfeed_fake
    assert _status(fake, PUBLIC_TOKEN).status_code == 200
    assert _status(fake, PUBLIC_TOKEN).status_code == 200  # served by the fast path
    fake.session.post(
        fake.url(DENY), json={"subject": "public.token.v1@nav.no", "issuedAt": 1557473422000}
    )
    assert _status(fake, PUBLIC_TOKEN).status_code == 401
