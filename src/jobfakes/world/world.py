"""One Norwegian world: generated history, a clock, and the steps that fall due as it moves."""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import orjson

from jobfakes.world.clock import Clock, ClockMode
from jobfakes.world.generate import Generator, Planned, make_uuid
from jobfakes.world.image import decompressing
from jobfakes.world.model import (
    MUTABLE_FIELDS,
    PRIVACIES,
    STATUSES,
    Ad,
    feed_snapshot,
    field_problem,
)
from jobfakes.world.steps import ad_row, apply_step, pending_row
from jobfakes.world.store import Store
from jobfakes.world.times import DAY, US

if TYPE_CHECKING:
    from jobfakes.world.history import SlotRows

# (task, done, total or None): called as long work goes on, for a progress display
Progress = Callable[[str, int, int | None], None]

_BATCH = 2000
SNAPSHOT_LIMIT = 20_000  # ads: bigger worlds are rebuilt on reset instead of kept twice


class WorldError(ValueError):
    """A request to change the world that cannot be carried out (bad field, time travel)."""


class ChangeLog(Protocol):
    """An ordered log of the world's changes shared by replicas (world/changelog.py)."""

    def applying(self) -> bool: ...
    def write(self, verb: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any: ...
    def catch_up(self) -> None: ...


_Verb = TypeVar("_Verb", bound=Callable[..., Any])


def _logged(verb: _Verb) -> _Verb:
    """A change to the world: with a change log (replicas), it is appended to the log and
    carried out when the log is applied, in log order, on every replica."""

    @functools.wraps(verb)
    def logged(self: World, *args: Any, **kwargs: Any) -> Any:
        if self.log is None or self.log.applying():
            return verb(self, *args, **kwargs)
        return self.log.write(verb.__name__, args, kwargs)

    return logged  # type: ignore[return-value]


@dataclass(frozen=True)
class WorldConfig:
    seed: int = 1
    ads: int = 5000
    start: int = 0  # microseconds; 0 means the embedded default instant
    clock: ClockMode = "frozen"
    db: str | None = None


DEFAULT_START = 1_764_576_000_000_000  # 2025-12-01T08:00:00Z


def embedded(config: WorldConfig) -> Future[bytes] | None:
    """The shipped image of the default world, if `config` asks for that world."""
    default = WorldConfig()
    if (config.seed, config.ads, config.start or DEFAULT_START) != (
        default.seed,
        default.ads,
        DEFAULT_START,
    ):
        return None
    return decompressing()


def begin_world(config: WorldConfig, progress: Progress | None = None) -> Callable[[], World]:
    """Set a new in-memory world building (in worker processes when it is big) and return the
    call that finishes it, so that the caller can do other work, such as loading its web
    stack, meanwhile. The default world is decompressed from its image instead. A file world
    may already exist, and is left to `World` to decide."""
    if config.db is not None:
        return lambda: World(config, progress=progress)
    start = config.start or DEFAULT_START
    pending = embedded(config)
    if pending is not None:
        return lambda: World(config, image=pending.result(), progress=progress)
    from jobfakes.world.history import history  # process pools: only when generating

    generator = Generator(config.seed, config.ads, start)
    rows = history(generator, start)
    return lambda: World(config, generator, rows, progress=progress)


class World:
    """The ground truth every NAV fake reads. Thread-safe; state lives in its SQLite store."""

    def __init__(
        self,
        config: WorldConfig,
        generator: Generator | None = None,
        rows: Iterator[SlotRows] | None = None,
        image: bytes | None = None,
        use_image: bool = True,
        progress: Progress | None = None,
    ):
        """Build the world of `config`, or take the generator and the history rows that
        `begin_world` has already set going, or the embedded default world's `image`.
        `progress` hears how a build or a long clock move is getting on."""
        self.config = config
        self.start = config.start or DEFAULT_START
        self.generator = generator or Generator(config.seed, config.ads, self.start)
        self.store = Store(config.db)
        self.clock = Clock(self.start, config.clock)
        self.version = 0  # bumped by every change this process makes or sees
        self._lock = threading.RLock()
        self._pristine: sqlite3.Connection | None = None
        self._dirty = False  # changed since built or reset
        self._data_version = (-1, -1)
        self._next_due: int | None = None
        self._admin_count = 0
        self._use_image = use_image
        self._depth = 0  # open transactions: a change-log entry holds one around its change
        self.log: ChangeLog | None = None  # set by a replica (world/changelog.py)
        self.progress = progress
        if self.store.meta("identity") != self._identity():
            self._build(rows, image)
        self._reload()

    # ---- building -------------------------------------------------------------------------
    def _identity(self) -> str:
        return f"{self.config.seed}|{self.config.ads}|{self.start}"

    def _build(self, rows: Iterator[SlotRows] | None = None, image: bytes | None = None) -> None:
        if rows is None and image is None and self._use_image:
            pending = embedded(self.config)
            image = None if pending is None else pending.result()
        if image is None:
            self._generate(rows)
            return
        with self._lock:
            self.store.load(image)
        with self._transaction(snapshot=False):
            self.store.set_meta("clock", Clock(self.start, self.config.clock).as_state())

    def _generate(self, rows: Iterator[SlotRows] | None) -> None:
        from jobfakes.world.history import history

        gen, store = self.generator, self.store
        with self._transaction(snapshot=False):
            for table in ("ads", "events", "pending", "meta", "revoked"):
                store.conn.execute(f"DELETE FROM {table}")
            store.begin_bulk()
            total = gen.history_chunks  # history() yields one row set a chunk
            for done, (ad_rows, slot_events, pending_rows) in enumerate(
                rows or history(gen, self.start), 1
            ):
                store.put_ads(ad_rows)
                store.add_pending(pending_rows)
                store.stage_events(slot_events)
                if self.progress:
                    self.progress("building the NAV world", done, total)
            store.end_bulk()
            store.set_meta("generated_through", str(gen.history_slots - 1))
            store.set_meta("clock", Clock(self.start, self.config.clock).as_state())
            store.set_meta("admin_count", "0")
            store.set_meta("identity", self._identity())

    def _apply(self, steps: list[Planned], docs: dict[str, Ad], store: Store) -> None:
        """Apply steps in order: update ads, append one feed event per step that took effect."""
        missing = [s.ad_uuid for s in steps if s.kind != "publish" and s.ad_uuid not in docs]
        if missing:
            docs.update((u, orjson.loads(d)) for u, d in store.ad_docs(missing).items())
        events, touched = [], {}
        for step in steps:
            ad = apply_step(docs, step)
            if ad is None:
                continue
            touched[step.ad_uuid] = ad
            events.append((step.event_id, step.ad_uuid, step.time, *feed_snapshot(ad)))
        store.add_events(events)
        store.put_ads(ad_row(ad) for ad in touched.values())

    # ---- keeping up with the clock --------------------------------------------------------
    def sync(self) -> None:
        """Call before reading: see other workers' changes, apply steps that fell due."""
        if self.log is not None:  # other replicas' changes first
            self.log.catch_up()
        if self.store.path != ":memory:" and self.store.data_version() != self._data_version:
            self._reload()
        if self._next_due is not None and self.clock.now() >= self._next_due:
            with self._transaction():
                self._apply_due(self.clock.now())

    def _reload(self) -> None:
        with self._lock:
            self._read_state()
            self._data_version = self.store.data_version()
            self.version += 1

    def _read_state(self) -> None:
        """What this process keeps of the shared state: the clock, the admin counter and
        the schedule."""
        state = self.store.meta("clock")
        if state is None:  # still being built
            return
        self.clock = Clock.from_state(state)
        self._admin_count = int(self.store.meta("admin_count") or 0)
        self._schedule()

    def _schedule(self) -> None:
        generated = int(self.store.meta("generated_through") or 0)
        next_slot = self.generator.origin + (generated + 1) * DAY + 1  # slots start after it
        pending = self.store.next_pending_time()
        self._next_due = next_slot if pending is None else min(pending, next_slot)

    def _apply_due(self, now: int) -> None:
        gen, store = self.generator, self.store
        generated = first = int(store.meta("generated_through") or 0)
        days = max(0, -(-(now - gen.origin) // DAY) - 1 - generated)
        while gen.origin + (generated + 1) * DAY < now:
            generated += 1
            store.add_pending(pending_row(step) for steps in gen.slot(generated) for step in steps)
            if self.progress and days > 1:
                self.progress("moving the clock: new days", generated - first, days)
        store.set_meta("generated_through", str(generated))
        applied = 0
        while rows := store.take_pending(now, _BATCH):
            steps = [Planned(t, o, k, u, e, orjson.loads(d)) for t, o, k, u, e, d in rows]
            self._apply(steps, {}, store)
            applied += len(steps)
            if self.progress and days > 1:
                self.progress("moving the clock: changes applied", applied, None)
        if self.progress and days > 1:  # the end, now that the total is known
            self.progress("moving the clock: changes applied", applied, applied)

    @contextmanager
    def _transaction(self, snapshot: bool = True) -> Iterator[None]:
        """One write: commit, then let caches and schedule know. Before the first write to a
        small in-memory world, keep a copy of it for `reset` (bigger ones are rebuilt)."""
        with self._lock:
            if self._depth:  # inside a change-log entry's transaction: one commit for both
                yield
                return
            if (
                snapshot
                and self._pristine is None
                and not self._dirty
                and self.store.path == ":memory:"
                and self.config.ads <= SNAPSHOT_LIMIT
            ):
                self._pristine = self.store.snapshot()
            self.store.begin_write()
            self._depth += 1
            try:
                if self.store.path != ":memory:":  # another worker may have written since
                    self._read_state()
                yield
            except BaseException:
                self.store.conn.execute("ROLLBACK")
                raise
            finally:
                self._depth -= 1
            self.store.conn.execute("COMMIT")
            self._dirty = self._dirty or snapshot
            self._schedule()
            self._data_version = self.store.data_version()
            self.version += 1

    # ---- the control plane's verbs ----------------------------------------------------------
    def now(self) -> int:
        return self.clock.now()

    @_logged
    def set_clock(
        self, instant: int | None = None, advance: int = 0, mode: ClockMode | None = None
    ) -> int:
        """Move the clock to `instant`, or by `advance` microseconds, and switch it to `mode`
        (frozen or running) when given; the new time."""
        with self._transaction():
            now = self.clock.now()  # once: a running clock moves between two reads
            if instant is None:
                instant = now + advance
            if instant < now:
                raise WorldError("the clock cannot move backwards: events cannot un-happen")
            self.clock.set(instant)  # a running clock runs on from here, a frozen one stays
            if mode is not None:
                self.clock.mode = mode
            self.store.set_meta("clock", self.clock.as_state())
            self._apply_due(instant)
        return instant

    @_logged
    def reset(self) -> None:
        """Back to the seeded start: the same ads, events and clock as when first built."""
        with self._lock:
            if self._pristine is not None:
                self.store.restore(self._pristine)
            elif self._dirty or self.store.path != ":memory:":  # other workers share a file
                self._build()
            self.store.set_meta("clock", Clock(self.start, self.config.clock).as_state())
            self._dirty = False
            self._reload()

    @_logged
    def revoke(self, fake: str, token: str) -> None:
        """Put a token on a fake's deny-list."""
        with self._transaction():
            self.store.revoke(fake, token)

    @_logged
    def put_entry(self, ns: str, key: str, value: str, replace: bool = True) -> None:
        """Set a shared setting (a key, an account) that every process of this world sees."""
        with self._transaction(snapshot=False):
            self.store.put_entry(ns, key, value, replace)

    @_logged
    def reset_entries(self, ns: str, values: dict[str, str]) -> None:
        """Replace a namespace of shared settings whole."""
        with self._transaction(snapshot=False):
            self.store.clear_entries(ns)
            for key, value in values.items():
                self.store.put_entry(ns, key, value)

    @_logged
    def create_ad(self, fields: dict[str, Any]) -> Ad:
        """Publish a new ad now; fields not given are generated."""
        _check_fields(fields)
        with self._transaction():
            self._admin_count += 1
            self.store.set_meta("admin_count", str(self._admin_count))
            rng = self.generator.rng("admin", self._admin_count)
            now = self.clock.now()
            ad = self.generator.ad(rng, now - now % US)  # published is a whole second
            ad.update(fields)
            self._apply(
                [Planned(now, 0, "publish", ad["uuid"], make_uuid(rng), ad)], {}, self.store
            )
            self._plan_expiry(ad, rng)
        return ad

    @_logged
    def update_ad(self, uuid: str, fields: dict[str, Any]) -> Ad:
        """Change an ad now (any status); one feed event."""
        _check_fields(fields)
        return self._admin_step(uuid, "admin", fields)

    @_logged
    def stop_ad(self, uuid: str) -> Ad:
        """Stop an ad now: it is masked in the feed from this event on."""
        return self._admin_step(uuid, "admin", {"status": "STOPPED"})

    def ad(self, uuid: str) -> Ad | None:
        doc = self.store.ad_doc(uuid)
        return None if doc is None else orjson.loads(doc)  # type: ignore[no-any-return,unused-ignore]

    def _admin_step(self, uuid: str, kind: str, fields: dict[str, Any]) -> Ad:
        with self._transaction():
            if self.store.ad_doc(uuid) is None:
                raise KeyError(uuid)
            self._admin_count += 1
            self.store.set_meta("admin_count", str(self._admin_count))
            rng = self.generator.rng("admin", self._admin_count)
            docs: dict[str, Ad] = {}
            self._apply(
                [Planned(self.clock.now(), 0, kind, uuid, make_uuid(rng), fields)], docs, self.store
            )
            if "expires" in fields:
                self._plan_expiry(docs[uuid], rng)
        return docs[uuid]

    def _plan_expiry(self, ad: Ad, rng: Any) -> None:
        if ad["status"] == "ACTIVE" and ad.get("expires") is not None:
            when = max(ad["expires"], self.clock.now())
            self.store.add_pending(
                [(when, (1 << 62) + self._admin_count, "expire", ad["uuid"], make_uuid(rng), b"{}")]
            )


def _check_fields(fields: dict[str, Any]) -> None:
    if not isinstance(fields, dict):
        raise WorldError("expected a JSON object of ad fields")
    unknown = sorted(set(fields) - MUTABLE_FIELDS)
    if unknown:
        raise WorldError(f"unknown or read-only ad fields: {', '.join(unknown)}")
    for name, value in fields.items():
        problem = field_problem(name, value)
        if problem:
            raise WorldError(problem)
    if "status" in fields and fields["status"] not in STATUSES:
        raise WorldError(f"status must be one of {', '.join(STATUSES)}")
    if "privacy" in fields and fields["privacy"] not in PRIVACIES:
        raise WorldError(f"privacy must be one of {', '.join(PRIVACIES)}")
