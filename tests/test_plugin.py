"""The pytest plugin as a user's test suite sees it (run through pytester)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def _active(fake) -> int:
    """Ads the feed shows ACTIVE (what `ads` counts at the start), from the control plane."""
    return sum(a["status"] == "ACTIVE" for a in fake.admin.ads())


@pytest.mark.jobfakes(ads=37, seed=3)
def test_marker_configures_the_world(navfeed_inprocess):
    assert _active(navfeed_inprocess) == 37


def test_live_and_inprocess_serve_the_same_world(navfeed_fake, navfeed_inprocess):
    assert navfeed_fake.base_url.startswith("http://127.0.0.1:")
    live = navfeed_fake.session.get(navfeed_fake.url("/api/v1/feed?pageSize=20")).json()
    local = navfeed_inprocess.session.get(navfeed_inprocess.url("/api/v1/feed?pageSize=20"))
    assert live == local.json()


def test_user_suite_overrides_config_and_gets_reset_between_tests(pytester):
    pytester.makeconftest("""
import pytest
from jobfakes.core.config import Config

@pytest.fixture(scope="session")
def jobfakes_config():
    return Config(ads=42, seed=9)
""")
    pytester.makepyfile("""
STOPPED = []

def _active(fake):
    return [a["uuid"] for a in fake.admin.ads() if a["status"] == "ACTIVE"]

def test_one(navfeed_fake):
    active = _active(navfeed_fake)
    assert len(active) == 42
    navfeed_fake.admin.stop_ad(active[0])
    STOPPED.append(active[0])
    navfeed_fake.admin.advance("P1D")

def test_two_sees_a_fresh_world(navfeed_fake):
    active = _active(navfeed_fake)
    assert len(active) == 42 and STOPPED[0] in active
    response = navfeed_fake.session.get(navfeed_fake.url("/api/v1/feed?pageSize=1"))
    assert response.status_code == 200
""")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
