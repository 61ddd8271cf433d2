"""Vocabulary for the Norwegian world: our data files plus Faker's Norwegian locale lists.

Loaded on first use and cached per process (never at import).
"""

from __future__ import annotations

import json
import random
import re
from bisect import bisect
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import accumulate
from typing import Any


@dataclass(frozen=True)
class Place:
    county: str
    municipal: str
    postal_code: str
    city: str


@dataclass(frozen=True)
class Weighted:
    """Values with cumulative weights, ready for `random.choices(..., cum_weights=...)`."""

    values: tuple[Any, ...]
    cum_weights: tuple[float, ...]

    @classmethod
    def of(cls, pairs: list[tuple[Any, float]]) -> Weighted:
        return cls(tuple(v for v, _ in pairs), tuple(accumulate(w for _, w in pairs)))

    def pick(self, rng: random.Random) -> Any:
        """One value, drawn by weight (a faster `rng.choices(...)[0]`)."""
        return self.values[bisect(self.cum_weights, rng.random() * self.cum_weights[-1])]


@dataclass(frozen=True)
class NavVocabulary:
    places: Weighted  # Place, weighted by municipality size
    counties: dict[str, list[str]]  # county -> municipalities
    occupations: Weighted  # occupation dicts from occupations.json
    text: dict[str, Any]
    engagementtypes: Weighted
    extents: Weighted
    sources: Weighted
    remote: Weighted
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    company_formats: tuple[str, ...]
    company_suffixes: tuple[str, ...]
    phone_formats: tuple[str, ...]


def _load(name: str) -> Any:
    return json.loads(resources.files("jobfakes.world").joinpath("data", "nav", name).read_text())


def _weighted(items: list[dict[str, Any]]) -> Weighted:
    return Weighted.of([(item["value"], item["weight"]) for item in items])


@cache
def nav_vocabulary() -> NavVocabulary:
    """The Norwegian vocabulary (cached)."""
    from faker.providers.company import no_NO as company
    from faker.providers.person import no_NO as person
    from faker.providers.phone_number import no_NO as phone

    geography = _load("geography.json")
    places: list[tuple[Place, float]] = []
    counties: dict[str, list[str]] = {}
    for county in geography["counties"]:
        counties[county["name"]] = [m["name"] for m in county["municipalities"]]
        for municipality in county["municipalities"]:
            share = max(1, municipality["weight"]) / len(municipality["places"])
            for place in municipality["places"]:
                spot = Place(
                    county["name"], municipality["name"], place["postalCode"], place["city"]
                )
                places.append((spot, share))
    occupations = _load("occupations.json")["occupations"]
    text = _load("text.json")
    return NavVocabulary(
        places=Weighted.of(places),
        counties=counties,
        occupations=Weighted.of([(o, o["weight"]) for o in occupations]),
        text=text,
        engagementtypes=_weighted(text["engagementtypes"]),
        extents=_weighted(text["extents"]),
        sources=_weighted(text["sources"]),
        remote=_weighted(text["remote"]),
        first_names=tuple(person.Provider.first_names),
        last_names=tuple(person.Provider.last_names),
        company_formats=tuple(
            re.sub(r"\{\{(\w+)\}\}", r"{\1}", f) for f in company.Provider.formats
        ),
        company_suffixes=tuple(company.Provider.company_suffixes),
        phone_formats=tuple(phone.Provider.formats),
    )
