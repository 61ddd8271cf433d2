"""The one error root of jobfakes' client side.

JobFakesError
 +-- ClientError            an HTTP exchange with an API failed
 |    +-- Unauthorized      401: missing, bad, expired or revoked credentials
 |    +-- NotFound          404
 |    +-- UpstreamError     any other unexpected status (after retries)
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


class ConfigError(JobFakesError, ValueError):
    pass
