"""A columnar side store of integer and date columns of `jobs` and `postings` (numpy arrays),
read once per column from the SQLite store, so that filters and group-bys over many rows are
array work, not a row lookup or a sort in SQLite."""

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
    """INTEGER and date columns of one table as arrays, loaded on first use (the world never
    changes)."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock, table: str) -> None:
        self.conn = conn
        self.lock = lock
        self.table = table
        self._rowids: Ints | None = None
        self._contiguous = False  # rowids are 1..n: a rowid's position is rowid - 1
        self._columns: dict[str, Column] = {}
        self._ranks: dict[str, Ints] = {}

    def rowids(self) -> Ints:
        """Every row's rowid, ascending (the order of every column)."""
        if self._rowids is None:
            with self.lock:
                sql = f"SELECT rowid FROM {self.table} ORDER BY rowid"
                rows = self.conn.execute(sql).fetchall()
            self._rowids = np.fromiter((r[0] for r in rows), np.int64, len(rows))
            self._contiguous = not rows or (rows[0][0] == 1 and rows[-1][0] == len(rows))
        return self._rowids

    def column(self, name: str, dates: bool = False) -> Column:
        """The column `name`: an INTEGER column, or with `dates` an ISO date column as day
        numbers (days since 1970-01-01)."""
        found = self._columns.get(name)
        if found is None:
            with self.lock:
                sql = f"SELECT {name} FROM {self.table} ORDER BY rowid"
                rows = self.conn.execute(sql).fetchall()
            raw = [r[0] for r in rows]
            present = np.fromiter((v is not None for v in raw), np.bool_, len(raw))
            if dates:
                days = np.array(["NaT" if v is None else v for v in raw], "datetime64[D]")
                values = np.where(present, days.astype(np.int64), 0)
            else:
                values = np.fromiter((0 if v is None else v for v in raw), np.int64, len(raw))
            found = self._columns[name] = Column(values, present)
        return found

    def values(self, name: str, dates: bool) -> tuple[Ints, Mask]:
        """(values, present) of a column (see `column`)."""
        column = self.column(name, dates)
        return column.values, column.present

    def positions(self, rowids: Ints | list[int]) -> Ints:
        """Indexes into the columns of the given rowids."""
        wanted = np.asarray(rowids, np.int64)
        everyone = self.rowids()
        if self._contiguous:
            return wanted - 1
        return np.searchsorted(everyone, wanted).astype(np.int64)

    def rank(self, order: str) -> Ints:
        """Each row's place in `ORDER BY {order}`, by position."""
        found = self._ranks.get(order)
        if found is None:
            with self.lock:
                sql = f"SELECT rowid FROM {self.table} ORDER BY {order}"
                rows = self.conn.execute(sql).fetchall()
            ordered = self.positions(np.fromiter((r[0] for r in rows), np.int64, len(rows)))
            found = np.empty(len(rows), np.int64)
            found[ordered] = np.arange(len(rows), dtype=np.int64)
            self._ranks[order] = found
        return found
