"""A search's hits as arrays over the world's columnar side store: the page newest first, the
page's matching postings, integer facets, and the SQL temp tables for the steps that need
them (the backend's SQL path fills those tables itself)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
from jobfakes.fakes.jobfeed import columnar
from jobfakes.fakes.jobfeed.params import SORT_MISSING_LAST

from jobfakes.query.arrays import Ints, Matches
from jobfakes.world.jobfeed.fields import Field
from jobfakes.world.jobfeed.store import JobStore

SORTABLE_TYPES = (*columnar.INTEGER_TYPES, "date")


class Hits:
    """Matching jobs and (None: every posting of theirs) matching postings, by rowid."""

    def __init__(self, store: JobStore, matches: Matches):
        self.store = store
        self.jobs = matches.jobs
        self.matching = matches.postings

    @classmethod
    def everything(cls, store: JobStore) -> Hits:
        return cls(store, Matches(store.columns.rowids(), None))

    @classmethod
    def stored(cls, store: JobStore, postings: bool) -> Hits:
        """The hits in `temp.hits` (and, with `postings`, `temp.phits`)."""

        def read(table: str) -> Ints:
            sql = f"SELECT group_concat(rowid) FROM (SELECT rowid FROM {table})"
            text = store.conn.execute(sql).fetchone()[0]
            return np.fromstring(text or "", dtype=np.int64, sep=",")

        return cls(store, Matches(read("temp.hits"), read("temp.phits") if postings else None))

    def page(self, order: str, offset: int, limit: int) -> list[int]:
        """The page's job rowids in an order of the whole `jobs` table (SQL, e.g. the default
        `date DESC, rowid DESC`)."""
        columns = self.store.columns
        rank = columns.rank(order)[columns.positions(self.jobs)]
        wanted = min(offset + limit, len(rank))
        first = np.argpartition(rank, wanted - 1)[:wanted] if wanted else rank[:0]
        return list(self.jobs[first[np.argsort(rank[first])]][offset:].tolist())

    def sorted_page(
        self, sort: Sequence[tuple[str, Field, bool]], offset: int, limit: int
    ) -> list[int]:
        """The page's job rowids by (level, field, descending) keys, then rowid, as the SQL
        path orders them: a missing value last (or lowest, see `SORT_MISSING_LAST`); a
        posting-level value from the first matching posting."""
        keys = [self.jobs]  # np.lexsort: the last key is the first order
        for level, spec, descending in reversed(sort):
            values, present = self._sort_values(level, spec)
            sign = -1 if descending else 1
            missing = (~present if SORT_MISSING_LAST else sign * present).astype(np.int64)
            keys += [sign * values, missing]
        order = np.lexsort(keys)[offset : offset + limit]
        return list(self.jobs[order].tolist())

    def _sort_values(self, level: str, spec: Field) -> tuple[Ints, Any]:
        dates = spec.type == "date"
        if level == "job":
            at = self.store.columns.positions(self.jobs)
            values, present = self.store.columns.values(spec.name, dates)
            return values[at], present[at]
        postings = self.postings()  # ascending: a job's first is its first matching posting
        owners, first = np.unique(self.owners(postings), return_index=True)
        assert len(owners) == len(self.jobs)  # every job has a matching posting
        at = self.store.posting_columns.positions(postings[first])
        values, present = self.store.posting_columns.values(spec.name, dates)
        return values[at], present[at]

    def page_postings(self, ids: list[int]) -> tuple[str, tuple[Any, ...]] | None:
        """SQL over `p` for the matching postings of the page's jobs (None: all of theirs)."""
        if self.matching is None:
            return None
        page = self.matching[np.isin(self.owners(self.matching), ids)]
        return "p.rowid IN (SELECT value FROM json_each(?))", (_json(page),)

    def postings(self) -> Ints:
        """The matching postings, or every posting of the matching jobs."""
        if self.matching is not None:
            return self.matching
        jobs, postings = self.store.columns, self.store.posting_columns
        kept = np.zeros(len(jobs.rowids()), np.bool_)
        kept[jobs.positions(self.jobs)] = True
        every_owner = postings.values("job", False)[0]
        return postings.rowids()[kept[jobs.positions(every_owner)]]

    def owners(self, postings: Ints) -> Ints:
        """The job rowid of each posting rowid."""
        columns = self.store.posting_columns
        return columns.values("job", False)[0][columns.positions(postings)]

    def facet(self, level: str, spec: Field, limit: int) -> list[tuple[Any, int]] | None:
        """The most frequent values of an integer field with job counts (as the SQL facets
        count them); None for other fields."""
        if spec.type not in columnar.INTEGER_TYPES:
            return None
        if level == "job":
            at = self.store.columns.positions(self.jobs)
            column = self.store.columns.column(spec.name)
            return columnar.facet(column.values[at], column.present[at], None, limit)
        postings = self.postings()
        at = self.store.posting_columns.positions(postings)
        column = self.store.posting_columns.column(spec.name)
        return columnar.facet(column.values[at], column.present[at], self.owners(postings), limit)

    def into_temp_tables(self) -> bool:
        """Write the hits into the emptied `temp.hits` and `temp.phits`; whether the postings
        went too (otherwise every posting of a hit matches)."""
        conn = self.store.conn
        conn.execute("INSERT INTO temp.hits SELECT value FROM json_each(?)", (_json(self.jobs),))
        if self.matching is None:
            return False
        pairs = np.stack([self.matching, self.owners(self.matching)], axis=1)
        conn.execute(
            "INSERT INTO temp.phits SELECT json_extract(value, '$[0]'), "
            "json_extract(value, '$[1]') FROM json_each(?)",
            (_json(pairs),),
        )
        return True


def _json(rowids: Ints) -> str:
    """A numpy array as JSON text, for `json_each(?)`."""
    return orjson.dumps(rowids, option=orjson.OPT_SERIALIZE_NUMPY).decode()
