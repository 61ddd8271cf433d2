"""`jobfakes harvest FAKE`: walk an API with its reference client, one JSON ad a line on stdout.

The progress (requests made so far) goes to stderr through `jobfakes.progress.Reporter`, so
stdout stays machine-readable: a bar on a terminal, a plain line per request elsewhere.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import click
import orjson
import requests
from requests.adapters import HTTPAdapter

from jobfakes.progress import Reporter

FAKES = ("navfeed", "publicfeed", "parsebot", "jobfeed")


class _CountingAdapter(HTTPAdapter):
    """requests' adapter, calling `report` as each response arrives (the clients send
    prepared requests, which skip a session's hooks, so the count sits at the transport)."""

    def __init__(self, report: Callable[[], None], **options: Any):
        super().__init__(**options)
        self.report = report

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        response = super().send(request, *args, **kwargs)
        self.report()
        return response


def counting_session(base_url: str, report: Callable[[], None]) -> requests.Session:
    """The clients' usual session, calling `report` once each response arrives."""
    from jobfakes.client._http import retrying_session

    session = retrying_session(base_url)
    adapter = _CountingAdapter(report, max_retries=0, pool_maxsize=32)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _ads(fake: str, base_url: str, session: requests.Session, options: dict[str, Any]) -> Any:
    """The ads of one harvest, as the reference client of `fake` reads them."""
    if fake == "navfeed":
        from jobfakes.client.mirror import Mirror
        from jobfakes.client.navfeed import NavFeedClient

        mirror = Mirror(options["mirror"])  # a file keeps the cursor: the next run resumes
        with NavFeedClient(base_url, _needed(options, "token"), session=session) as feed:
            mirror.sync(feed)
        active = sorted(u for u, status in mirror.statuses().items() if status == "ACTIVE")
        return (mirror.content(uuid) for uuid in active)
    if fake == "publicfeed":
        from jobfakes.client.publicfeed import PUBLIC_TOKEN, PublicFeedClient

        token = options["token"] or PUBLIC_TOKEN
        return PublicFeedClient(base_url, token, session=session).harvest_all()
    if fake == "parsebot":
        from jobfakes.client.parsebot import ParseBotClient

        bot = ParseBotClient(base_url, _needed(options, "api_key"), session=session)
        return bot.iter_search(options["q"])
    from jobfakes.client.jobfeed import JobfeedClient, Query

    user, password = _needed(options, "user"), _needed(options, "password")
    jobfeed = JobfeedClient(base_url, user, password, session=session)
    query = Query().text("text", options["q"]) if options["q"] else None
    return jobfeed.iter_search(query)


def _needed(options: dict[str, Any], name: str) -> str:
    value: str | None = options[name]
    if not value:
        raise click.UsageError(f"this fake needs --{name.replace('_', '-')}")
    return value


@click.command("harvest")
@click.argument("fake", type=click.Choice(FAKES))
@click.option("--base-url", required=True, help="Server to walk: a fake, a replay, the real API.")
@click.option("--token", default=None, help="Bearer token (navfeed; publicfeed [public token]).")
@click.option("--api-key", default=None, help="parse.bot X-API-Key.")
@click.option("--user", default=None, help="Jobfeed Basic-auth user.")
@click.option("--password", default=None, help="Jobfeed Basic-auth password.")
@click.option("--q", default=None, help="Search text (parsebot, jobfeed).")
@click.option(
    "--mirror", default=":memory:", show_default=True,
    help="navfeed: the mirror's SQLite file (a second run resumes from its cursor).",
)  # fmt: skip
def harvest(fake: str, base_url: str, **options: Any) -> None:
    """Every ad FAKE's reference client reads, one JSON object a line; progress on stderr."""
    from jobfakes.errors import JobFakesError

    progress = Reporter(delay=0, interval=0)  # off a terminal: one line a request
    task = f"harvest {fake}: requests"
    lock, made = threading.Lock(), [0]

    def responded() -> None:
        with lock:
            made[0] += 1
            progress(task, made[0], None)

    base_url = base_url.rstrip("/")
    ads = 0
    try:
        found: Iterator[dict[str, Any]] = iter(
            _ads(fake, base_url, counting_session(base_url, responded), options)
        )
        for ad in found:
            click.echo(orjson.dumps(ad).decode())
            ads += 1
    except (JobFakesError, requests.RequestException) as error:
        progress.close()
        raise click.ClickException(
            f"harvest {fake} failed after {made[0]} requests: {error}"
        ) from None
    progress(task, made[0], made[0])  # its end: the last line (or the bar) says 100 %
    progress.close()
    click.echo(f"jobfakes harvest: {ads} ads from {fake} in {made[0]} requests", err=True)
