"""Run a scenario while the consumer runs, then check what it holds (`verify`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from jobfakes.scenario import Control, load, run
from jobfakes.verify import minimum
from jobfakes.verify.export import read_export
from jobfakes.verify.report import Report, check

Export = str | Path | Callable[[], Iterable[dict[str, Any]]]


def verify(
    scenario: str,
    control: Control,
    consumer: Callable[[int], None],
    export: Export,
    tokens: dict[str, str] | None = None,
    on_token: Callable[[str, str], None] | None = None,
) -> Report:
    """Run `scenario` with `consumer(n)` at each sync step, then read `export` (a file, or a
    callable returning rows) and compare it with the ground truth. The journal is cleared at
    the start, so the cost is the consumer's during the run."""
    plan = load(scenario)
    control.call("DELETE", "/requests")
    syncs: list[minimum.Snapshot] = []

    def sync(n: int) -> None:
        syncs.append(minimum.snapshot(control))  # what the consumer must catch up with
        consumer(n)

    run(plan, control, on_sync=sync, tokens=tokens, on_token=on_token)
    control.call("DELETE", "/faults")  # reading the truth must not suffer them
    journal = control.call("GET", "/requests")
    truth = {}
    for ad in control.call("GET", "/ads"):
        detail = control.call("GET", f"/ads/{ad['uuid']}")
        truth[ad["uuid"]] = {"status": ad["status"], "title": detail.get("title")}
    rows = export() if callable(export) else export
    needed = _minimum(syncs, journal)
    return check(plan.name, read_export(rows), truth, journal, _waits(plan), needed)


def _minimum(syncs: list[minimum.Snapshot], journal: list[dict[str, Any]]) -> dict[str, Any]:
    """The minimum for the API the consumer called most (none for an API without a rule)."""
    calls = Counter(c.get("fake") for c in journal if minimum.measured(str(c.get("fake"))))
    if not calls:
        return {}
    fake = str(calls.most_common(1)[0][0])
    return {"fake": fake, "requests": minimum.minimum_requests(fake, syncs, journal)}


def _waits(plan: Any) -> dict[str, float]:
    """Retry-After of each 429 fault the scenario installs, by fault id."""
    waits = {}
    for step in plan.steps:
        if step.action == "faults":
            for fault in step.value if isinstance(step.value, list) else [step.value]:
                if fault.get("status") == 429 and "id" in fault:
                    waits[fault["id"]] = float(fault.get("retry_after", 1))
    return waits
