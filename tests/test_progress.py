"""Progress of long work: what the world reports and how `Reporter` shows it (issue 16)."""

from __future__ import annotations

import io

from jobfakes.progress import Reporter
from jobfakes.world.times import DAY
from jobfakes.world.world import World, WorldConfig


class Ticks:
    """A clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_a_world_build_and_a_clock_move_report_their_steps():
    heard: list[tuple[str, int, int | None]] = []
    world = World(WorldConfig(seed=3, ads=2500), progress=lambda *step: heard.append(step))
    build = [s for s in heard if s[0] == "building the NAV world"]
    assert build and build[-1][1] == build[-1][2]  # ends at its total
    assert [s[1] for s in build] == list(range(1, len(build) + 1))
    heard.clear()
    world.set_clock(advance=3 * DAY)
    days = [s for s in heard if s[0] == "moving the clock: new days"]
    assert [s[1:] for s in days] == [(1, 3), (2, 3), (3, 3)]
    applied = [s for s in heard if s[0] == "moving the clock: changes applied"]
    daily = 1000 * 2500 // 29000  # the scaled daily rate of new ads
    assert applied[-1][1] == applied[-1][2] > 3 * daily  # 3 days of new ads and more
    heard.clear()
    world.set_clock(advance=DAY // 4)  # short moves say nothing
    assert heard == []


def test_plain_lines_off_a_terminal_at_most_every_interval_and_at_the_end():
    out = io.StringIO()
    report = Reporter(out, delay=0, interval=2.5, clock=Ticks())
    for done in range(1, 11):
        report("building the NAV world", done, 10)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("jobfakes: building the NAV world: 1/10 (10 %)")
    assert lines[-1].startswith("jobfakes: building the NAV world: 10/10 (100 %)")
    assert 3 <= len(lines) <= 5  # not one a step


def test_quick_work_stays_quiet():
    out = io.StringIO()
    report = Reporter(out, delay=60, clock=Ticks())
    for done in range(1, 6):
        report("moving the clock: new days", done, 5)
    assert out.getvalue() == ""


def test_a_bar_on_a_terminal():
    out = io.StringIO()
    report = Reporter(out, delay=0, bar=True, clock=Ticks())
    for done in range(1, 5):
        report("building the Jobfeed world", done, 4)
    report.close()
    assert "building the Jobfeed world" in out.getvalue()
    assert "100%" in out.getvalue()
