"""Tokens as FTS5's `unicode61 remove_diacritics 2` tokenizer makes them; fuzzy degrees."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache

_TOKEN_CATEGORIES = ("L", "N")  # plus "Co", the tokenizer's default token classes


@lru_cache(maxsize=4096)
def _is_token_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in _TOKEN_CATEGORIES or category == "Co"


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def fold(text: str) -> str:
    """Lower case without diacritics (what the index stores for a token)."""
    return "".join(_fold_char(c) for c in text)


def spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded token) for every token of `text`, in order."""
    start = -1
    for index, char in enumerate(text):
        if _is_token_char(char):
            if start < 0:
                start = index
        elif start >= 0:
            yield start, index, fold(text[start:index])
            start = -1
    if start >= 0:
        yield start, len(text), fold(text[start:])


def tokenize(text: str) -> list[str]:
    """The folded tokens of `text`."""
    return [token for _, _, token in spans(text)]


MAX_EDITS = 2  # Lucene's fuzzy automata support at most two edits
MAX_EXPANSIONS = 50  # Elasticsearch's fuzzy_max_expansions default


# Bare `term~`: Elasticsearch's query_string default fuzziness `AUTO:3,6`: no edit below 3
# characters, one below 6, two from 6 on. (Lucene's own syntax page says 2 edits always.)
AUTO_FUZZINESS = (3, 6)


def fuzzy_edits(degree: float | None, term: str) -> int:
    """Elasticsearch's reading of `term~degree`: none is AUTO (by the term's length); an
    integer is capped at 2; a legacy similarity below 1 becomes (1 - similarity) * length,
    capped at 2."""
    if degree is None:
        low, high = AUTO_FUZZINESS
        return 0 if len(term) < low else 1 if len(term) < high else MAX_EDITS
    if degree >= 1:
        return min(int(degree), MAX_EDITS)
    if degree == 0:
        return 0
    return min(int((1.0 - degree) * len(term)), MAX_EDITS)
