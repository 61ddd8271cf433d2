"""Rebuild the shipped word lists from wordfreq (a development tool: `pip install wordfreq`).

    python -m jobfakes.world.build_words

Takes the WORDS most frequent words of Norwegian Bokmål and Dutch from wordfreq (data: CC BY-SA
4.0, from Wikipedia, subtitles, news, books, web text...), keeps words of letters only, and
drops every word of every code-table label of that language's world (so those words appear
only where an ad carries the label) and a short list of vulgar words. Run by hand when the
code tables change; the output is committed.
"""

from __future__ import annotations

import lzma
from pathlib import Path

from jobfakes.world.words import tokens

WORDS = 30_000
DATA = Path(__file__).resolve().parent / "data"
_VULGAR = {
    "nb": {"faen", "fitte", "hore", "kuk", "pikk", "jævla", "jævel", "dritt", "helvete", "satan",
           "fuck", "fucking", "shit", "rasshøl", "pule", "knulle", "ræva", "homo", "neger"},
    "nl": {"kut", "lul", "klootzak", "hoer", "kanker", "tering", "tyfus", "godverdomme", "neuken",
           "fuck", "fucking", "shit", "kankerlijer", "flikker", "mongool", "neger", "slet", "pik",
           "eikel", "sukkel", "teringlijer", "kutwijf", "trut", "klote"},
}  # fmt: skip


def _label_words(language: str) -> set[str]:
    if language == "nl":
        from jobfakes.world.jobfeed.fields import CATALOGUE

        labels: list[str] = []
        for spec in CATALOGUE.values():
            if spec.labels is not None and spec.name not in ("location",):
                labels += [str(v) for v in spec.labels["nl"].values()]
        from jobfakes.world.jobfeed.vocab import dutch_vocabulary

        labels += [p.name for p in dutch_vocabulary().places]
    else:
        from jobfakes.world.vocab import nav_vocabulary

        vocab = nav_vocabulary()
        labels = list(vocab.counties) + [m for ms in vocab.counties.values() for m in ms]
        for occupation in vocab.occupations.values:
            labels += [occupation[k]["name"] for k in ("styrk08", "styrk08nav", "esco", "janzz")]
            labels += [o[k] for o in occupation["pyrk"] for k in ("level1", "level2")]
            labels += occupation["titles"]
        for table in ("engagementtypes", "extents", "remote"):
            labels += [str(v) for v in getattr(vocab, table).values]
        labels += ["Offentlig", "Privat"]
    return {t for label in labels for t in tokens(label)}


def build(language: str) -> int:
    import wordfreq

    banned = _label_words(language) | _VULGAR[language]
    kept = []
    for word in wordfreq.top_n_list(language, WORDS * 2):
        if word.isalpha() and len(word) > 1 and word not in banned:
            kept.append(word)
        if len(kept) == WORDS:
            break
    folder = "nav" if language == "nb" else "nl"
    text = "\n".join(kept) + "\n"
    (DATA / folder / "words.txt.xz").write_bytes(lzma.compress(text.encode("utf-8"), preset=9))
    return len(kept)


if __name__ == "__main__":
    for name in ("nb", "nl"):
        print(name, build(name))
