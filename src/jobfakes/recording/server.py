"""WSGI apps for `jobfakes replay` (a cassette served over HTTP) and `jobfakes record` (a proxy).

Both are plain WSGI (no Flask): the replay app must send recorded status lines, headers and
bodies exactly, which a framework's response object would "fix" (a 304's headers, a body's
length). Each has a small control plane under /__admin/.
"""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import orjson
import requests

from jobfakes.recording import cassette as cassettes
from jobfakes.recording.cassette import Headers, Interaction
from jobfakes.recording.matching import Matcher, Player
from jobfakes.recording.recorder import capture
from jobfakes.recording.redact import Redactor

StartResponse = Callable[..., Any]
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
NO_BODY = {204, 304}
REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 429: "Too Many Requests"}


def _json(
    start: StartResponse, status: str, data: Any, extra: Headers | None = None
) -> list[bytes]:
    body = orjson.dumps(data, option=orjson.OPT_INDENT_2)
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    headers += [(k, v) for k, vs in (extra or {}).items() for v in vs]
    start(status, headers)
    return [body]


def _read_body(environ: dict[str, Any]) -> bytes | None:
    length = environ.get("CONTENT_LENGTH") or ""
    stream = environ["wsgi.input"]
    if length.isdigit():
        data: bytes = stream.read(int(length))
    elif environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
        data = stream.read()
    else:
        data = b""
    return data or None


def _request_headers(environ: dict[str, Any]) -> Headers:
    headers: Headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").title()
            headers[name] = [value]
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers[name] = [environ[key]]
    return headers


def _target(environ: dict[str, Any]) -> str:
    """Path and query as the client sent them (the raw URI when the server keeps it)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw and raw.startswith("/"):
        return str(raw)
    query = environ.get("QUERY_STRING", "")
    path = str(environ.get("PATH_INFO", "/")).encode("latin-1").decode("utf-8", "replace")
    return path + (f"?{query}" if query else "")


def response_lines(item: Interaction) -> tuple[str, list[tuple[str, str]], list[bytes]]:
    """Status line, headers and body of a recorded answer, as sent to a client."""
    message = item.message or REASONS.get(item.status, "")
    status = f"{item.status} {message}".rstrip()
    headers = [(k, v) for k, vs in item.headers.items() if k.lower() not in HOP_BY_HOP for v in vs]
    if item.status in NO_BODY:
        return status, headers, []
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(item.body))))
    return status, headers, [item.body]


class ReplayApp:
    """Serves the recorded answers of a cassette; a miss is a 404 that says what was missing."""

    def __init__(
        self,
        interactions: Iterable[Interaction],
        matcher: Matcher | None = None,
        redactor: Redactor | None = None,
        *,
        repeat_last: bool = False,
        name: str = "cassette",
    ):
        self.name = name
        self.player = Player(list(interactions), matcher, redactor, repeat_last=repeat_last)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], **options: Any) -> ReplayApp:
        return cls(cassettes.load(path), name=os.fspath(path), **options)

    def __call__(self, environ: dict[str, Any], start: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path.startswith("/__admin/"):
            return self._admin(environ, start, path)
        scheme = environ.get("wsgi.url_scheme", "http")
        host = environ.get("HTTP_HOST", "localhost")
        method = environ.get("REQUEST_METHOD", "GET")
        live = self.player.normalise(
            method,
            f"{scheme}://{host}{_target(environ)}",
            _request_headers(environ),
            _read_body(environ),
        )
        found = self.player.find(live)
        if found is None:
            miss = self.player.miss(live)
            return _json(
                start,
                "404 Not Found",
                {
                    "error": "jobfakes replay: no recorded answer for this request",
                    "request": live.describe(),
                    "detail": str(miss),
                    "matchers": list(self.player.matcher.match_on),
                    "nearest": [{"request": i.describe(), "failed": f} for i, f in miss.nearest],
                },
                {"X-Jobfakes-Replay": ["miss"]},
            )
        status, headers, body = response_lines(found)
        start(status, headers)
        return body

    def _admin(self, environ: dict[str, Any], start: StartResponse, path: str) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/__admin/health":
            return _json(start, "200 OK", {"status": "ok", "cassette": self.name})
        if path == "/__admin/reset" and method == "POST":
            self.player.reset()
            return _json(start, "200 OK", {"reset": True})
        if path == "/__admin/replay":
            player = self.player
            return _json(
                start,
                "200 OK",
                {
                    "cassette": self.name,
                    "interactions": len(player.interactions),
                    "played": sum(1 for count in player.played if count),
                    "unplayed": [item.describe() for item in player.unplayed()],
                },
            )
        return _json(start, "404 Not Found", {"error": f"no admin route {method} {path}"})


def request_handler() -> Any:
    """werkzeug's request handler, minus the Server and Date headers it adds of its own.

    A replay sends the recorded headers only: a recorded Date or Server is kept as it was (and
    not doubled), and an answer recorded without them gets none. (gunicorn replaces both.)
    """
    from werkzeug.serving import WSGIRequestHandler

    class ReplayRequestHandler(WSGIRequestHandler):
        def send_response(self, code: int, message: str | None = None) -> None:
            self.log_request(code)
            self.send_response_only(code, message)

    return ReplayRequestHandler


def redacting_request_handler(redactor: Redactor | None = None) -> Any:
    """werkzeug's request handler whose log lines are redacted (a query's secrets, e-mails).

    The log is redacted even when the cassette is not (`--no-redact`): a terminal is shared.
    """
    from werkzeug.serving import WSGIRequestHandler

    rules = redactor if redactor is not None and redactor.enabled else Redactor()

    class RedactingRequestHandler(WSGIRequestHandler):
        def log(self, type: str, message: str, *args: Any) -> None:
            super().log(type, "%s", rules.text(message % args))

    return RedactingRequestHandler


PROGRESS_TASK = "recording: interactions written"


class CassetteWriter:
    """Writes redacted interactions to a cassette file as they happen; `close` tidies it.

    Every byte is redacted before it is written: an interaction is appended redacted with every
    secret learned so far, and when one brings a new secret the whole file is rewritten
    (atomically) with it scrubbed from the earlier ones too. The file is valid YAML after every
    interaction, so a killed proxy leaves a clean, usable cassette; `close` rewrites it in
    VCR.py's layout.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        redactor: Redactor | None = None,
        progress: Callable[[str, int, int | None], None] | None = None,
    ):
        self.path = Path(path)
        self.redactor = redactor or Redactor()
        self.progress = progress  # hears of each interaction written (jobfakes.progress)
        self.interactions: list[Interaction] = []
        self._clean: list[Interaction] = []  # all redacted with every secret in _secrets
        self._secrets: set[str] = set()
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._rewrite()

    def add(self, item: Interaction) -> None:
        with self._lock:  # the progress told in order, under the lock
            self._add(item)
            if self.progress:
                self.progress(PROGRESS_TASK, len(self.interactions), None)

    def _add(self, item: Interaction) -> None:
        """Under `self._lock`."""
        self.interactions.append(item)
        new = self.redactor.learned(item) - self._secrets if self.redactor.enabled else set()
        self._secrets |= new
        if new and self._clean:
            self._clean = [self.redactor.redact(i, self._secrets) for i in self.interactions]
            self._rewrite()
            return
        clean = self.redactor.redact(item, self._secrets)
        self._clean.append(clean)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(_items_yaml([clean]))

    def _rewrite(self) -> None:
        header = f"version: {cassettes.VERSION}\ninteractions:\n"
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(header + _items_yaml(self._clean), encoding="utf-8")
        os.replace(temporary, self.path)

    def close(self) -> None:
        with self._lock:
            cassettes.save(self.path, self._clean)


