"""`/__admin/scenario` over HTTP (in process): a scenario run's progress and the last
verification report, as the runner and `verify` put them and the dashboard reads them."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.scenario import ScenarioError, load
from tests.conftest import BASE, inprocess
from tests.verify.consumers import Reference

ADMIN = "scenario-admin-token"
PROGRESS = {"name": "stop storm", "step": 2, "steps": 5, "state": "running", "done": 3,
            "total": 9, "action": "stop", "line": "step 1: clock advanced"}  # fmt: skip
REPORT = {"scenario": "stop storm", "verdict": "FAIL",
          "findings": [{"kind": "missing", "count": 1, "examples": ["a-uuid"]}],
          "cost": {"requests": 12, "navfeed 200": 12, "parsebot credits": 0}}  # fmt: skip


@pytest.fixture(scope="module")
def http() -> requests.Session:
    _, session = inprocess(Config(ads=100, jobs=50, fakes=("navfeed",)))
    return session


def records(session: requests.Session) -> dict[str, Any]:
    answer = session.get(f"{BASE}/__admin/scenario")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_nothing_is_shown_before_a_scenario_runs():
    _, session = inprocess(Config(ads=100, jobs=50, fakes=("navfeed",)))
    assert records(session) == {"progress": None, "report": None}


def test_progress_and_report_are_kept_with_the_world_time_they_came_at(http):
    now = http.get(f"{BASE}/__admin/clock").json()["now"]
    answer = http.put(f"{BASE}/__admin/scenario", json=PROGRESS)
    assert answer.status_code == 200 and answer.json() == {**PROGRESS, "at": now}
    answer = http.put(f"{BASE}/__admin/scenario/report", json={**REPORT, "bytes": 5120})
    assert answer.status_code == 200
    shown = records(http)
    assert shown["progress"] == {**PROGRESS, "at": now}
    assert shown["report"] == {**REPORT, "bytes": 5120, "at": now}  # a further field is kept
    later = {**PROGRESS, "step": 5, "state": "finished", "done": 9}
    http.put(f"{BASE}/__admin/scenario", json=later)
    assert records(http)["progress"]["state"] == "finished"
    assert records(http)["report"]["verdict"] == "FAIL"  # the two are kept apart
    assert http.delete(f"{BASE}/__admin/scenario").json() == {"status": "cleared"}
    assert records(http) == {"progress": None, "report": None}


def test_a_reset_forgets_the_run_and_the_report(http):
    http.put(f"{BASE}/__admin/scenario", json=PROGRESS)
    http.put(f"{BASE}/__admin/scenario/report", json=REPORT)
    assert http.post(f"{BASE}/__admin/reset").status_code == 200
    assert records(http) == {"progress": None, "report": None}


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({**PROGRESS, "state": "paused"}, "state"),
        ({k: v for k, v in PROGRESS.items() if k != "name"}, "name"),
        ({**PROGRESS, "name": ""}, "name"),
        ({**PROGRESS, "name": "x" * 201}, "name"),
        ({**PROGRESS, "step": -1}, "step"),
        ({**PROGRESS, "step": "2"}, "step"),
        ({**PROGRESS, "step": True}, "step"),
        ({**PROGRESS, "step": 6}, "step"),
        ({**PROGRESS, "steps": 2.5}, "steps"),
        ({**PROGRESS, "done": 10}, "done"),
        ({**PROGRESS, "line": 3}, "line"),
        ({**PROGRESS, "colour": "red"}, "colour"),
        ([PROGRESS], "body"),
        ("running", "body"),
    ],
)
def test_a_bad_progress_is_a_json_400_naming_the_field(http, body, named):
    answer = http.put(f"{BASE}/__admin/scenario", json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["status"] == 400
    assert answer.json()["message"].startswith(f"{named}:")


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({**REPORT, "verdict": "OK"}, "verdict"),
        ({k: v for k, v in REPORT.items() if k != "cost"}, "cost"),
        ({**REPORT, "cost": [1, 2]}, "cost"),
        ({**REPORT, "findings": {"missing": 1}}, "findings"),
        ({**REPORT, "findings": ["missing"]}, "findings[0]"),
        ({**REPORT, "findings": [{"kind": "missing", "count": -1}]}, "findings[0].count"),
        ({**REPORT, "findings": [{"count": 1}]}, "findings[0].kind"),
        (
            {**REPORT, "findings": [{"kind": "x", "count": 1, "examples": [1]}]},
            "findings[0].examples[0]",
        ),
        ({**REPORT, "scenario": None}, "scenario"),
        ({**REPORT, "cost": {"padding": "x" * 300_000}}, "body"),
    ],
)
def test_a_bad_report_is_a_json_400_naming_the_field(http, body, named):
    answer = http.put(f"{BASE}/__admin/scenario/report", json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"].startswith(f"{named}:")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    route=st.sampled_from(["/__admin/scenario", "/__admin/scenario/report"]),
    changes=st.dictionaries(
        st.sampled_from(
            [
                "name",
                "step",
                "steps",
                "state",
                "done",
                "total",
                "scenario",
                "verdict",
                "findings",
                "cost",
                "line",
                "other",
            ]
        ),
        _JSON,
        max_size=4,
    ),
)
def test_any_body_is_kept_or_refused_with_a_json_400_never_a_500(http, route, changes):
    base = PROGRESS if route == "/__admin/scenario" else REPORT
    answer = http.put(f"{BASE}{route}", json={**base, **changes})
    assert answer.status_code in (200, 400), answer.text
    body = answer.json()
    if answer.status_code == 400:
        assert body["status"] == 400 and ":" in body["message"]
    else:
        key = "progress" if route == "/__admin/scenario" else "report"
        assert records(http)[key] == body


def test_the_scenario_routes_need_the_admin_token():
    app = create_app(Config(ads=100, jobs=50, fakes=("navfeed",), admin_token=ADMIN))
    session = requests.Session()
    session.mount(BASE, WSGIAdapter(app))
    for method, path, body in [("GET", "/__admin/scenario", None),
                               ("PUT", "/__admin/scenario", PROGRESS),
                               ("PUT", "/__admin/scenario/report", REPORT),
                               ("DELETE", "/__admin/scenario", None)]:  # fmt: skip
        answer = session.request(method, BASE + path, json=body)
        assert answer.status_code == 401, (method, path, answer.text)
    session.headers["Authorization"] = f"Bearer {ADMIN}"
    assert records(session) == {"progress": None, "report": None}  # nothing got through
    assert session.put(f"{BASE}/__admin/scenario", json=PROGRESS).status_code == 200


# ---- what the runner and verify put there ---------------------------------------------------
def test_the_runner_reports_each_step_before_it_runs_and_the_end(navfeed_inprocess):
    fake = navfeed_inprocess
    scenario = load("stop-storm")
    seen: list[dict[str, Any]] = []

    def consumer(n: int) -> None:
        seen.append(fake.session.get(fake.url("/__admin/scenario")).json()["progress"])

    fake.admin.run_scenario("stop-storm", on_sync=consumer, tokens={"navfeed": fake.token})
    syncs = [n for n, step in enumerate(scenario.steps, 1) if step.action == "sync"]
    assert [p["step"] for p in seen] == syncs
    assert {p["state"] for p in seen} == {"running"} and {p["action"] for p in seen} == {"sync"}
    assert all(p["name"] == scenario.name and p["steps"] == len(scenario.steps) for p in seen)
    end = fake.session.get(fake.url("/__admin/scenario")).json()["progress"]
    total = sum(step.times for step in scenario.steps)
    assert end["state"] == "finished" and end["step"] == end["steps"] == len(scenario.steps)
    assert end["done"] == end["total"] == total
    assert end["line"].startswith(f"step {len(scenario.steps)}:")


def test_a_run_that_fails_is_shown_failed_at_its_step(navfeed_inprocess, tmp_path):
    fake = navfeed_inprocess
    path = tmp_path / "broken.yaml"
    path.write_text("name: broken\nsteps:\n  - create: 1\n  - remove_fault: no-such-fault\n")
    with pytest.raises(ScenarioError, match="no-such-fault"):
        fake.admin.run_scenario(str(path))
    progress = fake.session.get(fake.url("/__admin/scenario")).json()["progress"]
    assert progress["state"] == "failed" and progress["step"] == 2 and progress["steps"] == 2
    assert "no-such-fault" in progress["error"] and progress["done"] == 1
    assert progress["line"] == "step 1: created 1 ads"


def test_verify_stores_its_report_pass_then_fail(navfeed_inprocess):
    fake = navfeed_inprocess
    consumer = Reference(fake, fake.token)
    tokens = {"navfeed": fake.token}
    report = fake.admin.verify("normal-week", consumer, consumer.rows, tokens, consumer.rotated)
    assert report.ok, report.text()
    stored = fake.session.get(fake.url("/__admin/scenario")).json()
    assert stored["report"]["verdict"] == "PASS" and stored["report"]["findings"] == []
    assert stored["report"]["scenario"] == report.scenario
    assert stored["report"]["cost"] == report.cost
    assert stored["progress"]["state"] == "finished"
    failing = fake.admin.verify("stop-storm", lambda n: None, list, tokens)  # holds nothing
    stored = fake.session.get(fake.url("/__admin/scenario")).json()["report"]
    assert stored["verdict"] == "FAIL" and stored["scenario"] == failing.scenario
    assert [(f["kind"], f["count"]) for f in stored["findings"]] == [
        (f.kind, f.count) for f in failing.findings
    ]
    assert "missing" in {f["kind"] for f in stored["findings"]}
