"""Progress of long work (world builds, clock moves, contract runs) for people watching.

A `Reporter` is the `(task, done, total)` callback the world and the CLI take. On a terminal it
draws a rich progress bar; elsewhere (a log, CI, a pipe) it writes a plain line now and then
and one when a task ends. Work that ends within `delay` seconds shows nothing, so that small
worlds start as quietly as before.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import IO, Any


class Reporter:
    """`reporter(task, done, total)`: show how `task` is getting on (`total` None if unknown)."""

    def __init__(
        self,
        stream: IO[str] | None = None,
        *,
        delay: float = 0.5,
        interval: float = 2.0,
        bar: bool | None = None,
        clock: Any = time.monotonic,
    ):
        self.stream = stream or sys.stderr
        self.delay, self.interval, self.clock = delay, interval, clock
        self.bar = self.stream.isatty() if bar is None else bar
        self._lock = threading.Lock()
        self._started: dict[str, float] = {}
        self._shown: dict[str, float] = {}
        self._rich: Any = None
        self._bars: dict[str, Any] = {}

    def __call__(self, task: str, done: int, total: int | None) -> None:
        with self._lock:
            now = self.clock()
            started = self._started.setdefault(task, now)
            finished = total is not None and done >= total
            if now - started < self.delay and task not in self._shown:
                if finished:
                    self._started.pop(task, None)
                return
            if self.bar:
                self._draw(task, done, total, finished)
            elif finished or now - self._shown.get(task, -self.interval) >= self.interval:
                self._line(task, done, total, now - started)
                self._shown[task] = now
            if finished:
                self._started.pop(task, None)
                self._shown.pop(task, None)

    def _line(self, task: str, done: int, total: int | None, elapsed: float) -> None:
        if total:
            text = f"{task}: {done}/{total} ({100 * done // total} %), {elapsed:.1f} s"
        else:
            text = f"{task}: {done}, {elapsed:.1f} s"
        self.stream.write(f"jobfakes: {text}\n")
        self.stream.flush()

    def _draw(self, task: str, done: int, total: int | None, finished: bool) -> None:
        from rich.console import Console
        from rich.progress import Progress

        if self._rich is None:
            self._rich = Progress(console=Console(file=self.stream), transient=False)
            self._rich.start()
        if task not in self._bars:
            self._bars[task] = self._rich.add_task(task, total=total)
        self._rich.update(self._bars[task], completed=done, total=total)
        self._shown[task] = self.clock()
        if finished:
            del self._bars[task]
            if not self._bars:
                self._rich.stop()
                self._rich = None

    def close(self) -> None:
        """Stop a bar still drawn (work that ended early)."""
        with self._lock:
            if self._rich is not None:
                self._rich.stop()
                self._rich = None
                self._bars.clear()
