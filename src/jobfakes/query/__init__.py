"""Jobfeed's filter and full-text language: parameters -> clauses -> SQL over the store."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jobfakes.query.arrays import Plan
from jobfakes.query.compile import SqlitePlaces, array_plan, combine, conjunction, posting_source
from jobfakes.query.errors import QueryError
from jobfakes.query.params import Clause, FieldLike, Text, parse_clauses
from jobfakes.query.snippets import Highlight, highlight

__all__ = ["Filters", "QueryError", "compile_filters", "parse"]

SNIPPET_FIELD = "full_text"


@dataclass(frozen=True)
class Filters:
    """Compiled filters: `job_sql` over alias j (posting-level filters inside one posting
    subquery), `posting_sql` over alias p (the posting-level filters only)."""

    job_sql: str = "1"
    job_args: tuple[Any, ...] = ()
    posting_sql: str = "1"
    posting_args: tuple[Any, ...] = ()
    clauses: tuple[Clause, ...] = ()
    highlight: Highlight = field(default_factory=Highlight)
    # `SELECT ... FROM {posting_from} WHERE {posting_where}` selects the same postings `p` as
    # `FROM postings p WHERE {posting_sql}`, driven by the full-text index when there is one
    posting_from: str = "postings p"
    posting_where: str = "1"
    posting_where_args: tuple[Any, ...] = ()
    # the job-level filters alone (`job_sql` without its posting subquery)
    job_only_sql: str = "1"
    job_only_args: tuple[Any, ...] = ()
    # the same filters as array work over the columnar side store, when they can be
    plan: Plan | None = None

    def snippets(self, text: str) -> list[str]:
        """`<em>` highlights of the full_text query's terms in `text`."""
        return self.highlight.snippets(text)


def _catalogue() -> Mapping[str, FieldLike]:
    from jobfakes.world.jobfeed.fields import CATALOGUE

    return CATALOGUE


def parse(
    params: Sequence[tuple[str, str]],
    conn: sqlite3.Connection,
    today: dt.date,
    custom: Mapping[str, Mapping[Any, Any]] | None = None,
    catalogue: Mapping[str, FieldLike] | None = None,
) -> list[Clause]:
    """The typed clauses of filter parameters (no SQL; places read from `conn`)."""
    return parse_clauses(params, catalogue or _catalogue(), today, SqlitePlaces(conn), custom or {})


def compile_filters(
    params: Sequence[tuple[str, str]],
    conn: sqlite3.Connection,
    today: dt.date,
    custom: Mapping[str, Mapping[Any, Any]] | None = None,
    catalogue: Mapping[str, FieldLike] | None = None,
) -> Filters:
    """Filter parameters (names not starting with `_`, in request order, URL-decoded) -> SQL.

    Job-level clauses are AND-ed on the job row; every posting-level clause goes into one
    posting predicate, so a job matches when one of its postings matches all of them.
    Raises QueryError naming the parameter for anything the language does not accept.
    """
    try:
        clauses = parse(params, conn, today, custom, catalogue)
        job = [c for c in clauses if c.level == "job"]
        posting = [c for c in clauses if c.level == "posting"]
        job_parts = combine(job, conn)
        job_sql, job_args = conjunction(job_parts)
        posting_parts = combine(posting, conn)
        posting_sql, posting_args = conjunction(posting_parts)
        source, where, where_args = posting_source(posting_parts)
        plan = array_plan(job_parts, posting_parts)
        texts = [
            p.query
            for c in clauses
            if c.field.name == SNIPPET_FIELD and not c.negated
            for p in c.alternatives
            if isinstance(p, Text)
        ]
        table = (
            "postings"
            if any(c.level == "posting" for c in clauses if c.field.name == SNIPPET_FIELD)
            else "jobs"
        )
        marks = highlight(texts, conn, table) if texts else Highlight()
    except RecursionError:
        name = params[0][0] if params else "query"
        raise QueryError(name, "the filter is nested too deeply") from None
    job_only_sql, job_only_args = job_sql, job_args
    if posting:
        job_sql = f"{job_sql} AND j.rowid IN (SELECT p.job FROM {source} WHERE {where})"
        job_args = job_args + where_args
    return Filters(
        job_sql,
        job_args,
        posting_sql,
        posting_args,
        tuple(clauses),
        marks,
        source,
        where,
        where_args,
        job_only_sql,
        job_only_args,
        plan,
    )
