"""What a consumer holds, in a documented shape (docs/verify.md):

- JSON lines, one ad a line: `{"uuid": "...", "status": "ACTIVE" | "INACTIVE",
  "title": "..." | null, "contacts": [...] | null}`;
- or SQLite with a table `ads (uuid, status, title, contacts)`, contacts as JSON text or NULL;
- or the reference client's `Mirror` file (its `content` column holds the ad's contacts).

A uuid that appears twice is kept twice: duplicates are a finding.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Holding:
    """One ad as the consumer shows it."""

    uuid: str
    status: str
    title: str | None = None
    contacts: tuple[Any, ...] | None = None

    @classmethod
    def of(cls, row: dict[str, Any]) -> Holding:
        contacts = row.get("contacts")
        return cls(
            uuid=str(row["uuid"] if "uuid" in row else row["job_id"]),  # Jobfeed: job_id
            status=str(row.get("status", "ACTIVE")).upper(),
            title=row.get("title"),
            contacts=tuple(contacts) if contacts else None,
        )


def read_export(source: str | Path | Iterable[dict[str, Any]]) -> list[Holding]:
    """The holdings of a JSON-lines or SQLite file, or of rows given in process."""
    if not isinstance(source, str | Path):
        return [Holding.of(row) for row in source]
    path = Path(source)
    if path.suffix in (".jsonl", ".json", ".ndjson"):
        lines = path.read_text(encoding="utf-8").splitlines()
        return [Holding.of(json.loads(line)) for line in lines if line.strip()]
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        columns = {row[1] for row in db.execute("PRAGMA table_info(ads)")}
        if "content" in columns:  # the reference Mirror
            rows = db.execute("SELECT uuid, status, title, content FROM ads").fetchall()
            return [Holding(u, s, t, _mirror_contacts(c)) for u, s, t, c in rows]
        rows = db.execute("SELECT uuid, status, title, contacts FROM ads").fetchall()
        return [
            Holding(u, str(s).upper(), t, tuple(json.loads(c)) if c else None)
            for u, s, t, c in rows
        ]
    finally:
        db.close()


def _mirror_contacts(content: str | None) -> tuple[Any, ...] | None:
    if not content:
        return None
    found = json.loads(content).get("contactList")
    return tuple(found) if found else None
