"""The dashboard in a real browser: Debian's headless Chromium driven by Selenium against a live
`jobfakes serve` with an admin token. Set JOBFAKES_SCREENSHOTS=1 to refresh docs/screenshots/
(each view is photographed in every run; the files there change only when asked)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.scaling.servers import Server, serve

ADMIN = "dashboard-test-admin-token"
SCRAPER = "/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"  # Debian's, from .ci/run


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serve("--ads", "400", "--jobs", "200", "--admin-token", ADMIN) as running:
        yield running


@pytest.fixture(scope="module")
def admin(server: Server) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {ADMIN}"
    return session


def chromium() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--disable-extensions"):  # fmt: skip
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def photograph(browser: webdriver.Chrome, shots: Path, name: str) -> None:
    path = shots / f"{name}.png"
    assert browser.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    if os.environ.get("JOBFAKES_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SHOTS / path.name)


def until(browser: webdriver.Chrome, check: Any, timeout: float = 20) -> Any:
    return WebDriverWait(browser, timeout, poll_frequency=0.1).until(lambda _: check())


def text(browser: webdriver.Chrome, element_id: str) -> str:
    """What an element shows (read by script: a live view may have just replaced it)."""
    shown = browser.execute_script(
        "const node = document.getElementById(arguments[0]); return node ? node.innerText : null",
        element_id,
    )
    assert shown is not None, f"no element #{element_id}"
    return str(shown)


def logged_in(browser: webdriver.Chrome, server: Server, view: str = "world") -> None:
    browser.get("about:blank")  # a fresh page, not just a new #view of the same one
    browser.get(f"{server.base}/__admin/ui#{view}")
    if browser.find_element(By.ID, "login").is_displayed():
        browser.find_element(By.ID, "login-token").send_keys(ADMIN)
        browser.find_element(By.ID, "login-submit").click()
    until(browser, lambda: browser.find_element(By.ID, f"view-{view}").is_displayed())
    until(browser, lambda: text(browser, "header-now") != "…")


def tab(browser: webdriver.Chrome, view: str) -> None:
    browser.find_element(By.CSS_SELECTOR, f'#tabs button[data-view="{view}"]').click()
    until(browser, lambda: browser.find_element(By.ID, f"view-{view}").is_displayed())


def journal_rows(browser: webdriver.Chrome) -> list[list[str]]:
    """The journal table's cells, read in one go (the live view replaces its rows)."""
    rows: list[list[str]] = browser.execute_script(
        "return [...document.querySelectorAll('#journal tbody tr')]"
        ".map((row) => [...row.cells].map((cell) => cell.textContent))"
    )
    return rows


def test_the_page_asks_for_the_admin_token_and_keeps_it_in_the_tab(browser, server, admin):
    assert server.line("dashboard:") == f"{server.base}/__admin/ui"  # serve prints where
    browser.get(server.line("dashboard:"))
    browser.execute_script("sessionStorage.clear()")
    browser.refresh()
    until(browser, lambda: browser.find_element(By.ID, "login").is_displayed())
    assert not browser.find_element(By.ID, "view-world").is_displayed()
    browser.find_element(By.ID, "login-token").send_keys("not-the-token")
    browser.find_element(By.ID, "login-submit").click()
    until(browser, lambda: "refused" in text(browser, "login-msg"))
    browser.find_element(By.ID, "login-token").send_keys(ADMIN)
    browser.find_element(By.ID, "login-submit").click()
    now = admin.get(f"{server.base}/__admin/clock").json()["now"]
    until(browser, lambda: text(browser, "clock-now") == now)
    assert browser.execute_script("return sessionStorage.getItem('jobfakes.adminToken')") == ADMIN
    browser.refresh()  # the tab keeps the token: no second login
    until(browser, lambda: text(browser, "clock-now") == now)
    assert not browser.find_element(By.ID, "login").is_displayed()


