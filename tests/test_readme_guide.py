"""README's "Testing your NAV feed consumer in ten minutes", run as a reader would: each Python
block is written to the file its first line names, each `pytest ...` console block is run in
a fresh directory through pytester, and every test it collects must pass (issue 16).
Also: the README's table of defaults is the code's."""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[1] / "README.md"
GUIDE = "## Testing your NAV feed consumer in ten minutes"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(title)
    end = text.find("\n## ", start + len(title))
    return text[start : end if end != -1 else None]


def guide_blocks() -> list[tuple[str, str]]:
    return [(kind, body) for kind, body in BLOCK.findall(_section(GUIDE))]


def test_the_guide_has_its_files_and_commands():
    kinds = [kind for kind, _ in guide_blocks()]
    assert kinds.count("python") >= 3 and kinds.count("console") >= 2


def test_the_guide_runs_as_written(pytester):
    runs = 0
    for kind, body in guide_blocks():
        if kind == "python":
            first, _, code = body.partition("\n")
            name = first.removeprefix("# ").strip()
            assert name.endswith(".py"), f"a guide block must start with '# FILE.py': {first}"
            (pytester.path / name).write_text(code, encoding="utf-8")
        elif kind == "console":
            command = shlex.split(body.strip())
            assert command[0] == "pytest"
            result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *command[1:])
            outcomes = result.parseoutcomes()
            assert outcomes.get("passed", 0) >= 1, result.stdout.str()
            assert not {"failed", "errors", "error", "skipped"} & set(outcomes), outcomes
            runs += 1
    assert runs >= 2


def _readme_defaults() -> dict[str, list[str]]:
    rows = {}
    for line in _section("Defaults, side by side").splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0] in ("seed", "ads", "jobs", "clock", "start"):
            rows[cells[0]] = cells[1:]
    return rows


def test_the_table_of_defaults_is_the_codes(jobfakes_config, monkeypatch):
    from jobfakes import cli, mock, wsgi
    from jobfakes.cli import serve
    from jobfakes.core.config import Config
    from jobfakes.world.world import DEFAULT_START

    for name in list(os.environ):
        if name.startswith("JOBFAKES_"):
            monkeypatch.delenv(name)
    with serve.make_context("serve", []) as context:  # what `jobfakes serve` would build
        fields = {f.name for f in dataclasses.fields(Config)} | {"secrets"}
        given = {k: v for k, v in context.params.items() if k in fields}
        served = cli._config(**given)
    seen: list[Config] = []
    monkeypatch.setattr("jobfakes.core.app.create_app", lambda config: seen.append(config))
    wsgi.create_app()
    columns = [
        served,
        seen[0],
        jobfakes_config,
        mock().config,
    ]
    start = "2025-12-01T08:00:00Z"
    assert DEFAULT_START == 1_764_576_000_000_000  # the instant the table names
    expected = {
        "seed": [str(c.seed) for c in columns],
        "ads": [str(c.ads) for c in columns],
        "jobs": [str(c.jobs) for c in columns],
        "clock": [c.clock for c in columns],
        "start": [c.now or start for c in columns],
    }
    assert _readme_defaults() == expected


@pytest.mark.parametrize("name", ["serve", "token"])
def test_serve_and_token_share_the_world_defaults(name):
    from jobfakes import cli

    command = getattr(cli, name)
    options = {p.name: p.default for p in command.params}
    assert (options["seed"], options["ads"]) == (1, 5000)
