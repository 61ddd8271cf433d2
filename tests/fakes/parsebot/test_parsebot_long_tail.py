"""Issue 14 (parse.bot items): out of credits (Retry-After, the status per server), `published`
values arbeidsplassen ignores, aggregations in `search_jobs`."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from tests.fakes.parsebot.parsebot_helpers import PATH, call, data, fresh, new_key

BIN = Path(sys.executable).parent
TO_NEW_YEAR = 2 * 3600 - 20 * 60  # from 2025-12-31T22:20Z, after 20 world minutes of calls


def _spend_free_credits(fake, key):
    """100 credits at five calls a minute: 20 world minutes from 22:00 UTC on New Year's Eve."""
    for _ in range(20):
        assert [call(fake, "get_facets", key=key).status_code for _ in range(5)] == [200] * 5
        fake.admin.advance("PT1M")


@pytest.mark.jobfakes(now="2025-12-31T22:00:00Z")
def test_out_of_credits_sends_retry_after_until_the_credits_renew(parsebot_inprocess):
    fake = parsebot_inprocess
    key = new_key(fake, "free")
    _spend_free_credits(fake, key)
    response = call(fake, "search_jobs", key=key)
    assert response.status_code == 402  # the default, as before
    assert response.headers["Retry-After"] == str(TO_NEW_YEAR)
    assert response.json()["error"]["retry_after"] == TO_NEW_YEAR


@pytest.mark.jobfakes(now="2025-12-31T22:00:00Z", parsebot_credit_status=429)
def test_a_server_may_answer_out_of_credits_with_429(parsebot_inprocess):
    """The reference names only 429 ("rate limit hit, burst or daily"), a FastAPI `detail`."""
    fake = parsebot_inprocess
    key = new_key(fake, "free")
    _spend_free_credits(fake, key)
    response = call(fake, "get_facets", key=key)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(TO_NEW_YEAR)
    detail = response.json()["detail"]
    assert "credits" in detail and "100" in detail
    fake.admin.set_clock("2026-01-01T00:00:00Z")
    assert call(fake, "get_facets", key=key).status_code == 200


def test_the_credit_status_is_402_or_429():
    with pytest.raises(ValueError, match="402 or 429"):
        create_app(Config(ads=50, fakes=("parsebot",), parsebot_credit_status=500))


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_parsebot_credit_status_429():
    port = _port()
    process = subprocess.Popen(
        [BIN / "jobfakes", "serve", "parsebot", "--port", str(port), "--ads", "200",
         "--clock", "frozen", "--now", "2025-12-31T22:00:00Z", "--parsebot-key", "poor:free",
         "--parsebot-credit-status", "429"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                requests.get(f"{base}/__admin/health", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.05)
        headers = {"X-API-Key": "poor"}
        with requests.Session() as session:
            for _ in range(20):
                for _ in range(5):
                    answer = session.get(f"{base}{PATH}/get_facets", headers=headers, timeout=60)
                    assert answer.status_code == 200
                session.post(f"{base}/__admin/clock", json={"advance": "PT1M"}, timeout=60)
            refused = session.get(f"{base}{PATH}/search_jobs", headers=headers, timeout=60)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == str(TO_NEW_YEAR)
        assert "credits" in refused.json()["detail"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_refuses_another_credit_status():
    result = subprocess.run(
        [BIN / "jobfakes", "serve", "parsebot", "--parsebot-credit-status", "500"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2 and "parsebot-credit-status" in result.stderr


# arbeidsplassen's own check (pam-stillingsok `query.ts`): one of its labels, or an ISO 8601
# date or date-time by this pattern; anything else is dropped before the search is built.
ISO_8601_DATE = re.compile(
    r"^\d{4}(-\d\d(-\d\d(T\d\d:\d\d(:\d\d)?(\.\d+)?(([+-]\d\d:\d\d)|Z)?)?)?)?$", re.I
)


def _ids(fake, endpoint="search_jobs", **inputs):
    found = data(fake, endpoint, size=100, **inputs)
    if endpoint == "get_facets":
        return found["total"]["value"]
    return found["hits"]["total"]["value"], [h["_id"] for h in found["hits"]["hits"]]


@pytest.mark.parametrize(
    "value", ["now-1d", "now-30d", "11.11.2025", " now/d", "now/d ", "yesterday", "2025/11/11",
              "2025-11-11 12:00", "20251111", "now-3d/d", "NOW/D"],
)  # fmt: skip
def test_published_values_arbeidsplassen_does_not_know_are_ignored(parsebot_inprocess, value):
    fake = fresh(parsebot_inprocess)
    assert not ISO_8601_DATE.match(value)
    for method in ("GET", "POST"):
        answer = call(fake, "search_jobs", method, size=100, published=value)
        assert answer.status_code == 200, answer.text
        hits = answer.json()["data"]["hits"]
        assert (hits["total"]["value"], [h["_id"] for h in hits["hits"]]) == _ids(fake)
    assert _ids(fake, "get_facets", published=value) == _ids(fake, "get_facets")


def test_published_takes_the_first_of_repeated_values_and_iso_years_and_months(
    parsebot_inprocess,
):
    fake = fresh(parsebot_inprocess)
    first = fake.session.get(
        fake.url(f"{PATH}/search_jobs"), params=[("published", "now-3d"), ("published", "x")]
    )
    assert first.status_code == 200
    assert (
        first.json()["data"]["hits"]["total"]
        == data(fake, "search_jobs", published="now-3d")["hits"]["total"]
    )
    month = data(fake, "search_jobs", published="2025-11")["hits"]["total"]["value"]
    assert month == data(fake, "search_jobs", published="2025-11-01")["hits"]["total"]["value"]
    year = data(fake, "search_jobs", published="2025")["hits"]["total"]["value"]
    assert year == data(fake, "search_jobs", published="2025-01-01T00:00")["hits"]["total"]["value"]
    lower = data(fake, "search_jobs", published="2025-11-30t12:00z")["hits"]["total"]
    assert lower == data(fake, "search_jobs", published="2025-11-30T12:00Z")["hits"]["total"]
    long_fraction = "2025-11-30T12:00:00." + "0" * 150 + "Z"  # the pattern allows any length
    assert data(fake, "search_jobs", published=long_fraction)["hits"]["total"] == lower


def test_a_date_of_the_right_form_that_is_no_date_stays_a_422(parsebot_inprocess):
    """arbeidsplassen passes `2025-13-45` on and the search engine fails (a 5xx upstream);
    bad input never gets a 5xx here."""
    response = call(parsebot_inprocess, "search_jobs", published="2025-13-45")
    assert response.status_code == 422
    assert response.json()["error"]["param"] == "published"


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=30))
def test_any_published_value_is_ignored_or_honoured_never_refused_unless_a_bad_date(
    parsebot_inprocess, value
):
    fake = fresh(parsebot_inprocess)
    response = call(fake, "get_facets", published=value)
    if ISO_8601_DATE.match(value):
        assert response.status_code in (200, 422), response.text
    else:
        assert response.status_code == 200, response.text
        if value not in ("now/d", "now-3d", "now-7d"):
            assert response.json()["data"]["total"] == data(fake, "get_facets")["total"]