def test_moving_the_clock_from_the_page_changes_the_counts(browser, server, admin, shots):
    logged_in(browser, server)
    until(browser, lambda: text(browser, "count-total") != "…")
    before = int(text(browser, "count-total"))
    clock = text(browser, "clock-now")
    Select(browser.find_element(By.ID, "advance-by")).select_by_value("P1D")
    browser.find_element(By.ID, "advance").click()
    until(browser, lambda: text(browser, "clock-now") != clock, timeout=60)
    until(browser, lambda: int(text(browser, "count-total")) > before)
    summary = admin.get(f"{server.base}/__admin/world", params={"days": 14}).json()
    assert text(browser, "clock-now") == summary["now"]
    assert int(text(browser, "count-total")) == summary["ads"] > before  # a day's new ads
    today = summary["history"][-1]
    for name in ("active", "published", "stopped", "expired"):
        assert int(text(browser, f"count-{name}")) == today[name]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#ads-chart polyline")) == 4
    assert "200 jobs" in text(browser, "jobfeed-size")
    photograph(browser, shots, "world")


def test_lookup_shows_an_ad_as_each_fake_serves_it(browser, server, admin):
    logged_in(browser, server)
    uuid = admin.get(f"{server.base}/__admin/ads", params={"status": "ACTIVE"}).json()[0]["uuid"]
    browser.find_element(By.ID, "lookup-id").send_keys(uuid)
    browser.find_element(By.ID, "lookup").click()
    until(browser, lambda: browser.find_elements(By.CSS_SELECTOR, ".lookup-fake"))
    shown = {
        part.get_attribute("data-fake"): part.text
        for part in browser.find_elements(By.CSS_SELECTOR, ".lookup-fake")
    }
    assert set(shown) == {"jobfeed", "navfeed", "parsebot", "publicfeed"}
    for fake in ("navfeed", "parsebot", "publicfeed"):
        assert uuid in shown[fake]
    assert "not served by this fake" in shown["jobfeed"]


def test_a_client_request_appears_in_the_journal_and_filters_narrow_it(
    browser, server, admin, shots
):
    logged_in(browser, server, "traffic")
    token = server.line("navfeed token:")
    client = requests.Session()
    feed = client.get(
        f"{server.base}/api/v1/feed",
        params={"pageSize": 3, "api_key": "very-secret-query-value"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert feed.status_code == 200
    refused = client.get(f"{server.base}{SCRAPER}/search_jobs", headers={"X-API-Key": "no"})
    assert refused.status_code == 401
    until(browser, lambda: any(r[4].startswith("/api/v1/feed?") for r in journal_rows(browser)))
    assert "very-secret-query-value" not in browser.page_source
    assert token not in browser.page_source
    assert any("api_key=REDACTED" in r[4] for r in journal_rows(browser))
    photograph(browser, shots, "traffic")
    Select(browser.find_element(By.ID, "f-fake")).select_by_value("parsebot")
    browser.find_element(By.ID, "f-apply").click()
    until(browser, lambda: {r[2] for r in journal_rows(browser)} == {"parsebot"})
    assert [(r[4], r[5]) for r in journal_rows(browser)] == [(f"{SCRAPER}/search_jobs", "401")]
    Select(browser.find_element(By.ID, "f-fake")).select_by_value("")
    browser.find_element(By.ID, "f-status").send_keys("2xx")
    browser.find_element(By.ID, "f-apply").click()
    until(browser, lambda: {r[5][0] for r in journal_rows(browser)} == {"2"})
    total = admin.get(
        f"{server.base}/__admin/requests", params={"status": "2xx", "limit": 1}
    ).headers["X-Total-Count"]
    until(browser, lambda: text(browser, "journal-total").startswith(f"{total} matching"))
    charts = browser.find_elements(By.CSS_SELECTOR, "#traffic-charts .fake-chart")
    assert [c.get_attribute("data-fake") for c in charts] == ["navfeed"]
    limits = text(browser, "limits")
    assert "developer" in limits and "4/second" in limits


def test_the_journal_pages_back_and_forth(browser, server, admin):
    client = requests.Session()
    for _ in range(60):
        client.get(f"{server.base}/nowhere-at-all")
    logged_in(browser, server, "traffic")
    browser.find_element(By.ID, "f-path").send_keys("nowhere-at-all")
    browser.find_element(By.ID, "f-apply").click()
    until(browser, lambda: text(browser, "journal-total").startswith("60 matching"))
    first = journal_rows(browser)
    assert len(first) == 50
    browser.find_element(By.ID, "page-older").click()
    until(browser, lambda: len(journal_rows(browser)) == 10)
    older = journal_rows(browser)
    assert int(older[0][0]) < int(first[-1][0])
    browser.find_element(By.ID, "page-newer").click()
    until(browser, lambda: journal_rows(browser) == first)


def test_a_token_minted_on_the_page_works_and_is_shown_once(browser, server, shots):
    logged_in(browser, server, "access")
    Select(browser.find_element(By.ID, "token-fake")).select_by_value("navfeed")
    browser.find_element(By.ID, "token-subject").send_keys("dashboard@example.com")
    browser.find_element(By.ID, "mint-token").click()
    until(browser, lambda: text(browser, "secret-value"))
    token = text(browser, "secret-value")
    feed = f"{server.base}/api/v1/feed"
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(feed, params={"pageSize": 1}, headers=headers).status_code == 200
    browser.find_element(By.ID, "secret-hide").click()
    until(browser, lambda: not browser.find_element(By.ID, "secret-box").is_displayed())
    assert token not in browser.page_source
    masked = browser.find_element(By.CSS_SELECTOR, "#tokens tbody tr code").text
    assert masked == "•" * 8 + token[-4:]
    photograph(browser, shots, "access")
    browser.find_element(By.CSS_SELECTOR, "#tokens tbody tr button.revoke").click()
    until(browser, lambda: "revoked" in text(browser, "token-msg"))
    assert requests.get(feed, params={"pageSize": 1}, headers=headers).status_code == 401


def test_a_parsebot_key_minted_on_the_page_works_until_revoked_there(browser, server):
    logged_in(browser, server, "access")
    until(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#keys tbody tr"))
    keys = len(browser.find_elements(By.CSS_SELECTOR, "#keys tbody tr"))
    Select(browser.find_element(By.ID, "key-tier")).select_by_value("free")
    browser.find_element(By.ID, "mint-key").click()
    until(browser, lambda: text(browser, "secret-value").startswith("pb_"))
    key = text(browser, "secret-value")
    until(
        browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "#keys tbody tr")) == keys + 1
    )
    url = f"{server.base}{SCRAPER}/search_jobs"
    assert requests.get(url, headers={"X-API-Key": key}).status_code == 200
    browser.find_element(By.ID, "secret-hide").click()
    assert key not in browser.page_source
    free = [
        row
        for row in browser.find_elements(By.CSS_SELECTOR, "#keys tbody tr")
        if row.find_elements(By.TAG_NAME, "td")[1].text == "free"
    ]
    free[0].find_element(By.CSS_SELECTOR, "button.revoke").click()
    until(browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "#keys tbody tr")) == keys)
    assert requests.get(url, headers={"X-API-Key": key}).status_code == 401


