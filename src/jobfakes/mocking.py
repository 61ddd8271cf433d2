"""`jobfakes.mock`: the real APIs' hosts answered by the fakes, in process, as moto does for AWS.

    with jobfakes.mock("navfeed") as fakes:
        client = NavFeedClient("https://pam-stilling-feed.nav.no", fakes.token("navfeed"))
        ...  # the code under test, unchanged, talks to the fake
        fakes.admin.advance("PT6H")

    @jobfakes.mock("parsebot", ads=300)
    def test_search(): ...

While active, `requests`, `urllib3` (and so everything built on it) and `httpx` (sync and
async) send requests for the real hosts (`REAL_HOSTS`, plus `hosts=`) into one in-process app
of the fakes. Any other request that would leave the machine raises `NetworkBlocked` (a
`ConnectionError`), unless its host is in `allow=`; loopback stays reachable. As a decorator
each call gets a fresh (reset) world; the pytest fixture `jobfakes_mock` does the same per test.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from io import BytesIO
from typing import Any, TypeVar
from unittest.mock import patch
from urllib.parse import urlsplit

import requests

from jobfakes.core import registry
from jobfakes.core.config import Config, config_with
from jobfakes.core.guard import is_loopback
from jobfakes.errors import ConfigError, JobFakesError

# The real services' hosts and the fake that answers for each.
REAL_HOSTS: dict[str, str] = {
    "pam-stilling-feed.nav.no": "navfeed",
    "pam-stilling-feed.intern.nav.no": "navfeed",
    "arbeidsplassen.nav.no": "publicfeed",
    "arbeidsplassen-gcp.nav.no": "publicfeed",
    "pam-public-feed.intern.nav.no": "publicfeed",
    "api.parse.bot": "parsebot",
    **{
        f"www.jobfeed.{country}": "jobfeed"
        for country in ("nl", "be", "de", "fr", "at", "ch", "co.uk", "it", "es")
    },
}
BASE_URLS = {  # where each API's clients point by default
    "navfeed": "https://pam-stilling-feed.nav.no",
    "publicfeed": "https://arbeidsplassen.nav.no",
    "parsebot": "https://api.parse.bot",
    "jobfeed": "https://www.jobfeed.nl",
}
ADMIN_URL = "http://jobfakes.mock"  # the control plane of a mock, reachable only in process
Function = TypeVar("Function", bound=Callable[..., Any])


class NetworkBlocked(JobFakesError, requests.ConnectionError):
    """A request that would have left the machine while fakes or the network block were on."""


class mock:  # a lower-case name, as moto's and responses' are
    """Route the real APIs' hosts into the fakes: a context manager, decorator or fixture.

    `fakes` are the fakes to answer (default: all); keywords are `Config` settings (`seed`,
    `ads`, `now`, `clock`, ...; default: the plugin's small world on a frozen clock), or pass
    `config=`. `hosts` adds host -> fake routes; `allow` lists hosts that may be reached for
    real. The object is the handle: `admin`, `token()`, `headers()`, `url()`, `app`.
    """

    def __init__(
        self,
        *fakes: str,
        config: Config | None = None,
        hosts: Mapping[str, str] | None = None,
        allow: Iterable[str] = (),
        **settings: Any,
    ):
        known = registry.names()
        for name in fakes:
            if name not in known:
                raise ConfigError(f"unknown fake {name!r}; known: {', '.join(known)}")
        base = config or Config(ads=500, clock="frozen")
        self.config = config_with(base, {"fakes": tuple(fakes) or base.fakes, **settings})
        served = set(self.config.fakes or known)
        routes = {**REAL_HOSTS, **(hosts or {})}
        self.routes = {host.lower(): fake for host, fake in routes.items()}
        self.served = served
        self.allow = {host.lower() for host in allow}
        self._app: Any = None
        self._stack: contextlib.ExitStack | None = None

    # ---- the handle ---------------------------------------------------------------------------
    @property
    def app(self) -> Any:
        if self._app is None:
            from jobfakes.core.app import create_app

            self._app = create_app(self.config)
        return self._app

    @functools.cached_property
    def admin(self) -> Any:
        """The fakes' control plane (`advance`, `ads`, `create_ad`, `requests`, ...)."""
        from jobfakes.admin import Admin
        from jobfakes.core.adapter import WSGIAdapter

        session = requests.Session()
        session.trust_env = False
        session.mount(ADMIN_URL, WSGIAdapter(self.app))
        if self.config.admin_token:
            session.headers["Authorization"] = f"Bearer {self.config.admin_token}"
        return Admin(session, ADMIN_URL)

    def token(self, fake: str = "navfeed", subject: str = "test@example.com") -> str:
        """A bearer token the fake accepts (NAV's feeds)."""
        return str(self.admin.mint_token(fake, subject))

    def headers(self, fake: str) -> dict[str, str]:
        """Credentials for `fake` as headers: a token, parse.bot's key or Jobfeed's Basic."""
        spec = registry.spec(fake)
        if spec.auth:
            return {"Authorization": f"Bearer {self.token(fake)}"}
        if spec.session_headers:
            return spec.session_headers(self.app.extensions["jobfakes"].backends[fake])
        return {}

    def url(self, fake: str) -> str:
        """The real base URL of `fake` (which this mock answers)."""
        return BASE_URLS[fake]

    # ---- on and off ---------------------------------------------------------------------------
    def __enter__(self) -> mock:
        if self._stack is not None:
            raise ConfigError("this jobfakes.mock is already active")
        if self._app is not None:
            self.admin.reset()  # a new use, a fresh world
        stack = contextlib.ExitStack()
        for target, replacement in _patches(self):
            stack.enter_context(patch(target, replacement))
        self._stack = stack
        return self

    def __exit__(self, *exc: object) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()

    def __call__(self, function: Function) -> Function:
        if _is_coroutine(function):

            @functools.wraps(function)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await function(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return function(*args, **kwargs)

        return run  # type: ignore[return-value]

    # ---- routing ------------------------------------------------------------------------------
    def route(self, url: str) -> bool:
        """True to answer `url` from the fakes, False to let it through; raises when blocked."""
        host = (urlsplit(url).hostname or "").lower()
        fake = self.routes.get(host)
        if fake is not None and fake in self.served:
            return True
        if fake is not None:
            raise NetworkBlocked(
                f"{host} is the {fake} API, which this jobfakes.mock does not fake "
                f"(it fakes {', '.join(sorted(self.served))}); add {fake!r} to jobfakes.mock()"
            )
        if is_loopback(host) or host in self.allow:
            return False
        raise NetworkBlocked(
            f"jobfakes.mock blocked a request to {host or url}: it is none of the faked hosts "
            f"({', '.join(h for h, f in self.routes.items() if f in self.served)}); pass "
            f"allow=[{host!r}] to let it through, or hosts={{{host!r}: FAKE}} to fake it"
        )


def _is_coroutine(function: Callable[..., Any]) -> bool:
    import inspect

    return inspect.iscoroutinefunction(function)


def _patches(fakes: mock) -> Iterator[tuple[str, Any]]:
    """(target, replacement) for each HTTP stack present."""
    from requests.adapters import HTTPAdapter
    from urllib3.connectionpool import HTTPConnectionPool

    from jobfakes.core.adapter import WSGIAdapter, call_app

    real_send = HTTPAdapter.send
    real_urlopen = HTTPConnectionPool.urlopen
    inner = WSGIAdapter(fakes.app)

    def send(adapter: Any, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        if fakes.route(request.url or ""):
            return inner.send(request, *args, **kwargs)
        return real_send(adapter, request, *args, **kwargs)

    def urlopen(pool: Any, method: str, url: str, body: Any = None, headers: Any = None,
                *args: Any, **kwargs: Any) -> Any:  # fmt: skip
        from urllib3 import HTTPHeaderDict, HTTPResponse

        port = "" if pool.port in (None, 80, 443) else f":{pool.port}"
        full = url if "://" in url else f"{pool.scheme}://{pool.host}{port}{url}"
        if not fakes.route(full):
            return real_urlopen(pool, method, url, body, headers, *args, **kwargs)
        data = body.encode() if isinstance(body, str) else body
        status, answer, content = call_app(
            fakes.app, method, full, list(dict(headers or {}).items()), data
        )
        return HTTPResponse(
            body=BytesIO(content),
            headers=HTTPHeaderDict(list(answer.items())),
            status=int(status.split(" ", 1)[0]),
            reason=status.split(" ", 1)[1] if " " in status else "",
            preload_content=kwargs.get("preload_content", True),
            decode_content=kwargs.get("decode_content", True),
            request_method=method,
            request_url=full,
        )

    yield "requests.adapters.HTTPAdapter.send", send
    yield "urllib3.connectionpool.HTTPConnectionPool.urlopen", urlopen
    yield from _httpx_patches(fakes, call_app)


def _httpx_patches(fakes: mock, call_app: Callable[..., Any]) -> Iterator[tuple[str, Any]]:
    try:
        import httpx
    except ImportError:
        return
    real_sync = httpx.HTTPTransport.handle_request
    real_async = httpx.AsyncHTTPTransport.handle_async_request

    def answer(request: Any) -> Any:
        status, headers, content = call_app(
            fakes.app, request.method, str(request.url), list(request.headers.items()),
            request.content,
        )  # fmt: skip
        return httpx.Response(
            int(status.split(" ", 1)[0]), headers=list(headers.items()), content=content
        )

    def handle(transport: Any, request: Any) -> Any:
        if fakes.route(str(request.url)):
            request.read()
            return answer(request)
        return real_sync(transport, request)

    async def handle_async(transport: Any, request: Any) -> Any:
        if fakes.route(str(request.url)):
            await request.aread()
            return answer(request)
        return await real_async(transport, request)

    yield "httpx.HTTPTransport.handle_request", handle
    yield "httpx.AsyncHTTPTransport.handle_async_request", handle_async
