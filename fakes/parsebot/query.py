"""arbeidsplassen's search over the world's search index (no Flask here).

Free text is an FTS5 MATCH of every word of `q` (AND, as arbeidsplassen's cross-fields match
with operator AND), each word also matching as a prefix (a stand-in for the Norwegian
stemmer), ranked by bm25. Filters are OR inside a facet and AND across facets; each facet's
counts use every filter but its own (disjunctive facets).
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field

from jobfakes.fakes.parsebot.params import Filters, SearchQuery

from jobfakes.world.search import UNKNOWN, SearchIndex, bits, has, members
from jobfakes.world.times import DAY, OSLO, from_datetime, to_datetime

_WORD = re.compile(r"\w+")
# The Norwegian analyzer's stop words (Snowball's list): a query of these alone matches all.
_STOPWORDS = (
    "og i jeg det at en et den til er som på de med han av ikke der så var meg seg men ett"
    " har om vi min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan hans"
    " hvor eller hva skal selv sjøl her alle vil bli ble blitt kunne inn når være kom noen"
    " noe ville dere deres kun ja etter ned skulle denne for deg si sine sitt mot å meget"
    " hvorfor dette disse uten hvordan ingen din ditt blir samme hvilken hvilke sånn inni"
    " mellom vår hver hvem vors hvis både bare enn fordi før mange også slik vært båe begge"
    " siden dykk dykkar dei deira deires deim di då eg ein eit eitt elles honom hjå ho hoe"
    " henne hennar hennes hoss hossen ingi inkje korleis korso kva kvar kvarhelst kven kvi"
    " kvifor me medan mi mine mykje no nokon noka nokor noko nokre sia sidan so somt somme"
    " um upp vere vore verte vort varte vart"
)
STOPWORDS = frozenset(_STOPWORDS.split())
_EXTENT = {
    "Heltid": ("Heltid", "Heltid_og_Deltid"),
    "Deltid": ("Deltid", "Heltid_og_Deltid"),
    UNKNOWN: ("",),
}
_INDEX_FACETS = {"remote": "remote", "sector": "sector", "engagementType": "engagement"}


def match_expression(q: str) -> str | None:
    """The FTS5 query for free text: its words quoted (so that FTS5 syntax in `q` is plain
    text), AND-ed, words of three letters or more also as prefixes. None: match everything.

    >>> match_expression('sykepleier og "NEAR" -x*')
    '"sykepleier"* AND "NEAR"* AND "x"'
    """
    words = [w for w in _WORD.findall(q.replace("_", " ")) if w.lower() not in STOPWORDS]
    if not words:
        return None
    return " AND ".join(f'"{w}"*' if len(w) >= 3 else f'"{w}"' for w in words[:64])


def published_thresholds(now: int) -> dict[str, int]:
    """Where `now/d` (today in CET), `now-3d` and `now-7d` start, in microseconds."""
    local = to_datetime(now, OSLO)
    midnight = from_datetime(local.replace(hour=0, minute=0, second=0, microsecond=0))
    return {"now/d": midnight, "now-3d": now - 3 * DAY, "now-7d": now - 7 * DAY}


@dataclass
class Where:
    """The bitmap of each active filter, by facet, and the words' matches with their scores."""

    parts: dict[str, int] = field(default_factory=dict)
    expression: str | None = None  # None: no words, everything matches
    matched: list[int] = field(default_factory=list)  # ids matching the words
    text: int | None = None  # the same as a bitmap

    def mask(self, index: SearchIndex, without: str | None = None) -> int:
        """Ads passing every filter but `without`'s, and the words."""
        found = index.alive if self.text is None else index.alive & self.text
        for name, part in self.parts.items():
            if name != without:
                found &= part
        return found


