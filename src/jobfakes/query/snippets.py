"""`_snippets=1`: fragments of a text with the full-text query's terms in `<em>`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from jobfakes.query import fulltext as ft
from jobfakes.query.text import spans, tokenize
from jobfakes.query.textsql import Vocabulary, _prefix_stem, expand

FRAGMENT = 100  # characters per fragment (Elasticsearch's fragment_size)
FRAGMENTS = 5  # fragments at most (number_of_fragments)
LEAD = 20  # context kept before a fragment's first hit


@dataclass(frozen=True)
class Highlight:
    """The index terms and prefixes a query looks for (its leaves outside NOT)."""

    terms: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    def matches(self, token: str) -> bool:
        """Whether a folded token is looked for."""
        return token in self.terms or any(token.startswith(p) for p in self.prefixes)

    def snippets(self, text: str) -> list[str]:
        """Up to FRAGMENTS fragments of `text` around the hits, hits in `<em>`."""
        hits = [(start, end) for start, end, token in spans(text) if self.matches(token)]
        fragments: list[str] = []
        index = 0
        while index < len(hits) and len(fragments) < FRAGMENTS:
            begin = _word_start(text, max(0, hits[index][0] - LEAD))
            finish = _word_end(text, min(len(text), begin + FRAGMENT), hits[index][1])
            parts, cursor = [], begin
            while index < len(hits) and hits[index][1] <= finish:
                start, end = hits[index]
                parts += [text[cursor:start], "<em>", text[start:end], "</em>"]
                cursor = end
                index += 1
            parts.append(text[cursor:finish])
            fragments.append("".join(parts))
        return fragments


def _word_start(text: str, position: int) -> int:
    while position > 0 and not text[position - 1].isspace():
        position -= 1
    return position


def _word_end(text: str, position: int, at_least: int) -> int:
    position = max(position, at_least)
    while position < len(text) and not text[position].isspace():
        position += 1
    return position


def highlight(queries: Iterable[ft.Node], conn: sqlite3.Connection, table: str) -> Highlight:
    """What the queries' non-negated leaves look for, fuzzy and wildcard terms expanded."""
    vocabulary = Vocabulary(conn, table)
    terms: set[str] = set()
    prefixes: list[str] = []

    def visit(node: ft.Node) -> None:
        if isinstance(node, ft.Not):
            return
        if isinstance(node, (ft.And, ft.Or)):
            for child in node.children:
                visit(child)
            return
        if isinstance(node, (ft.Word, ft.Phrase)):
            terms.update(tokenize(node.text))
            return
        if isinstance(node, ft.Wildcard):
            if node.pattern.strip("*") == "":
                return  # "the field is not empty": no term to highlight
            stem = _prefix_stem(node.pattern)
            if stem is not None:
                prefixes.append(stem)
                return
        terms.update(expand(node, vocabulary) or ())

    for query in queries:
        visit(query)
    return Highlight(frozenset(terms), tuple(prefixes))
