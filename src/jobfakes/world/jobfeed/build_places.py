"""Rebuild `data/nl/places.json`: every Dutch municipality with real coordinates, province and
COROP region, and the names (official, woonplaatsen, common aliases) a place filter matches.

    python -m jobfakes.world.jobfeed.build_places WOONPLAATSEN_CSV GEONAMES_NL_TXT

- WOONPLAATSEN_CSV: CBS "Woonplaatsen in Nederland" joined with "Gebieden in Nederland"
  (woonplaats, gemeentecode, gemeente, COROP code and name; CC BY 4.0, CBS), as shipped by
  woonstadrotterdam/woningwaardering in `woningwaardering/data/corop/corop.generated.csv`.
- GEONAMES_NL_TXT: the GeoNames gazetteer dump for NL (`NL.txt`, CC BY 4.0, GeoNames): the
  municipality (ADM2, keyed by the CBS code) coordinates and populations.

The places already in the file (the 4-digit postcode of each, its coordinates and weight) are
kept; each municipality without one of them becomes a place whose code is 10000 + its CBS
code (our data has no postcode for it; the code can never be a real 4-digit postcode).
Run by hand when the municipalities change; the output is committed.
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "nl" / "places.json"
# COROP code -> our province code (1 Groningen ... 12 Limburg, as in places.json).
_PROVINCE_OF_COROP = {
    **dict.fromkeys(range(1, 4), 1), **dict.fromkeys(range(4, 7), 2),
    **dict.fromkeys(range(7, 10), 3), **dict.fromkeys(range(10, 13), 4), 40: 5,
    **dict.fromkeys(range(13, 17), 6), 17: 7, **dict.fromkeys(range(18, 25), 8),
    **dict.fromkeys(range(25, 31), 9), **dict.fromkeys(range(31, 33), 10),
    **dict.fromkeys(range(33, 37), 11), **dict.fromkeys(range(37, 40), 12),
}  # fmt: skip
# Names in common use that are neither a municipality nor a woonplaats.
_ALIASES = {
    "Den Haag": "'s-Gravenhage", "The Hague": "'s-Gravenhage", "Den Bosch": "'s-Hertogenbosch",
    "Hertogenbosch": "'s-Hertogenbosch", "Bosch": "'s-Hertogenbosch",
}  # fmt: skip


def key(name: str) -> str:
    """A name as matched: lower case, accents, quotes and punctuation aside."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def _official(name: str) -> str:
    """CBS writes `Middelburg (Z.)`, `Bergen (L.)`: the name without the province mark."""
    return name.split(" (")[0]


def main(woonplaatsen: Path, geonames: Path) -> None:
    data = json.loads(DATA.read_text("utf-8"))
    places = data["places"]
    municipalities: dict[str, dict[str, object]] = {}
    with woonplaatsen.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["Gemeentecode"]
            found = municipalities.setdefault(
                code,
                {"name": row["Gemeente"], "corop": int(row["COROP-gebiedcode"]), "towns": []},
            )
            found["towns"].append(row["Woonplaats"])  # type: ignore[attr-defined]
    centres: dict[str, tuple[float, float, int]] = {}
    for line in geonames.read_text("utf-8").splitlines():
        cells = line.split("\t")
        if cells[7] == "ADM2" and cells[11]:
            centres[cells[11]] = (float(cells[4]), float(cells[5]), int(cells[14] or 0))
    towns_population: dict[str, int] = {}  # where GeoNames has no municipality population
    for line in geonames.read_text("utf-8").splitlines():
        cells = line.split("\t")
        if cells[7].startswith("PPL") and cells[11]:
            towns_population[cells[11]] = towns_population.get(cells[11], 0) + int(cells[14] or 0)
    kept_by_key = {key(p[0]): p for p in places}
    aliases: dict[str, int] = {}
    added = 0
    for code, found in sorted(municipalities.items()):
        name = _official(str(found["name"]))
        towns = [str(t) for t in found["towns"]]  # type: ignore[attr-defined]
        corop = int(found["corop"])  # type: ignore[call-overload]
        inside = [  # a kept place of this municipality (the same name may be elsewhere too)
            kept_by_key[key(t)]
            for t in [name, *towns]
            if key(t) in kept_by_key and kept_by_key[key(t)][5] == _PROVINCE_OF_COROP[corop]
        ]
        if inside:
            place = inside[0]
        else:
            if code not in centres:
                raise SystemExit(f"no GeoNames coordinates for municipality {code} {name}")
            lat, lon, population = centres[code]
            population = population or towns_population.get(code, 0)
            place = [name, 10_000 + int(code), round(lat, 4), round(lon, 4), corop,
                     _PROVINCE_OF_COROP[corop], max(1, population // 1000)]  # fmt: skip
            places.append(place)
            added += 1
        for alias in [name, *towns]:
            aliases.setdefault(key(alias), int(place[1]))
    for place in places:
        aliases[key(place[0])] = int(place[1])  # a place's own name wins over a woonplaats
    for alias, target in _ALIASES.items():
        aliases[key(alias)] = int(kept_by_key[key(target)][1])
    data["_about"] = (
        "Real Dutch places: [name, location code, latitude, longitude, COROP region, province,"
        " weight (rough size)]. The code is the 4-digit postcode of the place, or 10000 + the"
        " CBS code of a municipality whose postcode our data lacks. Built by"
        " jobfakes.world.jobfeed.build_places from CBS (woonplaatsen, COROP; CC BY 4.0) and"
        " GeoNames (coordinates, population; CC BY 4.0). `aliases`: matched name -> code."
    )
    data["places"] = places
    data["aliases"] = dict(sorted(aliases.items()))
    DATA.write_text(_dump(data), "utf-8")
    print(f"{len(places)} places ({added} added), {len(aliases)} names, {len(municipalities)}")


def _dump(data: dict[str, object]) -> str:
    head = {k: v for k, v in data.items() if k not in ("places", "aliases")}
    body = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    rows = ",\n  ".join(json.dumps(p, ensure_ascii=False) for p in data["places"])  # type: ignore[attr-defined]
    names = json.dumps(data["aliases"], ensure_ascii=False, indent=0).replace("\n", " ")
    return f'{body},\n "places": [\n  {rows}\n ],\n "aliases": {names}\n}}\n'


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
