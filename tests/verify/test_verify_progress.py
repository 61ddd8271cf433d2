"""`jobfakes verify` tells on stderr how the scenario and the ground truth read are getting on,
a line a step off a terminal; the report stays alone on stdout (issue 16: progress of
verification)."""

from __future__ import annotations

from click.testing import CliRunner

from jobfakes.cli import main


def test_verify_prints_a_line_a_step_and_the_truth_read_on_stderr(navfeed_fake, tmp_path):
    export = tmp_path / "nothing.jsonl"
    export.write_text("")  # a consumer that kept nothing: the run fails, its progress shows
    args = ["verify", "stop-storm", "--base-url", navfeed_fake.base_url,
            "--token", f"navfeed={navfeed_fake.token}", "--consumer", "true",
            "--export", str(export)]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "scenario stop storm: FAIL" in result.stdout and "jobfakes:" not in result.stdout

    lines = result.stderr.splitlines()
    steps = [line.split(" (")[0] for line in lines if "scenario stop storm: steps" in line]
    assert steps == [f"jobfakes: scenario stop storm: steps: {n}/7" for n in range(1, 8)]
    ads = len(navfeed_fake.admin.ads())  # every ad of the world, active or not
    truth = [line.split(" (")[0] for line in lines if "ground truth, ads read" in line]
    expected = [*range(100, ads, 100), ads]
    assert truth == [f"jobfakes: verify: ground truth, ads read: {n}/{ads}" for n in expected]
