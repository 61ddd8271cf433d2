"""A search index of the world's active ads: SQLite FTS5 for words (ranked by bm25), bitmaps
for facet values, sorted lists for date order.

Each indexed ad has a small integer id: its FTS5 rowid and its bit in every bitmap (a Python
int), so that a filter is a few big-int ANDs and ORs and a facet count is a `bit_count()`.
The index follows the world: every change is a feed event, so `ensure_current()` re-reads
only the ads named by events it has not seen, and rebuilds everything when the event log no
longer continues the one it indexed (a reset).
"""

from __future__ import annotations

import bisect
import html
import re
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson

from jobfakes.world.model import Ad, is_active

if TYPE_CHECKING:
    from jobfakes.world.world import World

# Column weights for bm25, as arbeidsplassen boosts its fields: title, employer and
# categories 2, ad text 0.1 (reference/nav-apis.md 3.3).
WEIGHTS = (2.0, 2.0, 0.1, 2.0)
UNKNOWN = "Ikke oppgitt"
FACETS = ("extent", "remote", "sector", "engagement", "county", "place", "occupation", "positions")

_SCHEMA = """
CREATE TABLE docs (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, payload BLOB NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5 (title, employer, body, categories,
    tokenize = 'unicode61 remove_diacritics 2');
"""
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"</(p|li|h\d|div)>|<br\s*/?>", re.IGNORECASE)


def plain_text(markup: str) -> str:
    """Ad text without its HTML: block ends become line breaks, entities are decoded.

    >>> plain_text("<p>Hei &amp; velkommen</p><ul><li>En</li><li>To</li></ul>")
    'Hei & velkommen\\nEn\\nTo'
    """
    text = html.unescape(_TAG.sub(" ", _BREAK.sub("\n", markup)))
    return "\n".join(joined for line in text.split("\n") if (joined := " ".join(line.split())))


def bits(positions: Iterable[int]) -> int:
    """A bitmap with the given bits set.

    >>> bin(bits([0, 3, 9]))
    '0b1000001001'
    """
    buffer = bytearray()
    for p in positions:
        byte = p >> 3
        if byte >= len(buffer):
            buffer.extend(bytes(byte - len(buffer) + 1))
        buffer[byte] |= 1 << (p & 7)
    return int.from_bytes(buffer, "little")


def facet_values(ad: Ad) -> dict[str, list[str]]:
    """The values an ad has in each facet. A missing remote is arbeidsplassen's 'Ikke
    oppgitt'; other missing values are empty strings. Places are `COUNTY.MUNICIPAL`;
    positions the number of positions (missing = 1)."""
    occupations = ad.get("occupationCategories") or []
    places = sorted(
        {
            (str(loc.get("county") or "").upper(), str(loc.get("municipal") or "").upper())
            for loc in ad.get("locations") or []
        }
    )
    return {
        "extent": [str(ad.get("extent") or "")],
        "remote": [str(ad.get("remote") or UNKNOWN)],
        "sector": [str(ad.get("sector") or "")],
        "engagement": [str(ad.get("engagementtype") or "")],
        "county": sorted({c for c, _ in places}),
        "place": [f"{c}.{m}" for c, m in places],
        "occupation": sorted(
            {f"{o.get('level1') or ''}.{o.get('level2') or ''}" for o in occupations}
        ),
        "positions": [str(_positions(ad))],
    }


def _positions(ad: Ad) -> int:
    raw = str(ad.get("positioncount") or "1")
    return int(raw) if raw.isdigit() and len(raw) < 9 else 1


def _texts(ad: Ad) -> tuple[str, str, str, str]:
    employer = ad.get("employer") or {}
    names = {ad.get("businessName") or "", employer.get("name") or ""}
    categories = [c.get("name") or "" for c in ad.get("categories") or []]
    for occupation in ad.get("occupationCategories") or []:
        categories += [occupation.get("level1") or "", occupation.get("level2") or ""]
    body = plain_text(ad.get("adtext") or "") + "\n" + (employer.get("description") or "")
    return (
        ad.get("title") or "",
        " ".join(sorted(n for n in names if n)),
        body,
        " ".join(c for c in categories if c),
    )


