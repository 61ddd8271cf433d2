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
