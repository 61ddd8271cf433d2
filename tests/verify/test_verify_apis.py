"""Verification of parse.bot and Jobfeed consumers: the reference clients pass, a naive one
per API fails with the right finding; the ground truth is each API's own world."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.scaling.servers import serve
from tests.verify.consumers_apis import (
    JobfeedEveryJob,
    JobfeedFirstPage,
    JobfeedHarvest,
    ParseBotHarvest,
    ParseBotKeepsAll,
)


def test_the_reference_parsebot_client_passes_a_stop_storm(parsebot_inprocess):
    fake = parsebot_inprocess
    consumer = ParseBotHarvest(fake)
    report = fake.admin.verify("stop-storm", consumer, consumer.rows, api="parsebot")
    assert report.ok, report.text()
    assert report.cost["parsebot credits"] == report.cost["parsebot 200"] > 0
    assert report.cost["bytes"] > 0


def test_a_parsebot_consumer_that_never_drops_ads_shows_gone_ones(parsebot_inprocess):
    fake = parsebot_inprocess
    consumer = ParseBotKeepsAll(fake)
    report = fake.admin.verify("stop-storm", consumer, consumer.rows, api="parsebot")
    assert report.kinds() == {"gone_but_shown"}, report.text()
    gone = next(f for f in report.findings if f.kind == "gone_but_shown")
    assert gone.count == 300  # the storm stops 200, then 100


def test_parsebot_truth_leaves_out_what_parsebot_never_shows(parsebot_inprocess):
    """A DIR ad and a hidden one are active in the feed, but parse.bot never shows them: the
    reference client passes without them, and holding them is a finding."""
    fake = parsebot_inprocess
    direct = fake.admin.create_ad(source="DIR")["uuid"]
    hidden = fake.admin.create_ad(privacy="DONT_SHOW_EMPLOYER")["uuid"]
    consumer = ParseBotHarvest(fake)
    report = fake.admin.verify("stop-storm", consumer, consumer.rows, api="parsebot")
    assert report.ok, report.text()
    assert not {direct, hidden} & {row["uuid"] for row in consumer.rows()}
    fake.admin.reset()
    direct = fake.admin.create_ad(source="DIR")["uuid"]
    hidden = fake.admin.create_ad(privacy="DONT_SHOW_EMPLOYER")["uuid"]
    extra = [{"uuid": direct, "status": "ACTIVE"}, {"uuid": hidden, "status": "ACTIVE"}]
    report = fake.admin.verify("stop-storm", consumer, lambda: consumer.rows() + extra,
                               api="parsebot")  # fmt: skip
    assert report.kinds() == {"gone_but_shown"}, report.text()
    assert set(next(f for f in report.findings).examples) == {direct, hidden}


@pytest.mark.jobfakes(jobs=1000, jobfeed_limits="100/second")  # not the 30/minute
def test_the_reference_jobfeed_client_passes_a_month_of_postings(jobfeed_inprocess):
    fake = jobfeed_inprocess
    consumer = JobfeedHarvest(fake)
    report = fake.admin.verify("jobfeed-month", consumer, consumer.rows)
    assert report.ok, report.text()
    online = len(consumer.rows())
    assert report.minimum == {"fake": "jobfeed", "requests": 4 * -(-online // 20)}
    assert report.minimum["requests"] <= report.cost["requests"] <= 1.5 * report.minimum["requests"]


@pytest.mark.jobfakes(jobs=1000, jobfeed_limits="100/second")  # not the 30/minute
def test_a_jobfeed_consumer_that_reads_one_page_misses_jobs(jobfeed_inprocess):
    fake = jobfeed_inprocess
    consumer = JobfeedFirstPage(fake)
    report = fake.admin.verify("jobfeed-month", consumer, consumer.rows)
    assert "missing" in report.kinds(), report.text()
    assert "gone_but_shown" not in report.kinds() and "duplicates" not in report.kinds()


@pytest.mark.jobfakes(jobs=1000, jobfeed_limits="100/second")  # not the 30/minute
def test_a_jobfeed_export_with_a_job_twice_is_a_duplicate(jobfeed_inprocess):
    fake = jobfeed_inprocess
    consumer = JobfeedHarvest(fake)
    rows = lambda: [*consumer.rows(), consumer.rows()[0]]  # noqa: E731
    report = fake.admin.verify("jobfeed-month", consumer, rows)
    assert report.kinds() == {"duplicates"}, report.text()


@pytest.mark.jobfakes(jobs=1000, jobfeed_limits="100/second")
def test_a_jobfeed_consumer_that_keeps_expired_jobs_shows_gone_ones(jobfeed_inprocess):
    fake = jobfeed_inprocess
    consumer = JobfeedEveryJob(fake)
    report = fake.admin.verify("jobfeed-month", consumer, consumer.rows)
    assert report.kinds() == {"gone_but_shown"}, report.text()
    truth = [
        json.loads(line) for line in fake.session.get(fake.url("/__admin/jobs")).text.splitlines()
    ]
    expired = sum(1 for job in truth if job["expired"])
    assert next(f for f in report.findings).count == expired > 0


def test_verify_on_the_command_line_checks_a_jobfeed_export(tmp_path):
    with serve("jobfeed", "--jobs", "300", "--jobfeed-limits", "none") as server:
        lines = requests.get(server.base + "/__admin/jobs", timeout=60).text.splitlines()
        online = [json.loads(line)["job_id"] for line in lines if not json.loads(line)["expired"]]
        export = tmp_path / "jobs.jsonl"
        export.write_text("".join(json.dumps({"job_id": j, "status": "ACTIVE"}) + "\n"
                                  for j in online))  # fmt: skip
        jobfakes = Path(sys.executable).parent / "jobfakes"
        command = [str(jobfakes), "verify", "jobfeed-month", "--base-url", server.base,
                   "--consumer", "true", "--export", str(export),
                   "--junit", str(tmp_path / "r.xml")]  # fmt: skip
        passed = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert passed.returncode == 0, passed.stdout + passed.stderr
        assert "scenario a month of postings: PASS" in passed.stdout
        export.write_text(export.read_text() + export.read_text().splitlines()[0] + "\n")
        failed = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert failed.returncode == 1, failed.stdout
        assert "duplicates: 1" in failed.stdout
        command[command.index("--export") + 1 :] = [str(export), "--api", "navfeed"]
        other = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert other.returncode == 1 and "gone_but_shown" in other.stdout  # not NAV ads
