"""`jobfakes serve | token`: thin shells over the library."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from dataclasses import replace
from typing import Any

import click

from jobfakes.core import registry
from jobfakes.core.config import Config


def _config(
    seed: int,
    ads: int,
    now: str | None,
    clock: str,
    db: str | None,
    fakes: tuple[str, ...],
    secrets: tuple[str, ...],
    **settings: Any,
) -> Config:
    known = registry.names()
    for name in fakes:
        if name not in known:
            raise click.BadParameter(f"unknown fake {name!r}; known: {', '.join(known)}")
    pairs: dict[str, str] = {}
    for item in secrets:
        name, _, secret = item.partition("=")
        if not secret:
            raise click.BadParameter(f"expected FAKE=SECRET, got {item!r}")
        pairs[name] = secret
    try:
        return replace(
            Config.from_env(),
            seed=seed,
            ads=ads,
            now=now,
            clock=clock,
            db=db,
            fakes=fakes,
            secrets=tuple(pairs.items()) or Config.from_env().secrets,
            **{k: v for k, v in settings.items() if v not in (None, ())},
        )
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _world_options(function: Any) -> Any:
    options = [
        click.option("--seed", default=1, show_default=True, help="World seed."),
        click.option("--ads", default=5000, show_default=True, help="Ads in the history."),
        click.option("--now", default=None, help="World start instant (ISO 8601)."),
        click.option(
            "--secret",
            "secrets",
            multiple=True,
            metavar="FAKE=SECRET",
            help="Token signing secret of a fake (repeatable).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.group()
@click.version_option(package_name="jobfakes")
def main() -> None:
    """Fake servers of Norwegian and Dutch job-ad APIs."""


@main.command()
@click.argument("fakes", nargs=-1)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8700, show_default=True)
@_world_options
@click.option(
    "--clock", type=click.Choice(["running", "frozen"]), default="running", show_default=True
)
@click.option("--db", default=None, help="SQLite file for the world (default: in memory).")
@click.option("--workers", default=1, show_default=True, help="gunicorn worker processes.")
@click.option("--threads", default=8, show_default=True, help="Threads per worker.")
@click.option("--redis-url", default=None, help="Share rate-limit counts through Redis.")
@click.option("--publicfeed-cap", type=int, default=None, help="Public feed hit cap [5000].")
@click.option(
    "--parsebot-key", "parsebot_keys", multiple=True, metavar="KEY:TIER",
    help="parse.bot API key and tier: free, hobby, developer (repeatable).",
)  # fmt: skip
@click.option(
    "--jobfeed-account", "jobfeed_accounts", multiple=True, metavar="USER:PASSWORD",
    help="Jobfeed basic-auth account (repeatable).",
)  # fmt: skip
@click.option("--jobfeed-limits", default=None, help="Jobfeed rate per account, or 'none'.")
@click.option("--jobs", type=int, default=None, help="Jobs in the Dutch (Jobfeed) world [5000].")
def serve(
    fakes: tuple[str, ...],
    host: str,
    port: int,
    seed: int,
    ads: int,
    now: str | None,
    secrets: tuple[str, ...],
    clock: str,
    db: str | None,
    workers: int,
    threads: int,
    **settings: Any,
) -> None:
    """Serve FAKES (default: all) on one port, with the control plane under /__admin/."""
    if workers > 1 and db is None:  # workers share one world through a file
        folder = tempfile.mkdtemp(prefix="jobfakes-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        db = os.path.join(folder, "world.sqlite")
    config = _config(seed, ads, now, clock, db, fakes, secrets, **settings)
    from jobfakes.world.world import begin_world

    finish_world = begin_world(config.world())
    from jobfakes.core.app import create_app, runtime  # loads Flask while the world builds

    app = create_app(config, finish_world())
    with app.app_context():
        state = runtime()
        base = f"http://{host}:{port}"
        click.echo(f"jobfakes serving {', '.join(s.name for s in state.specs)} at {base}")
        for spec in state.specs:
            if spec.auth:
                token = spec.auth.mint(
                    config.secret(spec.name),
                    spec.default_subject,
                    state.world.now(),
                    kid=spec.default_subject,
                )
                click.echo(f"{spec.name} token: {token}")
            if spec.banner:
                for line in spec.banner(state.backends[spec.name]):
                    click.echo(f"{spec.name} {line}")
    sys.stdout.flush()
    _run_gunicorn(app, f"{host}:{port}", workers, threads)


def _run_gunicorn(app: Any, bind: str, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings = {
                "bind": bind,
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": 600,
                "keepalive": 5,
                "accesslog": None,
                "loglevel": "warning",
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    Server().run()


@main.command()
@click.argument("fake")
@click.option("--sub", "subject", default=None, help="Subject (consumer e-mail).")
@click.option("--expires", default=None, help="Expiry instant (ISO 8601).")
@_world_options
def token(
    fake: str,
    subject: str | None,
    expires: str | None,
    seed: int,
    ads: int,
    now: str | None,
    secrets: tuple[str, ...],
) -> None:
    """Print a token for FAKE, valid on a server started with the same --now and --secret."""
    from jobfakes.world.times import parse_instant
    from jobfakes.world.world import DEFAULT_START

    config = _config(seed, ads, now, "frozen", None, (fake,), secrets)
    spec = registry.spec(fake)
    if spec.auth is None:
        raise click.BadParameter(f"{fake} does not use tokens")
    try:
        issued = parse_instant(now) if now else DEFAULT_START
        until = parse_instant(expires) if expires else None
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    subject = subject or spec.default_subject
    click.echo(spec.auth.mint(config.secret(fake), subject, issued, until, kid=subject))
