"""A requests transport adapter that calls a WSGI app in process: no socket, same HTTP."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3 import HTTPResponse
from urllib3.exceptions import ProtocolError
from werkzeug.test import EnvironBuilder, run_wsgi_app

from jobfakes.core.guard import INPROCESS


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
        url = urlsplit(request.url or "")
        body = request.body.encode() if isinstance(request.body, str) else request.body
        builder = EnvironBuilder(
            path=url.path or "/",
            base_url=f"{url.scheme}://{url.netloc}",
            query_string=url.query,
            method=request.method or "GET",
            headers=list(request.headers.items()),
            data=body or b"",
        )
        try:
            environ = builder.get_environ()
            environ[INPROCESS] = True
        finally:
            builder.close()
        try:
            app_iter, status, headers = run_wsgi_app(self.app, environ)
        except ConnectionResetError as error:  # a reset fault: no answer at all
            aborted = ProtocolError("Connection aborted.", error)
            raise requests.ConnectionError(aborted, request=request) from None
        content = _read(app_iter, request)
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
        response._content = HTTPResponse(
            body=BytesIO(content), headers=dict(headers.items()), preload_content=False
        ).read(decode_content=True)
        response.url = request.url or ""
        response.request = request
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        return response

    def close(self) -> None:
        pass


def _read(app_iter: Any, request: requests.PreparedRequest) -> bytes:
    """The body; a connection dropped mid-body raises what requests raises for it."""
    chunks: list[bytes] = []
    try:
        for chunk in app_iter:
            chunks.append(chunk)
    except ConnectionResetError as error:
        got = sum(map(len, chunks))
        broken = ProtocolError(f"Connection broken: IncompleteRead({got} bytes read)", error)
        raise requests.exceptions.ChunkedEncodingError(broken, request=request) from None
    finally:
        close = getattr(app_iter, "close", None)
        if close:
            close()
    return b"".join(chunks)
