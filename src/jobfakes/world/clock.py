"""The world's one clock: frozen (moves only when told) or running (follows real seconds)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

ClockMode = Literal["frozen", "running"]

# The real time a replica applies a logged change at: the time its writer took it, so that a
# running clock moves the same way on every replica (world/changelog.py). None = now.
_WALL: ContextVar[float | None] = ContextVar("jobfakes_wall", default=None)


def wall() -> float:
    """Real seconds: now, or the writer's time while a logged change is applied."""
    at = _WALL.get()
    return time.time() if at is None else at


@contextmanager
def wall_at(seconds: float) -> Iterator[None]:
    """Read real time as `seconds` inside the block (this thread or task only)."""
    token = _WALL.set(seconds)
    try:
        yield
    finally:
        _WALL.reset(token)


@dataclass
class Clock:
    """World time in microseconds. Running mode adds the real seconds passed since `anchor`."""

    anchor: int
    mode: ClockMode = "frozen"
    wall_anchor: float = 0.0

    def __post_init__(self) -> None:
        if self.mode == "running" and not self.wall_anchor:
            self.wall_anchor = wall()

    def now(self) -> int:
        if self.mode == "frozen":
            return self.anchor
        return self.anchor + int((wall() - self.wall_anchor) * 1_000_000)

    def set(self, instant: int) -> None:
        """Jump to an instant; a running clock keeps running from there."""
        self.anchor = instant
        self.wall_anchor = wall()

    def as_state(self) -> str:
        return f"{self.anchor}|{self.mode}|{self.wall_anchor!r}"

    @classmethod
    def from_state(cls, state: str) -> Clock:
        anchor, mode, wall = state.split("|")
        if mode not in ("frozen", "running"):
            raise ValueError(f"bad clock mode {mode!r}")
        return cls(int(anchor), mode, float(wall))  # type: ignore[arg-type]
