"""Malformed input never breaks the public feed: the service's own 400 texts, or a filter
that simply matches (hypothesis over every parameter)."""

from __future__ import annotations

import unicodedata

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.client.publicfeed import PUBLIC_TOKEN
from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config

BASE = "http://malformed.test"
ADS = "/public-feed/api/v1/ads"
BAD_DATE = "Date is badly formatted"
FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"])
    | st.sampled_from("0123456789-+[]()*,!: T.Z%"),
    max_size=40,
)


@pytest.fixture(scope="module")
def session():
    app = create_app(Config(ads=120))
    result = requests.Session()
    result.mount(BASE, WSGIAdapter(app))
    result.headers["Authorization"] = f"Bearer {PUBLIC_TOKEN}"
    return result


def _java_int(raw: str) -> int | None:
    """What Integer.parseInt accepts (an independent model): sign, Unicode decimal digits."""
    body = raw[1:] if raw[:1] in ("+", "-") else raw
    if not body or not all(unicodedata.category(c) == "Nd" for c in body):
        return None
    value = int("".join(str(unicodedata.decimal(c)) for c in body)) * (-1 if raw[0] == "-" else 1)
    return value if -(2**31) <= value < 2**31 else None


@FAST
@given(name=st.sampled_from(["size", "page"]), raw=TEXT)
def test_numbers_are_ints_or_the_services_400(session, name, raw):
    response = session.get(BASE + ADS, params={name: raw})
    value = _java_int(raw)
    if value is None:
        assert response.status_code == 400
        assert response.text == f'Bad numeric parameter value: For input string: "{raw}"'
        assert response.headers["Content-Type"].startswith("text/plain")
    else:
        assert response.status_code == 200, response.text
        body = response.json()
        if name == "size":
            assert body["pageSize"] == min(max(value, 1), 100)
        else:
            assert body["pageNumber"] == min(max(value, 0), 5000 // 20 - 1)


@pytest.mark.parametrize(
    ("params", "status", "shown"),
    [
        ({"size": "99999999999"}, 400, None),
        ({"size": "2147483648"}, 400, None),
        ({"size": "-2147483648"}, 200, ("pageSize", 1)),
        ({"page": "2147483647"}, 200, ("pageNumber", 249)),
        ({"page": "-2147483648"}, 200, ("pageNumber", 0)),
        ({"size": " 5"}, 400, None),
        ({"size": "5.0"}, 400, None),
        ({"size": "+7"}, 200, ("pageSize", 7)),
        ({"size": "٣"}, 200, ("pageSize", 3)),  # Java reads any script's decimal digits
        ({"size": "abc", "page": "xyz"}, 400, None),  # size is read first
    ],
)
def test_number_edges(session, params, status, shown):
    response = session.get(BASE + ADS, params=params)
    assert response.status_code == status
    if shown:
        assert response.json()[shown[0]] == shown[1]
    else:
        first = params.get("size", params.get("page"))
        assert response.text == f'Bad numeric parameter value: For input string: "{first}"'


@FAST
@given(name=st.sampled_from(["published", "updated"]), raw=TEXT)
def test_dates_parse_or_get_the_services_400(session, name, raw):
    response = session.get(BASE + ADS, params={name: raw})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.text == BAD_DATE


@pytest.mark.parametrize(
    "raw",
    [
        "2025-13-01",
        "2025-02-30",
        "2025-1-01",
        "25-01-01",
        "2025-01-01T24:00",
        "2025-01-01T12",
        "2025-01-01 12:00",
        "2025-01-01T12:00+0200",
        "2025-01-01T12:00+19:00",
        "[2025-01-01,]",
        "[,2025-01-01]",
        "[2025-01-01;2025-01-02]",
        "[a,b,c]",
        "NOW",
        "now ",
        "0000-01-01",
        "2025-01-01T12:00:00[Europe/Oslo]",
        "2025-01-01T12:00:00Z[Mars/Base]",
        "ĳ",
        "%",
    ],
)
def test_bad_dates(session, raw):
    response = session.get(BASE + ADS, params={"published": raw})
    assert (response.status_code, response.text) == (400, BAD_DATE)


@pytest.mark.parametrize(
    "raw",
    [
        "2025-01-01",
        "2025-01-01T12:00",
        "2025-01-01t12:00:00z",
        "2025-01-01T12:00:00.123456789",
        "2025-01-01T12:00:00-03:30",
        "2025-01-01+01:00",
        "[2025-01-01 , 2025-01-02T00:00:00.5Z)",
        "(yesterday,tomorrow)",
        "[*,*]",
        "*",
        "now",
        "2025-01-01T12:00:00+01:00[Europe/Oslo]",
        "\x00 ",  # blank after Kotlin's trim: no filter
    ],
)
def test_good_dates(session, raw):
    response = session.get(BASE + ADS, params={"published": raw})
    assert response.status_code == 200, response.text


@FAST
@given(
    name=st.sampled_from(["uuid", "source", "orgnr", "category", "county", "municipal", "other"]),
    raw=TEXT | st.text(max_size=3000).map(lambda t: t.replace("\ud800", "")),
)
def test_value_filters_never_fail(session, name, raw):
    response = session.get(BASE + ADS, params={name: raw})
    assert response.status_code == 200, response.text
    assert response.json()["totalElements"] >= 0


@pytest.mark.parametrize(
    "query",
    [
        "published=%ZZ",
        "county=%C3",
        "municipal=%ED%A0%80",
        "size=%00",
        "source=%FF%FE",
        "published=%2B",
        "uuid=" + "!" * 5000,
        "category=" + "a," * 2000,
    ],
)
def test_raw_query_strings(session, query):
    response = session.get(f"{BASE}{ADS}?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.text in (BAD_DATE, 'Bad numeric parameter value: For input string: "\x00"')
