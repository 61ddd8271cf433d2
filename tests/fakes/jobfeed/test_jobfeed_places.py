"""The Dutch world's places: every municipality, served coordinates, names that map to the best
matching place (aliases, case and accents, small typos), and a 400 where nothing fits."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.world.jobfeed.vocab import dutch_vocabulary


def test_every_municipality_is_a_place_with_real_coordinates_province_and_region():
    vocab = dutch_vocabulary()
    assert len(vocab.places) >= 340
    for place in vocab.places:
        assert 50.7 < place.lat < 53.6 and 3.3 < place.lon < 7.3, place  # inside the country
        assert 1 <= place.province <= 12 and 1 <= place.region <= 40
    names = {p.name for p in vocab.places}
    assert {"Terschelling", "Overbetuwe", "Molenlanden", "Land van Cuijk", "Amsterdam"} <= names
    assert len({p.code for p in vocab.places}) == len(vocab.places)


def test_location_coordinates_are_served_and_exported(jf):
    body = jf.ok("search", _fields="location,location_coordinates", _limit=50, _labels=0)
    vocab = dutch_vocabulary()
    assert body["results"]
    for item in body["results"]:
        lat, lon = (float(x) for x in item["location_coordinates"].split(","))
        place = vocab.places_by_code[item["location"]]
        assert (lat, lon) == (place.lat, place.lon) != (0, 0)
    for job in jf.truth()[:50]:
        assert job["location_coordinates"] == "{},{}".format(
            *(vocab.places_by_code[job["location"]].lat, vocab.places_by_code[job["location"]].lon)
        )


@pytest.mark.parametrize(
    ("name", "official"),
    [
        ("Den Haag", "'s-Gravenhage"),
        ("'s-Gravenhage", "'s-Gravenhage"),
        ("den bosch", "'s-Hertogenbosch"),
        ("S-HERTOGENBOSCH", "'s-Hertogenbosch"),
        ("Amsterdm", "Amsterdam"),
        ("Amsterdamm", "Amsterdam"),
        ("Rotterdan", "Rotterdam"),
        ("Sudwest-Fryslan", "Sneek"),  # a municipality maps to its main place
        ("Voorne aan Zee", "Hellevoetsluis"),
        ("Zaanstad", "Zaandam"),  # the municipality of a place maps to it
        ("Noordwijkerhout", "Noordwijk"),  # a woonplaats maps to its municipality's place
    ],
)
def test_a_name_maps_to_the_best_matching_place(jf, name, official):
    vocab = dutch_vocabulary()
    code = next(p.code for p in vocab.places if p.name == official)
    expected = jf.count(location=str(code))
    assert jf.count(location=name) == expected
    assert expected > 0 or official not in ("'s-Gravenhage", "Amsterdam", "Rotterdam")
    radius = jf.count(location__radius=f"{name}__0")  # a radius around a name uses it too
    assert radius >= expected


@pytest.mark.parametrize("name", ["Atlantis", "Xqzvw", "Parijs-Oost-Noord"])
def test_no_plausible_place_is_a_400_naming_the_value(jf, name):
    response = jf.get("count", location=name)
    assert response.status_code == 400
    assert name in response.text and "location" in response.text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=30))
def test_any_place_name_is_a_200_or_a_400_never_a_500(jf, name):
    response = jf.get("count", location=name)
    assert response.status_code in (200, 400), response.text
