"""Full-text AST -> SQL over an FTS5 table: one MATCH for every subtree FTS5 can say by itself,
SQL AND/OR/NOT around MATCH subqueries otherwise (a query of only exclusions, for one)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from jobfakes.query import fulltext as ft
from jobfakes.query.text import MAX_EXPANSIONS, fold, fuzzy_edits, tokenize

Args = tuple[object, ...]


@dataclass(frozen=True)
class _Fts:
    query: str


@dataclass(frozen=True)
class _Sql:
    sql: str
    args: Args


@dataclass(frozen=True)
class _NotFts:
    query: str


@dataclass(frozen=True)
class _Const:
    value: bool


_DROP = None  # a clause with no tokens, left out of its parent (as an analyser would)
_Part = _Fts | _NotFts | _Sql | _Const | None


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


class Vocabulary:
    """Index terms for fuzzy and wildcard expansion. Reading an fts5vocab table walks the
    whole index, so its terms are copied once into a TEMP table of the connection (the world
    does not change once built) and read from there."""

    def __init__(self, conn: sqlite3.Connection, table: str) -> None:
        self.conn = conn
        self.vocab = f"{table}_vocab"
        self.table = f"temp.{table}_terms"

    def _terms(self) -> str:
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_temp_master WHERE type = 'table' AND name = ?",
            (self.table.removeprefix("temp."),),
        ).fetchone()
        if exists is None:
            self.conn.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {self.table.removeprefix('temp.')} "
                "(term TEXT PRIMARY KEY, size INTEGER NOT NULL) WITHOUT ROWID"
            )
            self.conn.execute(
                f"INSERT OR IGNORE INTO {self.table} SELECT term, length(term) FROM {self.vocab}"
            )
            self.conn.execute(
                f"CREATE INDEX IF NOT EXISTS {self.table}_by_size ON "
                f"{self.table.removeprefix('temp.')} (size)"
            )
        return self.table

    def fuzzy(self, term: str, edits: int) -> list[str]:
        """Terms within `edits` of `term`, nearest first, at most MAX_EXPANSIONS."""
        rows = self.conn.execute(
            f"SELECT term FROM {self._terms()} WHERE size BETWEEN ? AND ?",
            (len(term) - edits, len(term) + edits),
        )
        candidates = [candidate for (candidate,) in rows]
        found = process.extract(
            term, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None
        )
        scored = sorted((int(distance), candidate) for candidate, distance, _ in found)
        return [candidate for _, candidate in scored[:MAX_EXPANSIONS]]

    def matching(self, pattern: str) -> list[str]:
        """Terms matching a folded pattern with `*` and `?` as a whole."""
        glob = pattern.replace("[", "[[]")
        literal = ""
        for char in pattern:
            if char in "*?":
                break
            literal += char
        sql = f"SELECT term FROM {self._terms()} WHERE term GLOB ?"
        args: list[object] = [glob]
        if literal:
            sql += " AND term >= ? AND term < ?"
            args += [literal, literal + "\U0010ffff"]
        return [term for (term,) in self.conn.execute(sql, args)]


def expand(node: ft.Node, vocabulary: Vocabulary) -> set[str] | None:
    """The index terms a leaf stands for, or None for a plain (non-expanded) leaf."""
    if isinstance(node, ft.Fuzzy):
        term = fold(node.text)
        return set(vocabulary.fuzzy(term, fuzzy_edits(node.degree, term)))
    if isinstance(node, ft.Wildcard) and not _prefix_stem(node.pattern):
        return set(vocabulary.matching(fold(node.pattern)))
    return None


def _prefix_stem(pattern: str) -> str | None:
    """The stem of a `stem*` wildcard that FTS5 can answer as a prefix query."""
    stem = pattern[:-1]
    if not pattern.endswith("*") or "*" in stem or "?" in stem:
        return None
    tokens = tokenize(stem)
    return tokens[0] if len(tokens) == 1 and tokens[0] == fold(stem) else None


class TextCompiler:
    """Compiles one text field's queries to SQL over `alias` (the content table's alias)."""

    def __init__(self, conn: sqlite3.Connection, table: str, column: str, alias: str) -> None:
        self.fts = f"{table}_fts"
        self.column = column
        self.alias = alias
        self.vocabulary = Vocabulary(conn, table)

    def compile(self, node: ft.Node) -> tuple[str, Args]:
        """A boolean SQL expression; an empty query matches nothing."""
        part = self._part(node)
        if part is None:
            return "0", ()
        return self._sql(part)

    def compile_match(self, node: ft.Node) -> tuple[str, Args, str | None]:
        """As `compile`, plus the whole query as one FTS5 MATCH expression (with its column)
        when it is one."""
        part = self._part(node)
        match = f"{self.column} : ({part.query})" if isinstance(part, _Fts) else None
        sql, args = self._sql(part) if part is not None else ("0", ())
        return sql, args, match

    def _sql(self, part: _Part) -> tuple[str, Args]:
        if isinstance(part, _Const) or part is None:
            return ("1" if part and part.value else "0"), ()
        if isinstance(part, _Sql):
            return part.sql, part.args
        match = f"{self.column} : ({part.query})"
        sql = f"{self.alias}.rowid IN (SELECT rowid FROM {self.fts} WHERE {self.fts} MATCH ?)"
        return (f"NOT {sql}" if isinstance(part, _NotFts) else sql), (match,)

    def _leaf(self, node: ft.Node) -> _Part:
        if isinstance(node, ft.Word):
            tokens = tokenize(node.text)
            return _Fts(_quote(" ".join(tokens))) if tokens else _DROP
        if isinstance(node, ft.Phrase):
            tokens = tokenize(node.text)
            if not tokens:
                return _DROP
            if node.slop is None or len(tokens) == 1:
                return _Fts(_quote(" ".join(tokens)))
            # FTS5 counts every token between the first and the last term; the slop counts
            # only the other words
            distance = node.slop + len(tokens) - 2
            return _Fts(f"NEAR({' '.join(_quote(t) for t in tokens)}, {distance})")
        if isinstance(node, ft.Wildcard):
            if node.pattern.strip("*") == "":
                column = f"{self.alias}.{self.column}"
                return _Sql(f"({column} IS NOT NULL AND {column} != '')", ())
            stem = _prefix_stem(node.pattern)
            if stem is not None:
                return _Fts(_quote(stem) + "*")
        terms = expand(node, self.vocabulary)
        if not terms:
            return _Const(False)
        return _Fts("(" + " OR ".join(_quote(t) for t in sorted(terms)) + ")")

    def _part(self, node: ft.Node) -> _Part:
        if isinstance(node, ft.Not):
            inner = self._part(node.child)
            if inner is None:
                return _DROP
            if isinstance(inner, _Const):
                return _Const(not inner.value)
            if isinstance(inner, _Fts):
                return _NotFts(inner.query)
            sql, args = self._sql(inner)
            return _Sql(f"NOT ({sql})", args)
        if isinstance(node, ft.And):
            return self._and([self._part(c) for c in node.children])
        if isinstance(node, ft.Or):
            return self._or([self._part(c) for c in node.children])
        return self._leaf(node)

    def _and(self, parts: list[_Part]) -> _Part:
        kept = [p for p in parts if p is not None]
        if not kept:
            return _DROP
        if any(isinstance(p, _Const) and not p.value for p in kept):
            return _Const(False)
        kept = [p for p in kept if not isinstance(p, _Const)]
        if not kept:
            return _Const(True)
        positive = [f"({p.query})" for p in kept if isinstance(p, _Fts)]
        excluded = [f"({p.query})" for p in kept if isinstance(p, _NotFts)] if positive else []
        rest = [
            p for p in kept if not isinstance(p, _Fts) and not (excluded and isinstance(p, _NotFts))
        ]
        fts: list[_Part] = []
        if positive:
            query = " AND ".join(positive)
            if excluded:
                query = f"({query}) NOT ({' OR '.join(excluded)})"
            fts.append(_Fts(query))
        merged = fts + rest
        if len(merged) == 1:
            return merged[0]
        pieces = [self._sql(p) for p in merged]
        return _Sql(
            "(" + " AND ".join(s for s, _ in pieces) + ")", tuple(a for _, x in pieces for a in x)
        )

    def _or(self, parts: list[_Part]) -> _Part:
        kept = [p for p in parts if p is not None]
        if not kept:
            return _DROP
        if any(isinstance(p, _Const) and p.value for p in kept):
            return _Const(True)
        kept = [p for p in kept if not isinstance(p, _Const)]
        if not kept:
            return _Const(False)
        fts = [f"({p.query})" for p in kept if isinstance(p, _Fts)]
        merged: list[_Part] = [_Fts(" OR ".join(fts))] if fts else []
        merged += [p for p in kept if not isinstance(p, _Fts)]
        if len(merged) == 1:
            return merged[0]
        pieces = [self._sql(p) for p in merged]
        return _Sql(
            "(" + " OR ".join(s for s, _ in pieces) + ")", tuple(a for _, x in pieces for a in x)
        )
