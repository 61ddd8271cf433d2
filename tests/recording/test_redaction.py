"""Redaction on the way to disk: no secret and no contact's personal data reaches the file."""

from __future__ import annotations

import base64

import requests
from click.testing import CliRunner

from jobfakes.cli import main
from jobfakes.recording import cassette, decoding
from jobfakes.recording.recorder import replay_session, use_cassette
from jobfakes.recording.redact import Redactor
from tests.recording.conftest import cli_server

API_KEY = "pk_live_9f8e7d6c5b4a"
QUERY_TOKEN = "qtok-0123456789abcdef"
USER, PASSWORD = "harvester-user", "s3cret-pass-w0rd"


def _secrets_session(fake) -> tuple[requests.Session, str]:
    """The fake's session plus an API key header; a URL carrying basic creds and a token."""
    fake.session.headers["X-API-Key"] = API_KEY
    return fake.session, fake.base_url.replace("://", f"://{USER}:{PASSWORD}@")


def _ads_with_contacts(fake, count: int) -> list[dict]:
    """Active ads (full, from the control plane) whose contacts have an e-mail and a phone."""
    found = []
    for row in fake.admin.ads(status="ACTIVE"):
        ad = fake.admin._call("GET", f"/ads/{row['uuid']}")
        if any(c.get("email") and c.get("phone") for c in ad.get("contacts") or []):
            found.append(ad)
            if len(found) == count:
                break
    return found


def test_a_recorded_session_keeps_no_secret_anywhere_in_the_file(navfeed_inprocess, tmp_path):
    fake = navfeed_inprocess
    session, _ = _secrets_session(fake)
    ads = _ads_with_contacts(fake, 3)
    people = [c for ad in ads for c in ad["contacts"]]
    assert people, "the world should give active ads contacts"
    path = tmp_path / "secrets.yaml"
    with use_cassette(session, path, "all"):
        page = session.get(fake.url("/api/v1/feed"), params={"pageSize": 5, "token": QUERY_TOKEN})
        assert page.status_code == 200
        for ad in ads:
            entry = session.get(fake.url(f"/api/v1/feedentry/{ad['uuid']}"))
            assert entry.status_code == 200
        # Basic credentials in a header (the fake ignores it; the recording must not keep it).
        basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        session.get(fake.url("/api/publicToken"), headers={"Authorization": f"Basic {basic}"})
    text = path.read_text()
    raw = path.read_bytes()
    secrets = [fake.token, API_KEY, QUERY_TOKEN, USER, PASSWORD, basic]
    secrets += [value for p in people for value in (p["name"], p["email"], p["phone"]) if value]
    public = session.get(fake.url("/api/publicToken")).text.rsplit("\n", 1)[1]
    secrets.append(public)  # a token in a response body
    for secret in secrets:
        assert secret not in text, secret
        assert secret.encode() not in raw
    assert "Bearer REDACTED" in text and "token=REDACTED" in text
    # Redacted, the cassette still replays: secrets do not take part in matching.
    replay, _ = replay_session(path)
    again = replay.get(
        fake.url("/api/v1/feed"),
        params={"token": "another", "pageSize": 5},
        headers={"X-API-Key": "other"},
    )
    assert again.status_code == 200 and again.json()["items"] == page.json()["items"]


def test_the_proxy_redacts_credentials_in_the_url_and_headers(navfeed_fake, tmp_path):
    out = tmp_path / "proxied.yaml"
    upstream = navfeed_fake.base_url.replace("://", f"://{USER}:{PASSWORD}@")
    with cli_server(
        "record", "--upstream", upstream, "--out", str(out), health="/__admin/recording"
    ) as (
        base,
        process,
    ):
        response = requests.get(
            f"{base}/api/v1/feed",
            params={"pageSize": 2, "api_key": API_KEY},
            headers={"Authorization": f"Bearer {navfeed_fake.token}"},
        )
        assert response.status_code == 200
        process.terminate()
        process.wait(timeout=10)
    text = out.read_text()
    for secret in (navfeed_fake.token, API_KEY, USER, PASSWORD):
        assert secret not in text
    assert "REDACTED@127.0.0.1" in text and "api_key=REDACTED" in text


def test_redaction_rules_are_configurable(navfeed_inprocess, tmp_path):
    fake = navfeed_inprocess
    ad = _ads_with_contacts(fake, 1)[0]
    people, uuid = ad["contacts"], ad["uuid"]
    url = fake.url(f"/api/v1/feedentry/{uuid}")
    headers = {"X-Customer": "acme-4711"}
    # exact names only, no name patterns: `token` is then an ordinary parameter
    rules = Redactor().with_rules(
        headers=(*Redactor().headers, "X-Customer"), params=("secret_q",), names=()
    )
    custom, kept = tmp_path / "custom.yaml", tmp_path / "kept.yaml"
    with use_cassette(fake.session, custom, "all", redactor=rules):
        fake.session.get(url, headers=headers, params={"secret_q": "abcd1234", "token": "tok12345"})
    with use_cassette(fake.session, kept, "all", redactor=Redactor(enabled=False)):
        fake.session.get(url, headers=headers)
    text = custom.read_text()
    assert "acme-4711" not in text and "abcd1234" not in text
    assert "token=tok12345" in text  # not a secret parameter under these rules
    assert people[0]["email"] not in text
    assert fake.token in kept.read_text()
    # unredacted means as on the wire: the entry may be gzipped (the feed gzips from 1500 bytes)
    recorded = cassette.load(kept)[0]
    _, body = decoding.decode(recorded.headers, recorded.body)
    assert people[0]["email"] in body.decode()


def test_the_record_command_takes_redaction_options(tmp_path):
    result = CliRunner().invoke(main, ["record", "--upstream", "ftp://x", "--out", "x.yaml"])
    assert result.exit_code == 2 and "expected an http(s) URL" in result.output


def test_redacted_bodies_change_only_what_they_redact():
    redactor = Redactor()
    body = (
        b'{"a":"2025-01-01","orgnr":"912345678","tlf":"+47 912 34 567",'
        b'"e":"kari.nordmann@firma.no","n":"Tr\\u00f8ndelag","contactList":'
        b'[{"name":"Kari N\\u00f8rdmann","phone":"91234567"}]}'
    )
    out = redactor.body(body)
    assert out == (
        b'{"a":"2025-01-01","orgnr":"912345678","tlf":"REDACTED",'
        b'"e":"REDACTED","n":"Tr\\u00f8ndelag","contactList":'
        b'[{"name":"REDACTED","phone":"REDACTED"}]}'
    )
    item = cassette.Interaction(
        "GET", "http://x/", headers={"Content-Length": [str(len(body))]}, body=body
    )
    assert redactor.redact(item).headers["Content-Length"] == [str(len(out))]
