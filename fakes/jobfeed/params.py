"""The Jobfeed API's own `_`-parameters: parsed and checked into typed requests.

Filter parameters (names without a leading `_`) are passed on, in request order and raw, to
the query language (`jobfakes.query.compile_filters`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from jobfakes.world.jobfeed.fields import CATALOGUE, LANGUAGES, NUMERIC_TYPES, Field

MAX_WINDOW = 10_000  # _limit + _offset
MAX_FACETS = 20
DEFAULT_LIMIT = 10
# `_sort`: jobs missing the field come last in both directions, Elasticsearch's default
# (`"missing": "_last"`); the real service's order is not public. False: SQLite's order
# (missing lowest: first ascending, last descending).
SORT_MISSING_LAST = True
Pairs = Sequence[tuple[str, str]]


class ParamError(ValueError):
    """A bad `_`-parameter: answered with a JSON 400 naming it."""

    def __init__(self, param: str, message: str, status: int = 400):
        super().__init__(f"{param}: {message}")
        self.param, self.message, self.status = param, message, status


_TRUE, _FALSE = ("1", "true", "yes"), ("0", "false", "no")
_COMMON = frozenset({"_pretty"})
ALLOWED = {
    "fields": frozenset({"_get_all", "_field", "_values", "_language", "_pretty"}),
    "search": frozenset(
        {
            "_labels",
            "_language",
            "_limit",
            "_offset",
            "_sort",
            "_sortdir",
            "_fields",
            "_snippets",
            "_matching_postings",
            "_pretty",
            "_facets",
            "_facets_limit",
        }
    ),
    "aggregate": frozenset(
        {
            "_group",
            "_limit",
            "_offset",
            "_sort",
            "_sortdir",
            "_labels",
            "_language",
            "_metric",
            "_totals",
            "_pretty",
        }
    ),
    "count": frozenset({"_group", "_pretty"}),
}


def split(pairs: Pairs, endpoint: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(`_`-parameters by name, filter parameters in order); unknown or repeated `_`-names
    are refused."""
    options: dict[str, str] = {}
    filters: list[tuple[str, str]] = []
    for name, value in pairs:
        if not name.startswith("_"):
            filters.append((name, value))
            continue
        if name not in ALLOWED[endpoint] | _COMMON:
            raise ParamError(name, f"unknown parameter for /{endpoint}")
        if name in options:
            raise ParamError(name, "given more than once")
        options[name] = value
    return options, filters


def boolean(options: dict[str, str], name: str, default: bool) -> bool:
    raw = options.get(name)
    if raw is None or raw == "":
        return default
    low = raw.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ParamError(name, f"expected 0/1, true/false or yes/no, not {raw!r}")


def integer(name: str, raw: str, minimum: int = 0) -> int:
    if not re.fullmatch(r"\s*\d{1,9}\s*", raw):
        raise ParamError(name, f"expected a whole number, not {raw!r}")
    value = int(raw)
    if value < minimum:
        raise ParamError(name, f"must be at least {minimum}, not {value}")
    return value


def language(options: dict[str, str]) -> str:
    raw = options.get("_language") or "nl"
    if raw not in LANGUAGES:
        raise ParamError(
            "_language", f"supported languages are {', '.join(LANGUAGES)}; not {raw!r}"
        )
    return raw


def _items(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",")]


def field_ref(param: str, raw: str, allow_level: bool = True) -> tuple[str | None, Field]:
    """`[job:|posting:]FIELD` -> (explicit level or None, field); unknown or wrong level -> 400."""
    level: str | None = None
    name = raw.strip()
    if allow_level and ":" in name:
        level, name = name.split(":", 1)
        if level not in ("job", "posting"):
            raise ParamError(param, f"unknown level prefix {level + ':'!r}; use job: or posting:")
    spec = CATALOGUE.get(name)
    if spec is None:
        raise ParamError(param, f"unknown field {name!r}")
    if level is not None and level not in spec.levels:
        raise ParamError(param, f"field {name!r} is not available at the {level} level")
    return level, spec


# ---- /search ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Output:
    """What `_fields` asks for: top-level fields (with their level) and the postings list."""

    fields: tuple[tuple[str, str, Field], ...]  # (key, level, field)
    postings: bool = False
    posting_fields: tuple[Field, ...] = ()  # empty = every posting-level field


@dataclass(frozen=True)
class SearchQuery:
    labels: bool = True
    language: str = "nl"
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    sort: tuple[tuple[str | None, Field, bool], ...] = ()  # (level, field, descending)
    output: Output = field(default_factory=lambda: Output(()))
    snippets: bool = False
    matching_postings: bool = False
    facets: tuple[tuple[str | None, Field, int], ...] = ()  # (level, field, limit)


