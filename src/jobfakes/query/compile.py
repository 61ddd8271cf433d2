"""Clauses -> SQL over the Jobfeed store (`jobs` j, `postings` p, `*_fts`, `*_vocab`, `places`)."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from jobfakes.query import fulltext as ft
from jobfakes.query.arrays import ColumnTest, Plan, column_test
from jobfakes.query.errors import QueryError
from jobfakes.query.params import (
    Between,
    Clause,
    Equals,
    Exists,
    FieldLike,
    InCodes,
    Predicate,
    Prefix,
    Radius,
    Text,
)
from jobfakes.query.text import tokenize
from jobfakes.query.textsql import TextCompiler

Args = tuple[object, ...]
ALIASES = {"job": "j", "posting": "p"}
TABLES = {"job": "jobs", "posting": "postings"}
EARTH_KM = 6371.0088  # mean Earth radius
MAX_CLAUSES = 1024  # Lucene's default maximum number of boolean clauses
MAX_DEPTH = 64
FUZZY_CUTOFF = 85  # one wrong, missing or extra letter in a name of seven letters or more


class SqlitePlaces:
    """Place lookups over the store's `places` table."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def code(self, name: str) -> int | None:
        """The best matching place, as the reference says a name maps: a place's name or one
        of its other names (woonplaatsen, Den Haag, Den Bosch), case and accents aside; else
        the shortest name that begins with the words; else the closest name within a small
        typo (rapidfuzz ratio of FUZZY_CUTOFF or more); the lowest code breaks ties."""
        wanted = " ".join(tokenize(name))
        if not wanted:
            return None
        names: dict[str, int] = {}
        for known, code in self.conn.execute(
            "SELECT name, code FROM place_names UNION ALL SELECT name, code FROM places"
        ):
            folded = " ".join(tokenize(known))
            names[folded] = min(code, names.get(folded, code))
        if wanted in names:
            return names[wanted]
        starting = [(len(n), c) for n, c in names.items() if n.startswith(wanted)]
        if starting:
            return min(starting)[1]
        from rapidfuzz import fuzz, process  # imported on use: only a typo needs it

        scored = process.extract(
            wanted, list(names), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None
        )
        if not scored:
            return None
        best = max(score for _, score, _ in scored)
        return min(names[n] for n, score, _ in scored if score == best)

    def coordinates(self, code: int) -> tuple[float, float] | None:
        """(lat, lon) of a place code."""
        row = self.conn.execute("SELECT lat, lon FROM places WHERE code = ?", (code,)).fetchone()
        return None if row is None else (float(row[0]), float(row[1]))


def predicate_sql(
    predicate: Predicate, field: FieldLike, level: str, conn: sqlite3.Connection
) -> tuple[str, Args]:
    """One predicate as SQL over the level's alias (a radius comes resolved to its codes)."""
    alias = ALIASES[level]
    column = f"{alias}.{field.name}"
    listed = field.type == "codes"
    if isinstance(predicate, Exists):
        empty = {"text": "''", "string": "''", "codes": "'[]'"}.get(field.type)
        sql = f"{column} IS NOT NULL" + (f" AND {column} != {empty}" if empty else "")
        return (f"({sql})" if predicate.exists else f"NOT ({sql})"), ()
    if isinstance(predicate, Equals):
        if listed:
            return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = ?)", (predicate.value,)
        return f"{column} = ?", (predicate.value,)
    if isinstance(predicate, Prefix):
        target = "value" if listed else column
        sql = f"substr({target}, 1, ?) = ?"
        if listed:
            sql = f"EXISTS (SELECT 1 FROM json_each({column}) WHERE {sql})"
        return sql, (len(predicate.text), predicate.text)
    if isinstance(predicate, Between):
        parts, args = [f"{column} IS NOT NULL"], []
        if predicate.low is not None:
            parts.append(f"{column} >= ?")
            args.append(predicate.low)
        if predicate.high is not None:
            parts.append(f"{column} <= ?")
            args.append(predicate.high)
        return "(" + " AND ".join(parts) + ")", tuple(args)
    if isinstance(predicate, InCodes):
        if not predicate.codes:
            return "0", ()
        marks = ", ".join("?" * len(predicate.codes))
        if listed:
            return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value IN ({marks}))", tuple(
                predicate.codes
            )
        return f"{column} IN ({marks})", tuple(predicate.codes)
    assert isinstance(predicate, Text), "a radius comes resolved to codes"
    return TextCompiler(conn, TABLES[level], field.name, alias).compile(predicate.query)


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half = math.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * (
        math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(half)))


def places_within(conn: sqlite3.Connection, radius: Radius) -> list[int]:
    """Codes of the places within the radius. Every location of the world is a place and has
    the place's coordinates, so a radius is a set of codes (no scan of the postings)."""
    rows = conn.execute("SELECT code, lat, lon FROM places ORDER BY code")
    return [
        code for code, lat, lon in rows if km_between(radius.lat, radius.lon, lat, lon) <= radius.km
    ]


