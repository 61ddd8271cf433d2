"""The Jobfeed API's operations over the Dutch world (no Flask here): search, count, fields;
aggregation lives in `aggregate.py`, accounts and rate limits in `accounts.py`."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from jobfakes.fakes.jobfeed import aggregate as agg
from jobfakes.fakes.jobfeed import buckets, params
from jobfakes.fakes.jobfeed.accounts import Account, Accounts
from jobfakes.fakes.jobfeed.params import (
    SORT_MISSING_LAST,
    Pairs,
    ParamError,
    SearchQuery,
    field_ref,
    split,
)
from jobfakes.fakes.jobfeed.serialize import Labeller

from jobfakes.world.jobfeed.fields import (
    CATALOGUE,
    LANGUAGES,
    POSTING_FIELDS,
    Field,
    custom_categories,
    custom_labels,
)
from jobfakes.world.times import to_datetime

if TYPE_CHECKING:  # the query compiler and numpy load on first use: a server starts faster
    from jobfakes.fakes.jobfeed.hits import Hits

    from jobfakes.core.app import Runtime
    from jobfakes.query import Filters
    from jobfakes.query.arrays import Matches
    from jobfakes.world.jobfeed.world import DutchWorld


@dataclass
class SearchResult:
    total: int
    results: list[dict[str, Any]]
    facets: dict[str, list[dict[str, Any]]] | None


HITS = "j.rowid IN (SELECT rowid FROM temp.hits)"
PHITS = "p.rowid IN (SELECT rowid FROM temp.phits)"
NEWEST_FIRST = "date DESC, rowid DESC"  # the default order of /search


def _col(level: str, name: str) -> str:
    return f"{'j' if level == 'job' else 'p'}.{name}"


class JobfeedBackend:
    """The Dutch world, its accounts, and the operations of /fields, /search, /aggregate and
    /count."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.accounts = Accounts(
            runtime.config.jobfeed_accounts, runtime.config.jobfeed_limits, runtime.world
        )
        self._jobs: int | None = None  # how many jobs the world has, once asked
        self._world: DutchWorld | None = None
        self._building = threading.Lock()
        self.progress: Callable[[str, int, int | None], None] | None = None  # of a lazy build

    @property
    def world(self) -> DutchWorld:
        """The Dutch world, built on first use: serving the other fakes does not wait for it."""
        if self._world is None:
            with self._building:
                if self._world is None:
                    from jobfakes.world.jobfeed.world import DutchWorld, DutchWorldConfig

                    config = self.runtime.config
                    world = self.runtime.world
                    # Replicas build it alike whenever each first needs it: from the start.
                    day = to_datetime(world.start).date() if world.log else self.today()
                    self._world = DutchWorld(
                        DutchWorldConfig(seed=config.seed, jobs=config.jobs, today=day),
                        self.progress,
                    )
        return self._world

    def reset(self) -> None:
        """Accounts back to those configured (the world itself never changes)."""
        self.accounts.reset()

    def today(self) -> dt.date:
        """The world clock's date (for `now` and `__calendar`)."""
        return to_datetime(self.runtime.world.now()).date()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.world.store.conn

    def filters(self, pairs: Pairs, user: str | None) -> Filters:
        from jobfakes.query import QueryError, compile_filters

        try:
            with self.world.store.lock:
                return compile_filters(pairs, self.conn, self.today(), custom_categories(user))
        except QueryError as error:
            raise ParamError(error.param, error.message) from None

    def _rows(self, sql: str, args: tuple[Any, ...]) -> list[Any]:
        with self.world.store.lock:
            try:
                return self.conn.execute(sql, args).fetchall()
            except sqlite3.OperationalError as error:  # e.g. an FTS5 expression it rejects
                raise ParamError("full_text", f"the query cannot be run: {error}") from None

    # ---- /count ----------------------------------------------------------------------------
    def count(self, pairs: Pairs, user: str | None) -> int:
        options, filter_pairs = split(pairs, "count")
        f = self.filters(filter_pairs, user)
        group = (options.get("_group") or "").strip()
        matches = self._matches(f) if group in ("", "posting") else None
        if matches is not None:
            if group:
                from jobfakes.fakes.jobfeed.hits import Hits

                return len(Hits(self.world.store, matches).postings())
            return len(matches.jobs)
        if not group:
            return int(
                self._rows(f"SELECT count(*) FROM jobs j WHERE {f.job_sql}", f.job_args)[0][0]
            )
        if group == "posting":
            sql = (
                "SELECT count(*) FROM postings p JOIN jobs j ON j.rowid = p.job "
                f"WHERE ({f.job_sql}) AND ({f.posting_sql})"
            )
            return int(self._rows(sql, f.job_args + f.posting_args)[0][0])
        level, spec = field_ref("_group", group)
        level = level or spec.default_level
        if spec.type == "codes":
            table = "jobs" if level == "job" else "postings"
            inner = f"SELECT j.rowid FROM jobs j WHERE {f.job_sql}"
            args = f.job_args
            if level == "posting":
                inner = (
                    "SELECT p.rowid FROM postings p JOIN jobs j ON j.rowid = p.job "
                    f"WHERE ({f.job_sql}) AND ({f.posting_sql})"
                )
                args = f.job_args + f.posting_args
            sql = (
                f"SELECT count(DISTINCT e.value) FROM {table} x, json_each(x.{spec.name}) e "
                f"WHERE x.rowid IN ({inner})"
            )
            return int(self._rows(sql, args)[0][0])
        if level == "job":
            sql = f"SELECT count(DISTINCT j.{spec.name}) FROM jobs j WHERE {f.job_sql}"
            return int(self._rows(sql, f.job_args)[0][0])
        sql = (
            f"SELECT count(DISTINCT p.{spec.name}) FROM postings p JOIN jobs j ON j.rowid = p.job "
            f"WHERE ({f.job_sql}) AND ({f.posting_sql})"
        )
        return int(self._rows(sql, f.job_args + f.posting_args)[0][0])

    # ---- /search ---------------------------------------------------------------------------
    def search(self, query: SearchQuery, filter_pairs: Pairs, user: str | None) -> SearchResult:
        f = self.filters(filter_pairs, user)
        with self.world.store.lock:  # the temporary table of hits is the connection's own
            return self._search(query, f)

    def _search(self, query: SearchQuery, f: Filters) -> SearchResult:
        sort = self._array_sort(query)
        if f.plan is not None and sort is not None:  # the filters and the order as array work
            from jobfakes.fakes.jobfeed.hits import Hits

            self._load_columns(f, query, sort)
            matches = self._matches(f)  # None: no filter
            hits = (
                Hits.everything(self.world.store)
                if matches is None
                else Hits(self.world.store, matches)
            )
            return self._search_arrays(query, f, hits, sort)
        if f.job_sql.strip("() ") == "1":
            total = int(self._rows("SELECT count(*) FROM jobs", ())[0][0])
        else:  # matching postings and jobs, found once for the count, the page and the facets
            f = self._materialise(f)
            total = int(self._rows("SELECT count(*) FROM temp.hits", ())[0][0])
        order, order_args = self._order(query, f)
        source, where = "jobs j", f.job_sql
        if not query.sort and f.job_sql == HITS and self._scan_by_date(total, query):
            # newest first along the date index, testing membership (`+`: not by rowid)
            source, where = "jobs j INDEXED BY jobs_by_date", f"+{HITS}"
        ids = [
            r[0]
            for r in self._rows(
                f"SELECT j.rowid FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                f.job_args + order_args + (query.limit, query.offset),
            )
        ]
        labeller = Labeller(query.language if query.labels else None)
        results = self._documents(ids, query, f, labeller)
        facets = self._facets(query, f, None, labeller) if query.facets else None
        return SearchResult(total, results, facets)

    def _array_sort(self, query: SearchQuery) -> list[tuple[str, Field, bool]] | None:
        """The `_sort` keys with their levels resolved, when the side store holds them all
        (an empty list: the default order); None otherwise."""
        from jobfakes.fakes.jobfeed.hits import SORTABLE_TYPES

        keys = []
        for level, spec, descending in query.sort:
            if spec.type not in SORTABLE_TYPES:
                return None
            job = (level or spec.default_level) == "job" or "posting" not in spec.levels
            keys.append(("job" if job else "posting", spec, descending))
        return keys

    def _load_columns(
        self, f: Filters, query: SearchQuery, sort: list[tuple[str, Field, bool]]
    ) -> None:
        """Load the side-store columns the filters, the order and the integer facets read, in
        one scan of each table (a first request at a million postings would otherwise scan
        them once per column)."""
        from jobfakes.fakes.jobfeed.columnar import INTEGER_TYPES

        assert f.plan is not None
        store = self.world.store
        wanted = {level: f.plan.columns(level) for level in ("job", "posting")}
        for level, spec, _ in query.facets:
            if spec.type in INTEGER_TYPES:
                wanted[level or spec.default_level].append((spec.name, False))
        for level, spec, _ in sort:
            wanted[level].append((spec.name, spec.type == "date"))
        with store.lock:
            store.columns.load(wanted["job"])
            store.posting_columns.load(wanted["posting"])

    def _matches(self, f: Filters) -> Matches | None:
        """The matching jobs and postings by array work, when the filters allow it."""
        from jobfakes.query import arrays

        if f.plan is None or f.job_sql.strip("() ") == "1":
            return None
        store = self.world.store
        with store.lock:
            try:
                return arrays.run(f.plan, self.conn, store.columns, store.posting_columns)
            except sqlite3.OperationalError as error:  # as in `_rows`: a MATCH FTS5 rejects
                raise ParamError("full_text", f"the query cannot be run: {error}") from None

    def _search_arrays(
        self, query: SearchQuery, f: Filters, hits: Hits, sort: list[tuple[str, Field, bool]]
    ) -> SearchResult:
        if sort:
            ids = hits.sorted_page(sort, query.offset, query.limit)
        else:
            ids = hits.page(NEWEST_FIRST, query.offset, query.limit)
        shown = hits.page_postings(ids)
        page_f = f if shown is None else replace(f, posting_sql=shown[0], posting_args=shown[1])
        labeller = Labeller(query.language if query.labels else None)
        results = self._documents(ids, query, page_f, labeller)
        facets = self._facets(query, f, hits, labeller) if query.facets else None
        return SearchResult(len(hits.jobs), results, facets)

    def _scan_by_date(self, total: int, query: SearchQuery) -> bool:
        """Whether walking the date index until the page is full reads fewer rows (expected)
        than sorting every matching job."""
        if self._jobs is None:
            self._jobs = int(self._rows("SELECT count(*) FROM jobs", ())[0][0])
        wanted = query.offset + query.limit
        return total > 0 and wanted * self._jobs < total * total

    def _materialise(self, f: Filters) -> Filters:
        """Fill `temp.hits` with the matching jobs and `temp.phits` with their postings that
        match the posting-level filters; return filters that read them. With posting-level
        filters the matching postings come first (the full-text index read once), then the
        jobs among theirs that match the job-level filters."""
        self._empty_temp_tables()
        if f.posting_sql.strip("() ") == "1":
            self._rows(
                f"INSERT INTO temp.hits SELECT j.rowid FROM jobs j WHERE {f.job_sql}", f.job_args
            )
            return replace(f, job_sql=HITS, job_args=())
        self._rows(
            f"INSERT INTO temp.phits SELECT p.rowid, p.job FROM {f.posting_from} "
            f"WHERE {f.posting_where}",
            f.posting_where_args,
        )
        self._rows(
            "INSERT INTO temp.hits SELECT j.rowid FROM jobs j WHERE j.rowid IN "
            f"(SELECT job FROM temp.phits) AND ({f.job_only_sql})",
            f.job_only_args,
        )
        if f.job_only_sql.strip("() ") != "1":
            self._rows("DELETE FROM temp.phits WHERE job NOT IN (SELECT rowid FROM temp.hits)", ())
        return replace(
            f,
            job_sql=HITS,
            job_args=(),
            posting_sql=PHITS,
            posting_args=(),
        )

    def _empty_temp_tables(self) -> None:
        self._rows("CREATE TEMP TABLE IF NOT EXISTS hits (rowid INTEGER PRIMARY KEY)", ())
        self._rows("CREATE TEMP TABLE IF NOT EXISTS phits (rowid INTEGER PRIMARY KEY, job)", ())
        for table in ("hits", "phits"):
            self._rows(f"DELETE FROM temp.{table}", ())

    def _order(self, query: SearchQuery, f: Filters) -> tuple[str, tuple[Any, ...]]:
        if not query.sort:
            return ", ".join(f"j.{part}" for part in NEWEST_FIRST.split(", ")), ()
        parts, args = [], ()
        for level, spec, desc in query.sort:
            direction = "DESC" if desc else "ASC"
            if SORT_MISSING_LAST:
                direction += " NULLS LAST"
            if (level or spec.default_level) == "job" or "posting" not in spec.levels:
                parts.append(f"j.{spec.name} {direction}")
            else:  # the value of the posting shown: the first matching one
                parts.append(
                    f"(SELECT p.{spec.name} FROM postings p WHERE p.job = j.rowid AND "
                    f"({f.posting_sql}) ORDER BY p.rowid LIMIT 1) {direction}"
                )
                args += f.posting_args
        parts.append("j.rowid ASC")
        return ", ".join(parts), args

    def _documents(
        self, ids: list[int], query: SearchQuery, f: Filters, labeller: Labeller
    ) -> list[dict[str, Any]]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        job_names = [n for n in CATALOGUE if "job" in CATALOGUE[n].levels]
        jobs = {
            r[0]: dict(zip(job_names, r[1:], strict=True))
            for r in self._rows(
                f"SELECT rowid, {', '.join(job_names)} FROM jobs WHERE rowid IN ({marks})",
                tuple(ids),
            )
        }
        post_cols = ", ".join(POSTING_FIELDS)
        matching: dict[int, list[dict[str, Any]]] = {}
        for r in self._rows(
            f"SELECT p.job, p.rowid, {post_cols} FROM postings p WHERE p.job IN ({marks}) "
            f"AND ({f.posting_sql}) ORDER BY p.job, p.rowid",
            tuple(ids) + f.posting_args,
        ):
            matching.setdefault(r[0], []).append(dict(zip(POSTING_FIELDS, r[2:], strict=True)))
        every: dict[int, list[dict[str, Any]]] = matching
        out_spec = query.output
        if out_spec.postings and not query.matching_postings:
            every = {}
            for r in self._rows(
                f"SELECT p.job, {post_cols} FROM postings p WHERE p.job IN ({marks}) "
                "ORDER BY p.job, p.rowid",
                tuple(ids),
            ):
                every.setdefault(r[0], []).append(dict(zip(POSTING_FIELDS, r[1:], strict=True)))
        docs = []
        for rowid in ids:
            job = jobs[rowid]
            shown = (matching.get(rowid) or every.get(rowid) or [{}])[0]
            doc: dict[str, Any] = {}
            for key, level, spec in out_spec.fields:
                source = job if level == "job" else shown
                doc[key] = labeller.value(spec, source.get(spec.name))
            if out_spec.postings:
                wanted = out_spec.posting_fields or tuple(CATALOGUE[n] for n in POSTING_FIELDS)
                doc["posting"] = [
                    {s.name: labeller.value(s, post.get(s.name)) for s in wanted}
                    for post in every.get(rowid, [])
                ]
            if query.snippets:
                doc["_snippets"] = f.snippets(shown.get("full_text") or "")
            docs.append(doc)
        return docs

    def _facets(
        self, query: SearchQuery, f: Filters, hits: Hits | None, labeller: Labeller
    ) -> dict[str, list[dict[str, Any]]]:
        from jobfakes.fakes.jobfeed.hits import Hits

        store = self.world.store
        everything = f.job_sql.strip("() ") == "1"
        if hits is None and f.job_sql == HITS:  # the materialised hits, for the array facets
            hits = Hits.stored(store, f.posting_sql == PHITS)
        elif hits is None and everything:
            hits = Hits.everything(store)
        out: dict[str, list[dict[str, Any]]] = {}
        for level, spec, limit in query.facets:
            rows = hits.facet(level or spec.default_level, spec, limit) if hits else None
            if rows is None:
                if hits is not None and f.job_sql != HITS and not everything:
                    self._empty_temp_tables()  # the SQL facet reads the hits from them
                    with_postings = hits.into_temp_tables()
                    f = replace(f, job_sql=HITS, job_args=())
                    if with_postings:
                        f = replace(f, posting_sql=PHITS, posting_args=())
                rows = self.facet_counts(f, level or spec.default_level, spec, limit)
            key = f"{level}:{spec.name}" if level else spec.name
            out[key] = [{**labeller.pair(spec, value), "count": count} for value, count in rows]
        return out

    def facet_counts(
        self, f: Filters, level: str, spec: Field, limit: int
    ) -> list[tuple[Any, int]]:
        """The most frequent values with job counts: job-level values of matching jobs, or the
        values of their matching postings (a job counts once per value)."""
        value = _col(level, spec.name)
        source = "jobs j"
        args = f.job_args
        where = f.job_sql
        if level == "posting":
            source = "postings p JOIN jobs j ON j.rowid = p.job"
            where = f"({f.job_sql}) AND ({f.posting_sql})"
            args = f.job_args + f.posting_args
        unit = "j.rowid"
        if f.job_sql == HITS and level == "job" and spec.type != "codes":
            unit = "*"  # the materialised jobs: one row each
        elif f.posting_sql == PHITS and level == "posting":  # their matching postings
            source, where, args, unit = "postings p", PHITS, (), "p.job"
        if spec.type == "codes":
            source += f", json_each({value}) e"
            value = "e.value"
        counted = "count(*)" if unit == "*" else f"count(DISTINCT {unit})"  # once per value
        sql = (
            f"SELECT {value} AS v, {counted} AS n FROM {source} WHERE {where} "
            "AND v IS NOT NULL GROUP BY v ORDER BY n DESC, v ASC LIMIT ?"
        )
        return [(r[0], int(r[1])) for r in self._rows(sql, (*args, limit))]

    # ---- /aggregate ------------------------------------------------------------------------
    def aggregate(self, pairs: Pairs, user: str | None) -> list[list[Any]]:
        from jobfakes.fakes.jobfeed import columnar

        options, filter_pairs = split(pairs, "aggregate")
        request = agg.parse(options, custom_categories(user))
        f = self.filters(filter_pairs, user)
        labeller = Labeller(request.language if request.labels else None)
        if columnar.applies(request):  # array work over the columnar side store
            rowids: Any = None  # every job
            matches = self._matches(f)
            if matches is not None:
                rowids = matches.jobs
            elif f.job_sql.strip("() ") != "1":
                sql = f"SELECT j.rowid FROM jobs j WHERE {f.job_sql}"
                rowids = [r[0] for r in self._rows(sql, f.job_args)]
            levels = columnar.levels(request, self.world.store.columns, rowids)
            return buckets.table(request, [], labeller, levels)
        rows = self._rows(*buckets.sql(request, f))
        return buckets.table(request, rows, labeller)

    # ---- /fields ---------------------------------------------------------------------------
    def fields(self, pairs: Pairs, user: str | None) -> dict[str, Any]:
        options, _ = split(pairs, "fields")
        language = options.get("_language") or "nl"
        if language not in LANGUAGES:
            raise ParamError("_language", f"supported languages are {', '.join(LANGUAGES)}")
        name = options.get("_field")
        if name is not None and name not in CATALOGUE:
            raise ParamError("_field", f"unknown field {name!r}", status=404)
        keys = None
        if name is not None and options.get("_values"):
            keys = {k.strip() for k in options["_values"].split(",")}
        chosen = [CATALOGUE[name]] if name else list(CATALOGUE.values())
        custom = custom_categories(user)
        return {spec.name: _describe(spec, language, keys, custom) for spec in chosen}

    def ground_truth(self) -> Iterator[bytes]:
        return self.world.store.ground_truth()

    # ---- for the dashboard (core/insight.py) ------------------------------------------------
    def usage(self, account: Account) -> list[dict[str, Any]]:
        """Each of an account's rate windows: its rate, the hits counted now, what is left."""
        limiter, now = self.runtime.limiter, self.runtime.world.now()
        windows = []
        for rate in account.limits:
            used = limiter.peek("jobfeed", account.user, rate, now)
            text = str(rate).replace(" per 1 ", "/").replace(" per ", "/")
            windows.append({"rate": text, "used": used, "remaining": max(0, rate.amount - used)})
        return windows

    def summary(self) -> dict[str, int]:
        """The size of the Dutch world (built now if no call has built it yet)."""
        jobs, postings = self.world.counts()
        return {"jobs": jobs, "postings": postings}

    def preview(self, ident: str) -> dict[str, Any] | None:
        """A job as /search serves it (labels on), or None when there is no job of that id."""
        try:
            found = self.search(params.search_query({}), [("job_id", ident)], None)
        except ParamError:
            return None
        return found.results[0] if found.results else None


def _describe(spec: Field, language: str, keys: set[str] | None, custom: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": spec.type,
        "description": spec.description,
        "level": list(spec.levels),
    }
    if spec.labels is not None:
        values = {str(k): v for k, v in spec.labels[language].items()}
        if keys is not None:
            values = {k: v for k, v in values.items() if k in keys}
        out["possible_values"] = values
    if spec.custom and spec.name in custom:
        names = custom_labels(spec.name)
        out["custom_categories"] = {
            str(cid): {
                "label": names.get(cid, str(cid)),
                "level_1": l1,
                "level_1_label": names.get(l1, str(l1)),
                "level_2": l2,
                "values": list(codes),
            }
            for cid, (l1, l2, codes) in custom[spec.name].items()
        }
    return out
