"""The Jobfeed fake (in process, a small world), its ground truth from `GET /__admin/jobs`,
and the oracle over it, shared by the query tests. The test modules import the `jobfeed`
fixture from here (a conftest.py in this folder would clash with other folders' ones)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

import orjson
import pytest
import requests
from jobfeed_oracle import Oracle, places_of

from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.query import Filters, compile_filters, parse
from jobfakes.world.jobfeed.fields import custom_categories

JOBS = 300
BASE = "http://jobfeed.query.test"
Params = Sequence[tuple[str, str]]


class Jobfeed:
    """The fake over HTTP next to the oracle over its ground truth."""

    def __init__(self) -> None:
        config = Config(jobs=JOBS, jobfeed_accounts=("query:tests",), jobfeed_limits="none")
        self.app = create_app(config)
        self.session = requests.Session()
        self.session.mount(BASE, WSGIAdapter(self.app))
        self.session.auth = ("query", "tests")
        backend = self.app.extensions["jobfakes"].backends["jobfeed"]
        self.conn = backend.conn  # places and vocabulary, for the oracle's clauses
        self.today: dt.date = backend.today()
        self.custom = custom_categories("query")
        truth = self.session.get(f"{BASE}/__admin/jobs")
        assert truth.status_code == 200, truth.text
        jobs = [orjson.loads(line) for line in truth.content.splitlines() if line.strip()]
        self.oracle = Oracle(
            jobs, places_of(self.conn.execute("SELECT code, lat, lon FROM places"))
        )

    def get(self, path: str, params: Params, method: str = "GET") -> requests.Response:
        if method == "POST":
            return self.session.post(f"{BASE}/api/v3/{path}", data=list(params))
        return self.session.get(f"{BASE}/api/v3/{path}", params=list(params))

    def ok(self, path: str, params: Params, method: str = "GET") -> Any:
        response = self.get(path, params, method)
        assert response.status_code == 200, (params, response.text)
        return response.json()

    def job_ids(self, params: Params, method: str = "GET") -> set[str]:
        """job_id of every job /search finds, checked against its total_count and /count."""
        body = self.ok("search", [*params, ("_fields", "job_id"), ("_limit", "10000")], method)
        ids = {job["job_id"] for job in body["results"]}
        assert body["total_count"] == len(ids) == self.ok("count", params, method)["count"]
        return ids

    def posting_ids(self, params: Params) -> set[str]:
        """posting_id of every matching posting of the jobs found (`_matching_postings=1`)."""
        extra = [("_fields", "job_id,posting:posting_id"), ("_matching_postings", "1")]
        body = self.ok("search", [*params, *extra, ("_limit", "10000")])
        ids = {p["posting_id"] for job in body["results"] for p in job.get("posting", [])}
        assert len(ids) == self.ok("count", [*params, ("_group", "posting")])["count"]
        return ids

    def compile(self, params: Params) -> Filters:
        return compile_filters(params, self.conn, self.today, self.custom)

    def expected(self, params: Params) -> set[str]:
        return self.oracle.job_ids(parse(params, self.conn, self.today, self.custom))

    def expected_order(self, params: Params, sort: Sequence[tuple[str, bool]]) -> list[str]:
        """The oracle's job_id order for `_sort` names (with `job:`/`posting:` prefixes) and
        directions (True: descending)."""
        from jobfakes.world.jobfeed.fields import CATALOGUE

        resolved = []
        for name, descending in sort:
            level, _, field = name.rpartition(":")
            levels = CATALOGUE[field].levels
            level = level or levels[0]
            resolved.append(("job" if "posting" not in levels else level, field, descending))
        clauses = parse(params, self.conn, self.today, self.custom)
        return self.oracle.ordered_job_ids(clauses, resolved)

    def expected_postings(self, params: Params) -> set[str]:
        return self.oracle.posting_ids(parse(params, self.conn, self.today, self.custom))


def frequent_words(jobfeed: Jobfeed, count: int) -> list[str]:
    """Common index terms of at least four letters (so that queries find something)."""
    rows = jobfeed.conn.execute(
        "SELECT term FROM postings_vocab WHERE length(term) >= 4 AND term GLOB '[a-z]*' "
        "ORDER BY doc DESC, term LIMIT ?",
        (count,),
    )
    return [row[0] for row in rows]


def sample(jobfeed: Jobfeed, sql: str) -> list[Any]:
    return [row[0] for row in jobfeed.conn.execute(sql)]


@functools.cache
def _shared() -> Jobfeed:
    return Jobfeed()


@pytest.fixture(scope="session", name="jobfeed")
def jobfeed_fixture() -> Jobfeed:
    """An in-process Jobfeed fake over a small world, with the oracle over its ground truth
    (one for the whole session, whichever module asks first)."""
    return _shared()
