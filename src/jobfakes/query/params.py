"""Filter parameters (`[job:|posting:]FIELD[__suffix...][[]]=VALUE`) into typed clauses.

This layer knows the catalogue but no SQL: the SQL compiler and the tests' oracle both read it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from jobfakes.query import fulltext
from jobfakes.query.dates import calendar, date_math, parse_date
from jobfakes.query.errors import QueryError


class FieldLike(Protocol):
    """What the language needs to know of a catalogue field."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def levels(self) -> tuple[str, ...]: ...
    @property
    def custom(self) -> bool: ...


class Places(Protocol):
    """Place names and coordinates (the store's `places` table)."""

    def code(self, name: str) -> int | None: ...
    def coordinates(self, code: int) -> tuple[float, float] | None: ...


@dataclass(frozen=True)
class Exists:
    """`_exists` (True) or `_not_exists` (False)."""

    exists: bool


@dataclass(frozen=True)
class Equals:
    """Equal to a value (list fields: one of the ids is; `__exact`: the whole string)."""

    value: int | float | str


@dataclass(frozen=True)
class Prefix:
    """Begins with the text (case-sensitive, as a keyword)."""

    text: str


@dataclass(frozen=True)
class Between:
    """Inclusive range with optional ends (dates as ISO strings)."""

    low: int | float | str | None
    high: int | float | str | None


@dataclass(frozen=True)
class Radius:
    """Within `km` kilometres of a point (great-circle distance)."""

    lat: float
    lon: float
    km: float


@dataclass(frozen=True)
class InCodes:
    """One of these codes (a custom category resolved to the field's codes)."""

    codes: tuple[int | str, ...]


@dataclass(frozen=True)
class Text:
    """A full-text query."""

    query: fulltext.Node
    source: str


Predicate = Exists | Equals | Prefix | Between | Radius | InCodes | Text

