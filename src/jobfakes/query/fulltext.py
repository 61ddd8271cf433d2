"""Full-text queries in the Lucene style of the Jobfeed reference: a lark grammar and its AST.

Precedence, loosest first: OR (`OR`, `|`, `||`); AND (`AND`, `&&`, or two clauses side by side:
the reference reads `(transport|auto) diesel -java` as `(transport OR auto) AND diesel AND NOT
java`); the prefixes NOT, `!`, `-` and `+`. A `-` is an operator only at the start of a clause
(after a space, an opening parenthesis or the start) and directly before its clause; inside a word
(`e-commerce`) it is part of the word, and a lone `-` (followed by a space) is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedInput, VisitError

from jobfakes.query.errors import QueryError


@dataclass(frozen=True)
class Word:
    """A term; several tokens after analysis make it a phrase."""

    text: str


@dataclass(frozen=True)
class Wildcard:
    """A term with `*` or `?`, matched against whole index terms (not analysed, only folded)."""

    pattern: str


@dataclass(frozen=True)
class Fuzzy:
    """`term~` or `term~N`: index terms within N edits (Damerau-Levenshtein)."""

    text: str
    degree: float | None


@dataclass(frozen=True)
class Phrase:
    """`"a b"` (slop None) or `"a b"~N`: the words in any order with at most N other words
    between the first and the last."""

    text: str
    slop: int | None = None


@dataclass(frozen=True)
class And:
    """Every clause matches."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """At least one clause matches."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """The clause does not match."""

    child: Node


Node = Word | Wildcard | Fuzzy | Phrase | And | Or | Not

_GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: unary (_AND? unary)*
?unary: _NOT unary -> negate
      | _MINUS unary -> negate
      | _PLUS unary
      | atom _BOOST?
?atom: "(" or_expr ")"
     | PHRASE FUZZ? -> phrase
     | TERM FUZZ? -> term
     | STRAY -> stray

_OR.3: "OR" | "||" | "|"
_AND.3: "AND" | "&&"
_NOT.3: "NOT" | /!(?=[^\s)])/
_MINUS.3: /-(?=[^\s)])/
_PLUS.3: /\+(?=[^\s)])/
STRAY.2: /[-+!]+/
PHRASE: /"(?:[^"\\]|\\.)*"/
FUZZ: /~(\d+(\.\d*)?|\.\d+)?/
_BOOST: /\^(\d+(\.\d*)?|\.\d+)?/
TERM: /(?:\\.|[^\s()"|~^\\+\-!])(?:\\.|[^\s()"|~^\\])*/
%import common.WS
%ignore WS
"""


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", lexer="basic", maybe_placeholders=False)


_ESCAPE = re.compile(r"\\(.)")


def _unescape(text: str) -> str:
    return _ESCAPE.sub(r"\1", text)


def _degree(fuzz: Token) -> float | None:
    digits = str(fuzz)[1:]
    return float(digits) if digits else None


@v_args(inline=True)
class _Build(Transformer[Token, Node]):
    def or_expr(self, *children: Node) -> Node:
        return Or(tuple(children))

    def and_expr(self, *children: Node) -> Node:
        return And(tuple(children))

    def negate(self, child: Node) -> Node:
        return Not(child)

    def stray(self, _token: Token) -> Node:
        return Word("")

    def phrase(self, text: Token, fuzz: Token | None = None) -> Node:
        body = _unescape(str(text)[1:-1])
        if fuzz is None:
            return Phrase(body)
        degree = _degree(fuzz)
        return Phrase(body, int(degree) if degree is not None else 0)

    def term(self, text: Token, fuzz: Token | None = None) -> Node:
        raw = str(text)
        if fuzz is not None:
            return Fuzzy(_unescape(raw), _degree(fuzz))
        if re.search(r"(?<!\\)[*?]", raw):
            return Wildcard(raw)
        return Word(_unescape(raw))


def parse(query: str, param: str = "full_text") -> Node:
    """The AST of a full-text query; QueryError (naming `param`) when it is not well formed."""
    if not query.strip():
        return Word("")
    try:
        tree: Any = _parser().parse(query)
        node: Node = _Build().transform(tree)
    except UnexpectedInput as error:
        raise QueryError(
            param, f"cannot parse the full-text query at position {error.column}: {query!r}"
        ) from None
    except (LarkError, VisitError, RecursionError):
        raise QueryError(param, f"cannot parse the full-text query {query!r}") from None
    return node