def _check_size(clause: Clause) -> None:
    for predicate in clause.alternatives:
        if isinstance(predicate, Text):
            leaves, depth = _measure(predicate.query)
            if leaves > MAX_CLAUSES or depth > MAX_DEPTH:
                raise QueryError(
                    clause.param,
                    f"the full-text query is too complex (at most {MAX_CLAUSES} terms "
                    f"and {MAX_DEPTH} levels of nesting)",
                )


def _measure(node: ft.Node) -> tuple[int, int]:
    if isinstance(node, ft.Not):
        leaves, depth = _measure(node.child)
        return leaves, depth + 1
    if isinstance(node, (ft.And, ft.Or)):
        measured = [_measure(child) for child in node.children]
        return sum(m[0] for m in measured), 1 + max(m[1] for m in measured)
    return 1, 1


@dataclass(frozen=True)
class Conjunct:
    """One AND-ed part of a level's filter; `match` when it is exactly one FTS5 MATCH,
    `tests` when it is array tests OR-ed (`arrays.py`)."""

    sql: str
    args: Args
    match: str | None = None
    tests: tuple[ColumnTest, ...] | None = None


def clause_sql(clause: Clause, conn: sqlite3.Connection) -> Conjunct:
    """A clause: its alternatives OR-ed, negated (NULL counting as no match) with __not/__none."""
    _check_size(clause)
    (first, *others) = clause.alternatives
    if isinstance(first, Text) and not others and not clause.negated:
        alias = ALIASES[clause.level]
        compiler = TextCompiler(conn, TABLES[clause.level], clause.field.name, alias)
        sql, args, match = compiler.compile_match(first.query)
        return Conjunct(f"({sql})", args, match if clause.level == "posting" else None)
    # a radius is the set of place codes within it (every location of the world is a place)
    clause = replace(
        clause,
        alternatives=tuple(
            InCodes(tuple(places_within(conn, p))) if isinstance(p, Radius) else p
            for p in clause.alternatives
        ),
    )
    pieces = [predicate_sql(p, clause.field, clause.level, conn) for p in clause.alternatives]
    sql = " OR ".join(f"({s})" for s, _ in pieces)
    args = tuple(a for _, x in pieces for a in x)
    test = column_test(clause)
    return Conjunct(
        f"NOT IFNULL(({sql}), 0)" if clause.negated else f"({sql})",
        args,
        tests=None if test is None else (test,),
    )


def combine(clauses: Iterable[Clause], conn: sqlite3.Connection) -> list[Conjunct]:
    """The AND-ed parts: groups (clauses of one group without `__and` OR-ed), then each
    `__and` clause and each negation."""
    groups: dict[tuple[str, str, str], list[Conjunct]] = {}
    conjuncts: list[Conjunct] = []
    for clause in clauses:
        compiled = clause_sql(clause, conn)
        if clause.negated or clause.conjunctive:
            conjuncts.append(compiled)
        else:
            groups.setdefault(clause.group, []).append(compiled)
    merged = []
    for members in groups.values():
        if len(members) == 1:
            merged.append(members[0])
        else:
            sql = " OR ".join(m.sql for m in members)
            tests = [t for m in members for t in m.tests or ()]
            whole = all(m.tests is not None for m in members)
            args = tuple(a for m in members for a in m.args)
            merged.append(Conjunct(f"({sql})", args, tests=tuple(tests) if whole else None))
    return merged + conjuncts


def array_plan(job: Sequence[Conjunct], posting: Sequence[Conjunct]) -> Plan | None:
    """The filters as array tests plus one full-text MATCH, when they all are."""
    if any(p.tests is None for p in job):
        return None
    if any(p.tests is None and p.match is None for p in posting):
        return None
    matches = [p.match for p in posting if p.match is not None]
    return Plan(
        tuple(p.tests for p in job if p.tests is not None),
        tuple(p.tests for p in posting if p.tests is not None),
        " AND ".join(f"({m})" for m in matches) if matches else None,
    )


def conjunction(parts: Sequence[Conjunct]) -> tuple[str, Args]:
    """The parts AND-ed ("1" when there are none)."""
    if not parts:
        return "1", ()
    return " AND ".join(p.sql for p in parts), tuple(a for p in parts for a in p.args)


def posting_source(parts: Sequence[Conjunct]) -> tuple[str, str, Args]:
    """(FROM, WHERE, args) selecting the matching postings as `p`. Full-text parts that are
    one MATCH each drive the query from the FTS5 table (a join is much faster than testing
    `p.rowid IN (...)` for every posting)."""
    matches = [p.match for p in parts if p.match is not None]
    if not matches:
        where, args = conjunction(parts)
        return "postings p", where, args
    rest, rest_args = conjunction([p for p in parts if p.match is None])
    source = "postings_fts JOIN postings p ON p.rowid = postings_fts.rowid"
    match = " AND ".join(f"({m})" for m in matches)
    return source, f"postings_fts MATCH ? AND {rest}", (match, *rest_args)
