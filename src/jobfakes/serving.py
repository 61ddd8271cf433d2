"""What `jobfakes serve` needs around the app: its socket, a readiness signal, a request log.

- `reserve` binds the port before anything else happens, so that a port in use is one clear
  message (not a banner and then the server's errors), and `--port 0` knows the port it got;
  the port is released just before the server binds it.
- `announce_when_ready` prints `jobfakes ready at URL` and writes `--ready-file` only once the
  port answers HTTP, as WireMock's and testcontainers' users wait for.
- `RequestLog` writes one line a request (`--log-requests`), credentials and secret query
  values masked by the recorder's redaction rules.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import IO, Any

from jobfakes.errors import ConfigError

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


def reserve(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port) but not listening: the port is ours (connections to it
    are refused, not queued) until the server, which binds it itself, starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"port {port} on {host} is in use; pick another with --port, or --port 0 for "
                "any free one"
            ) from None
        raise ConfigError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


def base_url(host: str, sock: socket.socket) -> str:
    """The URL of a bound socket (the port it got, even when 0 was asked for)."""
    port = sock.getsockname()[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """Whether an HTTP server answers on (host, port); any status counts. A raw socket, not
    http.client: importing that (and the email package) would cost the cold start 30 ms."""
    target = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    try:
        with socket.create_connection((target, port), timeout=timeout) as connection:
            connection.sendall(b"GET /__admin/health HTTP/1.0\r\nHost: localhost\r\n\r\n")
            return connection.recv(5) == b"HTTP/"
    except OSError:
        return False


def announce_when_ready(
    host: str,
    port: int,
    url: str,
    ready_file: str | None,
    stream: IO[str] | None = None,
    give_up: float = 3600.0,
) -> threading.Thread:
    """In the background: once the port answers, print the ready line and write the file."""

    def watch() -> None:
        deadline = time.monotonic() + give_up
        while not answers(host, port):
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)
        if ready_file:
            write_ready_file(ready_file, url)
        out = stream or sys.stdout
        out.write(f"jobfakes ready at {url}\n")
        out.flush()

    thread = threading.Thread(target=watch, name="jobfakes-ready", daemon=True)
    thread.start()
    return thread


def write_ready_file(path: str, url: str) -> None:
    """Write the base URL to `path` at once (rename), and remove it when the server exits."""
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(url + "\n")
    os.replace(temporary, path)
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:  # not in a forked worker
            with contextlib.suppress(OSError):
                os.remove(path)

    atexit.register(remove)


class RequestLog:
    """WSGI middleware: `METHOD target -> status (ms) [credentials]`, one line a request."""

    def __init__(self, app: Any, stream: IO[str] | None = None):
        from jobfakes.recording.redact import Redactor

        self.app, self.stream, self.redactor = app, stream, Redactor()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        began = time.perf_counter()
        status: list[str] = []

        def start(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code.split(" ", 1)[0])
            return start_response(code, headers, exc_info)

        try:
            return self.app(environ, start)  # type: ignore[no-any-return]
        finally:
            self._write(environ, status[0] if status else "-", time.perf_counter() - began)

    def _write(self, environ: Environ, status: str, seconds: float) -> None:
        target = environ.get("PATH_INFO", "/")
        if environ.get("QUERY_STRING"):
            target += "?" + environ["QUERY_STRING"]
        credentials = self.redactor.header_values(
            {
                name: [environ[key]]
                for key, name in (
                    ("HTTP_AUTHORIZATION", "Authorization"),
                    ("HTTP_X_API_KEY", "X-API-Key"),
                )
                if environ.get(key)
            }
        )
        shown = "".join(f" {name}: {values[0]}" for name, values in credentials.items())
        line = (
            f"{environ.get('REMOTE_ADDR', '-')} {environ.get('REQUEST_METHOD', '-')} "
            f"{self.redactor.uri(target)} -> {status} ({seconds * 1000:.1f} ms){shown}\n"
        )
        out = self.stream or sys.stdout
        out.write(line)
        out.flush()
