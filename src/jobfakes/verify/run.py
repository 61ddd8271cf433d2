"""Run a scenario while the consumer runs, then check what it holds (`verify`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from jobfakes.scenario import Control, load, run
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
    progress: Callable[[str, int, int | None], None] | None = None,
) -> Report:
    """Run `scenario` with `consumer(n)` at each sync step, then read `export` (a file, or a
    callable returning rows) and compare it with the ground truth. The journal is cleared at
    the start, so the cost is the consumer's during the run. `progress` (jobfakes.progress)
    hears of each step and of the ground truth read, a hundred ads at a time."""
    plan = load(scenario)
    control.call("DELETE", "/requests")
    run(plan, control, on_sync=consumer, tokens=tokens, on_token=on_token, progress=progress)
    control.call("DELETE", "/faults")  # reading the truth must not suffer them
    journal = control.call("GET", "/requests")
    truth = {}
    ads = control.call("GET", "/ads")
    for done, ad in enumerate(ads, 1):
        detail = control.call("GET", f"/ads/{ad['uuid']}")
        truth[ad["uuid"]] = {"status": ad["status"], "title": detail.get("title")}
        if progress and (done % 100 == 0 or done == len(ads)):
            progress("verify: ground truth, ads read", done, len(ads))
    rows = export() if callable(export) else export
    report = check(plan.name, read_export(rows), truth, journal, _waits(plan))
    verdict = "PASS" if report.ok else "FAIL"  # the last report, for the dashboard
    control.call("PUT", "/scenario/report", {**asdict(report), "verdict": verdict})
    return report


def _waits(plan: Any) -> dict[str, float]:
    """Retry-After of each 429 fault the scenario installs, by fault id."""
    waits = {}
    for step in plan.steps:
        if step.action == "faults":
            for fault in step.value if isinstance(step.value, list) else [step.value]:
                if fault.get("status") == 429 and "id" in fault:
                    waits[fault["id"]] = float(fault.get("retry_after", 1))
    return waits
