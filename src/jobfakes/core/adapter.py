"""A requests transport adapter that calls a WSGI app in process: no socket, same HTTP."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3 import HTTPResponse
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder, run_wsgi_app

from jobfakes.core.fastpath import drain
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
    app_iter, status, response_headers = run_wsgi_app(app, environ)
    return status, response_headers, drain(app_iter)


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
        status, headers, content = call_app(
            self.app,
            request.method or "GET",
            request.url or "",
            list(request.headers.items()),
            body if isinstance(body, bytes) else b"".join(body or ()),
        )
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
