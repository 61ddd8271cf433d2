"""The request journal of replicas on several hosts: one Redis stream for all of them.

Each process writes its entries in batches (one pipelined XADD per entry, every
`FLUSH_EVERY`), as the file journal does; an entry carries the real time it was answered.
A listing reads the stream into the journal's own SQLite table in that order, so it
interleaves the replicas' requests as they were answered (across hosts, as far as their
clocks agree), and filters, pages and counts it as any journal does.
"""

from __future__ import annotations

import os
import time
from time import time as real_time
from typing import TYPE_CHECKING, Any

import orjson

from jobfakes.core.journal import FLUSH_EVERY, JOURNAL_SIZE, Entry, Journal

if TYPE_CHECKING:
    import redis


class RedisJournal(Journal):
    """`Journal` kept in the Redis stream `key` (trimmed to about `size` entries)."""

    def __init__(self, url: str, key: str, size: int = JOURNAL_SIZE):
        super().__init__(size)
        self.url, self.key = url, key
        self._client: tuple[int, redis.Redis] | None = None
        self._timed: list[Entry] = []
        self._retry_at = 0.0  # after Redis was unreachable: wait a second before trying again

    @property
    def redis(self) -> redis.Redis:
        client = self._client
        if client is None or client[0] != os.getpid():  # a new client after a fork
            import redis

            client = (os.getpid(), redis.Redis.from_url(self.url))
            self._client = client
        return client[1]

    def _keep(self, entry: Entry) -> None:
        with self._lock:
            self._timed.append(entry)
            self._ensure_flusher()

    def _flush(self) -> None:
        if real_time() < self._retry_at:
            return
        with self._lock:
            batch, self._timed = self._timed, []
        if not batch:
            return
        import redis

        pipe = self.redis.pipeline(transaction=False)
        for entry in batch:
            pipe.xadd(self.key, {"e": orjson.dumps(entry)}, maxlen=self.size, approximate=True)
        try:
            pipe.execute()
        except redis.ConnectionError:  # Redis away: keep the entries for the next flush
            self._retry_at = real_time() + 1
            with self._lock:
                self._timed[:0] = batch[-self.size :]

    def _settle(self) -> None:
        """Every replica's entries, read from the stream into the local table."""
        self._flush()
        time.sleep(2 * FLUSH_EVERY)  # every process has written what it had by then
        rows: Any = self.redis.xrevrange(self.key, count=self.size)
        entries = [orjson.loads(fields[b"e"]) for _, fields in rows[::-1]]
        entries.sort(key=lambda e: e[-1])  # when answered; stable: stream order on ties
        with self._lock:
            self._empty_table()
            self._pending.extend(tuple(e) for e in entries)
            self._write()

    def clear(self) -> None:
        with self._lock:
            self._timed = []
        self.redis.delete(self.key)
        super().clear()
