"""Consumer verification: the reference clients pass the shipped scenarios, faults included;
each naive consumer fails with the right finding; the CLI's report, exit code and JUnit XML."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.scaling.servers import serve
from tests.verify.consumers import (
    CappedHarvest,
    FullHarvest,
    IgnoresStops,
    NoConditional,
    NoDedup,
    Reference,
    RestartsOnError,
)

NAV_SCENARIOS = ["normal-week", "stop-storm", "flaky-network", "rate-limit-squeeze",
                 "token-rotation"]  # fmt: skip


@pytest.mark.parametrize("scenario", NAV_SCENARIOS)
def test_the_reference_feed_client_passes_every_shipped_scenario(navfeed_inprocess, scenario):
    fake = navfeed_inprocess
    consumer = Reference(fake, fake.token)
    tokens = {"navfeed": fake.token}
    report = fake.admin.verify(scenario, consumer, consumer.rows, tokens, consumer.rotated)
    assert report.ok, report.text()
    assert report.cost["requests"] > 0
    assert consumer.refused == (scenario == "token-rotation")  # the revocation mid-sync


@pytest.mark.parametrize("scenario", ["cap-pressure", "rate-limit-squeeze", "flaky-network"])
def test_the_reference_harvest_passes_the_public_feed_scenarios(publicfeed_inprocess, scenario):
    import time

    fake = publicfeed_inprocess
    consumer = FullHarvest(fake, sleep=time.sleep)  # waits Retry-After for real (1 s)
    report = fake.admin.verify(scenario, consumer, consumer.rows)
    assert report.ok, report.text()


def test_a_consumer_that_ignores_stops_shows_gone_ads_with_contacts(navfeed_inprocess):
    fake = navfeed_inprocess
    consumer = IgnoresStops(fake)
    report = fake.admin.verify("stop-storm", consumer, consumer.rows)
    assert {"gone_but_shown", "contacts_on_inactive"} <= report.kinds(), report.text()
    assert "duplicates" not in report.kinds()


def test_a_consumer_without_overlap_dedup_holds_duplicates(navfeed_inprocess):
    fake = navfeed_inprocess
    consumer = NoDedup(fake)
    report = fake.admin.verify("stop-storm", consumer, lambda: consumer.held)
    assert "duplicates" in report.kinds(), report.text()


def test_a_consumer_without_if_none_match_redownloads_pages(navfeed_inprocess):
    fake = navfeed_inprocess
    consumer = NoConditional(fake)
    report = fake.admin.verify("stop-storm", consumer, consumer.rows)
    assert report.kinds() == {"redownloads"}, report.text()


def test_a_harvest_that_never_pages_back_in_time_misses_ads(publicfeed_inprocess):
    fake = publicfeed_inprocess
    consumer = CappedHarvest(fake)
    report = fake.admin.verify("cap-pressure", consumer, consumer.rows)
    assert "missing" in report.kinds(), report.text()


def test_a_harvest_that_ignores_retry_after_is_caught(publicfeed_inprocess):
    fake = publicfeed_inprocess
    consumer = FullHarvest(fake, sleep=lambda seconds: None)  # retries at once
    report = fake.admin.verify("rate-limit-squeeze", consumer, consumer.rows)
    assert report.kinds() == {"retry_after_ignored"}, report.text()


def test_a_consumer_that_restarts_a_cut_walk_from_scratch_redownloads(navfeed_inprocess):
    fake = navfeed_inprocess
    consumer = RestartsOnError(fake)
    report = fake.admin.verify("flaky-network", consumer, consumer.rows)
    assert "redownloads" in report.kinds(), report.text()
    redownloaded = next(f for f in report.findings if f.kind == "redownloads")
    assert redownloaded.count > 10


CONSUMER = """
import json, os, sys
from jobfakes.client.mirror import Mirror
from jobfakes.client.navfeed import NavFeedClient
mirror = Mirror(sys.argv[1])
client = NavFeedClient(os.environ["JOBFAKES_BASE_URL"], os.environ["JOBFAKES_TOKEN_NAVFEED"],
                       page_size=100)
mirror.sync(client, workers=4)
"""


def test_verify_on_the_command_line_writes_reports_and_exits_by_the_findings(tmp_path):
    script = tmp_path / "consumer.py"
    script.write_text(CONSUMER)
    mirror = tmp_path / "mirror.sqlite"
    with serve("navfeed", "--ads", "600") as server:  # the storm stops 300 each run
        token = server.line("navfeed token:")
        jobfakes = Path(sys.executable).parent / "jobfakes"
        reports = ["--html", str(tmp_path / "r.html"), "--junit", str(tmp_path / "r.xml")]
        command = [str(jobfakes), "verify", "stop-storm", "--base-url", server.base,
                   "--token", f"navfeed={token}", "--consumer",
                   f"{sys.executable} {script} {mirror}", "--export", str(mirror),
                   *reports]  # fmt: skip
        import subprocess

        passed = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert passed.returncode == 0, passed.stdout + passed.stderr
        assert "scenario stop storm: PASS" in passed.stdout
        suite = ElementTree.parse(tmp_path / "r.xml").getroot()
        assert suite.get("failures") == "0" and len(suite.findall("testcase")) == 7
        assert "PASS" in (tmp_path / "r.html").read_text()
        stale = tmp_path / "stale.jsonl"  # an export that never changed after the storm
        stale.write_text("".join(json.dumps({"uuid": a["uuid"], "status": "ACTIVE"}) + "\n"
                                 for a in server_ads(server.base)))  # fmt: skip
        command[command.index("--export") + 1] = str(stale)
        command[command.index("--consumer") + 1] = "true"
        failed = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert failed.returncode == 1
        assert "gone_but_shown" in failed.stdout
        suite = ElementTree.parse(tmp_path / "r.xml").getroot()
        assert [c.get("name") for c in suite.findall("testcase") if len(c)] == ["gone_but_shown"]


def server_ads(base):
    import requests

    return requests.get(base + "/__admin/ads", params={"status": "ACTIVE"}, timeout=30).json()
