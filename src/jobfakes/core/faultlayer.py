"""The WSGI layer that carries faults out, outermost, so cached answers suffer them too.

Transport faults use what the WSGI server gives: a connection is reset by setting SO_LINGER
to zero on the server's own socket (`gunicorn.socket`, `werkzeug.socket`), stopping its reads
and raising `ConnectionResetError`, which both gunicorn and werkzeug take as a dropped
connection and close quietly (a close with linger zero sends RST). A body is cut by raising
the same error after its first bytes. In process (`core/adapter.py`) the same errors become
the exceptions requests raises for them.
"""

from __future__ import annotations

import gzip
import http
import socket
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import orjson
from flask import Flask, Response

from jobfakes.core import registry
from jobfakes.core.auth import bearer_token
from jobfakes.core.fastpath import BODY_LIMIT, drain
from jobfakes.core.faults import LATENCY, Fault
from jobfakes.core.guard import INPROCESS

if TYPE_CHECKING:
    from jobfakes.core.app import Runtime
    from jobfakes.core.registry import FakeSpec

FAULT = "jobfakes.fault"  # environ key: the ids of the faults a request took, for the journal
NO_ANSWER = 0  # the journal's status of a request answered by a reset
StartResponse = Callable[..., Any]


class FaultLayer:
    """WSGI middleware: a request that matches an installed fault suffers it."""

    def __init__(self, app: Callable[..., Iterable[bytes]], flask: Flask, state: Runtime):
        self.app, self.flask, self.state = app, flask, state

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        state = self.state
        state.world.sync()
        faults = state.faults.faults()
        if not faults:
            return self.app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        if path.startswith("/__admin"):
            return self.app(environ, start_response)
        spec = registry.owner(state.specs, path)
        method = environ.get("REQUEST_METHOD", "GET")
        chosen = state.faults.take(faults, spec.name if spec else None, method, path, environ)
        if not chosen:
            return self.app(environ, start_response)
        environ[FAULT] = ",".join(fault.id for fault, _ in chosen)
        delay = sum(f.latency_ms(n) for f, n in chosen if f.kind == LATENCY)
        if delay:
            time.sleep(delay / 1000)
        fault, _ = chosen[-1]
        if fault.kind == LATENCY:
            return self.app(environ, start_response)
        action: Callable[..., Iterable[bytes]] = getattr(self, f"_{fault.kind}")
        return action(fault, environ, start_response, spec)

    # ---- answers instead of the fake's --------------------------------------------------------
    def _status(
        self, fault: Fault, environ: dict[str, Any], start_response: StartResponse,
        spec: FakeSpec | None,
    ) -> Iterable[bytes]:  # fmt: skip
        status = fault.params["status"]
        with self.flask.request_context(environ):
            if "body" in fault.params:
                response = Response(
                    fault.params["body"], status, content_type=fault.params["content_type"]
                )
            elif spec is not None and spec.error_body is not None:
                response = spec.error_body(status, _phrase(status))
            else:
                message = f"fault {fault.id}"
                body = {"error": _phrase(status), "status": status, "message": message}
                response = Response(orjson.dumps(body), status, mimetype="application/json")
            if "retry_after" in fault.params:
                response.headers["Retry-After"] = str(fault.params["retry_after"])
        self._journal(environ, status, spec, len(response.get_data()))
        return response(environ, start_response)

    def _reset(
        self, fault: Fault, environ: dict[str, Any], start_response: StartResponse,
        spec: FakeSpec | None,
    ) -> Iterable[bytes]:  # fmt: skip
        self._journal(environ, NO_ANSWER, spec)
        if _server_socket(environ) is None and not environ.get(INPROCESS):
            # granian hands a WSGI app no socket to reset: the nearest it can send is a status
            # line and headers announcing a body, then a dropped connection before any of it
            start_response("200 OK", [("Content-Type", "application/json"), *_DROPPED])
            return _broken_after(b"", environ, fault)
        _break(environ, reset=True)
        raise ConnectionResetError(104, f"connection reset by jobfakes fault {fault.id}")

    # ---- the fake's answer, damaged ---------------------------------------------------------
    def _cut(
        self, fault: Fault, environ: dict[str, Any], start_response: StartResponse,
        spec: FakeSpec | None,
    ) -> Iterable[bytes]:  # fmt: skip
        environ[BODY_LIMIT] = fault.params["after_bytes"]  # the journal counts what was sent
        status, headers, body = self._answer(environ)
        keep = min(fault.params["after_bytes"], max(len(body) - 1, 0))
        mode = fault.params["content_length"]
        length = {"full": len(body), "cut": keep, "none": None}[mode]
        start_response(status, _with_length(headers, length))
        if mode == "cut":
            return [body[:keep]]
        return _broken_after(body[:keep], environ, fault)

    def _malformed(
        self, fault: Fault, environ: dict[str, Any], start_response: StartResponse,
        spec: FakeSpec | None,
    ) -> Iterable[bytes]:  # fmt: skip
        status, headers, body = self._answer(environ)
        if body:  # a NUL byte is valid nowhere in JSON, inside strings neither
            middle = len(body) // 2
            body = body[:middle] + b"\x00" + body[middle:]
        start_response(status, _with_length(headers, len(body)))
        return [body]

    def _drip(
        self, fault: Fault, environ: dict[str, Any], start_response: StartResponse,
        spec: FakeSpec | None,
    ) -> Iterable[bytes]:  # fmt: skip
        status, headers, body = self._answer(environ)
        start_response(status, _with_length(headers, len(body)))
        size, delay = fault.params["chunk_bytes"], fault.params["delay_ms"] / 1000

        def dripping() -> Iterator[bytes]:
            for start in range(0, len(body), size):
                if start:
                    time.sleep(delay)
                yield body[start : start + size]

        return dripping()

    # ---- the world changes around the answer ---------------------------------------------------
    def _publish(
        self, fault: Fault, environ: dict[str, Any], start_response: StartResponse,
        spec: FakeSpec | None,
    ) -> Iterable[bytes]:  # fmt: skip
        for _ in range(fault.params["ads"]):
            self.state.world.create_ad({})
        return self.app(environ, start_response)

    def _stop_ad(
        self, fault: Fault, environ: dict[str, Any], start_response: StartResponse,
        spec: FakeSpec | None,
    ) -> Iterable[bytes]:  # fmt: skip
        status, headers, body = self._answer(environ)
        uuid = fault.params.get("uuid") or self._active_ad_in(body)
        if uuid is not None:
            self.state.world.stop_ad(uuid)
        start_response(status, headers)
        return [body]

    def _revoke_token(
        self, fault: Fault, environ: dict[str, Any], start_response: StartResponse,
        spec: FakeSpec | None,
    ) -> Iterable[bytes]:  # fmt: skip
        status, headers, body = self._answer(environ)
        token = bearer_token(environ.get("HTTP_AUTHORIZATION"))
        if token is not None and spec is not None:
            self.state.world.revoke(spec.name, token)
        start_response(status, headers)
        return [body]

    def _credits_out(
        self, fault: Fault, environ: dict[str, Any], start_response: StartResponse,
        spec: FakeSpec | None,
    ) -> Iterable[bytes]:  # fmt: skip
        """Answer, then use up the caller's credits (a backend with `exhaust_credits`)."""
        status, headers, body = self._answer(environ)
        backend = self.state.backends.get(spec.name) if spec else None
        exhaust = getattr(backend, "exhaust_credits", None)
        if exhaust is not None:
            exhaust(environ)
        start_response(status, headers)
        return [body]

    def _etag_change(
        self, fault: Fault, environ: dict[str, Any], start_response: StartResponse,
        spec: FakeSpec | None,
    ) -> Iterable[bytes]:  # fmt: skip
        """The same lines under another ETag: the page's own id where the body names one (a
        feed page's: still a page that holds these lines), else the ETag with a suffix."""
        status, headers, body = self._answer(environ)
        gzipped = any(n.lower() == "content-encoding" and v == "gzip" for n, v in headers)
        changed = []
        for name, value in headers:
            if name.lower() == "etag":
                value = _page_id(gzip.decompress(body) if gzipped else body) or f"{value}-changed"
            changed.append((name, value))
        start_response(status, changed)
        return [body]

    def _not_modified(
        self, fault: Fault, environ: dict[str, Any], start_response: StartResponse,
        spec: FakeSpec | None,
    ) -> Iterable[bytes]:  # fmt: skip
        """A conditional request answered 304 under the ETag it sent, new lines or not."""
        etag = environ.get("HTTP_IF_NONE_MATCH")
        if not etag:
            return self.app(environ, start_response)
        self._journal(environ, 304, spec)
        start_response("304 NOT MODIFIED", [("ETag", etag)])
        return [b""]

    # ---- helpers ------------------------------------------------------------------------------
    def _answer(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        captured: list[Any] = []

        def capture(status: str, headers: list[Any], exc_info: Any = None) -> Any:
            captured[:] = [status, list(headers)]
            return lambda data: None

        body = drain(self.app(environ, capture))
        return captured[0], captured[1], body

    def _journal(
        self, environ: dict[str, Any], status: int, spec: FakeSpec | None, size: int = 0
    ) -> None:
        self.state.journal.record(
            self.state.world.now(),
            environ.get("REQUEST_METHOD", "GET"),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            status,
            spec.name if spec else None,
            fault=environ.get(FAULT),
            size=size,
        )

    def _active_ad_in(self, body: bytes) -> str | None:
        """The first ad of an answer that is still active (a feed line, a hit, an ad)."""
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        stack, seen = [data], 0
        while stack and seen < 100_000:
            item = stack.pop(0)
            seen += 1
            if isinstance(item, list):
                stack.extend(item)
                continue
            if not isinstance(item, dict):
                continue
            for key in ("id", "uuid", "_id"):
                value = item.get(key)
                if isinstance(value, str) and len(value) == 36:
                    ad = self.state.world.ad(value)
                    if ad is not None and ad.get("status") == "ACTIVE":
                        return value
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        return None


def _page_id(body: bytes) -> str | None:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    ident = data.get("id") if isinstance(data, dict) else None
    return ident if isinstance(ident, str) else None


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _with_length(headers: list[tuple[str, str]], length: int | None) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in headers if k.lower() != "content-length"]
    return kept if length is None else [*kept, ("Content-Length", str(length))]


def _broken_after(head: bytes, environ: dict[str, Any], fault: Fault) -> Iterator[bytes]:
    if head:
        yield head
    _break(environ, reset=False)
    raise ConnectionResetError(104, f"body cut by jobfakes fault {fault.id}")


def _break(environ: dict[str, Any], reset: bool) -> None:
    """Make the server drop this connection once the error is raised: no more reads (so a
    keep-alive loop ends), and with `reset` a close that sends RST instead of FIN."""
    sock = _server_socket(environ)
    if sock is None:
        return  # in process the adapter, under granian the server, turns it into a drop
    try:
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass


_DROPPED = [("Content-Length", "1024")]  # a body announced, never sent


def _server_socket(environ: dict[str, Any]) -> socket.socket | None:
    """The client's socket, where the WSGI server hands it over (gunicorn, werkzeug)."""
    sock = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
    return sock if isinstance(sock, socket.socket) else None
