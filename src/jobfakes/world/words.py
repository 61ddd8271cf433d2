"""Realistic vocabulary for ad text: Norwegian and Dutch word lists in frequency order, drawn
with a Zipf law, and the `main word` of a code-table label that the text must carry.

The lists (`data/nav/words.txt.xz`, `data/nl/words.txt.xz`) are built from wordfreq's
frequency lists by `python -m jobfakes.world.build_words` (wordfreq's data: CC BY-SA 4.0),
without the words of any code-table label, so a label's words appear only in the text of
ads that carry it. Loaded on first use and cached per process (never at import).
"""

from __future__ import annotations

import lzma
import random
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

ZIPF_EXPONENT = 1.0  # word frequency falls as 1/rank, as in natural text
_TOKEN = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """The lower-case letter and digit runs of a text (how the full-text indexes split)."""
    return _TOKEN.findall(text.lower())


@cache
def word_list(language: str) -> tuple[str, ...]:
    """The words of a language ("nb" or "nl"), most frequent first."""
    folder = "nav" if language == "nb" else "nl"
    raw = resources.files("jobfakes.world").joinpath("data", folder, "words.txt.xz")
    return tuple(lzma.decompress(raw.read_bytes()).decode("utf-8").split())


_STREAM = 1 << 19  # words drawn once per process; a run of words is a slice of them


@cache
def _stream(language: str) -> list[str]:
    """A fixed stream of words drawn by 1/rank**ZIPF_EXPONENT (from a
    constant seed: the stream is part of the data, so every world shares it)."""
    import numpy as np

    words = word_list(language)
    ranks = np.arange(1, len(words) + 1, dtype=np.float64)
    cumulative = np.cumsum(1 / ranks**ZIPF_EXPONENT)
    draws = random.Random(f"words:{language}")
    uniform = np.array([draws.random() for _ in range(_STREAM)]) * cumulative[-1]
    indexes = np.minimum(np.searchsorted(cumulative, uniform, side="right"), len(words) - 1)
    return [words[i] for i in indexes.tolist()]


def warm(language: str) -> None:
    """Draw the stream now (before forking workers, which then share it)."""
    _stream(language)


def filler(rng: random.Random, language: str, count: int) -> str:
    """A run of `count` words in their natural frequency, as one sentence: a slice of the
    language's stream at a place the ad's generator draws (one draw, however long)."""
    stream = _stream(language)
    start = int(rng.random() * (len(stream) - count))
    return " ".join(stream[start : start + count]).capitalize() + "."


def main_word(label: str, labels: Iterable[str]) -> str:
    """The word that names a label among `labels` (every label of every code table): of its
    words (three characters or more), the one fewest labels share, the longest breaking ties."""
    own = [t for t in tokens(label) if len(t) >= 3] or tokens(label) or [label.lower()]
    shared = [set(tokens(other)) for other in labels]
    return min(own, key=lambda t: (sum(t in s for s in shared), -len(t), t))


def label_query(label: str, labels: Iterable[str]) -> str:
    """The full-text query that names a label: its main word when no other label has it,
    else the label's words as a phrase (`Zuidwest-Friesland`, `Rijbewijs B`)."""
    everything = list(labels)
    word = main_word(label, everything)
    others = [set(tokens(other)) for other in everything if other != label]
    if not any(word in s for s in others) or len(tokens(label)) < 2:
        return word
    return '"' + " ".join(tokens(label)) + '"'
