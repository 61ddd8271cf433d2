"""An attacker's test of redaction: planted secrets and contact data never reach the cassette.

Through the real recording proxy (`jobfakes record`, a subprocess) to an upstream on 127.0.0.1
that echoes what it gets (tests/recording/echo.py), each example plants random secrets under
random secret-looking names in the query, headers and body (JSON, form, text), contact data
(e-mails, international phone numbers, a contact's name, JWTs) in the query and the body, and
gets back an answer compressed as it asked (gzip, deflate, br, none; chunked or not) that echoes
it all and adds secrets of its own (Set-Cookie, Location, Link, a token header, a token in the
body). The cassette file is read after every interaction, raw and parsed: no marker may remain.
"""

from __future__ import annotations

import contextlib
import gzip
import itertools
import json
import string
import subprocess
import time
import uuid as uuids
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

import phonenumbers
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.recording import cassette
from jobfakes.recording.recorder import replay_session
from tests.recording.conftest import BIN, free_port
from tests.recording.echo import answer_secrets, echo_upstream

USER, PASSWORD = "upstream-user", "upstream-pass-9Xq"
ALNUM = string.ascii_letters + string.digits
SECRET_WORDS = (
    "token", "secret", "password", "passwd", "pwd", "session", "sessionid", "jwt", "otp",
    "signature", "credential", "apikey", "api_key", "auth", "auth_token", "accessToken",
    "client_secret", "subscription-key", "private_token",
)  # fmt: skip
HEADER_WORDS = (
    "Token", "Access-Token", "Auth-Token", "Secret", "Api-Key", "Subscription-Key", "Session",
    "Session-Id", "Sessionid", "Jwt", "Otp", "Signature", "Credential", "Password", "Passwd",
    "Auth", "Api-Token", "Private-Token",
)  # fmt: skip

secrets = st.text(ALNUM, min_size=12, max_size=20).map(lambda s: "S" + s)
param_names = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(("", "x_", "my-", "client_", "access-", "user.")),
        st.sampled_from(SECRET_WORDS),
        st.sampled_from(("", "_v2", "Value", "-id")),
    ),
)
header_names = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(("", "X-", "X-Api-", "Private-", "Ocp-Apim-", "My-")),
        st.sampled_from(HEADER_WORDS),
        st.sampled_from(("", "-V2", "-Value")),
    ),
)
words = st.text(string.ascii_lowercase, min_size=3, max_size=8)
emails = st.builds(
    lambda a, b, c, tld: f"{a}.{b}@{c}.{tld}", words, words, words, st.sampled_from(("no", "nl"))
)
digits = st.text(string.digits, min_size=7, max_size=7)
norwegian = st.builds(
    lambda d, form: form.format(n="9" + d, a=("9" + d)[:3], b=d[2:4], c=d[4:]),
    digits,
    st.sampled_from(("+47 {a} {b} {c}", "+47{n}", "0047-{n}", "0047 {n}")),
)
dutch = st.builds(
    lambda second, d, form: form.format(n=f"6{second}{d}", r=f"{second}{d}"),
    st.sampled_from("12358"),
    digits,
    st.sampled_from(("+31 6 {r}", "+316{r}", "0031 6{r}", "0031-6-{r}")),
)
phones = (norwegian | dutch).filter(
    lambda p: phonenumbers.is_valid_number(phonenumbers.parse("+" + p[2:] if p[0] == "0" else p))
)
segment = st.text(ALNUM + "-_", min_size=8, max_size=30)
jwts = st.builds(lambda a, b, c: f"eyJ{a}.{b}.{c}", segment, segment, segment)
names = st.builds(lambda a, b: f"{a.title()}a {b.title()}sen", words, words)


