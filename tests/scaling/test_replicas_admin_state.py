"""The dashboard's writes are world state: made on one replica, every replica shows them (two
`jobfakes serve` replicas on their own files, one redis-server; real processes)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from jobfakes.scenario import Control, load, run
from tests.scaling.replicas import Replica, redis_server, replicas


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Replica]]:
    folder: Path = tmp_path_factory.mktemp("replicas")
    with redis_server() as url, replicas(folder, url, count=2) as group:
        yield group


def test_a_clock_switched_on_one_replica_runs_and_stops_on_the_other(pair):
    first, second = pair
    answer = requests.post(f"{first.base}/__admin/clock", json={"mode": "running"})
    assert answer.status_code == 200 and answer.json()["mode"] == "running"
    seen = requests.get(f"{second.base}/__admin/clock").json()
    assert seen["mode"] == "running"
    time.sleep(0.2)
    assert requests.get(f"{second.base}/__admin/clock").json()["now"] != seen["now"]
    frozen = requests.post(f"{second.base}/__admin/clock", json={"mode": "frozen"}).json()
    assert frozen["mode"] == "frozen"
    time.sleep(0.2)
    for replica in pair:  # both stopped at the one instant the freeze was written at
        assert requests.get(f"{replica.base}/__admin/clock").json() == frozen


def test_a_run_reported_to_one_replica_shows_on_the_other(pair, tmp_path):
    """The runner tells whichever replica it reaches; the dashboard may read another."""
    first, second = pair
    path = tmp_path / "two-steps.yaml"
    path.write_text("name: two replicas\nsteps:\n  - create: 1\n  - sync: true\n")
    seen: list[Any] = []

    def consumer(n: int) -> None:
        seen.append(requests.get(f"{second.base}/__admin/scenario").json()["progress"])

    run(load(str(path)), Control(first.base), on_sync=consumer)
    assert [(p["name"], p["step"], p["state"]) for p in seen] == [("two replicas", 2, "running")]
    report = {"scenario": "two replicas", "verdict": "PASS", "findings": [], "cost": {}}
    assert requests.put(f"{second.base}/__admin/scenario/report", json=report).ok
    for replica in pair:
        shown = requests.get(f"{replica.base}/__admin/scenario").json()
        assert shown["progress"]["state"] == "finished"
        assert shown["report"]["verdict"] == "PASS"
