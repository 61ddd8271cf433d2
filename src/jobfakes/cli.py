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
    fakes, secrets = _split_commas(fakes), _split_commas(secrets)
    settings = {k: _split_commas(v) if isinstance(v, tuple) else v for k, v in settings.items()}
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


def _split_commas(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeatable values given as one comma (or, from the environment, space) separated list."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _instant(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from jobfakes.world.times import parse_instant

    if value is not None and value.strip().lower() != "now":  # 'now': the wall clock
        try:
            parse_instant(value)
        except ValueError as error:
            raise click.BadParameter(
                f"{value!r} is not an ISO 8601 instant such as 2025-12-01T08:00:00Z ({error})"
            ) from None
    return value


def _from_environment(command: click.Command) -> click.Command:
    """Every option (and the FAKES argument) of `command` can also come from `JOBFAKES_<NAME>`,
    click's envvar support; `--help` shows each variable beside its default."""
    for param in command.params:
        if param.name and not param.envvar:
            param.envvar = f"JOBFAKES_{param.name.upper()}"
        if isinstance(param, click.Option):
            param.show_envvar = True
    return command


def _world_options(function: Any) -> Any:
    options = [
        click.option("--seed", default=1, show_default=True, help="World seed."),
        click.option("--ads", default=5000, show_default=True, help="Ads active at the start."),
        click.option(
            "--now",
            default=None,
            callback=_instant,
            help="World start instant (ISO 8601), or 'now' (wall clock) [2025-12-01T08:00:00Z].",
        ),
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
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8700, show_default=True,
    help="0 picks a free port (printed).",
)  # fmt: skip
@_world_options
@click.option(
    "--clock", type=click.Choice(["running", "frozen"]), default="running", show_default=True
)
@click.option("--db", default=None, help="SQLite file for the world (default: in memory).")
@click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True,
    help="Worker processes (one world, shared).",
)  # fmt: skip
@click.option(
    "--threads", type=click.IntRange(min=1), default=8, show_default=True,
    help="Threads per worker.",
)  # fmt: skip
@click.option("--log-requests", is_flag=True, help="One line a request, secrets masked.")
@click.option(
    "--ready-file", type=click.Path(dir_okay=False), default=None,
    help="Written (the base URL) once the port answers; removed on exit.",
)  # fmt: skip
@click.option(
    "--redis-url", default=None, envvar="JOBFAKES_REDIS_URL",
    help="Replicas: share the world's changes, the journal and rate-limit counts via Redis.",
)  # fmt: skip
@click.option("--publicfeed-cap", type=int, default=None, help="Public feed hit cap [5000].")
@click.option(
    "--parsebot-key", "parsebot_keys", multiple=True, metavar="KEY:TIER",
    help="parse.bot API key and tier: free, hobby, developer (repeatable).",
)  # fmt: skip
@click.option(
    "--parsebot-credit-status", type=click.Choice(["402", "429"]), default=None,
    callback=lambda _c, _p, v: None if v is None else int(v),
    help="parse.bot status when the monthly credits are used up [402].",
)  # fmt: skip
@click.option(
    "--jobfeed-account", "jobfeed_accounts", multiple=True, metavar="USER:PASSWORD",
    help="Jobfeed basic-auth account (repeatable).",
)  # fmt: skip
@click.option("--jobfeed-limits", default=None, help="Jobfeed rate per account, or 'none'.")
@click.option("--jobs", type=int, default=None, help="Jobs in the Dutch (Jobfeed) world [5000].")
@click.option(
    "--admin-token", default=None, envvar="JOBFAKES_ADMIN_TOKEN",
    help="Bearer token the control plane requires (made for you off loopback).",
)  # fmt: skip
@click.option(
    "--allow-host", "allow_hosts", multiple=True, metavar="NAME",
    help="A Host name the control plane accepts besides loopback (repeatable).",
)  # fmt: skip
@click.option(
    "--faults", "faults_file", default=None, type=click.Path(exists=True, dir_okay=False),
    help="YAML or JSON file of faults, installed at start and after each reset.",
)  # fmt: skip
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
    log_requests: bool,
    ready_file: str | None,
    **settings: Any,
) -> None:
    """Serve FAKES (default: all) on one port, with the control plane under /__admin/.

    Every option can also be set as JOBFAKES_<OPTION> (shown below; repeatable ones as a comma
    list). `jobfakes ready at URL` is printed, and --ready-file written, once the port answers.
    """
    from jobfakes import serving
    from jobfakes.errors import ConfigError
    from jobfakes.progress import Reporter

    if workers > 1 and db is None:  # workers share one world through a file
        folder = tempfile.mkdtemp(prefix="jobfakes-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        db = os.path.join(folder, "world.sqlite")
    from jobfakes.core.guard import is_loopback

    if not is_loopback(host) and not settings.get("admin_token"):
        import secrets as random_secrets  # a credential: not part of the deterministic world

        settings["admin_token"] = random_secrets.token_urlsafe(24)
    config = _config(seed, ads, now, clock, db, fakes, secrets, **settings)
    from jobfakes.world.timeline import scale_line

    try:  # first, so that a port in use is one clear message before any work
        sock = serving.reserve(host, port)
    except ConfigError as error:
        raise click.BadParameter(str(error), param_hint="--port") from None
    base = serving.base_url(host, sock)
    click.echo(f"jobfakes serving {', '.join(config.fakes or registry.names())} at {base}")
    sys.stdout.flush()  # before any progress of the world's build
    from jobfakes.world.world import begin_world

    progress = Reporter()
    finish_world = begin_world(config.world(), progress)
    from jobfakes.core.app import create_app, runtime  # loads Flask while the world builds

    try:  # each fake checks its own settings (keys, accounts, rates)
        app = create_app(config, finish_world())
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    with app.app_context():
        state = runtime()
        for backend in state.backends.values():  # lazy builds (the Dutch world) report too
            if hasattr(backend, "progress"):
                backend.progress = progress
        if config.admin_token and not is_loopback(host):
            click.echo(f"control plane admin token: {config.admin_token}")
        for spec in state.specs:
            if spec.auth:
                token = spec.auth.mint(
                    config.secret(spec.name),
                    spec.default_subject,
                    state.world.now(),
                )
                click.echo(f"{spec.name} token: {token}")
            if spec.banner:
                for line in spec.banner(state.backends[spec.name]):
                    click.echo(f"{spec.name} {line}")
        click.echo(scale_line(config.ads))
        click.echo(f"dashboard: {base}/__admin/ui")
    sys.stdout.flush()
    port = sock.getsockname()[1]
    sock.close()  # held (bound, not listening) until now: the server binds it itself
    serving.announce_when_ready(host, port, base, ready_file)
    served = serving.RequestLog(app) if log_requests else app
    _run_granian(served, host, port, workers, threads)


_from_environment(serve)


def _run_granian(app: Any, host: str, port: int, workers: int, threads: int) -> None:
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    server = Server(
        "jobfakes",  # a name only: the loader hands over the app built above (workers fork)
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        log_level=LogLevels.warning,
    )
    server.serve(target_loader=lambda *_: app, wrap_loader=False)


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
    click.echo(spec.auth.mint(config.secret(fake), subject, issued, until))


_from_environment(token)


def _serve_wsgi(
    app: Any, host: str, port: int, banner: Any, on_stop: Any = None, handler: Any = None
) -> None:
    """Serve a plain WSGI app until Ctrl-C or SIGTERM, then run `on_stop`."""
    import signal

    from werkzeug.serving import make_server

    server = make_server(host, port, app, threaded=True, request_handler=handler)
    click.echo(banner(f"http://{host}:{server.server_port}"))
    sys.stdout.flush()

    def stop(*_: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if on_stop:
            on_stop()


def _redactor(
    no_redact: bool, headers: tuple[str, ...], params: tuple[str, ...], drop: tuple[str, ...]
) -> Any:
    from jobfakes.recording.redact import Redactor

    base = Redactor(enabled=not no_redact)
    return base.with_rules(
        headers=base.headers + headers, params=base.params + params, drop_headers=drop
    )


@main.command()
@click.option("--upstream", required=True, help="Base URL to forward to (a real API or a fake).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Cassette to write.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8700, show_default=True, help="0 picks a free port.")
@click.option("--record-as", default=None, help="Base URL written in the cassette [upstream].")
@click.option("--no-redact", is_flag=True, help="Keep secrets and personal data (careful).")
@click.option("--redact-header", multiple=True, help="One more header to redact (repeatable).")
@click.option("--redact-param", multiple=True, help="One more query parameter to redact.")
@click.option("--drop-header", multiple=True, help="A response header to leave out (e.g. Date).")
def record(
    upstream: str,
    out: str,
    host: str,
    port: int,
    record_as: str | None,
    no_redact: bool,
    redact_header: tuple[str, ...],
    redact_param: tuple[str, ...],
    drop_header: tuple[str, ...],
) -> None:
    """A recording proxy: point a client at it; every exchange with UPSTREAM goes to --out."""
    from jobfakes.recording.server import (
        PROGRESS_TASK,
        CassetteWriter,
        RecordingProxy,
        redacting_request_handler,
    )

    if not upstream.startswith(("http://", "https://")):
        raise click.BadParameter(
            f"expected an http(s) URL, got {upstream!r}", param_hint="--upstream"
        )
    from jobfakes.progress import Reporter

    progress = Reporter(delay=0, interval=0)  # stderr: a bar, or a line an interaction
    redactor = _redactor(no_redact, redact_header, redact_param, drop_header)
    writer = CassetteWriter(out, redactor, progress)
    proxy = RecordingProxy(upstream, writer, record_as)

    def stopped() -> None:
        writer.close()
        written = len(writer.interactions)
        if written:
            progress(PROGRESS_TASK, written, written)  # its end: a bar stops at 100 %
        progress.close()
        click.echo(f"jobfakes record: {len(writer.interactions)} interactions written to {out}")

    _serve_wsgi(
        proxy,
        host,
        port,
        lambda url: f"jobfakes recording {proxy.shown} at {url} into {out}",
        stopped,
        handler=redacting_request_handler(writer.redactor),
    )


@main.command()
@click.argument("cassette", type=click.Path(dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8700, show_default=True, help="0 picks a free port.")
@click.option(
    "--match-on", multiple=True, metavar="MATCHERS",
    help="More matchers besides method, path, query: host, scheme, body, header:NAME.",
)  # fmt: skip
@click.option("--repeat-last", is_flag=True, help="Answer again with the last of used-up answers.")
def replay(
    cassette: str, host: str, port: int, match_on: tuple[str, ...], repeat_last: bool
) -> None:
    """Serve the recorded answers of CASSETTE over HTTP (a miss is a 404 that says why)."""
    from jobfakes.errors import JobFakesError
    from jobfakes.recording.matching import Matcher, parse_match_on
    from jobfakes.recording.server import ReplayApp, request_handler

    try:
        names, headers = parse_match_on(match_on)
        matcher = Matcher(names, headers)
        app = ReplayApp.from_file(cassette, matcher=matcher, repeat_last=repeat_last)
    except (JobFakesError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    count = len(app.player.interactions)
    # werkzeug, not gunicorn: gunicorn replaces recorded Date and Server headers with its own.
    # One process: the answers handed out (recorded order) are its state.
    _serve_wsgi(
        app,
        host,
        port,
        lambda url: f"jobfakes replaying {count} interactions of {cassette} at {url}",
        handler=request_handler(),
    )


@main.command()
@click.argument("name")
@click.option("--base-url", default=None, help="Server to check: a fake, a replay, the real API.")
@click.option(
    "--cassette", type=click.Path(dir_okay=False), default=None, help="Check a recording offline."
)
@click.option("--token", default=None, help="Bearer token.")
@click.option("--api-key", default=None, help="X-API-Key value.")
@click.option("--user", default=None, help="Basic-auth user.")
@click.option("--password", default=None, help="Basic-auth password.")
@click.option(
    "--max-examples", default=25, show_default=True, help="Generated requests per endpoint."
)
@click.option("--seed", type=int, default=None, help="Hypothesis seed (reproducible runs).")
@click.option("--report", type=click.Path(dir_okay=False), default=None, help="JUnit XML report.")
def contract(
    name: str,
    base_url: str | None,
    cassette: str | None,
    token: str | None,
    api_key: str | None,
    user: str | None,
    password: str | None,
    max_examples: int,
    seed: int | None,
    report: str | None,
) -> None:
    """Check a server (--base-url) or a recording (--cassette) against API NAME's contract."""
    from jobfakes.errors import JobFakesError
    from jobfakes.progress import Reporter
    from jobfakes.recording import contract as checks
    from jobfakes.recording.cassette import load

    try:
        import hypothesis  # noqa: F401
        import schemathesis  # noqa: F401
    except ImportError as error:
        raise click.ClickException(
            f"jobfakes contract needs {error.name or 'schemathesis'}, from the [contract] "
            "extra: pip install 'jobfakes[contract]'"
        ) from None

    if name not in registry.names():
        raise click.BadParameter(f"unknown API {name!r}; known: {', '.join(registry.names())}")
    if (base_url is None) == (cassette is None):
        raise click.UsageError("give exactly one of --base-url and --cassette")
    if sum(x is not None for x in (token, api_key, user)) > 1:
        raise click.UsageError("give one kind of credentials: --token, --api-key or --user")
    if cassette is not None:
        try:
            interactions = load(cassette)
        except JobFakesError as error:
            raise click.ClickException(str(error)) from None
        mismatches, checked = checks.check_cassette(name, interactions)
        counts = [(f"{i.method} {i.uri} -> {i.status}", 1) for i in interactions]
        summary = f"{name}: {checked} recorded responses of {cassette} checked"
    else:
        assert base_url is not None
        headers = checks.auth_headers(token, api_key, user, password)
        problem = checks.unreachable(base_url)
        if problem:
            raise click.ClickException(problem)
        statuses: list[int] = []
        progress = Reporter()  # a bar on a terminal; its report alone otherwise
        mismatches, counts = checks.run_live(
            name,
            base_url,
            headers,
            max_examples,
            seed,
            statuses,
            progress if progress.bar else None,
        )
        progress.close()
        summary = (
            f"{name}: {len(counts)} endpoints, {sum(n for _, n in counts)} requests to {base_url}"
        )
        limited = checks.rate_limited(statuses)
        if limited:
            click.echo(f"{summary}: {limited}")
            sys.exit(1)
    if report:
        key = (lambda m: m.example) if cassette else (lambda m: m.endpoint)
        checks.junit(report, name, mismatches, counts, key)
    for mismatch in mismatches:
        click.echo(mismatch.short())
    if mismatches:
        click.echo(f"{summary}: {len(mismatches)} mismatch(es) with the contract")
        sys.exit(1)
    click.echo(f"{summary}: conforms to the contract")


def _register_scenarios() -> None:
    from jobfakes.scenario.cli import scenario_group, verify_command

    main.add_command(scenario_group)
    main.add_command(verify_command)


_register_scenarios()


def _register_harvest() -> None:
    from jobfakes.harvest import harvest

    main.add_command(harvest)


_register_harvest()
