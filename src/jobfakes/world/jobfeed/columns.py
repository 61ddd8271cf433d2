"""A columnar side store of integer columns of `jobs` and `postings` (numpy arrays), read once
per column from the SQLite store, so that group-bys over many rows are array work, not a sort
in SQLite."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Column:
    """One column in rowid order: values (0 where NULL) and which are present."""

    values: Ints
    present: Mask


class Columns:
    """INTEGER columns of one table as arrays, loaded on first use (the world never changes)."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock, table: str) -> None:
        self.conn = conn
        self.lock = lock
        self.table = table
        self._rowids: Ints | None = None
        self._columns: dict[str, Column] = {}

    def rowids(self) -> Ints:
        """Every row's rowid, ascending (the order of every column)."""
        if self._rowids is None:
            with self.lock:
                sql = f"SELECT rowid FROM {self.table} ORDER BY rowid"
                rows = self.conn.execute(sql).fetchall()
            self._rowids = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        return self._rowids

    def column(self, name: str) -> Column:
        """The column `name` (an INTEGER column of the table)."""
        found = self._columns.get(name)
        if found is None:
            with self.lock:
                sql = f"SELECT {name} FROM {self.table} ORDER BY rowid"
                rows = self.conn.execute(sql).fetchall()
            raw = [r[0] for r in rows]
            present = np.fromiter((v is not None for v in raw), np.bool_, len(raw))
            values = np.fromiter((0 if v is None else v for v in raw), np.int64, len(raw))
            found = self._columns[name] = Column(values, present)
        return found

    def positions(self, rowids: list[int]) -> Ints:
        """Indexes into the columns of the given rowids."""
        wanted = np.fromiter(rowids, np.int64, len(rowids))
        return np.searchsorted(self.rowids(), wanted).astype(np.int64)
