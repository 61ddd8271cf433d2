"""What every reference client shares: a requests session, one retry policy, status checks.

Retrying lives in one place (`RetryPolicy`) rather than in urllib3's `Retry`, because what a
flaky network does to a client goes past what urllib3 retries: a body cut mid-stream surfaces
as requests' `ChunkedEncodingError` (urllib3's `ProtocolError`) after the status line, and a
body cut with a matching Content-Length only fails when it is parsed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import requests
import urllib3
from requests.adapters import HTTPAdapter

from jobfakes.errors import ClientError, NotFound, RateLimited, Unauthorized, UpstreamError

T = TypeVar("T")
RETRY_STATUSES = frozenset({500, 502, 503, 504})
# Failures of one exchange that say nothing about the request itself: sending it again is safe
# for the reads these clients make.
TRANSIENT: tuple[type[BaseException], ...] = (
    requests.ConnectionError,  # refused, reset, closed before the answer (ProtocolError)
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,  # body cut mid-stream
    requests.exceptions.ContentDecodingError,  # a cut gzip body, wrapped by requests
    urllib3.exceptions.DecodeError,  # a cut gzip body, read from the raw stream
)


class Retryable(Exception):
    """Raised inside an attempt: try again after `wait` seconds (None: the policy's backoff)."""

    def __init__(self, reason: str, wait: float | None = None):
        super().__init__(reason)
        self.wait = wait


@dataclass
class RetryPolicy:
    """Up to `attempts` tries of one call, with exponential backoff between them (doubling
    from `backoff` up to `max_backoff` seconds), a 429's `Retry-After` honoured (up to
    `max_retry_after`). `retries` counts the retries made, for reports and benchmarks."""

    attempts: int = 8
    backoff: float = 0.25
    max_backoff: float = 8.0
    max_retry_after: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    retries: int = field(default=0, compare=False)

    def run(self, attempt: Callable[[], T], what: str = "request") -> T:
        """`attempt()` until it returns; a transient error or `Retryable` is retried, and the
        last one is raised as a `ClientError` (an `UpstreamError` or `RateLimited`)."""
        for number in range(1, self.attempts + 1):
            try:
                return attempt()
            except Retryable as error:
                failure: BaseException = error
                wait = error.wait
            except TRANSIENT as error:
                failure, wait = error, None
            if number == self.attempts:
                break
            self.retries += 1
            if wait is None:
                wait = min(self.max_backoff, self.backoff * 2 ** (number - 1))
            self.sleep(min(wait, self.max_retry_after))
        message = f"{what}: gave up after {self.attempts} attempts; last: {failure}"
        if isinstance(failure, Retryable) and failure.wait is not None:
            raise RateLimited(message, 429, None, failure.wait) from failure
        raise UpstreamError(message) from failure


def transient_status(response: requests.Response) -> None:
    """Raise `Retryable` for a 5xx or a 429 (waiting its `Retry-After`)."""
    status = response.status_code
    if status == 429:
        raise Retryable(f"429 from {response.url}", retry_after(response, 1.0))
    if status in RETRY_STATUSES:
        raise Retryable(f"{status} from {response.url}")


def retry_after(response: requests.Response, default: float) -> float:
    """The answer's `Retry-After` in seconds (`default` when absent or not a number)."""
    try:
        return max(0.0, float(response.headers.get("Retry-After", default)))
    except ValueError:
        return default


def parsed(decode: Callable[[bytes], T], response: requests.Response) -> T:
    """The decoded body of a successful answer; a body that does not decode (cut with a
    matching Content-Length, garbled on the way) is `Retryable`."""
    try:
        return decode(response.content)
    except ValueError as error:  # orjson.JSONDecodeError and json's are ValueErrors
        raise Retryable(f"undecodable body from {response.url}: {error}") from None


def retrying_session(base_url: str, pool: int = 32) -> requests.Session:
    """A session for one API (retries are the clients' `RetryPolicy`, not urllib3's).

    Proxy and CA-bundle settings are read from the environment once, here, instead of on
    every request (which costs requests more than the rest of a call).
    """
    session = requests.Session()
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    session.trust_env = False
    adapter = HTTPAdapter(max_retries=0, pool_maxsize=pool)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def check(response: requests.Response) -> requests.Response:
    """Raise the matching typed error for a failed exchange."""
    status = response.status_code
    if status < 400:
        return response
    detail = response.text[:200]
    message = f"{response.request.method} {response.url} -> {status}: {detail}"
    if status == 401:
        raise Unauthorized(message, status, response.url)
    if status == 404:
        raise NotFound(message, status, response.url)
    raise UpstreamError(message, status, response.url)


__all__ = ["ClientError", "RetryPolicy", "Retryable", "check", "parsed", "retrying_session"]