@dataclass
class Plan:
    """One request: where each marker goes; `markers` are what must never reach the file."""

    query_name: str
    query_secret: str
    header_name: str
    header_secret: str
    bearer: str
    cookie: str
    body_kind: str
    body_name: str
    body_secret: str
    otp: str
    email: str
    phone: str
    query_email: str
    query_phone: str
    jwt: str
    contact: str
    answer: str
    encoding: str
    framing: str
    gzip_request: bool
    earlier: list[str] = field(default_factory=list)  # secrets of earlier requests, echoed

    @property
    def markers(self) -> list[str]:
        fixed = [self.query_secret, self.header_secret, self.bearer, self.cookie]
        fixed += [self.body_secret, self.otp, self.email, self.phone, self.query_email]
        fixed += [self.query_phone, self.jwt]
        # a name is known as one in a JSON contact list only
        return [*fixed, self.contact] if self.body_kind == "json" else fixed

    def body(self) -> tuple[str, bytes]:
        contact = {"name": self.contact, "email": self.email, "phone": self.phone}
        if self.body_kind == "json":
            data = {self.body_name: self.body_secret, "otp": self.otp, "note": f"ring {self.phone}"}
            data["contactList"] = [contact]  # type: ignore[assignment]
            data["id_token"] = self.jwt
            return "application/json", json.dumps(data).encode()
        if self.body_kind == "form":
            pairs = [(self.body_name, self.body_secret), ("otp", self.otp), ("mail", self.email)]
            pairs += [("tlf", self.phone), ("state", self.jwt)]
            text = "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs)
            return "application/x-www-form-urlencoded", text.encode()
        lines = [f"{self.body_name}={self.body_secret}", f"otp: {self.otp}"]
        lines += [f"write to {self.email} or ring {self.phone}", f"id {self.jwt}"]
        return "text/plain", "\n".join(lines).encode()


plans = st.builds(
    Plan,
    query_name=param_names,
    query_secret=secrets,
    header_name=header_names,
    header_secret=secrets,
    bearer=secrets,
    cookie=secrets,
    body_kind=st.sampled_from(("json", "form", "text")),
    body_name=param_names,
    body_secret=secrets,
    otp=st.text(string.digits, min_size=6, max_size=8).map(lambda d: "9" + d),
    email=emails,
    phone=phones,
    query_email=emails,
    query_phone=phones,
    jwt=jwts,
    contact=names,
    answer=st.sampled_from(("json", "form", "text")),
    encoding=st.sampled_from(("gzip", "deflate", "br", "identity")),
    framing=st.sampled_from(("chunked", "length")),
    gzip_request=st.booleans(),
)


def _send(
    base: str, plan: Plan, session: requests.Session | None = None
) -> tuple[requests.Response, list[str]]:
    """Send one planned request through the proxy; the markers it and its answer carry."""
    request_id = str(uuids.uuid4())
    content_type, body = plan.body()
    headers = {
        "X-Request-Id": request_id,
        plan.header_name: plan.header_secret,
        "Authorization": f"Bearer {plan.bearer}",
        "Cookie": f"theme=dark; sid={plan.cookie}",
        "Content-Type": content_type,
        "X-Trace": " ".join(plan.earlier),  # a secret seen before, now under a plain name
    }
    if plan.gzip_request:
        body, headers["Content-Encoding"] = gzip.compress(body), "gzip"
    query = "&".join(
        f"{quote(k, safe='')}={quote(v, safe='')}"
        for k, v in [
            (plan.query_name, plan.query_secret),
            ("email", plan.query_email),
            ("q", plan.query_phone),
            ("state", plan.jwt),
            ("page", "2"),
        ]
    )
    url = f"{base}/echo/{plan.answer}/{plan.encoding}/{plan.framing}?{query}"
    response = (session or requests.Session()).post(url, data=body, headers=headers, timeout=30)
    markers = [*plan.markers, *answer_secrets(request_id).values()]
    return response, markers


def _forms(marker: str) -> set[str]:
    """A marker as it may be written: plain, URL-encoded (once, twice), JSON-escaped."""
    once = quote(marker, safe="")
    return {marker, once, quote_plus(marker), quote(once, safe=""), json.dumps(marker)[1:-1]}


