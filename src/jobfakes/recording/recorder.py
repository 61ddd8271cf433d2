"""In-process record and replay over a `requests.Session`, with VCR.py's record modes.

    with use_cassette(session, "fixtures/navfeed.yaml", mode="once"):
        session.get(...)

Modes (as in VCR.py): `none` replays only and a miss raises; `once` records when the file does
not exist yet and otherwise behaves as `none`; `new_episodes` replays what it has and records
what it has not; `all` sends every request and rewrites the cassette with this run's exchanges.
The session's transport adapters are wrapped for the duration and restored afterwards, so it
works over a real network, a live fake or the in-process WSGI adapter alike.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from http.client import HTTPMessage
from io import BytesIO
from pathlib import Path
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.cookies import MockRequest, MockResponse
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3 import HTTPHeaderDict, HTTPResponse

from jobfakes.errors import ConfigError
from jobfakes.recording import cassette as cassettes
from jobfakes.recording.cassette import Headers, Interaction
from jobfakes.recording.matching import Matcher, Player
from jobfakes.recording.redact import Redactor

MODES = ("none", "once", "new_episodes", "all")


def request_headers(request: requests.PreparedRequest) -> Headers:
    return {k: [v] for k, v in request.headers.items()}


def request_body(request: requests.PreparedRequest) -> bytes | None:
    body = request.body
    if body is None:
        return None
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    return b"".join(body)  # an iterable of chunks


def response_headers(raw: Any) -> Headers:
    """Headers of a urllib3 response as name -> values, repeated headers kept apart."""
    result: Headers = {}
    for name, value in raw.headers.items():  # urllib3 2: one pair per value
        result.setdefault(name, []).append(value)
    return result


def build_response(request: requests.PreparedRequest, item: Interaction) -> requests.Response:
    """A `requests.Response` that carries a recorded answer exactly (body undecoded in raw)."""
    headers = HTTPHeaderDict()
    for name, values in item.headers.items():
        for value in values:
            headers.add(name, value)  # repeated headers stay apart
    raw = HTTPResponse(
        body=BytesIO(item.body),
        headers=headers,
        status=item.status,
        reason=item.message,
        preload_content=False,
        decode_content=True,
    )
    # What HTTPAdapter.build_response does, without building an adapter (a pool manager) per call.
    response = requests.Response()
    response.status_code = item.status
    response.headers = CaseInsensitiveDict(raw.headers)
    response.encoding = get_encoding_from_headers(response.headers)
    response.raw = raw
    response.reason = item.message
    response.url = request.url or ""
    response.request = request
    if any(name.lower() == "set-cookie" for name in item.headers):
        # what requests does with the http.client message a live urllib3 response carries
        message = HTTPMessage()
        for name, value in headers.items():
            message[name] = value
        jar: Any = response.cookies
        jar.extract_cookies(MockResponse(message), MockRequest(request))
    return response


def capture(request: requests.PreparedRequest, response: requests.Response) -> Interaction:
    """The interaction of a live exchange, its body as it came over the wire (undecoded)."""
    raw = response.raw
    if response._content_consumed or raw is None:  # type: ignore[attr-defined]
        body = response.content or b""  # already decoded by someone: best we have
        headers: Headers = {k: [v] for k, v in response.headers.items()}
    else:
        body = raw.read(decode_content=False) if hasattr(raw, "read") else b""
        headers = response_headers(raw) if hasattr(raw, "headers") else {}
        if not headers:
            headers = {k: [v] for k, v in response.headers.items()}
    item = Interaction(
        method=(request.method or "GET").upper(),
        uri=request.url or "",
        request_headers=request_headers(request),
        request_body=request_body(request),
        status=response.status_code,
        message=response.reason or "",
        headers=headers,
        body=body,
    )
    return item


class CassetteAdapter(BaseAdapter):
    """Wraps a transport adapter: answers from a cassette or records what the inner one gets."""

    def __init__(self, inner: BaseAdapter, recording: Recording):
        super().__init__()
        self.inner, self.recording = inner, recording

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, stream: bool = False, **kwargs: Any
    ) -> requests.Response:
        recording = self.recording
        live = recording.player.normalise(
            request.method or "GET",
            request.url or "",
            request_headers(request),
            request_body(request),
        )
        if recording.mode != "all":
            found = recording.player.find(live)
            if found is not None:
                return build_response(request, found)
            if not recording.may_record:
                raise recording.player.miss(live)
        response = self.inner.send(request, stream=True, **kwargs)
        try:
            item = capture(request, response)
        finally:
            response.close()  # the body is read: give the connection back
        recording.add(item)
        return build_response(request, item)

    def close(self) -> None:
        self.inner.close()


class Recording:
    """One cassette in use: its player, the mode, and the exchanges recorded in this run."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        mode: str = "once",
        *,
        matcher: Matcher | None = None,
        redactor: Redactor | None = None,
        repeat_last: bool = False,
    ):
        if mode not in MODES:
            raise ConfigError(f"record mode {mode!r} is unknown; use one of {', '.join(MODES)}")
        self.path, self.mode = Path(path), mode
        self.redactor = redactor or Redactor()
        exists = self.path.exists()
        loaded = cassettes.load(self.path) if exists and mode != "all" else []
        self.may_record = mode in ("new_episodes", "all") or (mode == "once" and not exists)
        self.player = Player(loaded, matcher, self.redactor, repeat_last=repeat_last)
        if not exists:
            self.player.missing_file = str(self.path)
        self.recorded: list[Interaction] = []
        self.on_exit: Any = None  # set by the pytest fixture: what leaving a `with` block ends

    def __enter__(self) -> Recording:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.on_exit is not None:
            self.on_exit()

    def add(self, item: Interaction) -> None:
        self.recorded.append(item)
        # Matching needs the request as the file will have it; the full redaction (bodies
        # too) happens once, on the way to disk.
        self.player.add(self.redactor.request_side(item))

    def save(self) -> None:
        """Write the cassette (redacted) when this run recorded anything."""
        if not self.recorded:
            return
        cassettes.save(self.path, self.redactor.apply(self.player.interactions))

    @property
    def interactions(self) -> list[Interaction]:
        return self.player.interactions


@contextlib.contextmanager
def use_cassette(
    session: requests.Session,
    path: str | os.PathLike[str],
    mode: str = "once",
    *,
    matcher: Matcher | None = None,
    redactor: Redactor | None = None,
    repeat_last: bool = False,
) -> Iterator[Recording]:
    """Record or replay `session`'s requests with the cassette at `path` (see module doc)."""
    recording = Recording(path, mode, matcher=matcher, redactor=redactor, repeat_last=repeat_last)
    original = dict(session.adapters)
    for prefix, adapter in original.items():
        session.adapters[prefix] = CassetteAdapter(adapter, recording)
    try:
        yield recording
    finally:
        session.adapters.clear()
        session.adapters.update(original)
        recording.save()


def replay_session(
    path: str | os.PathLike[str],
    *,
    matcher: Matcher | None = None,
    redactor: Redactor | None = None,
    repeat_last: bool = False,
) -> tuple[requests.Session, Recording]:
    """A session answered from a cassette only (mode `none`), for any host."""
    session = requests.Session()
    session.trust_env = False
    recording = Recording(path, "none", matcher=matcher, redactor=redactor, repeat_last=repeat_last)
    for prefix, adapter in list(session.adapters.items()):
        session.adapters[prefix] = CassetteAdapter(adapter, recording)
    return session, recording
