"""One Dutch Jobfeed world: generated once (in worker processes when big) into a `JobStore`."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

from jobfakes.world.jobfeed.generate import JobGenerator, Row
from jobfakes.world.jobfeed.store import JobStore
from jobfakes.world.words import warm

PARALLEL_FROM = 20_000  # jobs; below this a process pool costs more than it saves
_worker: JobGenerator | None = None


@dataclass(frozen=True)
class DutchWorldConfig:
    seed: int = 1
    jobs: int = 5000
    today: date = date(2025, 12, 1)  # the world clock's date when the world is made


class DutchWorld:
    """The jobs and postings the Jobfeed fake serves; immutable once built."""

    def __init__(
        self,
        config: DutchWorldConfig,
        progress: Callable[[str, int, int | None], None] | None = None,
    ):
        """Generate the world; `progress` (task, done, total) hears of each chunk stored."""
        self.config = config
        self.generator = JobGenerator(config.seed, config.jobs, config.today)
        self.store = JobStore()
        self.store.begin(self.generator.vocab.places, self.generator.vocab.place_names)
        for done, (jobs, postings) in enumerate(_chunks(self.generator), 1):
            self.store.add(jobs, postings)
            if progress:
                progress("building the Jobfeed world", done, self.generator.chunks)
        self.store.finish(
            {"seed": str(config.seed), "jobs": str(config.jobs), "today": config.today.isoformat()}
        )

    def counts(self) -> tuple[int, int]:
        """(jobs, postings)."""
        with self.store.lock:
            row = self.store.conn.execute(
                "SELECT (SELECT count(*) FROM jobs), (SELECT count(*) FROM postings)"
            ).fetchone()
        return int(row[0]), int(row[1])


def _chunks(generator: JobGenerator) -> Iterator[tuple[list[Row], list[Row]]]:
    workers = min(os.cpu_count() or 1, 4)
    if (
        generator.jobs < PARALLEL_FROM
        or workers < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        yield from (generator.chunk(i) for i in range(generator.chunks))
        return
    generator.organisations  # noqa: B018 - build the pool once, before forking
    warm("nl")
    with ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_adopt,
        initargs=(generator,),
    ) as pool:
        # A bounded number of chunks in flight: rows wait in the workers, not in the parent's
        # memory, when storing is slower than generating.
        pending: deque[Future[tuple[list[Row], list[Row]]]] = deque()
        for index in range(generator.chunks):
            pending.append(pool.submit(_work, index))
            if len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _adopt(generator: JobGenerator) -> None:
    global _worker
    _worker = generator


def _work(index: int) -> tuple[list[Row], list[Row]]:
    assert _worker is not None
    return _worker.chunk(index)
