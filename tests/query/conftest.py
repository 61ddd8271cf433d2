"""A small Dutch world, its ground truth and the oracle, shared by the query tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson
import pytest
from jobfeed_oracle import Oracle, places_of

from jobfakes.query import Filters, compile_filters, parse
from jobfakes.world.jobfeed.fields import custom_categories
from jobfakes.world.jobfeed.world import DutchWorld, DutchWorldConfig

JOBS = 300


class SqlPath:
    """The SQL path over one world's store, next to the oracle over its ground truth."""

    def __init__(self, world: DutchWorld) -> None:
        self.world = world
        self.conn = world.store.conn
        self.today: dt.date = world.config.today
        self.custom = custom_categories()
        truth = [orjson.loads(line) for line in world.store.ground_truth()]
        places = places_of(self.conn.execute("SELECT code, lat, lon FROM places"))
        self.oracle = Oracle(truth, places)

    def compile(self, params: Sequence[tuple[str, str]]) -> Filters:
        return compile_filters(params, self.conn, self.today, self.custom)

    def job_ids(self, params: Sequence[tuple[str, str]]) -> set[str]:
        filters = self.compile(params)
        rows = self.conn.execute(
            f"SELECT job_id FROM jobs j WHERE {filters.job_sql}", filters.job_args
        )
        return {row[0] for row in rows}

    def posting_ids(self, params: Sequence[tuple[str, str]]) -> set[str]:
        filters = self.compile(params)
        rows = self.conn.execute(
            "SELECT p.posting_id FROM postings p JOIN jobs j ON j.rowid = p.job "
            f"WHERE ({filters.job_sql}) AND ({filters.posting_sql})",
            filters.job_args + filters.posting_args,
        )
        return {row[0] for row in rows}

    def expected(self, params: Sequence[tuple[str, str]]) -> set[str]:
        return self.oracle.job_ids(parse(params, self.conn, self.today, self.custom))

    def expected_postings(self, params: Sequence[tuple[str, str]]) -> set[str]:
        return self.oracle.posting_ids(parse(params, self.conn, self.today, self.custom))


@pytest.fixture(scope="session")
def sqlpath() -> SqlPath:
    return SqlPath(DutchWorld(DutchWorldConfig(seed=4, jobs=JOBS)))


def frequent_words(path: SqlPath, count: int) -> list[str]:
    """Common index terms of at least four letters (so that queries find something)."""
    rows = path.conn.execute(
        "SELECT term FROM postings_vocab WHERE length(term) >= 4 AND term GLOB '[a-z]*' "
        "ORDER BY doc DESC, term LIMIT ?",
        (count,),
    )
    return [row[0] for row in rows]


def sample(path: SqlPath, sql: str) -> list[Any]:
    return [row[0] for row in path.conn.execute(sql)]
