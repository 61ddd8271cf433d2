"""The dashboard's writes are world state: made on one replica, every replica shows them (two
`jobfakes serve` replicas on their own files, one redis-server; real processes)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

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
