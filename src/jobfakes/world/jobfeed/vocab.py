"""Vocabulary of the Dutch world: the data files in `jobfakes.world.data.nl`, loaded on first
use and cached per process (never at import)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jobfakes.world.vocab import Weighted


@dataclass(frozen=True)
class Place:
    code: int  # 4-digit postcode of the place: the location code
    name: str
    lat: float
    lon: float
    region: int
    province: int


@dataclass(frozen=True)
class Profession:
    code: int
    nl: str
    en: str
    group: int
    klass: int
    education: int
    salary: int
    it_skills: tuple[str, ...]
    professional_skills: tuple[str, ...]


@dataclass(frozen=True)
class DutchVocabulary:
    places: tuple[Place, ...]
    places_by_code: dict[int, Place]
    place_names: dict[str, int]  # folded name (official, woonplaats, alias) -> place code
    region_names: dict[int, str]  # COROP code -> name
    province_names: dict[int, str]  # province code -> Dutch name
    weighted_places: Weighted
    professions: dict[int, Profession]
    weighted_professions: Weighted
    by_group: dict[int, tuple[Profession, ...]]
    codes: dict[str, Any]
    text: dict[str, list[str]]
    websites: tuple[tuple[str, int, int], ...]  # (domain, source_type, weight)


def _load(name: str) -> Any:
    return json.loads(resources.files("jobfakes.world.data.nl").joinpath(name).read_text("utf-8"))


@cache
def dutch_vocabulary() -> DutchVocabulary:
    """The vocabulary, loaded once per process."""
    geo, prof, codes, text = (
        _load("places.json"),
        _load("professions.json"),
        _load("codes.json"),
        _load("text.json"),
    )
    places = tuple(Place(p[1], p[0], p[2], p[3], p[4], p[5]) for p in geo["places"])
    groups = {int(k): v for k, v in prof["groups"].items()}
    professions = {
        p[0]: Profession(
            p[0], p[1], p[2], p[3], groups[p[3]][2], p[4], p[5], tuple(p[6]), tuple(p[7])
        )
        for p in prof["professions"]
    }
    by_group: dict[int, list[Profession]] = {}
    for item in professions.values():
        by_group.setdefault(item.group, []).append(item)
    return DutchVocabulary(
        places=places,
        places_by_code={p.code: p for p in places},
        place_names={name: int(code) for name, code in geo["aliases"].items()},
        region_names={int(k): v for k, v in geo["regions"].items()},
        province_names={int(k): v[0] for k, v in geo["provinces"].items()},
        weighted_places=Weighted.of(
            [(pl, row[6]) for pl, row in zip(places, geo["places"], strict=True)]
        ),
        professions=professions,
        weighted_professions=Weighted.of([(professions[p[0]], p[8]) for p in prof["professions"]]),
        by_group={k: tuple(v) for k, v in by_group.items()},
        codes=codes,
        text={k: v for k, v in text.items() if not k.startswith("_")},
        websites=tuple((w[0], w[1], w[2]) for w in codes["websites"]),
    )


def _pairs_to_labels(table: dict[str, list[str]], integer: bool) -> dict[str, dict[Any, str]]:
    nl = {(int(k) if integer else k): v[0] for k, v in table.items()}
    en = {(int(k) if integer else k): v[1] for k, v in table.items()}
    return {"nl": nl, "en": en, "de": nl, "fr": nl}


@cache
def labels(field: str) -> dict[str, dict[Any, str]]:
    """language -> code -> label of a coded field. German and French labels are not in our
    data: they fall back to Dutch, the country's language, as the reference says."""
    if field == "location":
        names = {p.code: p.name for p in dutch_vocabulary().places}
        return {lang: names for lang in ("nl", "en", "de", "fr")}
    if field in ("region", "province", "profession_class", "profession_group", "profession"):
        geo, prof = _load("places.json"), _load("professions.json")
        if field == "region":
            names = {int(k): v for k, v in geo["regions"].items()}
            return {lang: names for lang in ("nl", "en", "de", "fr")}
        if field == "province":
            return _pairs_to_labels(geo["provinces"], integer=True)
        if field == "profession_class":
            return _pairs_to_labels(prof["classes"], integer=True)
        if field == "profession_group":
            return _pairs_to_labels({k: v[:2] for k, v in prof["groups"].items()}, integer=True)
        return _pairs_to_labels({str(p[0]): [p[1], p[2]] for p in prof["professions"]}, True)
    codes = dutch_vocabulary().codes
    if field not in codes:
        raise KeyError(field)
    return _pairs_to_labels(codes[field], integer=not field.endswith("skills"))
