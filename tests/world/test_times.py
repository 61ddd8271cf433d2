"""The feeds' instants, written by arithmetic, are what Java's formatter writes: checked
against the datetime rendering of the same instant in the same zone, for every instant."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from jobfakes.world.times import OSLO, iso_java, to_datetime

instants = st.integers(min_value=0, max_value=4_102_444_800 * 1_000_000)  # 1970 to 2100


def _by_datetime(us: int, tz: ZoneInfo) -> str:
    moment = to_datetime(us, tz)
    fraction = f".{moment.microsecond:06d}".rstrip("0") if moment.microsecond else ""
    offset = moment.strftime("%z")
    zone = "Z" if offset == "+0000" else f"{offset[:3]}:{offset[3:]}"
    return f"{moment:%Y-%m-%dT%H:%M:%S}{fraction}{zone}"


@given(instants, st.sampled_from([OSLO, ZoneInfo("UTC")]))
def test_iso_java_agrees_with_the_zone_rules(us: int, tz: ZoneInfo) -> None:
    assert iso_java(us, tz) == _by_datetime(us, tz)


@given(st.integers(min_value=0, max_value=200), st.sampled_from([-1, 0, 1]))
def test_iso_java_across_oslo_daylight_saving_changes(years: int, step: int) -> None:
    """The last microsecond before, the instant of, and just after each change (01:00 UTC on
    the last Sundays of March and October)."""
    from datetime import UTC, datetime, timedelta

    for month in (3, 10):
        last = datetime(1970 + years % 130, month, 31, 1, tzinfo=UTC)
        change = last - timedelta(days=(last.weekday() + 1) % 7)
        us = int(change.timestamp()) * 1_000_000 + step
        assert iso_java(us) == _by_datetime(us, OSLO)
