"""Run a scenario while the consumer runs, then check what it holds (`verify`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson

from jobfakes.scenario import Control, ScenarioError, load, run
from jobfakes.verify import minimum
from jobfakes.verify.export import read_export
from jobfakes.verify.report import Report, check

Export = str | Path | Callable[[], Iterable[dict[str, Any]]]
Progress = Callable[[str, int, int | None], None]


def verify(
    scenario: str,
    control: Control,
    consumer: Callable[[int], None],
    export: Export,
    tokens: dict[str, str] | None = None,
    on_token: Callable[[str, str], None] | None = None,
    api: str | None = None,
    progress: Progress | None = None,
) -> Report:
    """Run `scenario` with `consumer(n)` at each sync step, then read `export` (a file, or a
    callable returning rows) and compare it with the ground truth of `api` (`API_TRUTHS`; by
    default the scenario's one fake when it names jobfeed or parsebot, else the NAV feeds').
    The journal is cleared at the start, so the cost is the consumer's during the run.
    `progress` (jobfakes.progress) hears of each step and of the ground truth read, a hundred
    ads at a time. The report is also put on the server, for the dashboard."""
    plan = load(scenario)
    api = api or _api_of(plan)
    if api not in API_TRUTHS:
        raise ScenarioError(f"api: one of {', '.join(API_TRUTHS)}, not {api!r}")
    control.call("DELETE", "/requests")
    syncs: list[minimum.Snapshot] = []

    def sync(n: int) -> None:
        syncs.append(minimum.snapshot(control))  # what the consumer must catch up with
        consumer(n)

    run(plan, control, on_sync=sync, tokens=tokens, on_token=on_token, progress=progress)
    control.call("DELETE", "/faults")  # reading the truth must not suffer them
    journal = control.call("GET", "/requests")
    truth = API_TRUTHS[api](control, progress)
    rows = export() if callable(export) else export
    online = sum(1 for t in truth.values() if t["status"] == "ACTIVE")
    needed = _minimum(syncs, journal, online)
    report = check(plan.name, read_export(rows), truth, journal, _waits(plan), needed)
    verdict = "PASS" if report.ok else "FAIL"  # the last report, for the dashboard
    control.call("PUT", "/scenario/report", {**asdict(report), "verdict": verdict})
    return report


def _minimum(
    syncs: list[minimum.Snapshot], journal: list[dict[str, Any]], online: int
) -> dict[str, Any]:
    """The minimum for the API the consumer called most (none for an API without a rule)."""
    calls = Counter(c.get("fake") for c in journal if minimum.measured(str(c.get("fake"))))
    if not calls:
        return {}
    fake = str(calls.most_common(1)[0][0])
    return {"fake": fake, "requests": minimum.minimum_requests(fake, syncs, journal, online)}


def _nav_truth(
    control: Control, shown: Callable[[dict[str, Any]], bool], progress: Progress | None
) -> Truth:
    truth = {}
    ads = control.call("GET", "/ads")
    for done, ad in enumerate(ads, 1):
        detail = control.call("GET", f"/ads/{ad['uuid']}")
        status = ad["status"] if shown(detail) else "INACTIVE"
        truth[ad["uuid"]] = {"status": status, "title": detail.get("title")}
        if progress and (done % 100 == 0 or done == len(ads)):
            progress("verify: ground truth, ads read", done, len(ads))
    return truth


def _parsebot_shows(ad: dict[str, Any]) -> bool:
    """parse.bot (arbeidsplassen's search) shows public ads only: no DIR, no hidden ones."""
    return ad.get("privacy") == "SHOW_ALL" and ad.get("source") != "DIR"


def _jobfeed_truth(control: Control, progress: Progress | None = None) -> Truth:
    """Every job of the Dutch world by job_id: ACTIVE while online, INACTIVE once expired."""
    answer = control.session.get(control.base + "/jobs", headers=control.headers, timeout=300)
    if answer.status_code != 200:
        raise ScenarioError(f"GET /__admin/jobs -> {answer.status_code}: {answer.text[:200]}")
    jobs = (orjson.loads(line) for line in answer.content.splitlines() if line.strip())
    return {
        job["job_id"]: {"status": "INACTIVE" if job.get("expired") else "ACTIVE", "title": None}
        for job in jobs
    }


Truth = dict[str, dict[str, Any]]
API_TRUTHS: dict[str, Callable[[Control, Progress | None], Truth]] = {
    "navfeed": lambda control, progress: _nav_truth(control, lambda ad: True, progress),
    "publicfeed": lambda control, progress: _nav_truth(control, lambda ad: True, progress),
    "parsebot": lambda control, progress: _nav_truth(control, _parsebot_shows, progress),
    "jobfeed": _jobfeed_truth,
}


def _api_of(plan: Any) -> str:
    fakes = set(plan.fakes)
    for api in ("jobfeed", "parsebot"):
        if fakes == {api}:
            return api
    return "navfeed"


def _waits(plan: Any) -> dict[str, float]:
    """Retry-After of each 429 fault the scenario installs, by fault id."""
    waits = {}
    for step in plan.steps:
        if step.action == "faults":
            for fault in step.value if isinstance(step.value, list) else [step.value]:
                if fault.get("status") == 429 and "id" in fault:
                    waits[fault["id"]] = float(fault.get("retry_after", 1))
    return waits
