"""Fault counts across replicas (issue 15): with `--redis-url` the fault list replicates
through the change log and its counts are one Redis counter each, so "the next 3 matching
calls" are 3 across every replica. Real processes: redis-server and two `jobfakes serve`."""

from __future__ import annotations

import time

import pytest
import requests

from tests.scaling.replicas import redis_server, replicas

FAULT = {"id": "three-503", "kind": "status", "status": 503, "fake": "navfeed",
         "path": "/api/v1/feed*", "count": 3}  # fmt: skip


def _listed(base: str) -> list[dict]:
    answer = requests.get(base + "/__admin/faults", timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["faults"]


@pytest.mark.parametrize("spread", ["alternating", "mostly-second"])
def test_a_fault_with_count_3_is_taken_3_times_across_two_replicas(tmp_path, spread):
    with redis_server() as url, replicas(tmp_path, url, count=2) as group:
        made = requests.post(group[0].base + "/__admin/faults", json=FAULT, timeout=30)
        assert made.status_code in (200, 201), made.text
        deadline = time.monotonic() + 30
        while not _listed(group[1].base):  # the list comes through the change log
            assert time.monotonic() < deadline, "the fault never reached the second replica"
            time.sleep(0.05)
        order = [n % 2 for n in range(10)] if spread == "alternating" else [0] + [1] * 9
        codes = [
            requests.get(group[r].base + "/api/v1/feed", timeout=30).status_code for r in order
        ]
        assert codes.count(503) == 3, codes
        if spread == "mostly-second":  # the first call was the first replica's
            assert [r for r, c in zip(order, codes, strict=True) if c == 503] == [0, 1, 1]
        counts = [
            {k: fault[k] for k in ("id", "matched", "taken")}
            for replica in group
            for fault in _listed(replica.base)
        ]
        assert counts == [{"id": "three-503", "matched": 10, "taken": 3}] * 2, counts
        journal = requests.get(group[1].base + "/__admin/requests", timeout=30).json()
        assert sum(1 for e in journal if e["fault"] == "three-503") == 3
