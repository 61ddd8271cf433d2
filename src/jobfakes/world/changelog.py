"""The world's changes carried across replicas: one ordered log in a Redis stream.

Every replica builds the same world from (seed, ads, start). A change (a clock move, an ad
created, updated or stopped, a reset, a token on a deny-list, any shared entry) is appended to
the stream instead of being made at once; every replica then applies the stream's entries in
stream order, each in one world transaction that also records how far the log has been
applied. So the same log gives the same world on every replica, and a replica that starts
late or restarts catches up from the log before it answers.

A writer appends its change, applies the log up to and including its own entry and answers
with that entry's outcome (read-your-writes). Before every request a replica compares the
stream's length (XLEN, one round trip) with the length it last caught up to.

Workers of one replica share its file: an flock beside the file lets one of them apply the
log at a time, and the outcome of each entry is kept in the file for the worker that wrote it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson

from jobfakes.world.clock import Clock, wall_at
from jobfakes.world.world import WorldError

if TYPE_CHECKING:
    import redis

    from jobfakes.world.world import World

_APPLIED = "log_applied"  # meta: the id of the last log entry applied to this file
_ORIGIN = "log_origin"  # meta: the log this file follows (its shared clock origin)
_RESULTS = "CREATE TABLE IF NOT EXISTS log_results (id TEXT PRIMARY KEY, outcome BLOB NOT NULL)"
_KEEP_RESULTS = 1000
_BATCH = 500
_ENTRY_VERBS = ("put_entry", "reset_entries")  # settings: not part of the reset snapshot


def prefix(world: World) -> str:
    """The Redis keys of one world: replicas of different worlds may share a server."""
    return f"jobfakes:{world.config.seed}:{world.config.ads}:{world.start}"


def _order(entry_id: str) -> tuple[int, int]:
    milliseconds, _, sequence = entry_id.partition("-")
    return int(milliseconds), int(sequence or 0)


class RedisChangeLog:
    """The change log of one world in Redis (`join` it, then `follow` it)."""

    def __init__(self, url: str, world: World):
        self.url = url
        self.world = world
        self.key = f"{prefix(world)}:log"
        self._client: tuple[int, redis.Redis] | None = None
        self._local = threading.local()
        self._lock = threading.Lock()
        self._seen = -1  # the stream's length when this process last caught up
        self._origin = ""  # the log's clock origin (real seconds, as text)
        path = world.store.path
        self._lock_path = None if path == ":memory:" else f"{path}-log.lock"

    @classmethod
    def join(cls, world: World, url: str) -> RedisChangeLog:
        """The log at `url`, with `world` ready to follow it (see `_join`). Settings made
        between this and `follow` (the fakes' configured keys) are this replica's own."""
        log = cls(url, world)
        log._join()
        return log

    def follow(self) -> None:
        """From now on, the world's changes go through the log; catch up with it first."""
        self.world.log = self
        self.catch_up()

    @property
    def redis(self) -> redis.Redis:
        client = self._client
        if client is None or client[0] != os.getpid():  # a new client after gunicorn forks
            import redis

            client = (os.getpid(), redis.Redis.from_url(self.url))
            self._client = client
        return client[1]

    def applying(self) -> bool:
        """Whether this thread is applying the log (its changes are then made, not logged)."""
        return bool(getattr(self._local, "on", False))

    # ---- joining: one clock origin for every replica ------------------------------------
    def _join(self) -> None:
        """Take the log's clock origin (the first replica sets it): a running clock runs from
        the same real instant on every replica. A file that followed another log (Redis was
        emptied) goes back to the seeded start first."""
        import redis

        origin_key = f"{prefix(self.world)}:origin"
        try:
            self.redis.set(origin_key, repr(time.time()), nx=True)
        except redis.ConnectionError as error:  # at start: say so plainly (cli: usage error)
            where = urlsplit(self.url).netloc.rpartition("@")[2]  # never its password
            raise ValueError(f"--redis-url: cannot reach Redis at {where}: {error}") from None
        origin: Any = self.redis.get(origin_key)
        assert origin is not None
        text = self._origin = origin.decode()
        world = self.world
        with self._file_lock():
            followed = world.store.meta(_ORIGIN)
            if followed == text:
                return
            if followed is not None:
                with self._applying(), wall_at(float(text)):
                    world.reset()
            with world._transaction(snapshot=False):
                clock = Clock(world.start, world.config.clock, float(text))
                world.store.set_meta("clock", clock.as_state())
                world.store.set_meta(_ORIGIN, text)
                world.store.set_meta(_APPLIED, "0-0")
            world.clock = clock

    # ---- writing and catching up -------------------------------------------------------
    def write(self, verb: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Append a change, apply the log through it, and give its outcome."""
        change = {"verb": verb, "args": args, "kwargs": kwargs, "wall": time.time()}
        entry = self.redis.xadd(self.key, {"change": orjson.dumps(change)})
        entry_id = entry.decode() if isinstance(entry, bytes) else str(entry)
        self._catch_up()
        row = self.world.store.conn.execute(
            "SELECT outcome FROM log_results WHERE id = ?", (entry_id,)
        ).fetchone()
        if row is None:
            raise RuntimeError(f"change-log entry {entry_id} was applied, its outcome is lost")
        outcome = orjson.loads(row[0])
        if "error" in outcome:
            kind = KeyError if outcome["error"] == "KeyError" else WorldError
            raise kind(outcome["message"])
        return outcome["value"]

    def catch_up(self) -> None:
        """Apply what other replicas have appended; one XLEN when there is nothing new, so
        whatever was acknowledged before a request arrived is seen by it. Each request makes
        its own check: sharing one among requests that arrive together (a check that began
        after they arrived) saves calls but makes a request wait up to two round trips, and
        on the shared machine the two measured alike (docs/benchmarks.md)."""
        if self.redis.xlen(self.key) != self._seen:
            self._catch_up()

    def _catch_up(self) -> None:
        with self._lock, self._file_lock():
            while True:
                after = self.world.store.meta(_APPLIED) or "0-0"
                pipe = self.redis.pipeline(transaction=True)
                pipe.xlen(self.key)
                pipe.xrange(self.key, min=f"({after}", max="+", count=_BATCH)
                length, entries = pipe.execute()
                for entry_id, fields in entries:
                    self._apply(entry_id.decode(), orjson.loads(fields[b"change"]))
                if len(entries) < _BATCH:
                    self._seen = int(length)
                    return

    def _apply(self, entry_id: str, change: dict[str, Any]) -> None:
        world, verb = self.world, change["verb"]
        with self._applying(), wall_at(float(change["wall"])):
            if verb == "reset":  # rebuilds the file: not one transaction (the flock is held)
                if _order(entry_id) <= _order(world.store.meta(_APPLIED) or "0-0"):
                    return
                world.reset()
                with world._transaction(snapshot=False):
                    world.store.set_meta(_ORIGIN, self._origin)  # a rebuilt file forgot it
                    self._mark(entry_id, {"value": None})
                return
            with world._transaction(snapshot=verb not in _ENTRY_VERBS):
                applied = world.store.meta(_APPLIED) or "0-0"
                if _order(entry_id) <= _order(applied):  # another worker was first
                    return
                try:
                    outcome = {"value": getattr(world, verb)(*change["args"], **change["kwargs"])}
                except KeyError as error:
                    outcome = {"error": "KeyError", "message": error.args[0]}
                except WorldError as error:
                    outcome = {"error": "WorldError", "message": str(error)}
                self._mark(entry_id, outcome)

    def _mark(self, entry_id: str, outcome: dict[str, Any]) -> None:
        conn = self.world.store.conn
        conn.execute(_RESULTS)  # again after a reset: a world image replaces the file whole
        conn.execute(
            "INSERT OR REPLACE INTO log_results VALUES (?, ?)", (entry_id, orjson.dumps(outcome))
        )
        conn.execute(
            "DELETE FROM log_results WHERE rowid <= (SELECT max(rowid) FROM log_results) - ?",
            (_KEEP_RESULTS,),
        )
        self.world.store.set_meta(_APPLIED, entry_id)

    @contextlib.contextmanager
    def _applying(self) -> Iterator[None]:
        self._local.on = True
        try:
            yield
        finally:
            self._local.on = False

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        """One worker of a replica at a time applies the log to their shared file."""
        if self._lock_path is None:
            yield
            return
        with open(self._lock_path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
