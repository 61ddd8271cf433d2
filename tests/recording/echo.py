"""An upstream on 127.0.0.1 that echoes what it gets, compressed as asked, plus secrets of its own.

`GET|POST /echo/<format>/<encoding>/<framing>`: format `json`, `form` or `text`; encoding
`gzip`, `deflate`, `br` or `identity`; framing `chunked` or `length`. The answer holds the
request's method, URI, headers and (decoded) body, and secrets only the answer carries, derived
from the `X-Request-Id` header (`answer_secrets`): a Set-Cookie, a Location and a Link with a
token in their query, an `X-Api-Token` header and an `access_token` in the body.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import threading
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import brotli
import orjson
from werkzeug.serving import WSGIRequestHandler, make_server

ENCODERS: dict[str, Any] = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
    "identity": lambda data: data,
}
DECODERS: dict[str, Any] = {
    "gzip": gzip.decompress,
    "deflate": zlib.decompress,
    "br": brotli.decompress,
}


def answer_secrets(request_id: str) -> dict[str, str]:
    """The secrets the answer to a request carries (a test knows them from the request id)."""
    return {
        kind: "A" + hashlib.sha256(f"{request_id}/{kind}".encode()).hexdigest()[:20]
        for kind in ("cookie", "location", "link", "header", "body")
    }


def _request(environ: dict[str, Any]) -> tuple[str, dict[str, str], str]:
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ["PATH_INFO"]
    headers = {
        key[5:].replace("_", "-").title(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = environ["CONTENT_TYPE"]
    length = environ.get("CONTENT_LENGTH") or ""
    body = environ["wsgi.input"].read(int(length)) if length.isdigit() else b""
    coding = headers.get("Content-Encoding", "")
    if body and coding in DECODERS:
        body = DECODERS[coding](body)
    return str(uri), headers, body.decode("utf-8", "replace")


def _render(kind: str, echo: dict[str, Any]) -> tuple[str, bytes]:
    if kind == "json":
        return "application/json", orjson.dumps(echo)
    flat = [("method", echo["method"]), ("uri", echo["uri"]), ("body", echo["body"])]
    flat += [*echo["headers"].items(), ("access_token", echo["access_token"])]
    if kind == "form":
        return "application/x-www-form-urlencoded", urlencode(flat).encode()
    return "text/plain; charset=utf-8", "\n".join(f"{k}: {v}" for k, v in flat).encode()


def app(environ: dict[str, Any], start: Any) -> list[bytes] | Iterator[bytes]:
    parts = environ["PATH_INFO"].strip("/").split("/")
    kind, coding, framing = [*parts, "json", "identity", "length"][1:4]
    uri, headers, body = _request(environ)
    planted = answer_secrets(headers.get("X-Request-Id", ""))
    echo = {"method": environ["REQUEST_METHOD"], "uri": uri, "headers": headers, "body": body}
    echo["access_token"] = planted["body"]
    content_type, data = _render(kind, echo)
    data = ENCODERS[coding](data)
    out = [
        ("Content-Type", content_type),
        ("Set-Cookie", f"sessionid={planted['cookie']}; Path=/; HttpOnly"),
        ("Location", f"/next?access_token={planted['location']}&page=2"),
        ("Link", f'</echo/json/identity/length?auth_token={planted["link"]}>; rel="next"'),
        ("X-Api-Token", planted["header"]),
    ]
    if coding != "identity":
        out.append(("Content-Encoding", coding))
    if framing == "chunked":  # no length: werkzeug sends it chunked
        start("200 OK", out)
        return iter([data[: len(data) // 2], data[len(data) // 2 :]])
    start("200 OK", [*out, ("Content-Length", str(len(data)))])
    return [data]


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def echo_upstream() -> Iterator[str]:
    """The echo app served on 127.0.0.1 in a thread; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
