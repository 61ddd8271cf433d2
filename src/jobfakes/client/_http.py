"""What every reference client shares: a requests session with retries, and status checks."""

from __future__ import annotations

import os

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from jobfakes.errors import NotFound, Unauthorized, UpstreamError


def retrying_session(base_url: str, retries: int = 5, backoff: float = 0.2) -> requests.Session:
    """A session that retries connection errors and 5xx answers with exponential backoff.

    Proxy and CA-bundle settings are read from the environment once, here, instead of on
    every request (which costs requests more than the rest of a call).
    """
    session = requests.Session()
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    session.trust_env = False
    policy = Retry(
        total=retries,
        connect=retries,
        read=retries,
        backoff_factor=backoff,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=None,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=policy, pool_maxsize=32)
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
