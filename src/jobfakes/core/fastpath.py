"""A response cache in front of Flask, for the hot read paths.

A view that may be replayed marks its request with `cacheable(until)`: the same request
(path, query and the headers a fake reads) then gets the same bytes straight from here while
the world keeps its version and its clock stays before `until` (a token's expiry, say). A
cached answer still goes through the world's sync and into the journal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from flask import request

if TYPE_CHECKING:
    from jobfakes.core.app import Runtime

_MARK = "jobfakes.cache_until"
_KEY_HEADERS = (
    "PATH_INFO",
    "QUERY_STRING",
    "HTTP_HOST",
    "HTTP_AUTHORIZATION",
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_ENCODING",  # a fake may compress (navfeed, as Javalin)
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_X_API_KEY",
)
NEVER = 2**62
STARTED = "jobfakes.started"
BODY_LIMIT = "jobfakes.body_limit"  # environ key: a cut fault's bytes, for the journal


def latency_since(environ: dict[str, Any]) -> int:
    """Real microseconds since the request reached the fast path (0 when it did not)."""
    started = environ.get(STARTED)
    return 0 if started is None else int((time.perf_counter() - started) * 1_000_000)


def drain(app_iter: Iterable[bytes]) -> bytes:
    """The whole body of a WSGI answer, closing its iterable as WSGI requires."""
    try:
        return b"".join(app_iter)
    finally:
        close = getattr(app_iter, "close", None)
        if close:
            close()


def cacheable(until: int = NEVER) -> None:
    """Let the current request's answer be replayed until the world time `until`."""
    request.environ[_MARK] = until


class FastPath:
    """WSGI middleware: answers repeated cacheable GETs without entering Flask."""

    def __init__(self, app: Callable[..., Iterable[bytes]], state: Runtime, size: int = 8192):
        self.app, self.state, self.size = app, state, size
        self._entries: dict[tuple[str | None, ...], tuple[int, str, list[Any], bytes, str]] = {}
        self._version = -1
        self._lock = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        environ[STARTED] = time.perf_counter()  # the journal's latency counts from here
        if environ.get("REQUEST_METHOD") != "GET":
            return self.app(environ, start_response)
        world = self.state.world
        world.sync()
        environ["jobfakes.synced"] = True
        version, now = world.version, world.now()
        key = tuple(environ.get(name) for name in _KEY_HEADERS)
        with self._lock:
            if version != self._version:
                self._entries, self._version = {}, version
            hit = self._entries.get(key)
        if hit is not None and now < hit[0]:
            _, status, headers, body, fake = hit
            self.state.journal.record(
                now,
                "GET",
                environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""),
                int(status[:3]),
                fake,
                latency_since(environ),
                environ.get("jobfakes.fault"),
                min(len(body), environ.get(BODY_LIMIT, len(body))),
            )
            start_response(status, headers)
            return [body]
        return self._miss(environ, start_response, key, version)

    def _miss(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        key: tuple[str | None, ...],
        version: int,
    ) -> Iterable[bytes]:
        captured: list[Any] = []

        def capture(status: str, headers: list[Any], exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return (
                start_response(status, headers, exc_info)
                if exc_info
                else start_response(status, headers)
            )

        chunks = self.app(environ, capture)
        until = environ.get(_MARK)
        if until is None or not self.size:  # size 0: the cache is off
            return chunks
        body = drain(chunks)
        with self._lock:
            if version == self._version == self.state.world.version:
                if len(self._entries) >= self.size:
                    self._entries.clear()
                self._entries[key] = (
                    until,
                    captured[0],
                    list(captured[1]),
                    body,
                    environ.get("jobfakes.fake", ""),
                )
        return [body]
