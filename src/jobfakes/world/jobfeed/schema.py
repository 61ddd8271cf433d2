"""The SQLite schema of the Dutch world (the contract with the query language).

- `jobs`: `rowid` (job number), one column per job-level field, named as the field, plus
  `location_lat`, `location_lon`;
- `postings`: `rowid`, `job` (the job's rowid), one column per posting-level field (same
  conventions; `full_text` is a generated column: the title and every description part);
- `postings_fts`: FTS5 over the posting-level text fields (external content), and
  `postings_vocab`, its `fts5vocab` row table, for fuzzy and leading-wildcard expansion;
- `places`: the real Dutch places a `location` filter may name; `place_names`: the names
  (official, woonplaatsen, aliases; folded) that map to each.
Coded fields hold integer codes, dates ISO `YYYY-MM-DD` text, booleans 0/1, `codes` fields a
JSON array of ids.
"""

from __future__ import annotations

from jobfakes.world.jobfeed.fields import CATALOGUE, JOB_FIELDS, POSTING_FIELDS, TEXT_FIELDS

_SQL_TYPES = {
    "integer": "INTEGER",
    "code": "INTEGER",
    "boolean": "INTEGER",
    "location": "INTEGER",
    "float": "REAL",
    "date": "TEXT",
    "string": "TEXT",
    "text": "TEXT",
    "codes": "TEXT",
}
_GEO = ("location_lat", "location_lon")

JOB_COLUMNS: tuple[str, ...] = ("rowid", *JOB_FIELDS, *_GEO)
"""Columns of `jobs`, in insert order."""
POSTING_COLUMNS: tuple[str, ...] = (
    "job",
    *(f for f in POSTING_FIELDS if f != "full_text"),
    *_GEO,
)
"""Columns of `postings` that are inserted (rowid is assigned; full_text is generated)."""
FULL_TEXT_PARTS = (
    "job_title",
    "job_description",
    "candidate_description",
    "conditions_description",
    "employer_description",
    "application_description",
)


def _column(name: str) -> str:
    return f"{name} {_SQL_TYPES[CATALOGUE[name].type]}"


def ddl() -> str:
    """CREATE statements of the tables (indexes and the full-text index come after loading)."""
    job_cols = ",\n  ".join(_column(f) for f in JOB_FIELDS)
    post_cols = ",\n  ".join(_column(f) for f in POSTING_FIELDS if f != "full_text")
    full_text = " || char(10) || ".join(FULL_TEXT_PARTS)
    return f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE jobs (
  rowid INTEGER PRIMARY KEY,
  {job_cols},
  location_lat REAL, location_lon REAL);
CREATE TABLE postings (
  rowid INTEGER PRIMARY KEY,
  job INTEGER NOT NULL,
  {post_cols},
  location_lat REAL, location_lon REAL,
  full_text TEXT GENERATED ALWAYS AS ({full_text}) VIRTUAL);
CREATE TABLE places (code INTEGER PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL,
  lon REAL NOT NULL, region INTEGER NOT NULL, province INTEGER NOT NULL);
CREATE TABLE place_names (name TEXT PRIMARY KEY, code INTEGER NOT NULL);
"""


def fts_ddl() -> list[str]:
    """The full-text index and its vocabulary table, filled from `postings`."""
    cols = ", ".join(TEXT_FIELDS)
    return [
        f"CREATE VIRTUAL TABLE postings_fts USING fts5({cols}, content='postings', "
        "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
        "INSERT INTO postings_fts(postings_fts) VALUES ('rebuild')",
        "CREATE VIRTUAL TABLE postings_vocab USING fts5vocab(postings_fts, 'row')",
    ]


INDEXES = (
    "CREATE INDEX postings_by_job ON postings (job)",
    "CREATE INDEX jobs_by_date ON jobs (date)",
    "CREATE INDEX postings_by_website ON postings (source_website)",
    "CREATE INDEX postings_by_location ON postings (location)",
    "CREATE INDEX jobs_by_location ON jobs (location)",
)
