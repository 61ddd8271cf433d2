"""The public feed's index: a light, sorted projection of the active ads of one world version.

Built once per world version from a few fields SQLite extracts (not by parsing every ad), and
kept newest published first, so that a `published` range is a slice found by bisection and
the other filters scan only that slice. Selections are cached per version by the backend.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from jobfakes.fakes.publicfeed.params import Filters, Values

from jobfakes.world.store import Store

_PATHS = ("$.published", "$.source", "$.employer.orgnr", "$.locations", "$.occupationCategories")
_WORD = re.compile(r"\w+")
# A Norwegian analyser drops these before matching `category` (a full-text match).
_STOPWORDS = (
    "og i jeg det at en et den til er som på de med han av ikke der så var meg seg men ett har"
    " om vi min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan hans hvor"
    " eller hva skal selv sjøl her alle vil bli ble blitt kunne inn når være kom noen noe ville"
    " dere deres kun ja etter ned skulle denne for deg si sine sitt mot å meget hvorfor dette"
    " disse uten hvordan ingen din ditt blir samme hvilken hvilke sånn inni mellom vår hver hvem"
    " vors hvis både bare enn fordi før mange også slik vært båe begge siden"
)
STOPWORDS = frozenset(_STOPWORDS.split())


def words(text: str) -> frozenset[str]:
    """The terms a full-text match compares: lower-cased words without stopwords."""
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in STOPWORDS)


@dataclass(frozen=True, slots=True)
class Row:
    published: int
    uuid: str
    updated: int
    source: str | None
    orgnr: str | None
    locations: list[dict[str, Any]]  # as stored: county and municipal are read from them
    occupations: list[dict[str, Any]]  # as stored: {level1, level2}

    def terms(self) -> frozenset[str]:
        """The words a `category` match compares with."""
        return _occupation_words(
            tuple((o.get("level1"), o.get("level2")) for o in self.occupations)
        )


_Test = Callable[[Row], bool]


@lru_cache(maxsize=4096)  # few distinct occupation sets: each analysed once
def _occupation_words(pairs: tuple[tuple[str | None, str | None], ...]) -> frozenset[str]:
    return words(" ".join(f"{a or ''} {b or ''}" for a, b in pairs))


class Listing:
    """Active ads, newest published first (ties by uuid)."""

    def __init__(self, rows: list[Row]):
        keyed = sorted((-r.published, r.uuid, r) for r in rows)
        self.rows = [r for _, _, r in keyed]
        self._keys = [k for k, _, _ in keyed]  # -published, ascending, for bisection

    @classmethod
    def build(cls, store: Store, now: int) -> Listing:
        rows = []
        for uuid, updated, values in store.ad_fields(_PATHS, "ACTIVE", now):
            published, source, orgnr, locations, occupations = orjson.loads(values)
            row = Row(
                published or 0, uuid, updated, source, orgnr, locations or [], occupations or []
            )
            rows.append(row)
        return cls(rows)

    def select(self, filters: Filters) -> Sequence[Row]:
        """The rows that pass every filter, in feed order."""
        rows: Sequence[Row] = self.rows
        if filters.published is not None:
            lo = bisect_left(self._keys, -filters.published.high)
            hi = bisect_right(self._keys, -filters.published.low)
            rows = self.rows[lo:hi]
        tests = _tests(filters)
        if not tests:
            return rows
        return [row for row in rows if all(test(row) for test in tests)]


def _tests(filters: Filters) -> list[_Test]:
    tests: list[_Test] = []
    if filters.updated is not None:
        span = filters.updated
        tests.append(lambda r: span.low <= r.updated <= span.high)
    for name, values in (
        ("uuid", filters.uuid),
        ("source", filters.source),
        ("orgnr", filters.orgnr),
    ):
        if values is not None and values.values:
            tests.append(_terms(name, values))
    if filters.category is not None:
        wanted = [words(v) for v in filters.category.values]
        # one match query per value, all required; a value matches on any of its words
        tests.append(lambda r: all(w & r.terms() for w in wanted))
    counties = _places(filters.county)
    municipals = _places(filters.municipal)
    if counties is not None or municipals is not None:
        tests.append(
            lambda r: any(
                (counties is None or p.get("county") in counties)
                and (municipals is None or p.get("municipal") in municipals)
                for p in r.locations
            )
        )
    return tests


def _terms(name: str, values: Values) -> _Test:
    """Each value is its own term: all must hold (so two different values never match one
    ad); negated, none may hold."""
    wanted = frozenset(values.values)
    if values.negated:
        return lambda r: getattr(r, name) not in wanted
    return lambda r: len(wanted) == 1 and getattr(r, name) in wanted


def _places(values: Values | None) -> frozenset[str] | None:
    """Location values (negation ignored, as upstream); None when the filter is absent."""
    if values is None or not values.values:
        return None
    return frozenset(values.values)
