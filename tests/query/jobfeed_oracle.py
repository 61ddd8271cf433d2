"""A brute-force evaluation of Jobfeed filters over the ground truth (`GET /__admin/jobs`),
in plain Python and independent of the SQL path: its own tokens, edit distance and matching.

It reads the typed clauses of `jobfakes.query.parse` (the parameter syntax is tested on its
own) and evaluates them on the JSON documents.
"""

from __future__ import annotations

import fnmatch
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from jobfakes.query import fulltext as ft
from jobfakes.query.params import (
    Between,
    Clause,
    Equals,
    Exists,
    InCodes,
    Prefix,
    Radius,
    Text,
)
from jobfakes.world.jobfeed.fields import CATALOGUE

_WORD = re.compile(r"[^\W_]+")
TEXT_FIELDS = [name for name, field in CATALOGUE.items() if field.type == "text"]
DROP = None  # a leaf without tokens: left out of its parent


def fold(text: str) -> str:
    """Lower case, accents stripped (unicode61 with remove_diacritics 2)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def words(text: str | None) -> list[str]:
    """The folded words of a text, in order."""
    return [fold(w) for w in _WORD.findall(text or "")]


def osa_distance(a: str, b: str) -> int:
    """Edit distance with adjacent transpositions (the full table)."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        table[i][0] = i
    for j in range(len(b) + 1):
        table[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[len(a)][len(b)]


def lucene_edits(degree: float | None, length: int) -> int:
    if degree is None:  # Elasticsearch's query_string default fuzziness, AUTO (3, 6)
        return 0 if length < 3 else 1 if length < 6 else 2
    if degree >= 1:
        return min(int(degree), 2)
    return 0 if degree == 0 else min(int((1 - degree) * length), 2)


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of the mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _sort_value(level: str, name: str) -> Callable[[tuple[Any, Any]], Any]:
    """The value a (job, shown posting) row is sorted by: the job's or the shown posting's."""

    def value(row: tuple[Any, Any]) -> Any:
        return (row[0] if level == "job" else row[1]).get(name)

    return value


def sort_missing_last(
    rows: list[tuple[Any, Any]], level: str, name: str, descending: bool
) -> list[tuple[Any, Any]]:
    """A stable sort by one field with rows missing it last in either direction
    (Elasticsearch's default `"missing": "_last"`)."""
    value = _sort_value(level, name)
    present = [row for row in rows if value(row) is not None]
    present.sort(key=value, reverse=descending)  # stable, also reversed
    return present + [row for row in rows if value(row) is None]


class Oracle:
    """Jobs (JSON documents with `postings`) and places; evaluates clauses by brute force."""

    def __init__(
        self, jobs: Sequence[Mapping[str, Any]], places: Mapping[int, tuple[float, float]]
    ):
        self.jobs = list(jobs)
        self.places = places
        self._tokens: dict[tuple[int, str], list[str]] = {}
        self._fuzzy: dict[ft.Fuzzy, set[str]] = {}
        vocabulary: set[str] = set()
        for job in self.jobs:
            for posting in job["postings"]:
                for name in TEXT_FIELDS:
                    tokens = words(posting.get(name))
                    self._tokens[(id(posting), name)] = tokens
                    vocabulary.update(tokens)
        self.vocabulary = sorted(vocabulary)

    # ---- results --------------------------------------------------------------------------
    def job_ids(self, clauses: Sequence[Clause]) -> set[str]:
        """job_id of every job that matches."""
        return {job["job_id"] for job in self.jobs if self.job_matches(job, clauses)}

    def posting_ids(self, clauses: Sequence[Clause]) -> set[str]:
        """posting_id of every posting (of a matching job) that matches the posting clauses."""
        posting = [c for c in clauses if c.level == "posting"]
        return {
            p["posting_id"]
            for job in self.jobs
            if self.job_matches(job, clauses)
            for p in job["postings"]
            if self._all(p, posting)
        }

    def ordered_job_ids(
        self, clauses: Sequence[Clause], sort: Sequence[tuple[str, str, bool]]
    ) -> list[str]:
        """job_id of the matching jobs in `_sort` order: (level, field, descending) each, a
        posting-level value taken from the first matching posting, missing values last in both
        directions (as Elasticsearch sorts), then job order."""
        posting = [c for c in clauses if c.level == "posting"]
        rows = []
        for job in self.jobs:  # in job (rowid) order
            if self.job_matches(job, clauses):
                shown = next(p for p in job["postings"] if self._all(p, posting))
                rows.append((job, shown))
        for level, name, descending in reversed(sort):
            rows = sort_missing_last(rows, level, name, descending)
        return [job["job_id"] for job, _ in rows]

    def job_matches(self, job: Mapping[str, Any], clauses: Sequence[Clause]) -> bool:
        job_level = [c for c in clauses if c.level == "job"]
        posting = [c for c in clauses if c.level == "posting"]
        if not self._all(job, job_level):
            return False
        return not posting or any(self._all(p, posting) for p in job["postings"])

    def _all(self, record: Mapping[str, Any], clauses: Sequence[Clause]) -> bool:
        groups: dict[tuple[str, str, str], list[bool]] = {}
        for clause in clauses:
            hit = any(self._holds(record, clause, p) for p in clause.alternatives)
            if clause.negated:
                if hit:
                    return False
            elif clause.conjunctive:
                if not hit:
                    return False
            else:
                groups.setdefault(clause.group, []).append(hit)
        return all(any(hits) for hits in groups.values())

    # ---- predicates -----------------------------------------------------------------------
    def _holds(self, record: Mapping[str, Any], clause: Clause, predicate: Any) -> bool:
        field = clause.field
        value = record.get(field.name)
        if isinstance(predicate, Exists):
            present = value not in (None, "", [])
            return present == predicate.exists
        if isinstance(predicate, Text):  # an absent text is empty: `NOT java` matches it
            tokens = self._tokens[(id(record), field.name)]
            return bool(self._text(predicate.query, tokens, value or ""))
        if value is None:
            return False
        listed = value if isinstance(value, list) else [value]
        if isinstance(value, bool):
            listed = [int(value)]
        if isinstance(predicate, Equals):
            return predicate.value in listed
        if isinstance(predicate, Prefix):
            return any(str(v).startswith(predicate.text) for v in listed)
        if isinstance(predicate, Between):
            low, high = predicate.low, predicate.high
            return (low is None or value >= low) and (high is None or value <= high)
        if isinstance(predicate, InCodes):
            return any(v in predicate.codes for v in listed)
        if isinstance(predicate, Radius):
            lat, lon = self.places[value]
            return km_between(predicate.lat, predicate.lon, lat, lon) <= predicate.km
        raise AssertionError(predicate)

    def _text(self, node: ft.Node, tokens: list[str], raw: str) -> bool | None:
        if isinstance(node, ft.Not):
            inner = self._text(node.child, tokens, raw)
            return None if inner is None else not inner
        if isinstance(node, (ft.And, ft.Or)):
            results = [
                r for r in (self._text(c, tokens, raw) for c in node.children) if r is not None
            ]
            if not results:
                return None
            return all(results) if isinstance(node, ft.And) else any(results)
        if isinstance(node, ft.Word):
            wanted = words(node.text)
            return None if not wanted else _phrase_at(tokens, wanted)
        if isinstance(node, ft.Phrase):
            wanted = words(node.text)
            if not wanted:
                return None
            if node.slop is None or len(wanted) == 1:
                return _phrase_at(tokens, wanted)
            return _near(tokens, wanted, node.slop)
        if isinstance(node, ft.Fuzzy):
            return bool(self.fuzzy_terms(node) & set(tokens))
        assert isinstance(node, ft.Wildcard)
        if node.pattern.strip("*") == "":
            return raw != ""
        pattern = fold(node.pattern)
        stem = pattern[:-1]
        if pattern.endswith("*") and "*" not in stem and "?" not in stem and words(stem) == [stem]:
            return any(t.startswith(stem) for t in tokens)
        return any(fnmatch.fnmatchcase(t, pattern) for t in tokens)

    def fuzzy_terms(self, node: ft.Fuzzy) -> set[str]:
        """The index terms a fuzzy leaf expands to (the 50 nearest, as Elasticsearch)."""
        if node not in self._fuzzy:
            term = fold(node.text)
            edits = lucene_edits(node.degree, len(term))
            near = sorted((osa_distance(term, t), t) for t in self.vocabulary)
            self._fuzzy[node] = {t for d, t in near[:50] if d <= edits}
        return self._fuzzy[node]


def _phrase_at(tokens: list[str], wanted: list[str]) -> bool:
    size = len(wanted)
    return any(tokens[i : i + size] == wanted for i in range(len(tokens) - size + 1))


def _near(tokens: list[str], wanted: list[str], slop: int) -> bool:
    """One occurrence of every word within a window with at most `slop` other words."""
    positions = [[i for i, t in enumerate(tokens) if t == w] for w in wanted]
    if any(not p for p in positions):
        return False
    for start in sorted({p for ps in positions for p in ps}):
        ends = [min((p for p in ps if p >= start), default=None) for ps in positions]
        if any(e is None for e in ends):
            continue
        picked = [e for e in ends if e is not None]
        if start in picked and max(picked) - start + 1 - len(wanted) <= slop:
            return True
    return False


def places_of(rows: Iterable[tuple[int, float, float]]) -> dict[int, tuple[float, float]]:
    return {code: (lat, lon) for code, lat, lon in rows}