def where(index: SearchIndex, filters: Filters, q: str, now: int) -> Where:
    """Call inside `index.reading()`."""
    result = Where(expression=match_expression(q))
    if result.expression is not None:
        result.matched = index.matching(result.expression)
        result.text = bits(result.matched)
    if filters.extent:
        raw = [r for v in filters.extent for r in _EXTENT.get(v, ())]
        result.parts["extent"] = index.mask("extent", raw)
    for name, facet in _INDEX_FACETS.items():
        values = getattr(filters, name)
        if values:
            stored = [v if name == "remote" or v != UNKNOWN else "" for v in values]
            result.parts[name] = index.mask(facet, stored)
    if filters.published is not None:
        since = filters.published_from
        if since is None:
            since = published_thresholds(now)[filters.published]
        result.parts["published"] = index.published_since(since)
    if filters.counties or filters.municipals:
        result.parts["location"] = _location(index, filters)
    return result


def _location(index: SearchIndex, filters: Filters) -> int:
    """Counties OR-ed; a municipal narrows its own county when that county is chosen too
    (`VESTLAND.BERGEN` or plain `BERGEN`), and otherwise stands alone."""
    places = index.masks["place"]
    homes: dict[str, set[str]] = {}
    for place in places:
        county, _, municipal = place.rpartition(".")
        homes.setdefault(municipal, set()).add(county)
    narrowing: dict[str, list[str]] = {c: [] for c in filters.counties}
    found = 0
    for item in filters.municipals:
        county, _, municipal = item.rpartition(".")
        counties = {county} if county else homes.get(municipal, set())
        chosen = [c for c in counties if c in narrowing]
        for c in chosen:
            narrowing[c].append(municipal)
        if not chosen:  # standing alone: that municipal wherever it is
            found |= index.mask("place", [f"{c}.{municipal}" for c in counties])
    for county, municipals in narrowing.items():
        if municipals:
            found |= index.mask("place", [f"{county}.{m}" for m in municipals])
        else:
            found |= index.mask("county", [county])
    return found


@dataclass(frozen=True)
class Page:
    total: int
    max_score: float | None
    hits: list[tuple[str, bytes, float]]  # uuid, stored payload, score


def _ordered(index: SearchIndex, sort: str, mask: int, scores: dict[int, float] | None,
             count: int) -> list[int]:  # fmt: skip
    """The first `count` ids of the hits in the sort order; ties by score, then `_id`."""
    if scores is None:
        table = members(mask)
        items = index.by_expires if sort == "expires" else index.by_published
        found = []
        for _, _, doc_id in items:
            if has(table, doc_id):
                found.append(doc_id)
                if len(found) == count:
                    break
        return found
    docs = index.docs

    def key(i: int) -> tuple[float, float, str]:
        doc, score = docs[i], -scores[i]
        if sort == "relevant":
            return (score, -doc.published, doc.uuid)
        if sort == "published":
            return (-doc.published, score, doc.uuid)
        return (_expiry(doc.expires), score, doc.uuid)

    return heapq.nsmallest(count, scores, key=key)


def _expiry(value: int | None) -> int:
    return value if value is not None else 1 << 62


def search(index: SearchIndex, query: SearchQuery, now: int, w: Where | None = None) -> Page:
    """One page of hits and the total. Without words in `q`, `relevant` means `published`
    and every hit scores 1.0, as a match-all query does. bm25 is computed for the hits only.
    `w`: the query's filters and words already evaluated (in the same `index.reading()`)."""
    with index.reading():
        w = where(index, query.filters, query.q, now) if w is None else w
        mask = w.mask(index)
        total = mask.bit_count()
        sort = query.sort
        scores = None
        if w.expression is not None:
            among = None
            if total < len(w.matched):  # filters left some matches out
                table = members(mask)
                among = [i for i in w.matched if has(table, i)]
            scores = index.scores(w.expression, among)
        elif sort == "relevant":
            sort = "published"
        ids = _ordered(index, sort, mask, scores, query.start + query.size)[query.start :]
        payloads = index.payloads(ids)
        if scores is None:
            best = 1.0 if total else None
            hits = [(index.docs[i].uuid, payloads[i], 1.0) for i in ids]
        else:
            best = max(scores.values(), default=None)
            hits = [(index.docs[i].uuid, payloads[i], scores[i]) for i in ids]
    return Page(total, best, hits)
