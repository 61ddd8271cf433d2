"""Clauses -> array tests over the world's columnar side store: the filters' fast path.

When every filter is a test of an integer, code, boolean, location or date value, and the
posting-level full text is one FTS5 MATCH, the matching jobs and postings are found without
a per-row SQL lookup: the full-text index gives the postings' rowids, and every other test is
numpy work over the candidates. Anything else (text at job level, prefixes, lists of codes,
floats, strings) has no plan, and the SQL path answers. Both give the same rows: the
property tests hold each against an oracle.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from jobfakes.query.params import Between, Clause, Equals, Exists, InCodes, Predicate

Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
ARRAY_TYPES = ("integer", "code", "boolean", "location", "date")


class ColumnSource(Protocol):
    """What the fast path reads: one table's columns in rowid order (`world.jobfeed.columns`)."""

    def values(self, name: str, dates: bool) -> tuple[Ints, Mask]: ...
    def load(self, names: Iterable[tuple[str, bool]]) -> None: ...
    def positions(self, rowids: Ints) -> Ints: ...
    def rowids(self) -> Ints: ...


@dataclass(frozen=True)
class ColumnTest:
    """One clause: the OR of its predicates on one column, negated with `__not` (a missing
    value then matches, as SQL's `NOT IFNULL(..., 0)` has it)."""

    column: str
    dates: bool
    predicates: tuple[Equals | Between | Exists | InCodes, ...]
    negated: bool

    def mask(self, values: Ints, present: Mask) -> Mask:
        hit = np.zeros(len(values), np.bool_)
        for p in self.predicates:
            if isinstance(p, Exists):
                hit |= present if p.exists else ~present
            elif isinstance(p, Equals):
                hit |= present & (values == _number(p.value, self.dates))
            elif isinstance(p, InCodes):
                codes = [_number(c, self.dates) for c in p.codes]
                hit |= present & np.isin(values, codes)
            else:
                inside = present.copy()
                if p.low is not None:
                    inside &= values >= _number(p.low, self.dates)
                if p.high is not None:
                    inside &= values <= _number(p.high, self.dates)
                hit |= inside
        return ~hit if self.negated else hit


Conjunct = tuple[ColumnTest, ...]
"""AND-ed part of a level's filter: its tests OR-ed."""


@dataclass(frozen=True)
class Plan:
    """A level's AND-ed parts, and the posting-level full text as one MATCH (or none)."""

    job: tuple[Conjunct, ...]
    posting: tuple[Conjunct, ...]
    match: str | None

    def columns(self, level: str) -> list[tuple[str, bool]]:
        """(name, dates) of the columns the plan reads at a level."""
        if level == "job":
            return [(t.column, t.dates) for c in self.job for t in c]
        return [("job", False), *((t.column, t.dates) for c in self.posting for t in c)]


@dataclass(frozen=True)
class Matches:
    """Rowids (ascending) of the matching jobs and of their matching postings; `postings` is
    None when no filter is at posting level (every posting of a matching job matches)."""

    jobs: Ints
    postings: Ints | None


def column_test(clause: Clause) -> ColumnTest | None:
    """The clause as an array test, or None when it has none (radii come resolved to codes)."""
    dates = clause.field.type == "date"
    if clause.field.type not in ARRAY_TYPES:
        return None
    predicates: list[Equals | Between | Exists | InCodes] = []
    for p in clause.alternatives:
        if not isinstance(p, (Equals, Between, Exists, InCodes)) or not _plain(p, dates):
            return None
        predicates.append(p)
    return ColumnTest(clause.field.name, dates, tuple(predicates), clause.negated)


def _plain(p: Predicate, dates: bool) -> bool:
    """Whether the predicate's values are of the column's kind (ISO dates or integers)."""
    values: list[object] = []
    if isinstance(p, Equals):
        values = [p.value]
    elif isinstance(p, InCodes):
        values = list(p.codes)
    elif isinstance(p, Between):
        values = [v for v in (p.low, p.high) if v is not None]
    wanted = str if dates else int
    return all(type(v) is wanted for v in values)


def _number(value: object, dates: bool) -> int:
    if dates:
        return int(np.datetime64(str(value), "D").astype(np.int64))
    assert isinstance(value, int)
    return value


def run(
    plan: Plan, conn: sqlite3.Connection, jobs: ColumnSource, postings: ColumnSource
) -> Matches:
    """The jobs (and postings) the plan matches: the full-text index first, then each test
    over the remaining candidates only."""
    postings.load(plan.columns("posting"))
    jobs.load(plan.columns("job"))
    candidates: Ints | None = None  # positions into the posting columns; None: all of them
    if plan.match is not None:
        row = conn.execute(
            "SELECT group_concat(rowid) FROM postings_fts WHERE postings_fts MATCH ?",
            (plan.match,),
        ).fetchone()
        found = np.fromstring(row[0] or "", dtype=np.int64, sep=",")
        candidates = postings.positions(np.sort(found))
    job_candidates: Ints | None = None
    constrained = plan.match is not None or bool(plan.posting)
    if constrained:
        candidates = _narrow(plan.posting, postings, candidates)
        owners = postings.values("job", False)[0][candidates]
        job_candidates = jobs.positions(np.unique(owners))
    chosen = _narrow(plan.job, jobs, job_candidates)
    job_rowids = jobs.rowids()[chosen]
    if not constrained:
        return Matches(job_rowids, None)
    assert candidates is not None
    if plan.job:  # only the postings of the jobs that remain
        kept = np.zeros(len(jobs.rowids()), np.bool_)
        kept[chosen] = True
        candidates = candidates[kept[jobs.positions(owners)]]
    return Matches(job_rowids, postings.rowids()[candidates])


def _narrow(conjuncts: Sequence[Conjunct], source: ColumnSource, at: Ints | None) -> Ints:
    """The positions among `at` (None: all) that pass every conjunct."""
    if at is None:
        at = np.arange(len(source.rowids()), dtype=np.int64)
    for conjunct in conjuncts:
        passed = np.zeros(len(at), np.bool_)
        for test in conjunct:
            values, present = source.values(test.column, test.dates)
            passed |= test.mask(values[at], present[at])
        at = at[passed]
    return at