def _all_output() -> Output:
    return Output(tuple((f.name, f.default_level, f) for f in CATALOGUE.values()))


def output(raw: str | None) -> Output:
    if raw is None or not raw.strip():
        return _all_output()
    top: list[tuple[str, str, Field]] = []
    posting_fields: list[Field] = []
    postings = False
    for item in _items(raw):
        if item == "posting":
            postings = True
            continue
        if not item:
            raise ParamError("_fields", "empty field name in the list")
        level, spec = field_ref("_fields", item)
        if level == "posting":
            postings = True
            posting_fields.append(spec)
            continue
        where = level or spec.default_level
        if any(s.name == spec.name and at == where for _, at, s in top):
            raise ParamError("_fields", f"field {spec.name!r} is asked for twice")
        top.append((spec.name if level is None else item.strip(), where, spec))
    return Output(tuple(_keys(top)), postings, tuple(posting_fields))


def _keys(top: list[tuple[str, str, Field]]) -> list[tuple[str, str, Field]]:
    """Each field under its name; `job:F` too, unless `F` is asked at its other level as well
    (`_fields=job:profession,profession`): then `job:F` is keyed as asked."""
    levels: dict[str, int] = {}
    for _, _, spec in top:
        levels[spec.name] = levels.get(spec.name, 0) + 1
    return [
        (asked if levels[spec.name] > 1 else spec.name, where, spec) for asked, where, spec in top
    ]


def sort(options: dict[str, str]) -> tuple[tuple[str | None, Field, bool], ...]:
    raw, dirs_raw = options.get("_sort"), options.get("_sortdir")
    if not raw:
        if dirs_raw:
            raise ParamError("_sortdir", "given without _sort")
        return ()
    names = _items(raw)
    dirs = _items(dirs_raw) if dirs_raw else []
    if len(dirs) > len(names):
        raise ParamError("_sortdir", f"{len(dirs)} directions for {len(names)} sort fields")
    out = []
    for index, name in enumerate(names):
        level, spec = field_ref("_sort", name)
        if spec.type == "codes":
            raise ParamError("_sort", f"cannot sort on the list field {spec.name!r}")
        direction = dirs[index] if index < len(dirs) and dirs[index] else "asc"
        if direction not in ("asc", "desc"):
            raise ParamError("_sortdir", f"expected asc or desc, not {direction!r}")
        out.append((level, spec, direction == "desc"))
    return tuple(out)


def facets(options: dict[str, str]) -> tuple[tuple[str | None, Field, int], ...]:
    raw = options.get("_facets")
    if not raw:
        if options.get("_facets_limit"):
            raise ParamError("_facets_limit", "given without _facets")
        return ()
    names = _items(raw)
    if len(names) > MAX_FACETS:
        raise ParamError("_facets", f"at most {MAX_FACETS} fields")
    limits = _items(options["_facets_limit"]) if options.get("_facets_limit") else []
    if len(limits) > len(names):
        raise ParamError("_facets_limit", f"{len(limits)} limits for {len(names)} facet fields")
    out = []
    for index, name in enumerate(names):
        level, spec = field_ref("_facets", name)
        if spec.type == "text":
            raise ParamError("_facets", f"cannot compute facets of the text field {spec.name!r}")
        text = limits[index] if index < len(limits) else ""
        limit = integer("_facets_limit", text, 1) if text else DEFAULT_LIMIT
        if limit > MAX_FACETS:
            raise ParamError("_facets_limit", f"must be at most {MAX_FACETS}, not {limit}")
        out.append((level, spec, limit))
    return tuple(out)


def search_query(options: dict[str, str]) -> SearchQuery:
    limit = integer("_limit", options["_limit"]) if options.get("_limit") else DEFAULT_LIMIT
    offset = integer("_offset", options["_offset"]) if options.get("_offset") else 0
    if limit + offset > MAX_WINDOW:
        raise ParamError(
            "_limit", f"_limit + _offset must not exceed {MAX_WINDOW} (got {limit + offset})"
        )
    return SearchQuery(
        labels=boolean(options, "_labels", True),
        language=language(options),
        limit=limit,
        offset=offset,
        sort=sort(options),
        output=output(options.get("_fields")),
        snippets=boolean(options, "_snippets", False),
        matching_postings=boolean(options, "_matching_postings", False),
        facets=facets(options),
    )


def numeric(param: str, spec: Field) -> Field:
    if spec.type not in NUMERIC_TYPES:
        raise ParamError(param, f"field {spec.name!r} is not numeric")
    return spec
