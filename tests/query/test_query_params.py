"""Filter parameters: names, prefixes, suffix chains and values (no SQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from jobfakes.query import QueryError
from jobfakes.query.dates import calendar, date_math
from jobfakes.query.params import (
    Between,
    Equals,
    Exists,
    InCodes,
    Prefix,
    Radius,
    Text,
    parse_clause,
    parse_name,
)
from jobfakes.world.jobfeed.fields import CATALOGUE, custom_categories

TODAY = dt.date(2017, 1, 11)


class Places:
    def code(self, name: str) -> int | None:
        return {"amsterdam": 1000, "den haag": 2500}.get(name.lower())

    def coordinates(self, code: int) -> tuple[float, float] | None:
        return {1000: (52.3676, 4.9041), 2500: (52.08, 4.32)}.get(code)


def clause(param: str, value: str):
    return parse_clause(param, value, CATALOGUE, TODAY, Places(), custom_categories())


def test_levels_come_from_the_prefix_or_the_field_default():
    assert clause("job:profession", "696").level == "job"
    assert clause("posting:profession", "696").level == "posting"
    assert clause("profession", "696").level == CATALOGUE["profession"].levels[0] == "posting"


def test_a_field_not_available_at_a_level_is_refused():
    with pytest.raises(QueryError, match="not available at the job level"):
        clause("job:source_website", "werk.nl")


@pytest.mark.parametrize("value", ["227|4980", "227 OR 4980", "227 | 4980"])
def test_multiple_values(value):
    assert clause("profession", value).alternatives == (Equals(227), Equals(4980))


def test_suffix_chains():
    name = parse_name("posting:source_website__prefix__none", CATALOGUE)
    assert name[1:] == ("posting", "prefix", True, False)
    assert parse_name("date__range__and", CATALOGUE)[1:] == ("posting", "range", False, True)
    assert parse_name("education_level__range__not", CATALOGUE)[2:] == ("range", True, False)
    assert parse_name("profession[]", CATALOGUE)[2] == "value"


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("nonsense", "unknown field"),
        ("profession__sideways", "unknown modifier"),
        ("location__radius__range", "__radius cannot be used together with __range"),
        ("profession__prefix", "not supported"),
        ("full_text__exact", "not supported"),
        ("salary__calendar", "not supported"),
        ("contract_type__custom", "not supported"),
        ("job:posting:profession", "not a filter"),
        ("profession__not__not", "repeated"),
    ],
)
def test_bad_names(param, message):
    with pytest.raises(QueryError, match=message) as caught:
        clause(param, "1")
    assert caught.value.param == param


@pytest.mark.parametrize(
    ("value", "flag"), [("0", 0), ("false", 0), ("no", 0), ("1", 1), ("true", 1), ("yes", 1)]
)
def test_booleans(value, flag):
    assert clause("via_intermediary", value).alternatives == (Equals(flag),)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("via_intermediary", "maybe"),
        ("salary", "lots"),
        ("date", "2017-13-01"),
        ("date", "11-01-2017"),
        ("date__range", "2017-01-01"),
        ("date__range", "now 1h__now"),
        ("date__range", "now-1Y__now"),
        ("date__range", "now+1h__"),
        ("date__calendar", "2w"),
        ("date__calendar", "0m"),
        ("location", "Atlantis"),
        ("location__radius", "Amsterdam"),
        ("location__radius", "Amsterdam__far"),
        ("location__radius", "91.0,4.3__10"),
        ("profession", "1|"),
        ("profession__custom", "x"),
        ("profession", "99999999999999999999"),
        ("location__radius", "99999999999999999999__5"),
        ("salary__range", "1__99999999999999999999"),
    ],
)
def test_bad_values_name_the_parameter(param, value):
    with pytest.raises(QueryError) as caught:
        clause(param, value)
    assert caught.value.param == param


def test_exists_and_not_exists():
    assert clause("expiration_date", "_not_exists").alternatives == (Exists(False),)
    assert clause("full_text", "_exists").alternatives == (Exists(True),)


def test_ranges_with_open_ends_and_date_math():
    assert clause("education_level__range", "3__8").alternatives == (Between(3, 8),)
    assert clause("salary__range", "__3000").alternatives == (Between(None, 3000),)
    assert clause("date__range", "now-1y__now").alternatives == (
        Between("2016-01-11", "2017-01-11"),
    )
    assert clause("date__range", "2016-03-01||+1w__").alternatives == (Between("2016-03-08", None),)


def test_date_math_units_are_case_sensitive():
    assert date_math("now-1M", TODAY, "d") == dt.date(2016, 12, 11)
    with pytest.raises(QueryError, match="unknown date unit 'm'"):
        date_math("now-1m", TODAY, "d")
    assert date_math("now-1y-6M", TODAY, "d") == dt.date(2015, 7, 11)
    assert date_math("2016-03-01||+1w", TODAY, "d") == dt.date(2016, 3, 8)
    assert date_math("now-2d+1w", TODAY, "d") == dt.date(2017, 1, 16)


def test_calendar_periods_as_the_reference_january_example():
    assert calendar("2m", TODAY, "d") == (dt.date(2016, 11, 1), dt.date(2016, 12, 31))
    assert calendar("1q", TODAY, "d") == (dt.date(2016, 10, 1), dt.date(2016, 12, 31))
    assert calendar("1y", TODAY, "d") == (dt.date(2016, 1, 1), dt.date(2016, 12, 31))
    assert calendar("2q", dt.date(2017, 5, 20), "d") == (dt.date(2016, 10, 1), dt.date(2017, 3, 31))


def test_radius_by_name_code_or_coordinates():
    amsterdam = Radius(52.3676, 4.9041, 25.0)
    assert clause("location__radius", "Amsterdam__25").alternatives == (amsterdam,)
    assert clause("location__radius", "1000__25").alternatives == (amsterdam,)
    assert clause("location__radius", "52.08,4.32__10").alternatives == (Radius(52.08, 4.32, 10.0),)


def test_location_by_place_name():
    assert clause("location", "Amsterdam").alternatives == (Equals(1000),)


def test_prefix_exact_and_text():
    assert clause("source_website__prefix", "example").alternatives == (Prefix("example"),)
    assert clause("organization_name__exact", "Globen").alternatives == (Equals("Globen"),)
    (text,) = clause("full_text", "java|php").alternatives
    assert isinstance(text, Text)  # the | of a text filter belongs to the query


def test_custom_categories_by_level():
    custom = custom_categories()["profession"]
    level1 = {c for _, (one, _two, codes) in custom.items() if one == 1 for c in codes}
    level2 = set(custom[12][2])
    (by_level1,) = clause("profession__custom", "1").alternatives
    assert isinstance(by_level1, InCodes) and set(by_level1.codes) == level1
    assert clause("profession__custom_1", "1").alternatives == (by_level1,)
    (by_level2,) = clause("profession__custom_2", "12").alternatives
    assert isinstance(by_level2, InCodes) and set(by_level2.codes) == level2
    assert clause("profession__custom", "12").alternatives == (by_level2,)  # a category's own id
    assert clause("profession__custom", "123").alternatives == (InCodes(()),)  # unknown: none