KINDS = ("prefix", "exact", "range", "radius", "calendar", "custom", "custom_1", "custom_2")
FLAGS = ("not", "none", "and")
EXACT_TEXT_FIELDS = ("job_title", "organization_name")  # the reference's two
BOOLEANS = {"0": 0, "false": 0, "no": 0, "1": 1, "true": 1, "yes": 1}
RANGE_TYPES = ("integer", "float", "code", "date", "location")
_NUMBER = {"integer": r"[+-]?\d+", "float": r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"}
_LATLON = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*,\s*([+-]?\d+(?:\.\d+)?)\s*")
_SPLIT = re.compile(r"\s*(?<!\|)\|(?!\|)\s*| OR ")  # `||` belongs to date math
_NAME = re.compile(r"(?:(job|posting):)?([A-Za-z0-9_]+)(\[\])?")

Custom = Mapping[str, Mapping[Any, Any]]


@dataclass(frozen=True)
class Clause:
    """One filter parameter: a field at a level, a kind, flags, and alternatives OR-ed."""

    param: str
    field: FieldLike
    level: str
    kind: str
    negated: bool
    conjunctive: bool
    alternatives: tuple[Predicate, ...]

    @property
    def group(self) -> tuple[str, str, str]:
        """Clauses of one group without `__and` are OR-ed with each other."""
        return self.level, self.field.name, self.kind


def parse_name(
    param: str, catalogue: Mapping[str, FieldLike]
) -> tuple[FieldLike, str, str, bool, bool]:
    """(field, level, kind, negated, conjunctive) of a parameter name."""
    match = _NAME.fullmatch(param)
    if match is None:
        raise QueryError(param, "not a filter: expected [job:|posting:]FIELD[__SUFFIX...]")
    prefix, body, _ = match.groups()
    name, *suffixes = body.split("__")
    field = catalogue.get(name)
    if field is None:
        raise QueryError(param, f"unknown field {name!r}")
    level = prefix or field.levels[0]
    if level not in field.levels:
        raise QueryError(
            param,
            f"field {name!r} is not available at the {level} level ({', '.join(field.levels)})",
        )
    kinds = [s for s in suffixes if s in KINDS]
    unknown = [s for s in suffixes if s not in KINDS and s not in FLAGS]
    if unknown:
        raise QueryError(param, f"unknown modifier __{unknown[0]}")
    if {"radius", "range"} <= set(kinds):
        raise QueryError(param, "__radius cannot be used together with __range on one field")
    if len(kinds) > 1:
        raise QueryError(param, f"__{kinds[0]} cannot be combined with __{kinds[1]}")
    if len(suffixes) != len(set(suffixes)):
        raise QueryError(param, "a modifier is repeated")
    kind = kinds[0] if kinds else "value"
    _check_kind(param, field, kind)
    return field, level, kind, "not" in suffixes or "none" in suffixes, "and" in suffixes


def _check_kind(param: str, field: FieldLike, kind: str) -> None:
    allowed = {
        "value": True,
        "prefix": field.type in ("string", "codes"),
        "exact": field.type == "string" or field.name in EXACT_TEXT_FIELDS,
        "range": field.type in RANGE_TYPES,
        "radius": field.type == "location",
        "calendar": field.type == "date",
    }.get(kind, field.custom)
    if not allowed:
        raise QueryError(param, f"__{kind} is not supported on {field.type} field {field.name!r}")


def parse_clause(
    param: str,
    value: str,
    catalogue: Mapping[str, FieldLike],
    today: dt.date,
    places: Places,
    custom: Custom,
) -> Clause:
    """The clause of one `param=value` pair."""
    field, level, kind, negated, conjunctive = parse_name(param, catalogue)
    if field.type == "text" and kind == "value":
        alternatives: tuple[Predicate, ...] = (_text(param, value),)
    else:
        parts = [part for part in _SPLIT.split(value)]
        if any(not part.strip() for part in parts):
            raise QueryError(param, f"empty value in {value!r}")
        reader = _READERS[kind]
        alternatives = tuple(
            reader(param, field, part.strip(), today, places, custom) for part in parts
        )
    return Clause(param, field, level, kind, negated, conjunctive, alternatives)


def _text(param: str, value: str) -> Predicate:
    stripped = value.strip()
    if stripped in ("_exists", "_not_exists"):
        return Exists(stripped == "_exists")
    return Text(fulltext.parse(value, param), value)


def scalar(param: str, field: FieldLike, value: str, places: Places | None) -> int | float | str:
    """A plain value of the field's type (a location may be a place name)."""
    kind = field.type
    if kind == "boolean":
        flag = BOOLEANS.get(value.lower())
        if flag is None:
            raise QueryError(param, f"expected 0/false/no or 1/true/yes, got {value!r}")
        return flag
    if kind == "date":
        return parse_date(value, param).isoformat()
    if kind in ("integer", "code", "location") and re.fullmatch(_NUMBER["integer"], value):
        return _int(param, value)
    if kind == "float" and re.fullmatch(_NUMBER["float"], value):
        return float(value)
    if kind == "location" and places is not None:
        code = places.code(value)
        if code is None:
            raise QueryError(param, f"no place matches {value!r}")
        return code
    if kind in ("integer", "code", "location", "float"):
        raise QueryError(param, f"expected a number for {field.name!r}, got {value!r}")
    return value


def _int(param: str, text: str) -> int:
    number = int(text)
    if not -(2**63) <= number < 2**63:  # SQLite's integers
        raise QueryError(param, f"the number {text!r} is too large")
    return number


def _value(
    param: str, field: FieldLike, value: str, today: dt.date, places: Places, custom: Custom
) -> Predicate:
    if value in ("_exists", "_not_exists"):
        return Exists(value == "_exists")
    return Equals(scalar(param, field, value, places))


def _prefix(
    param: str, field: FieldLike, value: str, today: dt.date, places: Places, custom: Custom
) -> Predicate:
    return Prefix(value)


def _bound(param: str, field: FieldLike, value: str, today: dt.date) -> int | float | str | None:
    if value == "":
        return None
    if field.type == "date":
        return date_math(value, today, param).isoformat()
    return scalar(param, field, value, None)


def _range(
    param: str, field: FieldLike, value: str, today: dt.date, places: Places, custom: Custom
) -> Predicate:
    ends = value.split("__")
    if len(ends) != 2:
        raise QueryError(
            param, f"expected a range as FROM__TO (either may be empty), got {value!r}"
        )
    return Between(_bound(param, field, ends[0], today), _bound(param, field, ends[1], today))


def _radius(
    param: str, field: FieldLike, value: str, today: dt.date, places: Places, custom: Custom
) -> Predicate:
    where, sep, km_text = value.rpartition("__")
    if not sep or not where:
        raise QueryError(param, f"expected PLACE__KM (a name, a code or lat,lon), got {value!r}")
    try:
        km = float(km_text)
    except ValueError:
        km = -1.0
    if not 0 <= km <= 20_000:
        raise QueryError(param, f"expected a radius in kilometres after '__', got {km_text!r}")
    point = _LATLON.fullmatch(where)
    if point is not None:
        lat, lon = float(point.group(1)), float(point.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise QueryError(param, f"coordinates out of range: {where!r}")
        return Radius(lat, lon, km)
    code = _int(param, where) if re.fullmatch(r"\d+", where) else places.code(where)
    found = places.coordinates(code) if code is not None else None
    if found is None:
        raise QueryError(param, f"no place or municipality matches {where!r}")
    return Radius(found[0], found[1], km)


def _calendar(
    param: str, field: FieldLike, value: str, today: dt.date, places: Places, custom: Custom
) -> Predicate:
    start, end = calendar(value, today, param)
    return Between(start.isoformat(), end.isoformat())


def _custom(level: int) -> Callable[..., Predicate]:
    def read(
        param: str, field: FieldLike, value: str, today: dt.date, places: Places, custom: Custom
    ) -> Predicate:
        # an id that is no category of the account matches nothing (as a code no job has)
        if not re.fullmatch(r"\d+", value):
            raise QueryError(param, f"expected a custom category id, got {value!r}")
        wanted = int(value)
        codes: set[int | str] = set()
        for category_id, (level1, level2, members) in custom.get(field.name, {}).items():
            hit = {1: level1 == wanted, 2: level2 == wanted}.get(level, False)
            if level == 0:  # plain __custom: a level-1 id or a category's own id
                hit = wanted in (level1, category_id)
            if hit:
                codes.update(members)
        return InCodes(tuple(sorted(codes, key=str)))

    return read


_READERS: dict[str, Callable[..., Predicate]] = {
    "value": _value,
    "exact": lambda param, field, value, *rest: Equals(value),
    "prefix": _prefix,
    "range": _range,
    "radius": _radius,
    "calendar": _calendar,
    "custom": _custom(0),
    "custom_1": _custom(1),
    "custom_2": _custom(2),
}


def parse_clauses(
    params: Sequence[tuple[str, str]],
    catalogue: Mapping[str, FieldLike],
    today: dt.date,
    places: Places,
    custom: Custom,
) -> list[Clause]:
    """Every clause, in request order; __radius and __range on one field is refused."""
    clauses = [parse_clause(p, v, catalogue, today, places, custom) for p, v in params]
    kinds: dict[tuple[str, str], set[str]] = {}
    for clause in clauses:
        seen = kinds.setdefault((clause.level, clause.field.name), set())
        seen.add(clause.kind)
        if {"radius", "range"} <= seen:
            raise QueryError(
                clause.param, "__radius cannot be used together with __range on one field"
            )
    return clauses
