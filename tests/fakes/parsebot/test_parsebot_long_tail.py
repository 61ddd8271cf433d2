"""Issue 14 (parse.bot items): out of credits (Retry-After, the status per server), `published`
values arbeidsplassen ignores, aggregations in `search_jobs`."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from tests.fakes.parsebot.parsebot_helpers import PATH, call, new_key

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
