"""Scenarios: the file format, the shipped library, the runner over HTTP, the CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from jobfakes.cli import main
from jobfakes.scenario import ScenarioError, library, load
from jobfakes.scenario.model import parse

SHIPPED = ["cap-pressure", "flaky-network", "jobfeed-month", "normal-week",
           "rate-limit-squeeze", "stop-storm", "token-rotation"]  # fmt: skip


def test_the_library_ships_every_scenario_the_issue_names():
    assert library() == SHIPPED


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"steps": [{"advance": 3}]}, "step 1: advance takes a string"),
        ({"steps": [{"stop": 2, "create": 1}]}, "step 1: one of"),
        ({"steps": [{"stop": -1}]}, "step 1: stop takes a number"),
        ({"steps": [{"sync": True}, {"advance": "PT1H", "times": 0}]}, "step 2: times"),
        ({"steps": "all"}, "a list of steps"),
    ],
)
def test_a_bad_scenario_names_the_step(data, named):
    with pytest.raises(ScenarioError, match=named):
        parse(data)


def test_an_unknown_scenario_names_the_shipped_ones():
    with pytest.raises(ScenarioError, match="stop-storm"):
        load("no-such-scenario")


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_scenario_runs_and_does_what_it_says(navfeed_inprocess, name):
    fake = navfeed_inprocess
    syncs = []
    log = fake.admin.run_scenario(name, on_sync=syncs.append, tokens={"navfeed": fake.token})
    scenario = load(name)
    assert syncs == list(range(1, sum(s.action == "sync" for s in scenario.steps) + 1))
    assert len(log.lines) == sum(s.times for s in scenario.steps)
    assert fake.admin.faults() == [] or name in ("cap-pressure",)  # each heals at its end


def test_stop_storm_stops_what_it_says_and_replays_the_same_ads(navfeed_inprocess):
    fake = navfeed_inprocess
    active = {a["uuid"] for a in fake.admin.ads("ACTIVE")}
    fake.admin.run_scenario("stop-storm")
    first = active - {a["uuid"] for a in fake.admin.ads("ACTIVE")}
    assert len(first) >= 200  # the second wave may pick ads published during the hour
    fake.admin.reset()
    fake.admin.run_scenario("stop-storm")
    assert active - {a["uuid"] for a in fake.admin.ads("ACTIVE")} == first


def test_token_rotation_revokes_the_consumers_token(navfeed_inprocess):
    fake = navfeed_inprocess
    seen = []

    def consumer(n):
        seen.append(fake.session.get(fake.url("/api/v1/feed")).status_code)

    log = fake.admin.run_scenario("token-rotation", on_sync=consumer,
                                  tokens={"navfeed": fake.token})  # fmt: skip
    assert seen[0] == 401  # the old token was revoked before the first sync
    fresh = log.tokens["navfeed"]
    answer = fake.session.get(
        fake.url("/api/v1/feed"), headers={"Authorization": f"Bearer {fresh}"}
    )
    assert answer.status_code == 200


def test_scenario_run_on_the_command_line(navfeed_fake, tmp_path):
    plan = tmp_path / "mine.yaml"
    plan.write_text("name: mine\nsteps:\n  - stop: 2\n  - rotate_token: navfeed\n"
                    "  - advance: PT1H\n    times: 2\n")  # fmt: skip
    tokens = tmp_path / "tokens.txt"
    result = CliRunner().invoke(main, ["scenario", "run", str(plan), "--base-url",
                                       navfeed_fake.base_url, "--token",
                                       f"navfeed={navfeed_fake.token}", "--token-file",
                                       str(tokens)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "step 1: stop 2 ads" in result.output
    assert "navfeed token rotated (the old one revoked)" in result.output
    assert result.output.count("clock advanced PT1H") == 2
    assert tokens.read_text().startswith("navfeed=ey")
    listed = CliRunner().invoke(main, ["scenario", "list"])
    assert all(name in listed.output for name in SHIPPED)
    bad = CliRunner().invoke(main, ["scenario", "run", "nope", "--base-url", navfeed_fake.base_url])
    assert bad.exit_code == 2 and "not a file nor a shipped scenario" in bad.output
