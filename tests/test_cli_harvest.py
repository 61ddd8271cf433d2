"""`jobfakes harvest`: a reference client's walk from the CLI, ads on stdout, progress on stderr
(issue 16: progress for harvests in the CLI)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from jobfakes.cli import main


def _credentials(fake) -> list[str]:
    """The options that let `jobfakes harvest` in, read from the fixture's authorised session."""
    headers = {k.lower(): v for k, v in fake.session.headers.items()}
    if fake.name == "parsebot":
        return ["--api-key", headers["x-api-key"]]
    if fake.name == "jobfeed":  # rate windows run on the frozen world clock: no limits here
        account = {"user": "harvester", "password": "secret", "limits": None}
        fake.session.post(fake.url("/__admin/jobfeed/accounts"), json=account).raise_for_status()
        return ["--user", "harvester", "--password", "secret"]
    return ["--token", fake.token]


def _reached(fake) -> int:
    """Requests the fake's journal saw, control plane excluded."""
    return sum(1 for r in fake.admin.requests() if not r["path"].startswith("/__admin"))


# Jobfeed's client keeps to the account's 30 calls a minute: a world that takes a few pages
SMALL_JOBFEED = pytest.param("jobfeed", marks=pytest.mark.jobfakes(jobs=300))


@pytest.mark.parametrize("name", ["navfeed", "publicfeed", "parsebot", SMALL_JOBFEED])
def test_a_harvest_prints_ads_on_stdout_and_a_line_per_request_on_stderr(request, name):
    fake = request.getfixturevalue(f"{name}_fake")  # live on 127.0.0.1
    fake.admin.clear_requests()
    args = ["harvest", name, "--base-url", fake.base_url, *_credentials(fake)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    ads = [json.loads(line) for line in result.stdout.splitlines()]  # stdout: JSON only
    key = {"parsebot": "_id", "jobfeed": "job_id"}.get(name, "uuid")
    assert ads and len({ad[key] for ad in ads}) == len(ads)  # none twice

    made = _reached(fake)
    lines = result.stderr.splitlines()
    steps = [f"jobfakes: harvest {name}: requests: {n}, " for n in range(1, made + 1)]
    assert [line.rsplit(", ", 1)[0] + ", " for line in lines[:made]] == steps
    assert lines[made].startswith(f"jobfakes: harvest {name}: requests: {made}/{made} (100 %)")
    assert lines[-1] == f"jobfakes harvest: {len(ads)} ads from {name} in {made} requests"


def test_a_navfeed_harvest_into_a_mirror_file_resumes_from_its_cursor(navfeed_fake, tmp_path):
    mirror = str(tmp_path / "mirror.sqlite")
    args = ["harvest", "navfeed", "--base-url", navfeed_fake.base_url, "--mirror", mirror]
    first = CliRunner().invoke(main, [*args, *_credentials(navfeed_fake)])
    assert first.exit_code == 0, first.output
    navfeed_fake.admin.clear_requests()
    again = CliRunner().invoke(main, [*args, *_credentials(navfeed_fake)])
    assert again.exit_code == 0, again.output
    assert again.stdout == first.stdout  # the same ads, read from the mirror
    assert _reached(navfeed_fake) == 1  # one feed page from the saved cursor, nothing new
    assert again.stderr.splitlines()[-1].endswith("in 1 requests")


def test_a_missing_credential_and_a_refused_token_are_one_message(navfeed_fake):
    missing = CliRunner().invoke(main, ["harvest", "navfeed", "--base-url", navfeed_fake.base_url])
    assert missing.exit_code == 2 and "this fake needs --token" in missing.output
    refused = CliRunner().invoke(
        main, ["harvest", "publicfeed", "--base-url", navfeed_fake.base_url, "--token", "bad"]
    )
    assert refused.exit_code == 1, refused.output
    assert "Error: harvest publicfeed failed after 1 requests: " in refused.output
    assert "-> 401" in refused.output and "Traceback" not in refused.output
