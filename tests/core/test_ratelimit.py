"""The world-clock windows of the rate limiter (the fakes' 429s are tested over HTTP)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobfakes.core.ratelimit import Limiter, parse_rate
from jobfakes.world.times import US, parse_instant

START = parse_instant("2026-01-31T23:59:30Z")


def test_a_minute_window_refuses_the_sixth_hit_and_reopens_on_world_time() -> None:
    limiter, rate = Limiter(), parse_rate("5/minute")
    minute = START - START % (60 * US)
    verdicts = [limiter.hit("t", "k", rate, minute + i) for i in range(6)]
    assert [v.allowed for v in verdicts] == [True] * 5 + [False]
    assert verdicts[-1].reset_after == 60
    assert limiter.hit("t", "k", rate, minute + 60 * US).allowed
    assert limiter.hit("t", "other", rate, minute).allowed  # keys are counted apart


def test_a_month_window_follows_the_calendar() -> None:
    limiter, rate = Limiter(), parse_rate("2/month")
    assert [limiter.hit("t", "k", rate, START).allowed for _ in range(3)] == [True, True, False]
    assert limiter.hit("t", "k", rate, START).reset_after == 30  # February starts in 30 s
    assert limiter.hit("t", "k", rate, parse_instant("2026-02-01T00:00:00Z")).allowed


def test_reset_forgets_counts() -> None:
    limiter, rate = Limiter(), parse_rate("1/hour")
    assert limiter.hit("t", "k", rate, START).allowed
    limiter.reset()
    assert limiter.peek("t", "k", rate, START) == 0


def test_a_malformed_rate_names_itself() -> None:
    with pytest.raises(ValueError, match="nonsense"):
        parse_rate("nonsense")


@given(st.integers(1, 20), st.integers(0, 10**9))
def test_exactly_the_limit_is_allowed_in_any_window(amount: int, offset: int) -> None:
    limiter, rate = Limiter(), parse_rate(f"{amount}/second")
    now = START + offset
    allowed = [limiter.hit("t", "k", rate, now).allowed for _ in range(amount + 2)]
    assert allowed == [True] * amount + [False, False]