@dataclass
class Doc:
    """What the index keeps in memory about one ad."""

    uuid: str
    published: int
    expires: int | None
    values: dict[str, list[str]]


class SearchIndex:
    """The active ads of one world. Thread-safe: use it inside `reading()`, which brings it up
    to date with the world first and holds it still for the duration."""

    def __init__(self, world: World, payload: Callable[[Ad], bytes]):
        """`payload(ad)` is stored with each ad (a fake's pre-rendered hit, say)."""
        self.world = world
        self.payload = payload
        self.conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self.conn.executescript(_SCHEMA)
        self._lock = threading.RLock()
        self._version = -1  # the world version indexed
        self._seq = 0  # the last event indexed, and its id (to notice a reset)
        self._event_id: str | None = None
        self._built = False
        self._clear()

    def _clear(self) -> None:
        self.docs: dict[int, Doc] = {}
        self.ids: dict[str, int] = {}
        self.alive = 0
        self.masks: dict[str, dict[str, int]] = {f: {} for f in FACETS}
        # (-published, uuid, id) and (expires or max, uuid, id): newest first, soonest first
        self.by_published: list[tuple[int, str, int]] = []
        self.by_expires: list[tuple[int, str, int]] = []
        self._next_id = 1
        self._since: dict[int, int] = {}  # published_since, until the next change

    def invalidate(self) -> None:
        """Rebuild on next use (the world was reset)."""
        with self._lock:
            self._built, self._version = False, -1

    @contextmanager
    def reading(self) -> Iterator[SearchIndex]:
        """The index, current with the world, held still for one query."""
        with self._lock:
            self.ensure_current()
            yield self

    def ensure_current(self) -> None:
        with self._lock:
            version = self.world.version
            if version == self._version:
                return
            store = self.world.store
            tail = store.conn.execute("SELECT max(seq) FROM events").fetchone()[0] or 0
            same_log = (
                self._built and tail >= self._seq and store.event_id_at(self._seq) == self._event_id
            )
            if same_log:
                self._reindex(store.ads_changed_after(self._seq))
            else:
                self._rebuild()
            self._seq, self._event_id = tail, store.event_id_at(tail)
            self._version, self._built = version, True

    # ---- building ---------------------------------------------------------------------------
    def _rebuild(self) -> None:
        self._clear()
        conn = self.conn
        conn.execute("BEGIN")
        conn.execute("DELETE FROM docs")
        conn.execute("DELETE FROM fts")
        members: dict[str, dict[str, list[int]]] = {f: defaultdict(list) for f in FACETS}
        rows = self.world.store.conn.execute("SELECT doc FROM ads WHERE status = 'ACTIVE'")
        for (raw,) in rows:
            ad = orjson.loads(raw)
            if is_active(ad):
                doc_id = self._store(ad)
                for facet, values in self.docs[doc_id].values.items():
                    for value in values:
                        members[facet][value].append(doc_id)
        conn.execute("COMMIT")
        for facet, groups in members.items():
            self.masks[facet] = {value: bits(ids) for value, ids in groups.items()}
        self.alive = bits(self.docs)
        self.by_published.sort()
        self.by_expires.sort()

    def _reindex(self, uuids: list[str]) -> None:
        if not uuids:
            return
        self._since = {}
        raws = self.world.store.ad_docs(uuids)
        self.conn.execute("BEGIN")
        for uuid in uuids:
            old = self.ids.get(uuid)
            if old is not None:
                self._remove(old)
            raw = raws.get(uuid)
            ad = None if raw is None else orjson.loads(raw)
            if ad is not None and is_active(ad):
                doc_id = self._store(ad, sort=True)
                bit = 1 << doc_id
                for facet, values in self.docs[doc_id].values.items():
                    for value in values:
                        self.masks[facet][value] = self.masks[facet].get(value, 0) | bit
                self.alive |= bit
        self.conn.execute("COMMIT")

    def _store(self, ad: Ad, sort: bool = False) -> int:
        doc_id = self._next_id
        self._next_id += 1
        doc = Doc(ad["uuid"], ad.get("published") or 0, ad.get("expires"), facet_values(ad))
        self.docs[doc_id], self.ids[doc.uuid] = doc, doc_id
        keys = ((-doc.published, doc.uuid, doc_id), (_expiry_key(doc), doc.uuid, doc_id))
        if sort:
            bisect.insort(self.by_published, keys[0])
            bisect.insort(self.by_expires, keys[1])
        else:
            self.by_published.append(keys[0])
            self.by_expires.append(keys[1])
        self.conn.execute("INSERT INTO docs VALUES (?, ?, ?)", (doc_id, doc.uuid, self.payload(ad)))
        self.conn.execute(
            "INSERT INTO fts (rowid, title, employer, body, categories) VALUES (?, ?, ?, ?, ?)",
            (doc_id, *_texts(ad)),
        )
        return doc_id

    def _remove(self, doc_id: int) -> None:
        doc = self.docs.pop(doc_id)
        del self.ids[doc.uuid]
        keep = ~(1 << doc_id)
        for facet, values in doc.values.items():
            for value in values:
                self.masks[facet][value] &= keep
        self.alive &= keep
        for items, key in ((self.by_published, (-doc.published, doc.uuid, doc_id)),
                           (self.by_expires, (_expiry_key(doc), doc.uuid, doc_id))):  # fmt: skip
            at = bisect.bisect_left(items, key)
            if at < len(items) and items[at] == key:
                del items[at]
        self.conn.execute("DELETE FROM docs WHERE id = ?", (doc_id,))
        self.conn.execute("DELETE FROM fts WHERE rowid = ?", (doc_id,))

    # ---- reading (inside `reading()`) ---------------------------------------------------------
    def mask(self, facet: str, values: Iterable[str]) -> int:
        """Ads with any of the values in a facet."""
        found = 0
        table = self.masks[facet]
        for value in values:
            found |= table.get(value, 0)
        return found

    def published_since(self, instant: int) -> int:
        """Ads published at or after an instant."""
        if instant not in self._since:
            if len(self._since) > 64:
                self._since = {}
            end = bisect.bisect_right(self.by_published, (-instant, "\uffff", 1 << 62))
            self._since[instant] = bits(doc_id for _, _, doc_id in self.by_published[:end])
        return self._since[instant]

    def matching(self, expression: str) -> list[int]:
        """Ids of the ads matching an FTS5 expression."""
        rows = self.conn.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (expression,))
        return [row[0] for row in rows]

    def scores(self, expression: str, among: list[int] | None = None,
               weights: tuple[float, ...] = WEIGHTS) -> dict[int, float]:  # fmt: skip
        """bm25 relevance of the matching ads (of `among` only, when given), higher is better:
        the sign of FTS5's bm25 is turned. bm25 is computed for those rows only."""
        args = ", ".join(str(w) for w in weights)
        sql = f"SELECT rowid, -bm25(fts, {args}) FROM fts WHERE fts MATCH ?"
        if among is None:
            return dict(self.conn.execute(sql, (expression,)))
        found: dict[int, float] = {}
        for start in range(0, len(among), 30_000):  # SQLite's limit on parameters
            chunk = among[start : start + 30_000]
            marks = ",".join("?" * len(chunk))
            found.update(self.conn.execute(f"{sql} AND +rowid IN ({marks})", [expression, *chunk]))
        return found

    def payloads(self, ids: list[int]) -> dict[int, bytes]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(f"SELECT id, payload FROM docs WHERE id IN ({marks})", ids)
        return {int(i): bytes(p) for i, p in rows}

    def count(self) -> int:
        with self.reading():
            return len(self.docs)


def _expiry_key(doc: Doc) -> int:
    return doc.expires if doc.expires is not None else 1 << 62  # missing sorts last


def members(mask: int) -> bytes:
    """A bitmap as bytes, for fast membership tests with `has`."""
    return mask.to_bytes((mask.bit_length() + 7) // 8 or 1, "little")


def has(table: bytes, doc_id: int) -> bool:
    byte = doc_id >> 3
    return byte < len(table) and bool(table[byte] >> (doc_id & 7) & 1)
