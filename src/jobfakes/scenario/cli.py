"""`jobfakes scenario list | run` and `jobfakes verify`."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("scenario")
def scenario_group() -> None:
    """Scripted timelines on the world clock."""


@scenario_group.command("list")
def list_scenarios() -> None:
    """The scenarios shipped with jobfakes."""
    from jobfakes.scenario.model import library, load

    for name in library():
        item = load(name)
        click.echo(f"{name}: {item.name} - {item.description}")


@scenario_group.command("run")
@click.argument("source")
@click.option("--base-url", default="http://127.0.0.1:8700", show_default=True)
@click.option("--admin-token", default=None, envvar="JOBFAKES_ADMIN_TOKEN")
@click.option("--token", "tokens", multiple=True, metavar="FAKE=TOKEN",
              help="The consumer's token of a fake (rotate_token revokes it).")  # fmt: skip
@click.option("--token-file", type=click.Path(dir_okay=False), default=None,
              help="Write each rotated token here (FAKE=TOKEN lines).")  # fmt: skip
def run_scenario(
    source: str, base_url: str, admin_token: str | None, tokens: tuple[str, ...],
    token_file: str | None,
) -> None:  # fmt: skip
    """Run SOURCE (a YAML file or a shipped name) against a live server."""
    from jobfakes.scenario.model import ScenarioError, load
    from jobfakes.scenario.runner import Control, run

    try:
        scenario = load(source)
        held = dict(_pair(t) for t in tokens)

        def wrote(fake: str, token: str) -> None:
            held[fake] = token
            if token_file:
                Path(token_file).write_text("".join(f"{k}={v}\n" for k, v in held.items()))

        log = run(scenario, Control(base_url, admin_token=admin_token), tokens=held,
                  on_token=wrote)  # fmt: skip
    except ScenarioError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"scenario {scenario.name}:")
    for line in log.lines:
        click.echo(f"  {line}")


def _pair(text: str) -> tuple[str, str]:
    fake, _, token = text.partition("=")
    if not token:
        raise click.BadParameter(f"expected FAKE=TOKEN, got {text!r}")
    return fake, token


@click.command("verify")
@click.argument("scenario")
@click.option("--consumer", required=True,
              help="Shell command run at each sync step; it gets JOBFAKES_BASE_URL,"
                   " JOBFAKES_SYNC and JOBFAKES_TOKEN_<FAKE> in its environment.")  # fmt: skip
@click.option("--export", "export_path", required=True, type=click.Path(dir_okay=False),
              help="What the consumer holds: JSON lines or SQLite (docs/verify.md).")  # fmt: skip
@click.option("--base-url", default="http://127.0.0.1:8700", show_default=True)
@click.option("--admin-token", default=None, envvar="JOBFAKES_ADMIN_TOKEN")
@click.option("--token", "tokens", multiple=True, metavar="FAKE=TOKEN")
@click.option("--html", "html_path", default=None, type=click.Path(dir_okay=False))
@click.option("--junit", "junit_path", default=None, type=click.Path(dir_okay=False))
@click.option("--api", type=click.Choice(["navfeed", "publicfeed", "parsebot", "jobfeed"]),
              default=None, help="Whose ground truth (default: the scenario's fake).")  # fmt: skip
def verify_command(
    scenario: str, consumer: str, export_path: str, base_url: str, admin_token: str | None,
    tokens: tuple[str, ...], html_path: str | None, junit_path: str | None, api: str | None,
) -> None:  # fmt: skip
    """Run SCENARIO while CONSUMER runs, then check what it exported against the world.
    Exit code 0 when nothing was found, 1 otherwise."""
    import os
    import subprocess
    import sys

    from jobfakes.progress import Reporter
    from jobfakes.scenario.model import ScenarioError
    from jobfakes.scenario.runner import Control
    from jobfakes.verify import verify

    held = dict(_pair(t) for t in tokens)

    def run_consumer(n: int) -> None:
        env = {**os.environ, "JOBFAKES_BASE_URL": base_url, "JOBFAKES_SYNC": str(n)}
        env.update({f"JOBFAKES_TOKEN_{k.upper()}": v for k, v in held.items()})
        done = subprocess.run(consumer, shell=True, env=env, check=False)
        if done.returncode:
            click.echo(f"consumer exited {done.returncode} at sync {n}", err=True)

    def rotated(fake: str, token: str) -> None:
        held[fake] = token

    progress = Reporter(delay=0, interval=0)  # stderr: a bar, or a line a step
    try:
        report = verify(scenario, Control(base_url, admin_token=admin_token), run_consumer,
                        export_path, tokens=held, on_token=rotated, api=api,
                        progress=progress)  # fmt: skip
    except ScenarioError as error:
        raise click.UsageError(str(error)) from None
    finally:
        progress.close()
    click.echo(report.text())
    if html_path:
        Path(html_path).write_text(report.html(), encoding="utf-8")
    if junit_path:
        Path(junit_path).write_text(report.junit(), encoding="utf-8")
    sys.exit(0 if report.ok else 1)
