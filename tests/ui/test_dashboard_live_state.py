"""The dashboard's live world state in a real browser (Debian's headless Chromium through
Selenium) against a live `jobfakes serve` with an admin token: the clock switched between
running and frozen from the page, a scenario's progress and its verification report.
JOBFAKES_SCREENSHOTS=1 refreshes docs/screenshots/."""

from __future__ import annotations

import time
from typing import Any

import requests
from selenium.webdriver.common.by import By

from jobfakes.scenario import Control
from jobfakes.verify import verify
from tests.scaling.servers import Server
from tests.ui import test_dashboard_browser as base
from tests.ui.test_dashboard_browser import ADMIN, logged_in, photograph, text, until

# The browser module's fixtures, for this module: its own server, browser and screenshots.
server, admin, browser, shots = base.server, base.admin, base.browser, base.shots


def shown(browser: Any, element_id: str) -> str:
    """What an element shows, "" while the live view has not drawn it yet."""
    found = browser.execute_script(
        "const node = document.getElementById(arguments[0]); return node ? node.innerText : ''",
        element_id,
    )
    return str(found)


def clock(admin: requests.Session, server: Server) -> dict[str, str]:
    answer = admin.get(f"{server.base}/__admin/clock")
    assert answer.status_code == 200, answer.text
    body: dict[str, str] = answer.json()
    return body


def test_the_page_lets_the_clock_run_and_freezes_it(browser, server, admin):
    logged_in(browser, server)
    switch = browser.find_element(By.ID, "clock-switch")
    until(browser, lambda: text(browser, "clock-mode") == "frozen")
    assert switch.text == "Let the clock run"
    switch.click()
    until(browser, lambda: text(browser, "clock-mode") == "running")
    assert clock(admin, server)["mode"] == "running"
    shown = text(browser, "header-now")
    until(browser, lambda: text(browser, "header-now") != shown)  # the page's clock ticks
    assert switch.text == "Freeze the clock"
    switch.click()
    until(browser, lambda: text(browser, "clock-mode") == "frozen")
    frozen = clock(admin, server)
    assert frozen["mode"] == "frozen"
    time.sleep(1.2)  # more than the page's poll and more than the clock's resolution
    assert clock(admin, server) == frozen  # stopped where the page froze it
    until(browser, lambda: text(browser, "clock-now") == frozen["now"])
    assert text(browser, "header-mode") == "frozen"
    assert "frozen" in text(browser, "clock-msg")


SCENARIO = """name: dashboard storm
seed: 3
steps:
  - create: 3
  - advance: PT1H
    times: 2
  - stop: 2
  - sync: true
  - create: 1
"""


def test_a_running_scenario_and_its_verification_report_show_on_the_page(
    browser, server, admin, shots, tmp_path
):
    """A client runs `verify` against the server; at its sync step (the consumer's turn) the
    page shows the run at that step, and at the end the run finished and the report."""
    path = tmp_path / "storm.yaml"
    path.write_text(SCENARIO)
    logged_in(browser, server, "faults")
    until(browser, lambda: browser.find_element(By.ID, "scenarios-card").is_displayed())
    control = Control(server.base, admin_token=ADMIN)
    mid_run: list[str] = []
    token = {"Authorization": f"Bearer {server.line('navfeed token:')}"}

    def consumer(n: int) -> None:  # the page is live: it shows the run while it waits here
        until(browser, lambda: "step 4 of 5: sync" in shown(browser, "scenario-progress"))
        assert shown(browser, "scenario-name") == "dashboard storm"
        assert shown(browser, "scenario-state") == "running"
        mid_run.append(browser.find_element(By.ID, "scenario-bar").get_attribute("value") or "")
        photograph(browser, shots, "scenarios-running")
        feed = requests.get(f"{server.base}/api/v1/feed", params={"pageSize": 5}, headers=token)
        assert feed.status_code == 200  # the consumer's one call: the report's cost

    def export() -> list[dict[str, str]]:  # holds every active ad but one: a finding
        active = admin.get(f"{server.base}/__admin/ads", params={"status": "ACTIVE"}).json()
        return [{"uuid": ad["uuid"], "status": "ACTIVE"} for ad in active[1:]]

    report = verify(str(path), control, consumer, export)
    assert mid_run == ["4"]  # create, two advances and the stop were done: 4 of 6 actions
    assert not report.ok and "missing" in report.kinds()
    until(browser, lambda: shown(browser, "scenario-state") == "finished")
    assert "all 5 steps done" in shown(browser, "scenario-step")
    until(browser, lambda: shown(browser, "report-verdict") == "FAIL")
    assert shown(browser, "report-scenario") == "dashboard storm"
    findings = shown(browser, "report-findings")
    for finding in report.findings:
        assert f"{finding.kind}\t{finding.count}" in findings
    missing = next(f for f in report.findings if f.kind == "missing")
    assert missing.examples[0] in findings
    cost = shown(browser, "report-cost")
    assert report.cost["requests"] == report.cost["navfeed 200"] == 1
    assert "requests\t1" in cost and "navfeed 200\t1" in cost
    assert text(browser, "header-now") == clock(admin, server)["now"]  # the run moved it
    assert "parsebot credits" in cost
    photograph(browser, shots, "scenarios")
    assert admin.delete(f"{server.base}/__admin/scenario").ok  # forgotten: the page says so
    until(browser, lambda: "no verification has run" in shown(browser, "scenario-report"))
    assert "no scenario has run" in shown(browser, "scenario-progress")