def test_a_jobfeed_account_added_on_the_page_can_sign_in(browser, server):
    logged_in(browser, server, "access")
    browser.find_element(By.ID, "account-user").send_keys("analyst")
    browser.find_element(By.ID, "account-limits").send_keys("2/minute")
    browser.find_element(By.ID, "mint-account").click()
    until(browser, lambda: "analyst" in text(browser, "secret-label"))
    password = text(browser, "secret-value")
    count = f"{server.base}/api/v3/count"
    assert requests.get(count, auth=("analyst", password)).status_code == 200
    browser.find_element(By.ID, "secret-hide").click()
    assert password not in browser.page_source
    tab(browser, "access")  # a view reads its data again when shown
    until(browser, lambda: "2/minute: 1 left" in text(browser, "accounts"))


def test_an_installed_fault_shows_in_the_faults_view_with_its_counts(browser, server, admin):
    """The faults view lists what /__admin/faults holds: a fault taken by a client's call
    shows with its id and its matched and taken counts."""
    installed = admin.post(
        f"{server.base}/__admin/faults",
        json=[{"id": "ui-teapot", "kind": "status", "status": 503, "path": "/api/v1/feed*",
               "count": 1}],
    )  # fmt: skip
    assert installed.status_code == 201, installed.text
    try:
        token = {"Authorization": f"Bearer {server.line('navfeed token:')}"}
        answer = requests.get(f"{server.base}/api/v1/feed?pageSize=1", headers=token)
        assert answer.status_code == 503
        logged_in(browser, server)
        button = browser.find_element(By.CSS_SELECTOR, '#tabs button[data-view="faults"]')
        until(browser, button.is_displayed)
        button.click()
        until(browser, lambda: "ui-teapot" in text(browser, "faults"))
        shown = text(browser, "faults")
        assert "matched" in shown and "taken" in shown and "1" in shown
    finally:
        admin.delete(f"{server.base}/__admin/faults")
