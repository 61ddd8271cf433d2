"""The world's history before its start instant, built chunk by chunk (in parallel when big).

Each ad's own steps decide its state, so chunks are independent: worker processes build them
and the parent only stores the rows and sorts the feed events into one order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from jobfakes.world.generate import Generator
from jobfakes.world.model import Ad, feed_snapshot
from jobfakes.world.steps import ad_row, apply_step, pending_row
from jobfakes.world.words import warm as warm_words

# (time, order, event id, ad uuid, status, title, businessName, municipal)
EventTuple = tuple[int, int, str, str, str, str, str, str]
AdRow = tuple[str, str, str, int, int | None, bytes]
PendingRow = tuple[int, int, str, str, str, bytes]
SlotRows = tuple[list[AdRow], list[EventTuple], list[PendingRow]]

PARALLEL_FROM = 2000  # ads; below this a process pool costs more than it saves
_worker_generator: Generator | None = None


def chunk_rows(generator: Generator, start: int, chunk: int) -> SlotRows:
    """The stored ads, the feed events up to `start`, and the later steps of one chunk."""
    ads: list[AdRow] = []
    events: list[EventTuple] = []
    later: list[PendingRow] = []
    for steps in generator.history_chunk(chunk):
        docs: dict[str, Ad] = {}
        for step in steps:
            if step.time > start:
                later.append(pending_row(step))
            elif (ad := apply_step(docs, step)) is not None:
                events.append(
                    (step.time, step.order, step.event_id, step.ad_uuid, *feed_snapshot(ad))
                )
        ads.extend(ad_row(ad) for ad in docs.values())
    return ads, events, later


def history(generator: Generator, start: int) -> Iterator[SlotRows]:
    """Rows of every chunk of the history, in order. A big history starts building in
    worker processes at once, so the caller may do other work before it reads the rows."""
    jobs = [(start, chunk) for chunk in range(generator.history_chunks)]
    workers = min(os.cpu_count() or 1, 4)
    if (
        generator.ads < PARALLEL_FROM
        or workers < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return (chunk_rows(generator, *job) for job in jobs)
    generator.employers, generator.people  # noqa: B018 - build the pools once, before forking
    warm_words("nb")
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_adopt,
        initargs=(generator,),
    )
    rows = pool.map(_worker_chunk, jobs, chunksize=max(1, len(jobs) // (8 * workers)))
    return _then_shut_down(pool, rows)


def _then_shut_down(pool: ProcessPoolExecutor, rows: Iterator[SlotRows]) -> Iterator[SlotRows]:
    try:
        yield from rows
    finally:
        pool.shutdown()


def _adopt(generator: Generator) -> None:
    global _worker_generator
    _worker_generator = generator


def _worker_chunk(job: tuple[int, int]) -> SlotRows:
    assert _worker_generator is not None
    return chunk_rows(_worker_generator, *job)
