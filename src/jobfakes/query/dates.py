"""Date values of filters: `YYYY-MM-DD`, `now`, date math (`now-1y-6M`, `2016-03-01||+1w`) and
whole calendar periods (`2m`, `1q`, `1y`)."""

from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta

from jobfakes.query.errors import QueryError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_STEP = re.compile(r"([+-])(\d+)([a-zA-Z])")
# the reference's units, case-sensitive (`m` is not a month); dates have no time of day
_UNITS = {"y": "years", "M": "months", "w": "weeks", "d": "days"}


def parse_date(value: str, param: str) -> dt.date:
    """A `YYYY-MM-DD` date."""
    if not _DATE.fullmatch(value):
        raise QueryError(param, f"expected a date as YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise QueryError(param, f"no such date: {value!r}") from None


def date_math(value: str, today: dt.date, param: str) -> dt.date:
    """A date, `now`, or an anchor (`now` or `DATE||`) followed by steps such as `-1y` or `+2w`."""
    if value.startswith("now"):
        anchor, steps = today, value[3:]
    elif "||" in value:
        head, steps = value.split("||", 1)
        anchor = parse_date(head, param)
        if not steps:
            raise QueryError(param, f"expected an interval after '||' in {value!r}")
    else:
        return parse_date(value, param)
    moment = dt.datetime.combine(anchor, dt.time())
    position = 0
    while position < len(steps):
        step = _STEP.match(steps, position)
        if step is None:
            raise QueryError(
                param,
                f"cannot read the date expression {value!r} at {steps[position:]!r} "
                "(expected +N or -N with a unit y, M, w or d; was '+' URL-encoded?)",
            )
        sign, amount, unit = step.groups()
        if unit not in _UNITS:
            raise QueryError(param, f"unknown date unit {unit!r} in {value!r} (units: y, M, w, d)")
        delta = relativedelta(**{_UNITS[unit]: int(amount)})  # type: ignore[arg-type]
        try:
            moment = moment + delta if sign == "+" else moment - delta
        except (OverflowError, ValueError):
            raise QueryError(param, f"the date {value!r} is out of range") from None
        position = step.end()
    return moment.date()


def calendar(value: str, today: dt.date, param: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the N whole months, quarters or years before the current one."""
    match = re.fullmatch(r"(\d+)([mqy])", value)
    if match is None or int(match.group(1)) == 0:
        raise QueryError(
            param, f"expected a number of periods and a unit m, q or y (as 2m), got {value!r}"
        )
    count, unit = int(match.group(1)), match.group(2)
    if unit == "y":
        current = dt.date(today.year, 1, 1)
        months = 12 * count
    elif unit == "q":
        current = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        months = 3 * count
    else:
        current = dt.date(today.year, today.month, 1)
        months = count
    try:
        start = current - relativedelta(months=months)
    except (OverflowError, ValueError):
        raise QueryError(param, f"the period {value!r} reaches before year 1") from None
    return start, current - dt.timedelta(days=1)
