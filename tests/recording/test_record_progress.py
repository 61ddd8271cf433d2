"""`jobfakes record` tells its progress on stderr, a line an interaction off a terminal, and
keeps stdout for its banner and summary (issue 16: progress of recording)."""

from __future__ import annotations

import subprocess
import time

import requests

from jobfakes.client.publicfeed import PublicFeedClient
from jobfakes.recording import cassette
from tests.recording.conftest import BIN, free_port


def _reached(fake) -> int:
    return sum(1 for r in fake.admin.requests() if not r["path"].startswith("/__admin"))


def test_recording_prints_one_line_an_interaction_on_stderr(publicfeed_fake, tmp_path):
    out, port = tmp_path / "publicfeed.yaml", free_port()
    process = subprocess.Popen(
        [str(BIN / "jobfakes"), "record", "--upstream", publicfeed_fake.base_url,
         "--out", str(out), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    proxy = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{proxy}/__admin/recording", timeout=1)
                break
            except requests.ConnectionError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
        publicfeed_fake.admin.clear_requests()
        with PublicFeedClient(proxy, publicfeed_fake.token, page_size=50) as client:
            harvested = client.harvest_all()
    finally:
        process.terminate()
        stdout, stderr = process.communicate(timeout=15)
    assert process.returncode == 0, stderr
    made = _reached(publicfeed_fake)  # what the fake's journal saw through the proxy
    assert harvested and made == len(cassette.load(out)) > 1

    progress = [line for line in stderr.splitlines() if line.startswith("jobfakes: recording")]
    steps = [f"jobfakes: recording: interactions written: {n}, " for n in range(1, made + 1)]
    assert [line.rsplit(", ", 1)[0] + ", " for line in progress[:made]] == steps
    assert progress[made].startswith(
        f"jobfakes: recording: interactions written: {made}/{made} (100 %)"
    )
    assert "jobfakes: recording" not in stdout  # stdout: the banner and the summary only
    assert stdout.splitlines()[-1] == f"jobfakes record: {made} interactions written to {out}"
