"""The shape of the real feed over time: how long ads live, when they are published, the scale.

The real feed (arbeidsplassen.nav.no) takes about 1,000 new ads a day; most ads expire one to
eight weeks after they are published, a few are stopped early. At any instant it therefore
holds the steady state of weeks of publishing. A world of `active` ads is a 1:k scale model
of it: the same spread of ages and expiry dates, with the daily rate scaled by 1/k.
"""

from __future__ import annotations

import random

from jobfakes.world.times import DAY, US
from jobfakes.world.vocab import Weighted

FULL_DAILY = 1000  # new ads a day in the real feed
STOP_SHARE = 0.07  # ads stopped before they expire
HISTORY_DAYS = 100  # longer than any lifetime: every ad alive at the start was published since
RECENT_DAYS = 7  # ads that ended in the last week before the start are kept too
# Days from publishing to expiry: mostly one to eight weeks, some shorter, a few longer.
LIFETIME_DAYS = Weighted.of(
    [(3, 2), (5, 2), (7, 5), (10, 4), (14, 12), (17, 3), (21, 12), (25, 4), (28, 10), (30, 14),
     (35, 5), (42, 8), (49, 4), (56, 5), (60, 3), (75, 2), (90, 3)]
)  # fmt: skip
_JITTER = 2  # days either side of a lifetime, so expiry dates do not pile up
# New ads by weekday (Monday first) relative to the mean: few ads appear at weekends.
WEEKDAY = (1.25, 1.2, 1.15, 1.15, 1.0, 0.7 * 0.4, 0.7 * 0.35)
_WEEK_MEAN = sum(WEEKDAY) / 7
_BUSIEST = max(WEEKDAY) / _WEEK_MEAN
_THURSDAY = 3  # 1970-01-01 was a Thursday: (days since the epoch + 3) % 7 is 0 on Mondays


def weekday_factor(instant: int) -> float:
    """How busy the day of an instant is (Oslo's day, taken as UTC+1), relative to the mean."""
    day = (instant + 3600 * US) // DAY
    return WEEKDAY[(day + _THURSDAY) % 7] / _WEEK_MEAN


def lifetime_days(rng: random.Random) -> int:
    """Days from publishing to expiry, drawn from the real spread."""
    base: int = LIFETIME_DAYS.pick(rng)
    return max(1, base + int(rng.random() * (2 * _JITTER + 1)) - _JITTER)


def mean_alive_days() -> float:
    """How long an ad stays active on average (stops cut a lifetime at a uniform point)."""
    cum = LIFETIME_DAYS.cum_weights
    weights = [b - a for a, b in zip((0.0, *cum[:-1]), cum, strict=True)]
    days: list[int] = list(LIFETIME_DAYS.values)
    mean = sum(d * w for d, w in zip(days, weights, strict=True)) / cum[-1]
    return float(mean * (1 - STOP_SHARE / 2))


def daily_rate(active: int) -> float:
    """New ads a day in a steady state of `active` ads."""
    return active / mean_alive_days()


def scale(active: int) -> float:
    """k of the 1:k model: the real feed's steady state over this world's."""
    return FULL_DAILY * mean_alive_days() / active


def scale_line(active: int) -> str:
    """What the serve banner says about the NAV world's scale."""
    return (
        f"NAV world: {active:,} active ads, a 1:{scale(active):.1f} model of the real feed"
        f" ({daily_rate(active):.0f} new ads a day; {FULL_DAILY:,} at full scale)"
    )


def slot_size(rng: random.Random, active: int, begin: int) -> int:
    """New ads in the day that begins at `begin`: the scaled rate, busier on weekdays."""
    mean = daily_rate(active) * weekday_factor(begin + DAY // 2)
    return max(0, round(mean * (0.9 + 0.2 * rng.random())))


def history_published(rng: random.Random, start: int) -> int:
    """When an ad of the history was published: a whole second in the HISTORY_DAYS before
    `start` (at least ten minutes before it), busy weekdays holding more ads (by rejection:
    the instant is uniform, the day weighted)."""
    while True:
        published = start - US * (600 + int(rng.random() * (HISTORY_DAYS * 86_400 - 600)))
        published -= published % US
        if rng.random() * _BUSIEST < weekday_factor(published):
            return published
