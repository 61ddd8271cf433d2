"""A requests transport adapter that calls a WSGI app in process: no socket, same HTTP."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3 import HTTPResponse
from urllib3.exceptions import DecodeError, ProtocolError
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder, run_wsgi_app

from jobfakes.core.guard import INPROCESS


def call_app(
    app: Any, method: str, url: str, headers: list[tuple[str, str]], body: bytes | None
) -> tuple[str, Headers, bytes]:
    """One HTTP exchange with a WSGI app in process: (status line, headers, body)."""
    parts = urlsplit(url)
    builder = EnvironBuilder(
        path=parts.path or "/",
        base_url=f"{parts.scheme}://{parts.netloc}",
        query_string=parts.query,
        method=method,
        headers=headers,
        data=body or b"",
    )
    try:
        environ = builder.get_environ()
        environ[INPROCESS] = True
    finally:
        builder.close()
    app_iter, status, response_headers = run_wsgi_app(app, environ)  # a reset fault raises
    return status, response_headers, _read(app_iter)


class CutBody(ConnectionResetError):
    """The connection dropped after `got` bytes of the body (a fault cut it)."""

    def __init__(self, got: int, error: ConnectionResetError):
        super().__init__(*error.args)
        self.got = got


class WSGIAdapter(BaseAdapter):
    """Mount on a `requests.Session` for a base URL: `session.mount(url, WSGIAdapter(app))`."""

    def __init__(self, app: Any):
        super().__init__()
        self.app = app

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        body = request.body.encode() if isinstance(request.body, str) else request.body
        try:
            status, headers, content = call_app(
                self.app,
                request.method or "GET",
                request.url or "",
                list(request.headers.items()),
                body if isinstance(body, bytes) else b"".join(body or ()),
            )
        except CutBody as error:  # what requests raises for a body dropped mid-way
            broken = ProtocolError(f"Connection broken: IncompleteRead({error.got} bytes read)")
            raise requests.exceptions.ChunkedEncodingError(broken, request=request) from None
        except ConnectionResetError as error:  # a reset fault: no answer at all
            aborted = ProtocolError("Connection aborted.", error)
            raise requests.ConnectionError(aborted, request=request) from None
        response = requests.Response()
        response.status_code = int(status.split(" ", 1)[0])
        response.reason = status.split(" ", 1)[1] if " " in status else ""
        response.headers = CaseInsensitiveDict(headers.items())
        response.raw = HTTPResponse(
            body=BytesIO(content),
            headers=dict(headers.items()),
            status=response.status_code,
            preload_content=False,
        )
        # `.content` decoded as requests decodes it (a gzipped page reads as JSON)
        try:
            response._content = HTTPResponse(
                body=BytesIO(content), headers=dict(headers.items()), preload_content=False
            ).read(decode_content=True)
        except DecodeError as error:  # a cut gzip body: what requests raises for it
            raise requests.exceptions.ContentDecodingError(error, request=request) from None
        response.url = request.url or ""
        response.request = request
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        return response

    def close(self) -> None:
        pass


def _read(app_iter: Any) -> bytes:
    """The body; a connection dropped mid-body raises `CutBody`."""
    chunks: list[bytes] = []
    try:
        for chunk in app_iter:
            chunks.append(chunk)
    except ConnectionResetError as error:
        raise CutBody(sum(map(len, chunks)), error) from None
    finally:
        close = getattr(app_iter, "close", None)
        if close:
            close()
    return b"".join(chunks)
