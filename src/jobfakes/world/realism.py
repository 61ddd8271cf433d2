"""How far a world's text agrees with its structured fields: for each code-table label, does a
full-text search for the words that name it find the jobs (ads) that carry it, and mostly
those? Shared by the tests and `bench/world_realism.py`; the searches are callables, so the
figures come from the fakes' own HTTP answers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jobfakes.world.words import label_query, main_word, tokens

# The Dutch code tables the text names (profession class and group are groupings of
# professions, not named in ads).
DUTCH_FIELDS = (
    "profession", "contract_type", "employment_type", "working_hours_type", "education_level",
    "organization_industry", "it_skills", "professional_skills", "soft_skills",
    "language_skills", "region", "province",
)  # fmt: skip
MIN_CARRIERS = 10  # labels carried by fewer jobs are too rare to measure


@dataclass(frozen=True)
class Agreement:
    """One label: how many carry it, how many the search finds, how many of those carry it."""

    table: str
    code: object
    label: str
    query: str
    carriers: int
    hits: int
    both: int
    ambiguous: bool  # a one-word label whose word is part of another label ("HAVO", "WO")

    @property
    def recall(self) -> float:
        return self.both / self.carriers if self.carriers else 0.0

    @property
    def precision(self) -> float:
        return self.both / self.hits if self.hits else 0.0

    @property
    def meets(self) -> bool:
        return self.recall >= 0.5 and self.precision >= 0.5


def is_ambiguous(label: str, labels: Iterable[str]) -> bool:
    """A label of one word that another label also contains: no search for its words can
    tell the two apart."""
    everything = list(labels)
    word = main_word(label, everything)
    others = [set(tokens(other)) for other in everything if other != label]
    return len(tokens(label)) < 2 and any(word in s for s in others)


def agreements(
    tables: Mapping[str, Mapping[object, str]],
    carriers: Callable[[str, object], int],
    hits: Callable[[str], int],
    both: Callable[[str, object, str], int],
) -> list[Agreement]:
    """The agreement of every label carried by MIN_CARRIERS or more: `carriers(table, code)`,
    `hits(query)` and `both(table, code, query)` are counts from the fake."""
    every = [label for labels in tables.values() for label in labels.values()]
    found = []
    for table, labels in tables.items():
        for code, label in labels.items():
            carried = carriers(table, code)
            if carried < MIN_CARRIERS:
                continue
            query = label_query(label, every)
            found.append(
                Agreement(
                    table,
                    code,
                    label,
                    query,
                    carried,
                    hits(query),
                    both(table, code, query),
                    is_ambiguous(label, every),
                )
            )
    return found


# The Norwegian fields the ad text names, read from an ad document.
NORWEGIAN_FIELDS: dict[str, Callable[[dict[str, Any]], set[str]]] = {
    "occupation": lambda a: {
        c["name"] for c in a["categories"] if c["categoryType"] == "STYRK08NAV"
    },
    "engagementtype": lambda a: {a["engagementtype"]},
    "extent": lambda a: {a["extent"]},
    "sector": lambda a: {a["sector"]},
    "county": lambda a: {loc["county"] for loc in a["locations"]},
}


def norwegian_agreements(
    ads: list[dict[str, Any]], search: Callable[[str], set[str]]
) -> list[Agreement]:
    """The agreement of the Norwegian labels over `ads` (documents), where `search(q)` gives
    the uuids a parse.bot `q` finds (the query without its quotes)."""
    tables: dict[str, dict[object, str]] = {
        t: {v: v for a in ads for v in f(a)} for t, f in NORWEGIAN_FIELDS.items()
    }
    carriers = {
        (t, v): {a["uuid"] for a in ads if v in f(a)}
        for t, f in NORWEGIAN_FIELDS.items()
        for v in tables[t]
    }
    cache: dict[str, set[str]] = {}

    def hits(q: str) -> set[str]:
        if q not in cache:
            cache[q] = search(q.strip('"'))
        return cache[q]

    return agreements(
        tables,
        lambda t, c: len(carriers[(t, str(c))]),
        lambda q: len(hits(q)),
        lambda t, c, q: len(hits(q) & carriers[(t, str(c))]),
    )
