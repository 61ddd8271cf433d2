"""SQLite storage of one Dutch world (schema in `schema.py`), with its ground-truth export."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson

from jobfakes.world.jobfeed.columns import Columns
from jobfakes.world.jobfeed.fields import CATALOGUE, JOB_FIELDS, POSTING_FIELDS
from jobfakes.world.jobfeed.schema import INDEXES, JOB_COLUMNS, POSTING_COLUMNS, ddl, fts_ddl
from jobfakes.world.jobfeed.vocab import Place

_CODES = frozenset(f.name for f in CATALOGUE.values() if f.type == "codes")
_BOOLS = frozenset(f.name for f in CATALOGUE.values() if f.type == "boolean")


class JobStore:
    """One in-memory SQLite database of jobs and postings. Reads share one connection
    behind a lock (`lock`), which the API takes around each query."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=OFF")
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("PRAGMA temp_store=MEMORY")
        self.conn.executescript(ddl())
        self.lock = threading.RLock()
        self.columns = Columns(self.conn, self.lock, "jobs")  # loaded on first use
        self.posting_columns = Columns(self.conn, self.lock, "postings")

    def begin(self, places: Iterable[Place], names: Mapping[str, int]) -> None:
        self.conn.execute("BEGIN")
        self.conn.executemany(
            "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?)",
            [(p.code, p.name, p.lat, p.lon, p.region, p.province) for p in places],
        )
        self.conn.executemany("INSERT INTO place_names VALUES (?, ?)", names.items())

    def add(self, jobs: list[tuple[Any, ...]], postings: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * len(JOB_COLUMNS))
        self.conn.executemany(f"INSERT INTO jobs ({', '.join(JOB_COLUMNS)}) VALUES ({marks})", jobs)
        marks = ", ".join("?" * len(POSTING_COLUMNS))
        self.conn.executemany(
            f"INSERT INTO postings ({', '.join(POSTING_COLUMNS)}) VALUES ({marks})", postings
        )

    def finish(self, meta: dict[str, str]) -> None:
        """Indexes, the full-text index, statistics; commit."""
        for sql in (*INDEXES, *fts_ddl()):
            self.conn.execute(sql)
        self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
        self.conn.execute("COMMIT")
        self.conn.execute("ANALYZE")

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # ---- ground truth ----------------------------------------------------------------------
    def ground_truth(self, batch: int = 2000) -> Iterator[bytes]:
        """Every job with its postings, one JSON line each (codes as codes, dates ISO, booleans
        as true/false, skills as lists), in job order."""
        job_cols = ", ".join(("rowid", *JOB_FIELDS))
        post_cols = ", ".join(("job", *POSTING_FIELDS))
        last = 0
        while True:
            with self.lock:
                jobs = self.conn.execute(
                    f"SELECT {job_cols} FROM jobs WHERE rowid > ? ORDER BY rowid LIMIT ?",
                    (last, batch),
                ).fetchall()
                if not jobs:
                    return
                posts = self.conn.execute(
                    f"SELECT {post_cols} FROM postings WHERE job > ? AND job <= ? "
                    "ORDER BY job, rowid",
                    (last, jobs[-1][0]),
                ).fetchall()
            by_job: dict[int, list[dict[str, Any]]] = {}
            for row in posts:
                by_job.setdefault(row[0], []).append(_plain(POSTING_FIELDS, row[1:]))
            for row in jobs:
                doc = _plain(JOB_FIELDS, row[1:])
                doc["postings"] = by_job.get(row[0], [])
                yield orjson.dumps(doc) + b"\n"
            last = jobs[-1][0]


def _plain(names: tuple[str, ...], values: tuple[Any, ...]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for name, value in zip(names, values, strict=True):
        if value is not None and name in _CODES:
            value = orjson.loads(value)
        elif value is not None and name in _BOOLS:
            value = bool(value)
        doc[name] = value
    return doc