def _leaks(path: Path, markers: list[str]) -> list[str]:
    """Markers found in the cassette file, raw or in any parsed field."""
    raw = path.read_text(encoding="utf-8")
    items = cassette.parse(raw, path)  # also: the file is a valid cassette right now
    parsed = "\n".join(
        f"{i.uri}\n{i.request_headers}\n{i.headers}\n"
        f"{(i.request_body or b'').decode('utf-8', 'replace')}\n{i.body.decode('utf-8', 'replace')}"
        for i in items
    )
    return [m for m in markers if any(form in raw or form in parsed for form in _forms(m))]


@contextlib.contextmanager
def _proxy(upstream: str, out: Path) -> Iterator[tuple[str, subprocess.Popen[str], Path]]:
    """`jobfakes record` to upstream into out, in a subprocess logging to a file (no pipe to
    fill up); (base URL, process, log file)."""
    port, log = free_port(), out.with_suffix(".log")
    args = ["record", "--upstream", upstream, "--out", str(out), "--port", str(port)]
    with log.open("w") as sink:
        process = subprocess.Popen([str(BIN / "jobfakes"), *args], stdout=sink, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                requests.get(base + "/__admin/recording", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, f"{base} did not come up"
                time.sleep(0.05)
        yield base, process, log
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_no_planted_secret_reaches_the_cassette_at_any_moment(tmp_path):
    out = tmp_path / "attack.yaml"
    with echo_upstream() as upstream:
        creds = upstream.replace("://", f"://{USER}:{PASSWORD}@")
        with _proxy(creds, out) as (base, process, logfile):
            planted: list[str] = [USER, PASSWORD]
            counter = itertools.count()

            @settings(
                max_examples=12,
                deadline=None,
                derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            )
            @given(plan=plans)
            def one(plan: Plan) -> None:
                plan.earlier = planted[-3:]
                response, markers = _send(base, plan)
                assert response.status_code == 200
                next(counter)
                planted.extend(markers)
                leaks = _leaks(out, planted)
                assert not leaks, f"after interaction {next(counter)}: {leaks}"

            one()
            process.kill()  # what a kill leaves
            process.wait(timeout=10)
            assert not _leaks(out, planted)
            log = logfile.read_text()
    assert "/echo/" in log  # the log was read
    leaked = [m for m in planted if any(form in log for form in _forms(m))]
    assert not leaked, f"the proxy's log printed {leaked}"


def test_a_redacted_recording_still_replays(tmp_path):
    out = tmp_path / "replay.yaml"
    plan = Plan(
        "X-Access-Token", "S0123456789abcdef", "Ocp-Apim-Subscription-Key", "S9876543210fedcba",
        "Sbearer0123456789", "Scookie0123456789", "json", "password", "Sbody0123456789",
        "9123456", "kari.nordmann@firma.no", "+31 6 12345678", "ola@x.nl", "0047-98765432",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", "Karia Nordsen", "json", "gzip",
        "chunked", True,
    )  # fmt: skip
    with echo_upstream() as upstream, _proxy(upstream, out) as (base, _, _):
        answers = {}
        for encoding in ("gzip", "deflate", "br", "identity"):
            plan.encoding, plan.answer, plan.framing = encoding, "json", "chunked"
            response, _ = _send(base, plan)
            assert response.status_code == 200
            answers[encoding] = response.json()
    session, recording = replay_session(out)
    for encoding in ("gzip", "deflate", "br", "identity"):
        other = Plan(**{**plan.__dict__, "encoding": encoding})
        other.query_secret, other.bearer = "a-different-secret-1", "another-token-2"
        response, _ = _send("http://127.0.0.1:1", other, session)  # the cassette answers
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") is None  # stored decoded
        replayed = response.json()  # a valid body of the recorded length
        assert replayed["uri"] != answers[encoding]["uri"]  # redacted ...
        assert replayed["method"] == "POST" and replayed["access_token"] == "REDACTED"
    assert not recording.player.unplayed()
