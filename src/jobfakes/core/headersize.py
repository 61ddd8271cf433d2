"""Request lines and headers the real servers would refuse, answered in the fake's own shape.

The servers behind the fakes accept an 8 KiB request line and 8 KiB header fields (Jetty's
8 KiB request header for Javalin, Netty's 8192-byte header limit for Ktor); `serve`'s HTTP
server (granian) lets far longer ones through, so that this middleware, not the server's own
page, answers them: 414 for the line, 431 for a header, in the error body of the fake that owns
the path (a JSON 400-family body on the control plane).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException, RequestHeaderFieldsTooLarge, RequestURITooLarge

MAX_REQUEST_LINE = 8192  # bytes of `METHOD URI HTTP/1.1`
MAX_HEADER_FIELD = 8192  # bytes of one `Name: value`
MAX_HEADERS_TOTAL = 65_536  # bytes of all header fields together


def _request_line(environ: dict[str, Any]) -> int:
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    if query and "?" not in uri:  # werkzeug's test environ leaves the query out of its URI
        uri += f"?{query}"
    method, protocol = environ.get("REQUEST_METHOD", ""), environ.get("SERVER_PROTOCOL", "")
    return len(method) + len(uri.encode("latin-1", "replace")) + len(protocol) + 2


def _too_large(environ: dict[str, Any]) -> HTTPException | None:
    if _request_line(environ) > MAX_REQUEST_LINE:
        return RequestURITooLarge()
    total = 0
    for key, value in environ.items():
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            size = len(key) + 2 + len(str(value).encode("latin-1", "replace"))
            total += size
            if size > MAX_HEADER_FIELD or total > MAX_HEADERS_TOTAL:
                return RequestHeaderFieldsTooLarge()
    return None


class HeaderSize:
    """WSGI middleware: refuse what the real servers' HTTP layers refuse, before any work."""

    def __init__(self, app: Callable[..., Iterable[bytes]], flask_app: Any):
        self.app, self.flask_app = app, flask_app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        error = _too_large(environ)
        if error is None:
            return self.app(environ, start_response)
        from jobfakes.core.app import _http_error

        with self.flask_app.request_context(environ):
            response = _http_error(error)
        result: Iterable[bytes] = response(environ, start_response)
        return result