def _items_yaml(items: list[Interaction]) -> str:
    import yaml

    if not items:
        return ""
    dicts = [item.to_dict() for item in items]
    text: str = yaml.dump(dicts, Dumper=cassettes._dumper(), allow_unicode=True, width=1000)
    return text


class RecordingProxy:
    """Forwards every request to `upstream` and writes each exchange to a cassette."""

    def __init__(self, upstream: str, writer: CassetteWriter, record_as: str | None = None):
        parts = urlsplit(upstream)
        self.basic: str | None = None
        if (
            parts.username is not None
        ):  # credentials in the URL: Basic, unless the client sends some
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            self.basic = "Basic " + base64.b64encode(pair.encode()).decode()
            parts = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1])
        self.upstream = urlunsplit(parts).rstrip("/")
        self.shown = Redactor().uri(upstream)  # what the banner and admin route may print
        self.record_as = (record_as or upstream).rstrip("/")
        self.writer = writer
        self.session = requests.Session()
        self.session.trust_env = False

    def __call__(self, environ: dict[str, Any], start: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path == "/__admin/recording":
            return _json(
                start,
                "200 OK",
                {"upstream": self.shown, "cassette": str(self.writer.path),
                 "interactions": len(self.writer.interactions)},
            )  # fmt: skip
        target = _target(environ)
        headers = {
            k: vs[0]
            for k, vs in _request_headers(environ).items()
            if k.lower() not in HOP_BY_HOP and k.lower() not in ("host", "content-length")
        }
        if self.basic and not any(k.lower() == "authorization" for k in headers):
            headers["Authorization"] = self.basic
        request = requests.Request(
            environ.get("REQUEST_METHOD", "GET"),
            self.upstream + target,
            headers=headers,
            data=_read_body(environ),
        ).prepare()
        request.url = self.upstream + target  # as sent: no re-quoting by requests
        try:
            response = self.session.send(request, stream=True, allow_redirects=False, timeout=120)
        except requests.RequestException as error:
            # the exception's text holds the full URL (and its query): only its kind is told
            return _json(
                start,
                "502 Bad Gateway",
                {"error": f"jobfakes record: upstream {self.shown} failed: {type(error).__name__}"},
            )
        try:
            item = capture(request, response)
        finally:
            response.close()
        item.uri = self.record_as + target
        self.writer.add(item)
        status, out_headers, body = response_lines(item)
        start(status, out_headers)
        return body
