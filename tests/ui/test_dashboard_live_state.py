"""The dashboard's live world state in a real browser (Debian's headless Chromium through
Selenium) against a live `jobfakes serve` with an admin token: the clock switched between
running and frozen from the page. JOBFAKES_SCREENSHOTS=1 refreshes docs/screenshots/."""

from __future__ import annotations

import time

import requests
from selenium.webdriver.common.by import By

from tests.scaling.servers import Server
from tests.ui import test_dashboard_browser as base
from tests.ui.test_dashboard_browser import logged_in, text, until

# The browser module's fixtures, for this module: its own server, browser and screenshots.
server, admin, browser, shots = base.server, base.admin, base.browser, base.shots


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
