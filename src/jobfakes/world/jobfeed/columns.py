"""A columnar side store of integer and date columns of `jobs` and `postings` (numpy arrays),
read once per column from the SQLite store, so that filters and group-bys over many rows are
array work, not a row lookup or a sort in SQLite."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
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

    def _ints(self, expressions: list[str], order: str = "rowid") -> list[Ints]:
        """Integer SQL expressions over every row, in `order`, in one scan: one text per
        expression from SQLite, parsed by numpy (no Python object per row)."""
        named = ", ".join(f"{e} AS v{i}" for i, e in enumerate(expressions))
        joined = ", ".join(f"group_concat(v{i})" for i in range(len(expressions)))
        sql = f"SELECT {joined} FROM (SELECT {named} FROM {self.table} ORDER BY {order})"
        with self.lock:
            row = self.conn.execute(sql).fetchone()
        return [np.fromstring(text or "", dtype=np.int64, sep=",") for text in row]

    def rowids(self) -> Ints:
        """Every row's rowid, ascending (the order of every column)."""
        if self._rowids is None:
            self._adopt_rowids(self._ints(["rowid"])[0])
        assert self._rowids is not None
        return self._rowids

    def _adopt_rowids(self, found: Ints) -> None:
        self._contiguous = bool(not len(found) or (found[0] == 1 and found[-1] == len(found)))
        self._rowids = found

    def column(self, name: str, dates: bool = False) -> Column:
        """The column `name`: an INTEGER column, or with `dates` an ISO date column as day
        numbers (days since 1970-01-01)."""
        if name not in self._columns:
            self.load([(name, dates)])
        return self._columns[name]

    def load(self, names: Iterable[tuple[str, bool]]) -> None:
        """Load the columns (name, dates) not yet loaded, in one scan of the table."""
        wanted = sorted({(n, d) for n, d in names if n not in self._columns})
        expressions = []
        for name, dates in wanted:
            value = f"CAST(julianday({name}) - 2440587.5 AS INTEGER)" if dates else name
            expressions += [f"ifnull({value}, 0)", f"{value} IS NOT NULL"]
        if not wanted:
            return
        if self._rowids is None:  # in the same scan
            expressions.append("rowid")
        arrays = self._ints(expressions)
        if self._rowids is None:
            self._adopt_rowids(arrays[-1])
        for index, (name, _) in enumerate(wanted):
            values, present = arrays[2 * index], arrays[2 * index + 1].astype(np.bool_)
            self._columns[name] = Column(values, present)

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
            ordered = self.positions(self._ints(["rowid"], order)[0])
            found = np.empty(len(ordered), np.int64)
            found[ordered] = np.arange(len(ordered), dtype=np.int64)
            self._ranks[order] = found
        return found
