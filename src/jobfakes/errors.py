"""The one error root of jobfakes' client side.

JobFakesError
 +-- ClientError            an HTTP exchange with an API failed
 |    +-- Unauthorized      401: missing, bad, expired or revoked credentials
 |    +-- NotFound          404
 |    +-- UpstreamError     any other unexpected status (after retries)
 |    +-- RateLimited       429 still after the retries a client allows itself
 |    +-- CreditsExhausted  a metered API's allowance is used up (parse.bot's 402)
 +-- ConfigError            bad configuration given to a client or server
"""

from __future__ import annotations


class JobFakesError(Exception):
    """Root of every error jobfakes raises on purpose."""


class ClientError(JobFakesError):
    def __init__(self, message: str, status: int | None = None, url: str | None = None):
        super().__init__(message)
        self.status, self.url = status, url


class Unauthorized(ClientError):
    pass


class NotFound(ClientError):
    pass


class UpstreamError(ClientError):
    pass


class RateLimited(ClientError):
    def __init__(self, message: str, status: int | None = None, url: str | None = None,
                 retry_after: float | None = None):  # fmt: skip
        super().__init__(message, status, url)
        self.retry_after = retry_after


class CreditsExhausted(ClientError):
    """No credits left until `retry_after` seconds have passed (the next month)."""

    def __init__(self, message: str, status: int | None = None, url: str | None = None,
                 retry_after: float | None = None):  # fmt: skip
        super().__init__(message, status, url)
        self.retry_after = retry_after


class ConfigError(JobFakesError, ValueError):
    pass
